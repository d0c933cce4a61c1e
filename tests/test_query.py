"""SPARQL over any source: named queries, safe parameters, result formats, data frames and the CLI."""

from __future__ import annotations

import json
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from test_store import sample_graph, store_to_rdflib, write_store

from kg.cli import main
from kg.errors import KgError, QueryError
from kg.graph import document_iri
from kg.query import (
    bind_inline,
    check_params,
    format_result,
    named_queries,
    named_query,
    parse_params,
    query_source,
    result_rows,
    run_named,
    run_query,
    to_dataframe,
)

NAMES = ("entity", "facts", "mentions", "roles", "rulings", "statements", "tariffs")


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """The sample as a store, a build folder, a Turtle file and a TriG file."""
    tmp = tmp_path_factory.mktemp("query")
    g = sample_graph()
    (tmp / "build").mkdir()
    g.serialize(tmp / "build" / "graph.ttl", format="turtle")
    store = write_store(tmp / "store")
    store_to_rdflib(store).serialize(tmp / "g.trig", format="trig")
    return {
        "store": store,
        "build": tmp / "build",
        "turtle": tmp / "build" / "graph.ttl",
        "trig": tmp / "g.trig",
    }


def rows(result) -> list[tuple[str, ...]]:
    names, found = result_rows(result, sample_graph())
    return [tuple(r) for r in found]


def values(result) -> list[tuple[object, ...]]:
    """Rows as Python values, so "30"^^xsd:decimal (Oxigraph's canonical form) equals "30.0" (rdflib's)."""
    return [tuple(t.toPython() if isinstance(t, Literal) else t for t in row) for row in result]


def table(result) -> list[dict[str, str]]:
    names, found = result_rows(result, sample_graph())
    return [dict(zip(names, r, strict=True)) for r in found]


def test_every_named_query_is_listed_with_title_and_description():
    queries = named_queries()
    assert tuple(queries) == NAMES
    for q in queries.values():
        assert q.sparql.startswith("# title: ")
        assert q.title and q.description
        ox.Store().query(q.sparql)  # parses without kg's predeclared prefixes: portable to other stores


@pytest.mark.parametrize("name", NAMES)
def test_named_queries_agree_across_sources_and_engines(sources, name):
    query = named_query(name)
    bindings = {"entity": Literal("Scott Bessent")} if query.required else {}
    expected = values(run_query(sample_graph(), query.sparql, bindings=bindings))  # rdflib, in memory
    assert expected, f"{name} finds nothing in the sample"
    for kind, source in sources.items():
        assert values(query_source(source, query.sparql, bindings=bindings)) == expected, kind


def test_roles(sources):
    found = table(run_named(sources["store"], "roles"))
    assert {(r["person"], r["role"], r["organization"], r["document"]) for r in found} == {
        ("Scott Bessent", "Treasury Secretary", "United States", "seed-1"),
        ("Scott Bessent", "Treasury Secretary", "United States", "seed-2"),
    }


def test_tariffs_with_rates_and_dates(sources):
    (found,) = table(run_named(sources["turtle"], "tariffs"))
    assert (found["imposer"], found["target"], found["goods"]) == ("United States", "China", "Chinese goods")
    assert (float(found["rate"]), float(found["previousRate"]), found["durationDays"]) == (30, 145, "90")
    assert (found["date"], found["dateText"], found["status"]) == ("2025-05-12", "May 12", "Asserted")


def test_rulings(sources):
    (found,) = table(run_named(sources["store"], "rulings"))
    assert (found["court"], found["action"], found["owner"]) == (
        "Court of International Trade",
        "Blocks",
        "Donald Trump",
    )
    assert found["policy"] == "Donald Trump's tariffs"


def test_facts_have_their_evidence_and_document(sources):
    found = table(run_named(sources["store"], "facts"))
    assert {(r["relation"], r["document"]) for r in found} == {
        ("Membership", "seed-1"),
        ("Tariff", "seed-1"),
        ("Statement", "seed-1"),
        ("Membership", "seed-2"),
        ("CourtRuling", "seed-2"),
    }
    tariff = next(r for r in found if r["relation"] == "Tariff")
    assert tariff["evidence"].startswith("Washington cut its tariff")


def test_statements_and_mentions(sources):
    (said,) = table(run_named(sources["store"], "statements"))
    assert (said["speaker"], said["medium"], said["content"]) == (
        "Scott Bessent",
        "Fox News",
        "a bit stalled",
    )
    mentions = table(run_named(sources["store"], "mentions", params={"document": "seed-2"}))
    assert {(r["entity"], r["type"]) for r in mentions} == {
        ("Scott Bessent", "Person"),
        ("United States", "Country"),
        ("Donald Trump", "Person"),
        ("Court of International Trade", "Court"),
    }


@pytest.mark.parametrize("name", ["Scott Bessent", "bessent", "BESSENT"])
def test_entity_by_label_or_alias_any_case(sources, name):
    found = table(run_named(sources["store"], "entity", params={"entity": name}))
    assert {r["label"] for r in found} == {"Scott Bessent"}
    facts = {(r["predicate"], r["document"]) for r in found if r["direction"] == "in" and r["evidence"]}
    assert ("org:member", "seed-1") in facts and ("kg:speaker", "seed-1") in facts
    assert ("out", "kg:memberOf", "United States") in {
        (r["direction"], r["predicate"], r["value"]) for r in found
    }


@pytest.mark.parametrize(
    "name", ['Bessent" } UNION { ?e ?p ?o } #', "x') || true || ('", "<http://evil/>", ""]
)
def test_parameters_are_values_never_query_text(sources, name):
    assert rows(run_named(sources["store"], "entity", params={"entity": name})) == []


@pytest.mark.parametrize(
    ("params", "count"),
    [({"imposer": "United States"}, 1), ({"imposer": "China"}, 0), ({"target": "China"}, 1)],
)
def test_binding_a_column_filters_on_it(sources, params, count):
    assert len(rows(run_named(sources["store"], "tariffs", params=params))) == count


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"relation": "Tariff"}, 1),
        ({"relation": "Membership"}, 2),
        ({"status": "Asserted"}, 5),
        ({"document": "seed-2"}, 2),
    ],
)
def test_computed_columns_bind_too(sources, params, count):
    assert len(rows(run_named(sources["store"], "facts", params=params))) == count


def test_parse_params():
    assert parse_params(["entity=Scott Bessent", "?x=<https://w3id.org/kgnews/id/china>", "e=a=b"]) == {
        "entity": Literal("Scott Bessent"),
        "x": URIRef("https://w3id.org/kgnews/id/china"),
        "e": Literal("a=b"),
    }
    for bad in ("no-equals", "bad key=1", "=1"):
        with pytest.raises(KgError, match="KEY=VALUE"):
            parse_params([bad])


def test_check_params():
    with pytest.raises(KgError, match=r"has no variable \?nope"):
        check_params("SELECT ?a WHERE { ?a ?b ?c }", {"nope": Literal("1")})
    with pytest.raises(KgError, match='--param entity="…"'):
        check_params(named_query("entity").sparql, {}, required=("entity",))
    with pytest.raises(KgError, match="no named query 'nope'.*roles"):
        named_query("nope")


def test_a_bound_variable_must_be_returned(sources):
    with pytest.raises(QueryError, match="must be one the query returns"):
        query_source(sources["store"], "SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": Literal("x")})


def test_a_bad_query_is_a_query_error(sources):
    with pytest.raises(QueryError, match="does not parse"):
        query_source(sources["store"], "SELECT WHERE {")


def test_document_graphs_are_reachable_with_graph(sources):
    result = query_source(
        sources["store"], "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert {r[0] for r in rows(result)} == {"kgdoc:seed-1", "kgdoc:seed-2"}


def test_ask_and_construct(sources):
    assert rows(query_source(sources["store"], "ASK { ?s a kg:Tariff }")) == [("true",)]
    result = query_source(
        sources["store"], "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a kg:Person ; rdfs:label ?l }"
    )
    assert {str(o) for o in result.graph.objects()} == {"Scott Bessent", "Donald Trump"}


def test_result_formats(sources):
    result = run_named(sources["store"], "roles")
    assert format_result(result, None, "csv").splitlines()[0] == "person,role,organization,status,document"
    assert format_result(result, None, "tsv").splitlines()[1].split("\t")[:2] == [
        "Scott Bessent",
        "Treasury Secretary",
    ]
    assert format_result(result, None, "table").splitlines()[-1] == "(2 rows)"
    parsed = list(
        ox.parse_query_results(format_result(result, None, "json").encode(), ox.QueryResultsFormat.JSON)
    )
    assert len(parsed) == 2 and parsed[0]["person"] == ox.Literal("Scott Bessent")
    assert json.loads(format_result(result, None, "json"))["head"]["vars"][0] == "person"


def test_to_dataframe(sources):
    pytest.importorskip("pandas")
    frame = to_dataframe(run_named(sources["store"], "tariffs"))
    assert list(frame.columns)[:4] == ["imposer", "target", "goods", "rate"]
    assert frame.loc[0, "rate"] == 30.0 and frame["rate"].dtype.kind == "f"
    assert str(frame.loc[0, "date"]) == "2025-05-12"
    assert to_dataframe(query_source(sources["store"], "ASK { ?s ?p ?o }")).loc[0, "ask"]


def test_to_dataframe_without_pandas_says_so(sources, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(KgError, match="needs pandas"):
        to_dataframe(run_named(sources["store"], "roles"))


# --- the command ----------------------------------------------------------------------------------------


def kg(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_list_needs_no_graph():
    result = kg("query", "--list")
    assert result.exit_code == 0
    for q in named_queries().values():
        assert q.title in result.output and q.description in result.output
    assert "--param entity (required)" in result.output


@pytest.mark.parametrize("kind", ["store", "build", "turtle", "trig"])
def test_cli_named_query_on_every_source(sources, kind):
    result = kg("query", sources[kind], "--name", "roles", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "Scott Bessent,Treasury Secretary,United States,Asserted,seed-1",
        "Scott Bessent,Treasury Secretary,United States,Asserted,seed-2",
    ]


def test_cli_param_and_free_query(sources, tmp_path):
    result = kg("query", sources["store"], "--name", "entity", "--param", "entity=Scott Bessent")
    assert result.exit_code == 0 and "Scott Bessent" in result.output
    result = kg(
        "query", sources["turtle"], "SELECT (COUNT(*) AS ?n) WHERE { ?f a kg:Tariff }", "--format", "tsv"
    )
    assert result.output.splitlines() == ["n", "1"]
    (tmp_path / "q.rq").write_text("SELECT ?l WHERE { ?c a kg:Country ; rdfs:label ?l } ORDER BY ?l")
    result = kg("query", sources["store"], "-f", tmp_path / "q.rq", "--param", "l=China", "--format", "csv")
    assert result.output.splitlines() == ["l", "China"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "--name", "roles"), "no GRAPH given"),
        (("query", "{store}", "--name", "nope"), "no named query"),
        (("query", "{store}", "--name", "entity"), '--param entity="…"'),
        (("query", "{store}", "--name", "roles", "--param", "nope=1"), "has no variable ?nope"),
        (("query", "{store}", "SELECT * {}", "--name", "roles"), "one way only"),
        (("query", "{store}"), "no query given"),
        (("query", "{store}", "SELECT WHERE {"), "does not parse"),
        (("query", "missing.ttl", "--name", "roles"), "does not exist"),
    ],
)
def test_cli_errors_are_one_line(sources, args, message):
    result = kg(*(a.replace("{store}", str(sources["store"])) for a in args))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_of_every_named_query_selects_exactly_its_rows(sources, name):
    """Parameters are written into the query as VALUES (to steer Oxigraph's plan): binding a column to a
    value must give exactly the unbound answer's rows with that value, whichever column it is."""
    query = named_query(name)
    base = {"entity": Literal("Scott Bessent")} if query.required else {}
    everything = table(run_named(sources["store"], name, params=base))
    for param in query.params:
        if param in base:
            continue
        seen = sorted({r[param] for r in everything if r.get(param)})
        for value in seen:
            bound = table(run_named(sources["store"], name, params={**base, param: Literal(value)}))
            assert bound == [r for r in everything if r[param] == value], (name, param, value)


def test_an_entity_in_an_unusual_casing_is_still_found(sources):
    # not one of the casings looked up through the index: the lower-case comparison of every name finds it
    found = table(run_named(sources["store"], "entity", params={"entity": "sCOTT bESSENT"}))
    assert {r["label"] for r in found} == {"Scott Bessent"}


def test_rows_are_paged_with_limit_and_offset(sources):
    everything = rows(run_named(sources["store"], "facts"))
    assert len(everything) == 5
    assert rows(run_named(sources["store"], "facts", limit=2)) == everything[:2]
    assert rows(run_named(sources["store"], "facts", limit=2, offset=2)) == everything[2:4]
    assert rows(query_source(sources["turtle"], named_query("facts").sparql, offset=4)) == everything[4:]
    result = kg("query", str(sources["store"]), "--name", "facts", "--limit", "2", "--offset", "1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 3  # header and two rows


def test_a_store_is_queried_in_place_read_only(sources):
    from kg.store import query_store

    store = query_store(sources["store"])
    assert len(store) > 0 and store.contains_named_graph(ox.NamedNode(str(document_iri("seed-1"))))
    with pytest.raises((OSError, RuntimeError)):  # opened read-only where it lies, not copied into memory
        store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")


ROLES_AND_MEDIA = """
@prefix kg: <https://w3id.org/kgnews/ontology#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:d> dcterms:identifier "d" .
<urn:ann> rdfs:label "Ann" . <urn:bob> rdfs:label "Bob" . <urn:acme> rdfs:label "Acme" . <urn:ceo> rdfs:label "CEO" .
<urn:bbc> rdfs:label "BBC" .
<urn:m1> a kg:Membership ; org:member <urn:ann> ; org:organization <urn:acme> ; org:role <urn:ceo> ;
    prov:wasDerivedFrom <urn:d> .
<urn:m2> a kg:Membership ; org:member <urn:bob> ; org:organization <urn:acme> ; prov:wasDerivedFrom <urn:d> .
<urn:s1> a kg:Statement ; kg:speaker <urn:ann> ; kg:medium <urn:bbc> ; kg:evidence "Ann told the BBC." ;
    prov:wasDerivedFrom <urn:d> .
<urn:s2> a kg:Statement ; kg:speaker <urn:bob> ; kg:evidence "Bob said so." ; prov:wasDerivedFrom <urn:d> .
<urn:f1> a kg:Statement ; kg:status kg:Asserted ; kg:evidence "x" ; prov:wasDerivedFrom <urn:d> .
"""


@pytest.mark.parametrize(("name", "params", "column", "expected"), [
    ("roles", {"role": "CEO"}, "person", ["Ann"]),            # a column only an OPTIONAL sets
    ("statements", {"medium": "BBC"}, "speaker", ["Ann"]),
    ("facts", {"status": "Asserted"}, "fact", ["<urn:f1>"]),  # a column set by BIND
    ("roles", {"person": "Bob"}, "role", [""]),               # a required column; its row keeps no role
])
def test_a_bound_column_holds_that_value_and_rows_without_it_do_not_match(tmp_path, name, params, column, expected):
    path = tmp_path / "g.ttl"
    path.write_text(ROLES_AND_MEDIA, encoding="utf-8")
    found = table(run_named(path, name, params=params))
    assert [r[column] for r in found] == expected
    assert all(r[k] == v for r in found for k, v in params.items())


def test_rows_are_sorted_here_as_sparql_orders_them():
    from kg.query import order_key, split_order

    for query in named_queries().values():
        split = split_order(query.sparql)
        assert split is not None and split[1], query.name  # every shipped query is sorted here
        assert "ORDER BY" not in split[0]
    assert split_order("SELECT ?a WHERE { ?a ?b ?c } ORDER BY DESC(?a)") is None  # left to Oxigraph
    assert split_order("SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?c") is None        # ?c is not returned
    assert split_order("SELECT * WHERE { ?a ?b ?c } ORDER BY ?a") is None
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    ranked = [None, ox.BlankNode("b"), ox.NamedNode("urn:a"), ox.Literal("9", datatype=integer),
              ox.Literal("10", datatype=integer), ox.Literal("10.5", datatype=ox.NamedNode(
                  "http://www.w3.org/2001/XMLSchema#decimal")), ox.Literal("Apple"), ox.Literal("apple")]
    assert sorted(reversed(ranked), key=order_key) == ranked


@pytest.mark.parametrize("name", NAMES)
def test_sorting_here_agrees_with_oxigraphs_order_by(sources, name):
    from kg.query import split_order
    from kg.store import query_store

    query = named_query(name)
    bindings = {"entity": Literal("Scott Bessent")} if query.required else {}
    sparql = bind_inline(query.sparql, bindings)
    keys = split_order(sparql)[1]
    here = run_named(sources["store"], name, params=bindings)
    oxigraph = query_source(query_store(sources["store"]), sparql)
    assert [[row[k] for k in keys] for row in here] == [[row[k] for k in keys] for row in oxigraph]
    assert sorted(map(tuple, here)) == sorted(map(tuple, oxigraph))
