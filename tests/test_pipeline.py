"""End to end: the seed articles through the real model into RDF, checked as a reader would."""
from __future__ import annotations

import pytest
from conftest import ROOT
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from kg.vocab import DCTERMS, KG, ORG, PROV, RDF, RDFS, SCHEMA, SKOS

QUERY_PREFIXES = {"kg": KG._NS, "org": ORG, "prov": PROV, "rdfs": RDFS, "schema": SCHEMA, "skos": SKOS,
                  "dcterms": DCTERMS}


@pytest.fixture(scope="module")
def seeds(nlp, tmp_path_factory):
    """The graph of seeds/ as written to disk by the library, and its path."""
    from kg.graph import build_graph
    from kg.ingest import read_documents
    from kg.pipeline import extract
    from kg.serialize import write_graph

    g = build_graph(extract(read_documents([ROOT / "seeds"]), nlp=nlp))
    path = write_graph(g, tmp_path_factory.mktemp("seeds") / "graph.ttl")
    return g, path


def rows(g: Graph, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in g.query(sparql, initNs=QUERY_PREFIXES)}


def test_both_documents_with_ids_and_dates(seeds):
    g, _ = seeds
    docs = rows(g, "SELECT ?id WHERE { ?d a kg:Document ; dcterms:identifier ?id }")
    assert docs == {("000_11312911529d2842",), ("003_ce54f08870b2a344",)}
    assert rows(g, "SELECT ?date WHERE { ?d dcterms:identifier '003_ce54f08870b2a344' ; dcterms:date ?date }") == {
        ("2025-05-29",)}


def test_bessent_is_treasury_secretary(seeds):
    g, _ = seeds
    found = rows(g, """SELECT ?role ?org WHERE { ?m a kg:Membership ; org:member/rdfs:label "Scott Bessent" ;
                       org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }""")
    assert ("Treasury Secretary", "U.S. Department of the Treasury") in found


def test_he_yongqian_is_spokeswoman_of_chinas_commerce_ministry(seeds):
    g, _ = seeds
    found = rows(g, """SELECT ?role ?org WHERE { ?m a kg:Membership ; org:member/rdfs:label "He Yongqian" ;
                       org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }""")
    assert found == {("spokeswoman", "Ministry of Commerce of China")}


def test_tariffs_with_rates_and_previous_rates(seeds):
    g, _ = seeds
    found = rows(g, """SELECT ?imposer ?target ?rate ?prev WHERE { ?t a kg:Tariff ; kg:imposedBy/rdfs:label ?imposer ;
                       kg:target/rdfs:label ?target ; kg:rate ?rate ; kg:previousRate ?prev }""")
    assert ("United States", "China", "30.0", "145.0") in found
    assert ("China", "United States", "10.0", "125.0") in found
    # the 90-day period and the date of the agreement are on the US tariff
    extra = rows(g, """SELECT ?days WHERE { ?t a kg:Tariff ; kg:imposedBy/rdfs:label "United States" ;
                       kg:rate ?rate ; kg:durationDays ?days FILTER(?rate = 30) }""")
    assert extra == {("90",)}


def test_court_rulings_block_and_uphold_trumps_tariffs(seeds):
    g, _ = seeds
    found = rows(g, """SELECT ?court ?action ?owner WHERE { ?r a kg:CourtRuling ; kg:court/rdfs:label ?court ;
                       kg:action ?action ; kg:policyOwner/rdfs:label ?owner }""")
    actions = {(a.rsplit("#", 1)[-1], o) for _, a, o in found}
    assert ("Blocks", "Donald Trump") in actions
    assert ("Upholds", "Donald Trump") in actions
    courts = {c for c, _, _ in found}
    assert any("federal court" in c for c in courts) and any("appeals court" in c for c in courts)
    # the direct edge makes the simple question simple
    ask = "ASK { ?court kg:blocks ?policy . ?policy kg:policyOf/rdfs:label 'Donald Trump' }"
    assert g.query(ask, initNs=QUERY_PREFIXES).askAnswer


def test_entities_resolved_within_the_document(seeds):
    g, _ = seeds
    people = {r[0] for r in rows(g, "SELECT ?l WHERE { ?p a kg:Person ; rdfs:label ?l }")}
    assert {"Scott Bessent", "Donald Trump", "Xi Jinping", "He Yongqian"} <= people
    assert "Bessent" not in people and "Trump" not in people
    us_aliases = {r[0] for r in rows(g, """SELECT ?a WHERE { ?c rdfs:label "United States" ; skos:altLabel ?a }""")}
    assert {"Washington", "U.S.", "American"} <= us_aliases
    # credits and generated-story lines are not entities
    labels = {r[0] for r in rows(g, "SELECT ?l WHERE { ?d schema:mentions ?e . ?e rdfs:label ?l }")}
    assert not {"Photo Courtesy", "Maxim Elramsisy", "Benzinga Neuro", "Shivdeep Dhaliwal"} & labels


def test_every_fact_has_provenance(seeds):
    g, _ = seeds
    facts = set(g.subjects(PROV.wasDerivedFrom, None))
    assert len(facts) >= 10
    text = {str(d): None for d in g.subjects(RDF.type, KG.Document)}
    assert text
    for f in facts:
        for p in (KG.evidence, KG.startOffset, KG.endOffset, KG.extractor, KG.confidence, KG.status):
            assert g.value(f, p) is not None, (f, p)
        assert 0 <= float(g.value(f, KG.confidence)) <= 1


def test_offsets_point_at_the_evidence_sentence(seeds):
    from kg.ingest import read_documents

    g, _ = seeds
    texts = {d.id: d.text for d in read_documents([ROOT / "seeds"])}
    for f in g.subjects(PROV.wasDerivedFrom, None):
        doc_id = str(g.value(g.value(f, PROV.wasDerivedFrom), DCTERMS.identifier))
        start, end = int(g.value(f, KG.startOffset)), int(g.value(f, KG.endOffset))
        assert texts[doc_id][start:end] == str(g.value(f, KG.evidence))


def test_turtle_round_trip_and_independent_parser(seeds):
    import pyoxigraph

    g, path = seeds
    back = Graph().parse(path, format="turtle")
    assert isomorphic(g, back)
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(g)


def test_no_literal_is_an_entity(seeds):
    g, _ = seeds
    for e in g.objects(None, SCHEMA.mentions):
        label = str(g.value(e, RDFS.label))
        assert not label[:1].isdigit(), label
        assert not isinstance(e, Literal)


def test_countries_link_to_iso_geonames_wikipedia_and_wikidata(seeds):
    from kg.vocab import OWL

    g, _ = seeds
    us = next(g.subjects(RDFS.label, Literal("United States")))
    assert str(g.value(us, KG.iso3166Alpha2)) == "US" and str(g.value(us, KG.iso3166Alpha3)) == "USA"
    assert str(g.value(us, OWL.sameAs)).startswith("https://sws.geonames.org/")
    assert str(g.value(us, RDFS.seeAlso)).endswith("/enwiki/United_States")
