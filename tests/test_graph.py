"""kg.graph and kg.serialize: hand-built extractions → RDF under the contract of docs/graph.md, and back."""
from __future__ import annotations

import datetime as dt
import importlib.util
import stat
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, SKOS

from kg.graph import build_graph, document_iri, entity_iri
from kg.model import Document, Entity, Extraction, Fact
from kg.serialize import write_graph

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"

# The contract as docs/graph.md states it, spelled out here so that a change of namespace fails a test.
KG = Namespace("https://w3id.org/kgnews/ontology#")
SCHEMA = Namespace("http://schema.org/")
ID = Namespace("https://w3id.org/kgnews/id/")
FACT_BASE = "https://w3id.org/kgnews/fact/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed XSD trips pytest's collector

DATE = dt.date(2025, 5, 12)
TEXT = "The United States cut its tariff on Chinese goods to 30% from 145% for 90 days."

DOC = Document(id="geneva-1", text=TEXT, title="U.S. and China cut tariffs", date=DATE,
               url="https://example.org/news/geneva", source="seeds/geneva-1.txt")

ENTITIES = [
    Entity(key="scott-bessent", label="Scott Bessent", type="Person", aliases=("Bessent", "Scott Bessent")),
    Entity(key="donald-trump", label="Donald Trump", type="Person", aliases=("Trump",)),
    Entity(key="he-yongqian", label="He Yongqian", type="Person"),
    Entity(key="us-treasury", label="U.S. Department of the Treasury", type="Organization",
           subtype="GovernmentBody", aliases=("Treasury",)),
    Entity(key="court-of-international-trade", label="Court of International Trade", type="Organization",
           subtype="Court"),
    Entity(key="reuters", label="Reuters", type="Organization", subtype="NewsOrganization"),
    Entity(key="united-states", label="United States", type="Country", aliases=("U.S.", "Washington"),
           links=(("iso3166Alpha2", "US"), ("iso3166Alpha3", "USA"), ("geonames", "6252001"))),
    Entity(key="china", label="China", type="Country", aliases=("Beijing",),
           links=(("iso3166Alpha2", "CN"), ("iso3166Alpha3", "CHN"), ("geonames", "1814991"))),
]


def _fact(relation: str, args: list[tuple[str, str]], attrs: list[tuple[str, object]] = (), *,
          status: str = "Asserted", start: int = 0) -> Fact:
    return Fact(relation=relation, args=tuple(args), attrs=tuple(attrs), sentence=TEXT, start=start,
                end=start + len(TEXT), extractor=f"kg_{relation}", confidence=0.85, status=status)


FACTS = {
    "membership": _fact("membership", [("member", "scott-bessent"), ("organization", "us-treasury")],
                        [("role", "Treasury Secretary")]),
    "tariff": _fact("tariff", [("imposedBy", "united-states"), ("target", "china")],
                    [("rate", 30), ("previousRate", 145), ("durationDays", 90), ("date", DATE),
                     ("dateText", "May 12"), ("goods", "Chinese goods")]),
    "court_ruling": _fact("court_ruling", [("court", "court-of-international-trade"),
                                           ("policyOwner", "donald-trump")],
                          [("action", "Blocks"), ("policy", "tariffs")]),
    "statement": _fact("statement", [("speaker", "he-yongqian"), ("medium", "reuters")],
                       [("content", "The talks were candid.")]),
    "negotiation": _fact("negotiation", [("participant", "united-states"), ("participant", "china")],
                         [("topic", "trade")]),
    "agreement": _fact("agreement", [("participant", "united-states"), ("participant", "china")],
                       [("agreementName", "Geneva deal")]),
    "urges": _fact("urges", [("actor", "china"), ("addressee", "united-states")],
                   [("demand", "cancel the tariffs")]),
    "restriction": _fact("restriction", [("imposedBy", "united-states"), ("target", "china")],
                         [("measure", "export controls on chips")]),
}

FACT_CLASS = {
    "membership": KG.Membership,
    "tariff": KG.Tariff,
    "court_ruling": KG.CourtRuling,
    "statement": KG.Statement,
    "negotiation": KG.Negotiation,
    "agreement": KG.Agreement,
    "urges": KG.Demand,
    "restriction": KG.Restriction,
}


def _extraction(doc: Document = DOC, facts: list[Fact] | None = None,
                entities: list[Entity] | None = None) -> Extraction:
    return Extraction(document=doc, entities=list(ENTITIES if entities is None else entities),
                      facts=list(FACTS.values() if facts is None else facts))


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph([_extraction()])


def _fact_node(g: Graph, relation: str) -> URIRef:
    nodes = list(g.subjects(RDF.type, FACT_CLASS[relation]))
    assert len(nodes) == 1, f"expected one {relation} fact, found {nodes}"
    return nodes[0]


def _one(g: Graph, s, p):
    values = list(g.objects(s, p))
    assert len(values) == 1, f"expected one value of {p} on {s}, found {values}"
    return values[0]


# --- facts: provenance, class, arguments ---------------------------------------------------------------

@pytest.mark.parametrize("relation", list(FACTS))
def test_fact_has_provenance(graph, relation):
    node = _fact_node(graph, relation)
    assert str(node).startswith(FACT_BASE)
    assert _one(graph, node, PROV.wasDerivedFrom) == document_iri(DOC.id)
    assert _one(graph, node, KG.evidence) == Literal(TEXT)
    start, end = _one(graph, node, KG.startOffset), _one(graph, node, KG.endOffset)
    assert (start.datatype, end.datatype) == (XSD.integer, XSD.integer)
    assert (start.toPython(), end.toPython()) == (0, len(TEXT))
    assert _one(graph, node, KG.extractor) == Literal(f"kg_{relation}")
    confidence = _one(graph, node, KG.confidence)
    assert confidence.datatype == XSD.decimal
    assert 0 <= confidence.toPython() <= 1
    assert confidence.toPython() == Decimal("0.85")
    assert _one(graph, node, KG.status) == KG.Asserted


def test_each_relation_gives_exactly_its_fact_class(graph):
    typed = {cls: len(list(graph.subjects(RDF.type, cls))) for cls in FACT_CLASS.values()}
    assert typed == dict.fromkeys(FACT_CLASS.values(), 1)


def test_membership_arguments_and_role(graph):
    node = _fact_node(graph, "membership")
    assert _one(graph, node, ORG.member) == ID["scott-bessent"]
    assert _one(graph, node, ORG.organization) == ID["us-treasury"]
    role = _one(graph, node, ORG.role)
    assert isinstance(role, URIRef)
    assert (role, RDF.type, KG.Role) in graph
    assert _one(graph, role, RDFS.label) == Literal("Treasury Secretary")


def test_tariff_arguments_and_numbers(graph):
    node = _fact_node(graph, "tariff")
    assert _one(graph, node, KG.imposedBy) == ID["united-states"]
    assert _one(graph, node, KG.target) == ID["china"]
    rate, previous = _one(graph, node, KG.rate), _one(graph, node, KG.previousRate)
    assert (rate.datatype, previous.datatype) == (XSD.decimal, XSD.decimal)
    assert (rate.toPython(), previous.toPython()) == (30, 145)
    days = _one(graph, node, KG.durationDays)
    assert (days.datatype, days.toPython()) == (XSD.integer, 90)
    date = _one(graph, node, KG.date)
    assert (date.datatype, date.toPython()) == (XSD.date, DATE)
    assert _one(graph, node, KG.dateText) == Literal("May 12")
    assert _one(graph, node, KG.goods) == Literal("Chinese goods")


def test_court_ruling_arguments_action_and_policy(graph):
    node = _fact_node(graph, "court_ruling")
    assert _one(graph, node, KG.court) == ID["court-of-international-trade"]
    assert _one(graph, node, KG.policyOwner) == ID["donald-trump"]
    assert _one(graph, node, KG.action) == KG.Blocks
    policy = _one(graph, node, KG.policy)
    assert (policy, RDF.type, KG.Policy) in graph
    assert "tariffs" in str(_one(graph, policy, RDFS.label))
    assert _one(graph, policy, KG.policyOf) == ID["donald-trump"]


def test_statement_arguments(graph):
    node = _fact_node(graph, "statement")
    assert _one(graph, node, KG.speaker) == ID["he-yongqian"]
    assert _one(graph, node, KG.medium) == ID["reuters"]
    assert _one(graph, node, KG.content) == Literal("The talks were candid.")


@pytest.mark.parametrize("relation", ["negotiation", "agreement"])
def test_parties_are_participants(graph, relation):
    node = _fact_node(graph, relation)
    assert set(graph.objects(node, KG.participant)) == {ID["united-states"], ID["china"]}


def test_agreement_name(graph):
    assert _one(graph, _fact_node(graph, "agreement"), KG.agreementName) == Literal("Geneva deal")


def test_urges_arguments(graph):
    node = _fact_node(graph, "urges")
    assert _one(graph, node, KG.actor) == ID["china"]
    assert _one(graph, node, KG.addressee) == ID["united-states"]
    assert _one(graph, node, KG.demand) == Literal("cancel the tariffs")


def test_restriction_arguments(graph):
    node = _fact_node(graph, "restriction")
    assert _one(graph, node, KG.imposedBy) == ID["united-states"]
    assert _one(graph, node, KG.target) == ID["china"]
    assert _one(graph, node, KG.measure) == Literal("export controls on chips")


# --- direct edges ------------------------------------------------------------------------------------

DIRECT_EDGES = [
    ("scott-bessent", KG.memberOf, "us-treasury"),
    ("united-states", KG.imposesTariffOn, "china"),
    ("he-yongqian", KG.spokeTo, "reuters"),
    ("united-states", KG.negotiatesWith, "china"),
    ("china", KG.negotiatesWith, "united-states"),
    ("united-states", KG.agreesWith, "china"),
    ("china", KG.agreesWith, "united-states"),
    ("china", KG.urges, "united-states"),
    ("united-states", KG.restricts, "china"),
]


@pytest.mark.parametrize(("subject", "prop", "obj"), DIRECT_EDGES)
def test_direct_edge(graph, subject, prop, obj):
    assert (ID[subject], prop, ID[obj]) in graph


def test_court_blocks_the_policy_of_its_owner(graph):
    policy = _one(graph, _fact_node(graph, "court_ruling"), KG.policy)
    assert (ID["court-of-international-trade"], KG.blocks, policy) in graph
    assert not list(graph.triples((None, KG.upholds, None)))


def test_no_entity_negotiates_with_itself(graph):
    assert not [(s, o) for s, o in graph.subject_objects(KG.negotiatesWith) if s == o]


@pytest.mark.parametrize("status", ["Planned", "Threatened"])
def test_facts_not_asserted_get_no_direct_edge(status):
    facts = [Fact(**{**f.__dict__, "status": status}) for f in FACTS.values()]
    g = build_graph([_extraction(facts=facts)])
    for relation in FACTS:
        assert _one(g, _fact_node(g, relation), KG.status) == KG[status]
    edges = [KG.memberOf, KG.imposesTariffOn, KG.blocks, KG.upholds, KG.spokeTo, KG.negotiatesWith,
             KG.agreesWith, KG.urges, KG.restricts]
    assert [t for p in edges for t in g.triples((None, p, None))] == []


def test_ruling_without_action_claims_neither_blocks_nor_upholds():
    args = [("court", "court-of-international-trade"), ("policyOwner", "donald-trump")]
    ruling = _fact("court_ruling", args, [("policy", "tariffs")])
    g = build_graph([_extraction(facts=[ruling])])
    assert not list(g.triples((None, KG.blocks, None)))
    assert not list(g.triples((None, KG.upholds, None)))


def test_ruling_that_upholds():
    ruling = _fact("court_ruling", [("court", "court-of-international-trade")],
                   [("action", "Upholds"), ("policy", "tariffs")])
    g = build_graph([_extraction(facts=[ruling])])
    node = _fact_node(g, "court_ruling")
    assert _one(g, node, KG.action) == KG.Upholds
    assert (ID["court-of-international-trade"], KG.upholds, _one(g, node, KG.policy)) in g


# --- entities and documents ------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "cls"), [
    ("scott-bessent", KG.Person),
    ("us-treasury", KG.GovernmentBody),
    ("court-of-international-trade", KG.Court),
    ("reuters", KG.NewsOrganization),
    ("united-states", KG.Country),
])
def test_entity_is_typed_with_its_most_specific_class(graph, key, cls):
    assert set(graph.objects(ID[key], RDF.type)) == {cls}


def test_entity_labels(graph):
    node = entity_iri("scott-bessent")
    assert node == ID["scott-bessent"]
    assert _one(graph, node, RDFS.label) == Literal("Scott Bessent")
    assert set(graph.objects(node, SKOS.altLabel)) == {Literal("Bessent"), Literal("Scott Bessent")}
    assert Literal("Treasury") in set(graph.objects(ID["us-treasury"], SKOS.altLabel))


def test_country_links(graph):
    us = ID["united-states"]
    assert _one(graph, us, KG.iso3166Alpha2) == Literal("US")
    assert _one(graph, us, KG.iso3166Alpha3) == Literal("USA")
    assert _one(graph, us, OWL.sameAs) == URIRef("https://sws.geonames.org/6252001/")
    assert _one(graph, ID["china"], OWL.sameAs) == URIRef("https://sws.geonames.org/1814991/")


def test_document_node(graph):
    doc = document_iri(DOC.id)
    assert doc == URIRef("https://w3id.org/kgnews/doc/geneva-1")
    assert (doc, RDF.type, KG.Document) in graph
    assert _one(graph, doc, DCTERMS.identifier) == Literal("geneva-1")
    assert _one(graph, doc, DCTERMS.title) == Literal("U.S. and China cut tariffs")
    date = _one(graph, doc, DCTERMS.date)
    assert (date.datatype, date.toPython()) == (XSD.date, DATE)
    assert _one(graph, doc, DCTERMS.source) == URIRef("https://example.org/news/geneva")
    assert _one(graph, doc, KG.sourceFile) == Literal("seeds/geneva-1.txt")


def test_document_mentions_every_entity(graph):
    mentioned = set(graph.objects(document_iri(DOC.id), SCHEMA.mentions))
    assert mentioned == {ID[e.key] for e in ENTITIES}


def test_same_entity_in_two_documents_is_one_node():
    other = Document(id="geneva-2", text=TEXT, date=DATE)
    g = build_graph([_extraction(), _extraction(doc=other, facts=[FACTS["tariff"]],
                                                entities=[ENTITIES[6], ENTITIES[7]])])
    us = ID["united-states"]
    assert set(g.subjects(SCHEMA.mentions, us)) == {document_iri("geneva-1"), document_iri("geneva-2")}
    assert len([s for s in g.subjects(RDFS.label, Literal("United States"))]) == 1
    tariffs = set(g.subjects(RDF.type, KG.Tariff))
    assert len(tariffs) == 2  # the same fact in two documents is two facts, one per source
    assert {_one(g, t, PROV.wasDerivedFrom) for t in tariffs} == {document_iri("geneva-1"),
                                                                    document_iri("geneva-2")}


def test_fact_iris_are_stable_across_runs():
    first, second = build_graph([_extraction()]), build_graph([_extraction()])
    facts = {s for s in first.subjects(PROV.wasDerivedFrom, None)}
    assert len(facts) == len(FACTS)
    assert facts == {s for s in second.subjects(PROV.wasDerivedFrom, None)}
    assert set(first) == set(second)


def test_fact_iris_differ_by_sentence_offsets():
    a = build_graph([_extraction(facts=[FACTS["tariff"]])])
    moved = _fact("tariff", FACTS["tariff"].args, FACTS["tariff"].attrs, start=7)
    b = build_graph([_extraction(facts=[moved])])
    assert set(a.subjects(RDF.type, KG.Tariff)) != set(b.subjects(RDF.type, KG.Tariff))


# --- round trip ----------------------------------------------------------------------------------

def _oxigraph_triples(path: Path) -> list:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def test_turtle_round_trip(graph, tmp_path):
    path = write_graph(graph, tmp_path / "graph.ttl")
    assert path == tmp_path / "graph.ttl"
    back = Graph().parse(path, format="turtle")
    assert isomorphic(back, graph)
    assert len(_oxigraph_triples(path)) == len(graph)


def test_turtle_uses_the_documented_prefixes(graph, tmp_path):
    text = write_graph(graph, tmp_path / "graph.ttl").read_text(encoding="utf-8")
    for prefix, ns in [("kg", KG), ("schema", SCHEMA), ("org", ORG), ("prov", PROV), ("kgid", ID)]:
        assert f"@prefix {prefix}: <{ns}> ." in text
    assert "schema1:" not in text


def test_new_graph_file_is_readable_by_others_like_graph_html(tmp_path):
    path = write_graph(build_graph([_extraction()]), tmp_path / "graph.ttl")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary file left behind


def test_write_graph_replaces_an_older_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_graph(build_graph([_extraction()]), path)
    assert "kg:Tariff" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


HOSTILE = 'He said "no" \\ then \'yes\'\n<script>alert(1)</script> \U0001F600 \t end'


def _hostile_extraction() -> Extraction:
    doc = Document(id="politics/2025 05/xi & erdoğan?#1", text=HOSTILE, title=HOSTILE,
                   date=DATE, url="https://example.org/a page?q=<x>&y=\"z\"", source="in put/\"odd\".txt")
    xi = Entity(key="%E7%BF%92%E8%BF%91%E5%B9%B3", label="習近平", type="Person", aliases=("习近平", "Xi"))
    erdogan = Entity(key="recep-tayyip-erdogan", label="Recep Tayyip Erdoğan", type="Person",
                     aliases=("Erdoğan", HOSTILE))
    turkey = Entity(key="turkiye", label="Türkiye", type="Country", links=(("iso3166Alpha2", "TR"),))
    facts = [
        Fact(relation="membership", args=(("member", erdogan.key), ("organization", turkey.key)),
             attrs=(("role", 'President "for life" \\ <b>'),), sentence=HOSTILE, start=0, end=len(HOSTILE),
             extractor="kg_membership", confidence=1.0),
        Fact(relation="statement", args=(("speaker", xi.key),), attrs=(("content", HOSTILE),),
             sentence=HOSTILE, start=0, end=len(HOSTILE), extractor="kg_statement", confidence=0.0),
        Fact(relation="membership", args=(("member", xi.key), ("organization", turkey.key)),
             attrs=(("role", "主席"),), sentence=HOSTILE, start=3, end=9, extractor="kg_membership"),
    ]
    return Extraction(document=doc, entities=[xi, erdogan, turkey], facts=facts)


def test_hostile_strings_survive_the_round_trip(tmp_path):
    g = build_graph([_hostile_extraction()])
    path = write_graph(g, tmp_path / "graph.ttl")
    back = Graph().parse(path, format="turtle")
    assert isomorphic(back, g)
    assert len(_oxigraph_triples(path)) == len(g)  # every IRI is one a strict parser accepts
    doc = document_iri("politics/2025 05/xi & erdoğan?#1")
    assert _one(back, doc, DCTERMS.identifier) == Literal("politics/2025 05/xi & erdoğan?#1")
    assert _one(back, doc, DCTERMS.title) == Literal(HOSTILE)
    assert _one(back, doc, DCTERMS.source) == Literal("https://example.org/a page?q=<x>&y=\"z\"")
    assert set(back.subjects(RDFS.label, Literal("習近平"))) == {ID["%E7%BF%92%E8%BF%91%E5%B9%B3"]}
    assert Literal("Erdoğan") in set(back.objects(ID["recep-tayyip-erdogan"], SKOS.altLabel))
    assert Literal(HOSTILE) in set(back.objects(ID["recep-tayyip-erdogan"], SKOS.altLabel))
    roles = {str(o) for o in back.objects(None, ORG.role) for o in back.objects(o, RDFS.label)}
    assert roles == {'President "for life" \\ <b>', "主席"}
    for s, p, o in back:
        for term in (s, p, o):
            if isinstance(term, URIRef):
                assert not set(str(term)) & set(' <>"{}|\\^`\n\t'), term


def test_oxigraph_reads_what_rdflib_reads(tmp_path):
    g = build_graph([_extraction(), _hostile_extraction()])
    path = write_graph(g, tmp_path / "graph.ttl")
    rdflib_terms = {(str(s), str(p), str(o)) for s, p, o in Graph().parse(path, format="turtle")}
    ox_terms = {(t.subject.value, t.predicate.value, t.object.value) for t in _oxigraph_triples(path)}
    assert ox_terms == rdflib_terms


# --- the scorer's reading of the graph ---------------------------------------------------------------

@pytest.fixture(scope="module")
def scorer():
    if not SCORER.exists():
        pytest.skip(f"the shared scorer {SCORER} is absent: ../shared/eval is not beside the repo")
    spec = importlib.util.spec_from_file_location("kg_eval_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def view(scorer, graph, tmp_path_factory):
    path = write_graph(graph, tmp_path_factory.mktemp("scored") / "graph.ttl")
    return scorer.GraphView(str(path), str(ROOT / "ontology"))


@pytest.mark.parametrize(("key", "coarse"), [
    ("scott-bessent", "Person"),
    ("he-yongqian", "Person"),
    ("us-treasury", "Organization"),
    ("court-of-international-trade", "Organization"),
    ("reuters", "Organization"),
    ("united-states", "Country"),
    ("china", "Country"),
])
def test_scorer_reads_entity_types(view, key, coarse):
    assert view.coarse_type(ID[key]) == coarse


@pytest.mark.parametrize("relation", list(FACTS))
def test_scorer_finds_each_relation(scorer, view, relation):
    doc = view.docs()["geneva-1"]
    facts = view.facts_of(doc, scorer.FACT_CLASS[relation])
    assert len(facts) == 1


def test_scorer_reads_arguments_and_numbers(scorer, view):
    doc = view.docs()["geneva-1"]
    mentioned = {o for o in view.g.objects(doc, SCHEMA.mentions)}
    assert {view.coarse_type(e) for e in mentioned} == {"Person", "Organization", "Country"}
    (membership,) = view.facts_of(doc, "Membership")
    assert scorer.predicted_keys(view, "membership", membership) == (
        {"scott bessent", "bessent"}, {"us department of the treasury", "treasury"})
    assert scorer.role_ok(view, membership, "Treasury Secretary")
    (tariff,) = view.facts_of(doc, "Tariff")
    assert scorer.number_ok(view, tariff, "rate", 30)
    assert scorer.number_ok(view, tariff, "previousRate", 145)
    (ruling,) = view.facts_of(doc, "CourtRuling")
    assert [scorer.local(a).lower() for a in view.objects_by_local(ruling, "action")] == ["blocks"]
