"""Stored answers of the named queries (kg.views): always the store's own answer, or not used at all."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal

from kg import views
from kg.cli import main
from kg.query import (
    format_result,
    named_queries,
    named_query,
    named_text,
    query_source,
    result_rows,
    run_named,
    select_result,
    split_order,
)
from kg.store import from_oxigraph, query_store

ROOT = Path(__file__).resolve().parents[1]
VIEWED = sorted(name for name, q in named_queries().items() if views.has_view(q))
LISTED = [name for name in VIEWED if not named_queries()[name].required]  # entity needs its parameter

MORE = """Acme Corp named Dana Whitfield its chief executive on Monday, the company said in a statement.
Whitfield told Reuters that Acme would not raise prices. Canada imposed a 25% tariff on steel from China.
"""


def kg(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def rows(result) -> list[tuple[str, ...]]:
    return [tuple(r) for r in result_rows(result, Graph())[1]]


def in_store(path: Path, name: str, **params) -> list[tuple[str, ...]]:
    """The answer the store itself gives, views aside (an open store is never answered from a view)."""
    store = query_store(path)
    try:
        return rows(run_named(store, name, params=params))
    finally:
        del store


def same_answer(from_view: list, from_store: list, in_listing: list) -> bool:
    """A bound answer from a view is the store's own, row for row, and the rows of the whole listing that
    hold the value, in the listing's order (kg sorts by the ORDER BY columns, then by every column)."""
    return from_view == from_store == in_listing


def printed(text: str | None, fmt: str) -> object:
    """What a reader of ``kg query``'s output sees: the text, or the JSON it holds (rdflib writes its JSON
    with orjson where that is installed, which spaces it differently)."""
    return json.loads(text) if fmt == "json" and text is not None else text


def as_printed(store: Path, name: str, fmt: str, **params) -> object:
    """The store's own answer, views aside, as ``kg query --format FMT`` prints it."""
    return printed(format_result(run_named(query_store(store), name, params=params), None, fmt), fmt)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("views")
    store = tmp / "store"
    result = kg("build", str(ROOT / "seeds"), "--store", str(store), "--no-cache")
    assert result.exit_code == 0, result.output
    return store, result.output


@pytest.fixture
def store(built, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(built[0], copy, ignore=shutil.ignore_patterns("kg-readers.lock"))
    return copy


def test_a_build_stores_the_answers_of_the_named_queries(built):
    store, output = built
    assert "Views:" in output and "kg-views.sqlite" in output
    assert views.current(store) == set(VIEWED)
    assert "entity" in VIEWED and "entity" not in LISTED  # a keyed view: rows by node, nodes by name


def test_a_full_refresh_puts_a_new_file_in_place_and_readers_go_on(store):
    """Refreshing every view writes a new file and renames it over the old one: a reader that opened the
    old one still reads it, and no half-written file is left behind."""
    reader = sqlite3.connect(store / views.VIEWS_FILE)
    before = reader.execute("SELECT COUNT(*) FROM view_mentions").fetchone()
    assert views.refresh(store) == len(VIEWED)
    assert reader.execute("SELECT COUNT(*) FROM view_mentions").fetchone() == before
    reader.close()
    assert sorted(p.name for p in store.glob("kg-views*")) == [views.VIEWS_FILE]
    assert views.current(store) == set(VIEWED)


def names_in(path: Path) -> list[str]:
    """Every label and alias in the store, as a user might type it."""
    store = query_store(path)
    found = store.query("SELECT DISTINCT ?n WHERE { ?e rdfs:label|skos:altLabel ?n }",
                        prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                                  "skos": "http://www.w3.org/2004/02/skos/core#"})
    return sorted(str(row[0].value) for row in found)


@pytest.mark.parametrize("least", [1, 12])
def test_the_entity_query_is_answered_from_its_keyed_view(store, monkeypatch, least):
    """With every node kept (1), each name is answered from the view; with only the nodes of 12 rows or
    more kept, a name that finds a smaller node is left to the store; the answers are the store's."""
    monkeypatch.setattr(views, "KEYED_MIN_ROWS", least)
    assert views.refresh(store, names=["entity"]) == 1 and "entity" in views.current(store)
    query = named_query("entity")
    names = names_in(store)
    assert len(names) > 10
    answered = 0
    for name in names + [names[0].upper(), names[-1].lower(), "no such name"]:
        bound = {"entity": Literal(name)}
        expected = in_store(store, "entity", entity=Literal(name))
        from_view = views.from_view(store, query, bound)
        if from_view is None:  # only for a name of a node with fewer rows than kept
            assert views.text(store, query, bound, "csv") is None
            assert least > 1 and 0 < len(expected) < 3 * least, name
            continue
        answered += 1
        assert rows(from_view) == expected, name
        for fmt in views.TEXT_FORMATS:
            assert printed(views.text(store, query, bound, fmt), fmt) == printed(
                format_result(run_named(query_store(store), "entity", params=bound), None, fmt), fmt), (name, fmt)
        assert rows(views.from_view(store, query, bound, limit=3, offset=1)) == expected[1:4]
        assert rows(run_named(store, "entity", params=bound)) == expected
    assert answered >= (len(names) if least == 1 else 3)
    assert rows(views.from_view(store, query, {"entity": Literal("no such name")})) == []
    # a value the store compares as text (an IRI, a tagged string) is left to the store
    assert views.from_view(store, query, {"entity": Literal(names[0], lang="en")}) is None


@pytest.mark.parametrize("name", LISTED)
def test_every_view_answer_is_the_stores_own(built, name):
    store, _ = built
    assert views.current(store) >= {name}
    query = named_query(name)
    everything = rows(run_named(store, name))
    assert everything == in_store(store, name) and everything
    assert rows(run_named(store, name, limit=2, offset=1)) == everything[1:3]
    columns = [str(v) for v in run_named(store, name).vars]
    for param in query.params:
        index = columns.index(param)
        for value in sorted({r[index] for r in everything if r[index]}):
            from_view = views.from_view(store, query, {param: Literal(value)})
            assert from_view is not None, (name, param)
            assert same_answer(rows(from_view), in_store(store, name, **{param: Literal(value)}),
                               [r for r in everything if r[index] == value]), (name, param, value)
    assert rows(run_named(store, name, params={query.params[0]: Literal("no such value")})) == []


def test_a_write_outside_kg_is_never_answered_from_a_stale_view(store):
    before = rows(run_named(store, "roles"))
    writer = ox.Store(str(store))  # another program writes into the store: kg is not told
    g = next(iter(writer.named_graphs()))
    ns, org = "https://w3id.org/kgnews/ontology#", "http://www.w3.org/ns/org#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    m, p, o = ox.NamedNode("urn:x:m"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o")
    prov = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    doc = next(q.object for q in writer.quads_for_pattern(None, prov, None, g))
    new = [(m, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(ns + "Membership")),
           (m, ox.NamedNode(org + "member"), p), (m, ox.NamedNode(org + "organization"), o), (m, prov, doc),
           (p, ox.NamedNode(rdfs + "label"), ox.Literal("Zed Outsider")),
           (o, ox.NamedNode(rdfs + "label"), ox.Literal("Outside Org"))]
    for graph in (g, ox.DefaultGraph()):
        writer.extend(ox.Quad(*t, graph) for t in new)
    writer.flush()
    del writer
    assert views.current(store) == set()
    assert views.text(store, named_query("roles"), {}, "csv") is None  # no stale text either
    assert "Zed Outsider" in named_text(store, "roles", fmt="csv")
    after = rows(run_named(store, "roles"))
    assert len(after) == len(before) + 1 and any("Zed Outsider" in r for r in after)
    assert rows(run_named(store, "roles", params={"person": Literal("Zed Outsider")})) == \
        [r for r in after if "Zed Outsider" in r]
    assert views.current(store) == {"roles"}  # the listing was kept as the new view


def test_builds_and_removals_keep_the_views_current(store, tmp_path):
    again = kg("build", str(ROOT / "seeds"), "--store", str(store), "--no-cache")
    assert again.exit_code == 0, again.output
    assert "0 of 2 document graphs changed" in again.output and "Views:" not in again.output  # nothing recomputed
    assert views.current(store) == set(VIEWED)

    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "acme.txt").write_text(MORE, encoding="utf-8")
    added = kg("build", str(tmp_path / "more"), "--store", str(store), "--no-cache")
    assert added.exit_code == 0 and "Views:" in added.output
    assert views.current(store) == set(VIEWED)
    documents = {r[0] for r in rows(run_named(store, "mentions"))}
    assert "acme" in documents
    for name in LISTED:
        assert rows(run_named(store, name)) == in_store(store, name), name

    removed = kg("remove", "acme", "--store", str(store))
    assert removed.exit_code == 0, removed.output
    assert views.current(store) == set(VIEWED)
    assert "acme" not in {r[0] for r in rows(run_named(store, "mentions"))}
    assert rows(run_named(store, "facts")) == in_store(store, "facts")


def test_adding_a_few_documents_to_a_larger_store_leaves_the_views_to_the_next_listing(store, tmp_path):
    more = tmp_path / "more"
    more.mkdir()
    for i, place in enumerate(("Ohio", "Texas", "Maine", "Idaho")):
        (more / f"news-{i}.txt").write_text(f"Governor Ann Lee{i} of {place} said on Monday that the state "
                                            "would cut taxes.\n", encoding="utf-8")
    first = kg("build", str(more), "--store", str(store), "--no-cache")  # 4 of 6 graphs: refreshed
    assert first.exit_code == 0 and "Views:" in first.output and views.current(store) == set(VIEWED)
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "acme.txt").write_text(MORE, encoding="utf-8")
    added = kg("build", str(tmp_path / "one"), "--store", str(store), "--no-cache")  # 1 of 7: left stale
    assert added.exit_code == 0 and "Views:" not in added.output and views.current(store) == set()
    assert rows(run_named(store, "mentions")) == in_store(store, "mentions")
    assert "acme" in {r[0] for r in rows(run_named(store, "mentions"))}
    assert views.current(store) == {"mentions"}  # the listing computed its view and kept it
    assert rows(run_named(store, "entity", params={"entity": Literal("acme corp")})) == \
        in_store(store, "entity", entity=Literal("acme corp"))


def test_a_folder_that_takes_no_views_file_still_answers(store):
    (store / views.VIEWS_FILE).unlink()
    (store / views.VIEWS_FILE).mkdir()  # cannot be opened as a database, as on a read-only disk
    assert rows(run_named(store, "roles")) == in_store(store, "roles")
    assert views.refresh(store) == 0 and views.current(store) == set()
    result = kg("query", str(store), "--name", "statements", "--limit", "1")
    assert result.exit_code == 0 and "(1 row)" in result.output


def test_a_damaged_views_file_is_written_again(store):
    (store / views.VIEWS_FILE).write_bytes(b"not a database" * 100)
    assert views.current(store) == set()
    assert rows(run_named(store, "roles")) == in_store(store, "roles")  # answered by the store, kept anew
    assert views.current(store) == {"roles"}


def test_a_changed_query_text_makes_its_view_stale(store, monkeypatch):
    from kg import query as query_module

    original = named_queries()
    descending = original["roles"].sparql.replace("ORDER BY ?person", "ORDER BY DESC(?person)")
    changed = {**original, "roles": dataclasses.replace(original["roles"], sparql=descending)}
    monkeypatch.setattr(query_module, "named_queries", lambda: changed)
    assert "roles" not in views.current(store) and "facts" in views.current(store)
    found = rows(run_named(store, "roles"))
    assert [r[0] for r in found] == sorted((r[0] for r in found), reverse=True)


@pytest.mark.parametrize("name", LISTED)
def test_every_view_writes_the_stores_answer_as_kg_query_prints_it(built, name):
    """CSV, TSV and JSON written from a view's stored row texts: the whole answer, a page and each
    parameter's values, the same text as the store's answer printed by kg query."""
    store, _ = built
    query = named_query(name)
    columns = [str(v) for v in run_named(store, name, limit=0).vars]
    everything = rows(run_named(store, name))
    for fmt in views.TEXT_FORMATS:
        assert printed(views.text(store, query, {}, fmt), fmt) == as_printed(store, name, fmt), (name, fmt)
        page = views.text(store, query, {}, fmt, limit=3, offset=2)
        assert printed(page, fmt) == printed(format_result(run_named(store, name, limit=3, offset=2), None, fmt), fmt)
        for param in query.params:
            for value in sorted({r[columns.index(param)] for r in everything if r[columns.index(param)]})[:5]:
                bound = {param: Literal(value)}
                assert printed(views.text(store, query, bound, fmt), fmt) == \
                    as_printed(store, name, fmt, **bound), (name, param, value, fmt)
        nothing = views.text(store, query, {query.params[0]: Literal("no such value")}, fmt)
        assert printed(nothing, fmt) == as_printed(store, name, fmt, **{query.params[0]: Literal("no such value")})
    assert views.text(store, query, {}, "table") is None  # an aligned table is printed from the rows


def test_kg_query_prints_a_whole_listing_from_the_view(store):
    for fmt in ("csv", "json", "table"):
        result = kg("query", str(store), "--name", "facts", "--format", fmt)
        assert result.exit_code == 0, result.output
        expected = format_result(run_named(query_store(store), "facts"), None, fmt).rstrip("\n")
        assert printed(result.output.rstrip("\n"), fmt) == printed(expected, fmt), fmt
    assert views.current(store) >= {"facts"}


_ODD = st.text(st.sampled_from([",", '"', "\n", "\r", "\t", " ", "a", "Z", "é", "😀", "\\", "'", "\x01"]),
               max_size=8)
_TERMS = st.one_of(
    st.none(), _ODD.map(ox.Literal), _ODD.map(lambda t: ox.Literal(t, language="en")),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(
        lambda d: ox.Literal(str(d), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
    st.sampled_from([ox.NamedNode("https://w3id.org/kgnews/ontology#Tariff"), ox.NamedNode("https://example.org/a,b"),
                     ox.BlankNode("b1")]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TERMS, _TERMS, _TERMS), max_size=5), st.integers(0, 2), _ODD)
def test_rows_are_written_as_kg_query_prints_them(values, hole, asked):
    """Any values (commas, quotes, line breaks, tabs, languages, datatypes, blank nodes, unbound): the
    stored row texts, joined as a view joins them, are what format_result prints; so is a keyed view's
    row with the asked value written into its hole."""
    columns = ["a", "b", "c"]
    # rdflib skips a row with nothing bound; kg's queries bind a value in every row
    values = [row for row in values if any(v is not None for v in row)]
    writer = views._Writer(columns)
    for fmt in views.TEXT_FORMATS:
        expected = printed(format_result(select_result(columns, values), None, fmt), fmt)
        lines = [writer.row(fmt, list(row))[0] for row in values]
        if fmt == "json":
            text = f'{{"results": {{"bindings": [{", ".join(lines)}]}}, "head": {{"vars": {json.dumps(columns)}}}}}'
        else:
            text = ("a,b,c\n" if fmt == "csv" else "a\tb\tc\n") + "".join(f"{line}\n" for line in lines)
        assert printed(text, fmt) == expected
        value = ox.Literal(asked)
        for row in values:
            full = list(row)
            full[hole] = value
            before, after = writer.row(fmt, [None if i == hole else v for i, v in enumerate(row)], hole)
            cell = writer.cell(fmt, value)
            middle = f'"{columns[hole]}": {cell}' if fmt == "json" else cell
            assert before + middle + after == writer.row(fmt, full)[0]


@pytest.mark.parametrize("term", [
    ox.Literal('say "no" \\ then\nnew line\ttab\r\x01\x7f é 😀'), ox.Literal("chef", language="fr"),
    ox.Literal("12.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ox.Literal("2025-05-29", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ox.Literal("plain"), ox.NamedNode("https://w3id.org/kgnews/entity/a_b-(c)"), ox.BlankNode("b0"),
])
def test_values_come_back_from_a_view_as_the_same_terms(term):
    assert views.term(str(term)) == from_oxigraph(term)


REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578" / "reut2-000.sgm"


def test_on_real_news_every_view_answer_is_the_stores_own(nlp, tmp_path, monkeypatch):
    """150 Reuters-21578 stories: each listing, each page and each parameter (its most and least
    frequent values) from the views equal the store's own answers, order included."""
    if not REUTERS.exists():
        pytest.skip(f"needs Reuters-21578 at {REUTERS} (../shared/corpora is absent)")
    import itertools

    from kg.distributed import StoreWriter
    from kg.ingest import read_documents
    from kg.pipeline import extract

    monkeypatch.setattr(views, "KEYED_MIN_ROWS", 40)  # 150 stories: the most-mentioned few reach it
    path = tmp_path / "store"
    writer = StoreWriter(ox.Store(str(path)))
    for ex in extract(itertools.islice(read_documents([REUTERS]), 150), nlp=nlp):
        writer.add(ex)
    writer.close()
    del writer
    assert views.refresh(path) == len(VIEWED) and views.current(path) == set(VIEWED)
    kept = sqlite3.connect(path / views.VIEWS_FILE).execute("SELECT COUNT(*) FROM names_entity WHERE kept").fetchone()
    assert kept[0] > 0  # the United States, Japan and the like: their rows are in the view
    mentioned = Counter(r[3] for r in rows(run_named(path, "mentions")))
    for entity in [e for e, _ in mentioned.most_common(6)] + [e for e, _ in mentioned.most_common()[-3:]]:
        assert rows(run_named(path, "entity", params={"entity": Literal(entity.lower())})) == \
            in_store(path, "entity", entity=Literal(entity.lower())), entity
        assert printed(named_text(path, "entity", params={"entity": entity.lower()}, fmt="json"), "json") == \
            as_printed(path, "entity", "json", entity=Literal(entity.lower())), entity
    for name in LISTED:
        query = named_query(name)
        everything = rows(run_named(path, name))
        assert everything == in_store(path, name), name
        for fmt in views.TEXT_FORMATS:
            assert printed(views.text(path, query, {}, fmt), fmt) == as_printed(path, name, fmt), (name, fmt)
        assert rows(run_named(path, name, limit=7, offset=5)) == everything[5:12]
        columns = [str(v) for v in run_named(path, name, limit=0).vars]
        keys = [columns.index(k) for k in split_order(query.sparql)[1]]  # kg sorts as Oxigraph's ORDER BY does
        by_oxigraph = rows(query_source(query_store(path), query.sparql))
        assert [[r[k] for k in keys] for r in everything] == [[r[k] for k in keys] for r in by_oxigraph], name
        for param in query.params:
            counts = Counter(r[columns.index(param)] for r in everything if r[columns.index(param)])
            ranked = [value for value, _ in counts.most_common()]
            for value in ranked[:4] + ranked[-4:]:
                assert same_answer(rows(run_named(path, name, params={param: Literal(value)})),
                                   in_store(path, name, **{param: Literal(value)}),
                                   [r for r in everything if r[columns.index(param)] == value]), (name, param, value)
