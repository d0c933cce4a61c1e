"""kg.view: RDF -> networkx (nodes, edges, filters) and the self-contained HTML page, without a browser."""
from __future__ import annotations

import datetime as dt
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, Namespace
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from kg.errors import KgError
from kg.view import (
    Evidence,
    ViewSummary,
    find_nodes,
    graph_to_networkx,
    rank_nodes,
    render_html,
    select_subgraph,
)

KG = Namespace("https://w3id.org/kgnews/ontology#")
SCHEMA = Namespace("http://schema.org/")
ID = Namespace("https://w3id.org/kgnews/id/")
DOC = Namespace("https://w3id.org/kgnews/doc/")
FACT = Namespace("https://w3id.org/kgnews/fact/")

INJECTION = "<script>alert(1)</script>"
XSD_DATE = rdflib.XSD.date
XSD_DECIMAL = rdflib.XSD.decimal


def _entity(graph: rdflib.Graph, key: str, cls: rdflib.URIRef, label: str, *aliases: str) -> rdflib.URIRef:
    node = ID[key]
    graph.add((node, RDF.type, cls))
    graph.add((node, RDFS.label, Literal(label)))
    for alias in (label, *aliases):
        graph.add((node, SKOS.altLabel, Literal(alias)))
    return node


def _document(graph: rdflib.Graph, key: str, title: str, date: str,
              *mentions: rdflib.URIRef) -> rdflib.URIRef:
    doc = DOC[key]
    graph.add((doc, RDF.type, KG.Document))
    graph.add((doc, DCTERMS.identifier, Literal(key)))
    graph.add((doc, DCTERMS.title, Literal(title)))
    graph.add((doc, DCTERMS.date, Literal(date, datatype=XSD_DATE)))
    for entity in mentions:
        graph.add((doc, SCHEMA.mentions, entity))
    return doc


def _fact(graph: rdflib.Graph, key: str, cls: rdflib.URIRef, doc: rdflib.URIRef, sentence: str,
          *pairs: tuple[rdflib.URIRef, rdflib.term.Node]) -> rdflib.URIRef:
    fact = FACT[key]
    graph.add((fact, RDF.type, cls))
    graph.add((fact, PROV.wasDerivedFrom, doc))
    graph.add((fact, KG.evidence, Literal(sentence)))
    graph.add((fact, KG.confidence, Literal("0.9", datatype=XSD_DECIMAL)))
    graph.add((fact, KG.status, KG.Asserted))
    for prop, value in pairs:
        graph.add((fact, prop, value))
    return fact


def build_graph() -> rdflib.Graph:
    """A small graph in the shape of docs/graph.md: five relations, two documents, one injected script."""
    g = rdflib.Graph()
    bessent = _entity(g, "scott-bessent", KG.Person, "Scott Bessent", "Bessent")
    treasury = _entity(g, "us-treasury", KG.GovernmentBody, "U.S. Department of the Treasury", "Treasury")
    us = _entity(g, "united-states", KG.Country, "United States", "U.S.", "Washington")
    china = _entity(g, "china", KG.Country, "China", "Beijing")
    swiss = _entity(g, "switzerland", KG.Country, "Switzerland")
    court = _entity(g, "court-of-international-trade", KG.Court, "Court of International Trade")
    trump = _entity(g, "trump-administration", KG.GovernmentBody, "Trump administration")
    reuters = _entity(g, "reuters", KG.NewsOrganization, "Reuters")
    _entity(g, "geneva", KG.Place, "Geneva")
    policy = ID["policy/tariffs"]
    g.add((policy, RDF.type, KG.Policy))
    g.add((policy, RDFS.label, Literal("tariffs")))
    role = ID["role/treasury-secretary"]
    g.add((role, RDF.type, KG.Role))
    g.add((role, RDFS.label, Literal("Treasury Secretary")))

    doc1 = _document(g, "seed-1", "Bessent: tariffs <b>cut</b>", "2025-05-29", bessent, treasury, us, china)
    doc2 = _document(g, "seed-2", "Court blocks tariffs", "2025-05-28", court, trump, us)

    _fact(g, "m1", KG.Membership, doc1, f"Treasury Secretary Scott Bessent said so. {INJECTION}",
          (ORG.member, bessent), (ORG.organization, treasury), (ORG.role, role))
    _fact(g, "t1", KG.Tariff, doc1, "The U.S. cut tariffs on China to 30% from 145%.",
          (KG.imposedBy, us), (KG.target, china), (KG.rate, Literal("30", datatype=XSD_DECIMAL)),
          (KG.previousRate, Literal("145", datatype=XSD_DECIMAL)), (KG.goods, Literal("Chinese goods")),
          (KG.date, Literal("2025-05-12", datatype=XSD_DATE)))
    _fact(g, "c1", KG.CourtRuling, doc2, "The Court of International Trade blocked the tariffs.",
          (KG.court, court), (KG.policy, policy), (KG.policyOwner, trump), (KG.action, KG.Blocks))
    _fact(g, "s1", KG.Statement, doc1, "Bessent told Reuters talks went well.",
          (KG.speaker, bessent), (KG.medium, reuters), (KG.content, Literal("talks went well")))
    _fact(g, "s2", KG.Statement, doc1, "Bessent said nothing more.", (KG.speaker, bessent))
    _fact(g, "n1", KG.Negotiation, doc1, "The U.S., China and Switzerland met in Geneva.",
          (KG.participant, us), (KG.participant, china), (KG.participant, swiss), (KG.place, ID["geneva"]),
          (KG.date, Literal("2025-05-10", datatype=XSD_DATE)))
    return g


@pytest.fixture(scope="module")
def rdf_graph() -> rdflib.Graph:
    return build_graph()


@pytest.fixture(scope="module")
def view_graph(rdf_graph):
    return graph_to_networkx(rdf_graph)


def _node(g, label: str) -> str:
    return next(n for n, d in g.nodes(data=True) if d["label"] == label)


def _edges(g, relation: str) -> list[tuple[str, str, dict]]:
    return [(g.nodes[u]["label"], g.nodes[v]["label"], d) for u, v, d in g.edges(data=True)
            if d["relation"] == relation]


# --- RDF -> networkx ---------------------------------------------------------------------------------


def test_nodes_are_entities_and_policies(view_graph):
    labels = {d["label"] for _, d in view_graph.nodes(data=True)}
    assert labels == {"Scott Bessent", "U.S. Department of the Treasury", "United States", "China",
                      "Switzerland", "Court of International Trade", "Trump administration", "Reuters",
                      "Geneva", "tariffs"}
    assert view_graph.number_of_nodes() == 10


@pytest.mark.parametrize(
    ("label", "fine", "coarse"),
    [
        ("Scott Bessent", "Person", "Person"),
        ("U.S. Department of the Treasury", "GovernmentBody", "Organization"),
        ("Court of International Trade", "Court", "Organization"),
        ("Reuters", "NewsOrganization", "Organization"),
        ("United States", "Country", "Country"),
        ("Geneva", "Place", "Place"),
        ("tariffs", "Policy", "Policy"),
    ],
)
def test_node_types(view_graph, label, fine, coarse):
    data = view_graph.nodes[_node(view_graph, label)]
    assert (data["type"], data["coarse_type"]) == (fine, coarse)


def test_node_aliases_and_mentions(view_graph):
    us = view_graph.nodes[_node(view_graph, "United States")]
    assert us["aliases"] == ("U.S.", "Washington")
    assert us["mentions"] == 2
    assert view_graph.nodes[_node(view_graph, "Scott Bessent")]["mentions"] == 1
    assert view_graph.nodes[_node(view_graph, "Geneva")]["mentions"] == 0


def test_edge_counts(view_graph):
    relations = sorted(d["relation"] for _, _, d in view_graph.edges(data=True))
    # the statement without a medium draws no edge; three negotiators make three pairs;
    # the ruling draws court -> policy and policy -> owner
    assert relations == ["court_ruling", "court_ruling", "membership", "negotiation", "negotiation",
                         "negotiation", "statement", "tariff"]


def test_membership_edge(view_graph):
    [(source, target, data)] = _edges(view_graph, "membership")
    assert (source, target, data["label"]) == ("Scott Bessent", "U.S. Department of the Treasury",
                                               "Treasury Secretary")
    assert data["fact"] == str(FACT.m1)
    assert data["attributes"]["role"] == "Treasury Secretary"
    assert data["attributes"]["confidence"] == pytest.approx(0.9)
    assert data["attributes"]["status"] == "Asserted"
    [evidence] = data["evidence"]
    assert evidence == Evidence(f"Treasury Secretary Scott Bessent said so. {INJECTION}",
                                "Bessent: tariffs <b>cut</b>", dt.date(2025, 5, 29), "seed-1")
    assert data["date"] == dt.date(2025, 5, 29)  # no kg:date: the document's


def test_tariff_edge(view_graph):
    [(source, target, data)] = _edges(view_graph, "tariff")
    assert (source, target, data["label"]) == ("United States", "China", "30%")
    assert data["attributes"]["rate"] == 30
    assert data["attributes"]["previous_rate"] == 145
    assert data["attributes"]["goods"] == "Chinese goods"
    assert data["date"] == dt.date(2025, 5, 12)  # kg:date wins over the document date


def test_tariff_without_rate_is_labelled_tariff():
    g = build_graph()
    g.remove((FACT.t1, KG.rate, None))
    [(_, _, data)] = _edges(graph_to_networkx(g), "tariff")
    assert data["label"] == "tariff"


def test_court_ruling_edges(view_graph):
    edges = {(s, t, d["label"]) for s, t, d in _edges(view_graph, "court_ruling")}
    assert edges == {("Court of International Trade", "tariffs", "blocks"),
                     ("tariffs", "Trump administration", "policy of")}


def test_upholds_ruling():
    g = build_graph()
    g.set((FACT.c1, KG.action, KG.Upholds))
    labels = {d["label"] for _, _, d in _edges(graph_to_networkx(g), "court_ruling")}
    assert "upholds" in labels


def test_statement_and_negotiation_edges(view_graph):
    assert [(s, t, d["label"]) for s, t, d in _edges(view_graph, "statement")] == [
        ("Scott Bessent", "Reuters", "spoke to")]
    pairs = {frozenset((s, t)) for s, t, _ in _edges(view_graph, "negotiation")}
    assert pairs == {frozenset(p) for p in (("United States", "China"), ("United States", "Switzerland"),
                                            ("China", "Switzerland"))}


def test_subclasses_come_from_the_graph():
    g = build_graph()
    g.add((KG.CentralBank, RDFS.subClassOf, KG.GovernmentBody))
    fed = _entity(g, "federal-reserve", KG.CentralBank, "Federal Reserve")
    data = graph_to_networkx(g, ontology=rdflib.Graph()).nodes[str(fed)]
    assert (data["type"], data["coarse_type"]) == ("CentralBank", "Organization")


def test_empty_graph():
    assert graph_to_networkx(rdflib.Graph()).number_of_nodes() == 0


# --- selection -----------------------------------------------------------------------------------------


def _labels(g) -> set[str]:
    return {d["label"] for _, d in g.nodes(data=True)}


@pytest.mark.parametrize(
    ("focus", "hops", "expected"),
    [
        ("bessent", 1, {"Scott Bessent", "U.S. Department of the Treasury", "Reuters"}),
        ("u.s.", 1, {"United States", "China", "Switzerland"}),
        ("Court of International Trade", 1, {"Court of International Trade", "tariffs"}),
        ("court of international trade", 2,
         {"Court of International Trade", "tariffs", "Trump administration"}),
        ("Geneva", 3, {"Geneva"}),
    ],
)
def test_focus(view_graph, focus, hops, expected):
    assert _labels(select_subgraph(view_graph, focus=focus, hops=hops)) == expected


def test_focus_unknown_name(view_graph):
    with pytest.raises(KgError, match="no entity named 'Atlantis'"):
        select_subgraph(view_graph, focus="Atlantis")


def test_find_nodes_by_alias(view_graph):
    assert find_nodes(view_graph, "WASHINGTON") == [str(ID["united-states"])]


def test_top(view_graph):
    sub = select_subgraph(view_graph, top=2)
    assert _labels(sub) == {"United States", "China"}
    assert sub.number_of_edges() == 2  # the tariff and their negotiation


def test_top_by_pagerank(view_graph):
    rank = rank_nodes(view_graph, by="pagerank")
    assert sum(rank.values()) == pytest.approx(1.0)
    assert len(select_subgraph(view_graph, top=3, size_by="pagerank")) == 3


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["Person"], {"Scott Bessent"}),
        (["country"], {"United States", "China", "Switzerland"}),
        (["Court", "Policy"], {"Court of International Trade", "tariffs"}),
        (["Organization"], {"U.S. Department of the Treasury", "Court of International Trade",
                            "Trump administration", "Reuters"}),
    ],
)
def test_types(view_graph, types, expected):
    assert _labels(select_subgraph(view_graph, types=types)) == expected


def test_types_keep_edges_between_kept_nodes(view_graph):
    assert select_subgraph(view_graph, types=["Country"]).number_of_edges() == 4


def test_unknown_type(view_graph):
    with pytest.raises(KgError, match="unknown entity type 'Persn'"):
        select_subgraph(view_graph, types=["Persn"])


@pytest.mark.parametrize(
    ("relations", "expected_nodes", "expected_edges"),
    [
        (["tariff"], {"United States", "China"}, 1),
        (["CourtRuling"], {"Court of International Trade", "tariffs", "Trump administration"}, 2),
        (["membership", "statement"], {"Scott Bessent", "U.S. Department of the Treasury", "Reuters"}, 2),
    ],
)
def test_relations(view_graph, relations, expected_nodes, expected_edges):
    sub = select_subgraph(view_graph, relations=relations)
    assert _labels(sub) == expected_nodes
    assert sub.number_of_edges() == expected_edges


def test_unknown_relation(view_graph):
    with pytest.raises(KgError, match="unknown relation 'taxes'"):
        select_subgraph(view_graph, relations=["taxes"])


def test_since(view_graph):
    sub = select_subgraph(view_graph, since=dt.date(2025, 5, 11))
    assert "negotiation" not in {d["relation"] for _, _, d in sub.edges(data=True)}
    assert sub.number_of_edges() == 5
    assert select_subgraph(view_graph, since=dt.date(2025, 5, 29)).number_of_edges() == 2


def test_selection_copies(view_graph):
    sub = select_subgraph(view_graph)
    assert sub is not view_graph
    assert (sub.number_of_nodes(), sub.number_of_edges()) == (10, 8)


# --- HTML ----------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def page(rdf_graph, tmp_path_factory) -> tuple[ViewSummary, str]:
    path = tmp_path_factory.mktemp("view") / "view.html"
    summary = render_html(rdf_graph, path, title="Tariffs & <courts>")
    return summary, path.read_text(encoding="utf-8")


def test_summary(page):
    summary, _ = page
    assert summary == ViewSummary(nodes=10, edges=8, truncated=False, note="")


def test_page_has_the_labels(page):
    _, html = page
    for label in ("Scott Bessent", "U.S. Department of the Treasury", "Treasury Secretary", "30%", "blocks"):
        assert label in html


def test_page_is_self_contained(page):
    _, html = page
    tags = _tags(html)
    for tag, attrs in tags:
        for name in ("src", "href", "action", "data", "poster"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
    assert not [attrs for tag, attrs in tags if tag == "script" and "src" in attrs]
    assert not [attrs for tag, attrs in tags if tag == "link"]
    assert "bootstrap" not in html.lower()
    assert "vis.Network" in html and "vis-network" in html  # the library is inlined


def test_page_has_the_csp(page):
    _, html = page
    [csp] = [attrs for tag, attrs in _tags(html)
             if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    assert csp["content"] == ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                              "img-src data:")


def test_page_escapes_document_text(page):
    _, html = page
    assert INJECTION not in html
    assert "<b>cut</b>" not in html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html  # present, as JSON-escaped text
    assert "<title>Tariffs &amp; &lt;courts&gt;</title>" in html


def test_page_has_controls(page):
    _, html = page
    ids = {attrs.get("id") for _, attrs in _tags(html)}
    assert {"kg-search", "kg-physics", "kg-types", "kg-relations", "mynetwork", "kg-summary"} <= ids
    type_filters = {attrs["value"] for _, attrs in _tags(html)
                    if "kg-type-filter" in (attrs.get("class") or "")}
    assert type_filters == {"Person", "GovernmentBody", "Court", "NewsOrganization", "Country", "Place",
                            "Policy"}
    assert re.search(r'"solver":"forceAtlas2Based"', html)
    assert re.search(r'"iterations":200', html)


def test_max_nodes_truncates(rdf_graph, tmp_path):
    path = tmp_path / "view.html"
    summary = render_html(rdf_graph, path, max_nodes=3)
    assert summary.truncated and summary.nodes == 3
    assert "only the most connected part" in summary.note.lower()
    assert summary.note.replace("&", "&amp;") in path.read_text(encoding="utf-8")


def test_render_filters(rdf_graph, tmp_path):
    summary = render_html(rdf_graph, tmp_path / "v.html", focus="Bessent", relations=["membership"])
    assert (summary.nodes, summary.edges) == (2, 1)


def test_render_empty_graph(tmp_path):
    summary = render_html(rdflib.Graph(), tmp_path / "empty.html", physics=False, size_by="pagerank")
    assert (summary.nodes, summary.edges, summary.truncated) == (0, 0, False)


def test_failed_write_keeps_the_old_file(rdf_graph, tmp_path, monkeypatch):
    path = tmp_path / "view.html"
    path.write_text("the old view", encoding="utf-8")

    def fail(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)  # fails after part of the page is written
    with pytest.raises(OSError, match="disk full"):
        render_html(rdf_graph, path)
    assert path.read_text(encoding="utf-8") == "the old view"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]


def test_write_replaces_and_keeps_mode(rdf_graph, tmp_path):
    path = tmp_path / "view.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    render_html(rdf_graph, path)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]


def test_bad_size_by(rdf_graph, tmp_path):
    with pytest.raises(ValueError, match="size_by"):
        render_html(rdf_graph, tmp_path / "v.html", size_by="betweenness")


def test_str_path(rdf_graph, tmp_path):
    render_html(rdf_graph, str(tmp_path / "v.html"))
    assert Path(tmp_path / "v.html").is_file()


def test_render_creates_the_folder(rdf_graph, tmp_path):
    path = tmp_path / "out" / "deeper" / "graph.html"
    render_html(rdf_graph, path)
    assert path.is_file()


def test_single_names_are_not_split(view_graph):
    assert _labels(select_subgraph(view_graph, types="Person")) == {"Scott Bessent"}
    assert select_subgraph(view_graph, relations="tariff").number_of_edges() == 1


def test_large_views_leave_out_entities_in_no_fact(rdf_graph, tmp_path, monkeypatch):
    import kg.view

    assert render_html(rdf_graph, tmp_path / "small.html").nodes == 10  # small: Geneva, in no fact, stays
    summary = render_html(rdf_graph, tmp_path / "without.html", include_isolated=False)
    assert (summary.nodes, summary.edges) == (9, 8)
    left_out = "1 entity is in no fact with another entity and not shown (--include-isolated shows them)."
    assert summary.note == left_out
    monkeypatch.setattr(kg.view, "ISOLATED_LIMIT", 5)  # now the graph counts as large
    assert render_html(rdf_graph, tmp_path / "large.html").nodes == 9
    assert render_html(rdf_graph, tmp_path / "all.html", include_isolated=True).nodes == 10
    both = render_html(rdf_graph, tmp_path / "cut.html", max_nodes=3)
    assert both.note.startswith("Only the most connected part is shown: 3 of 9 entities")
    assert both.note.endswith(left_out)
