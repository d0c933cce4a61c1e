"""The ontology file and the Python namespace that mirrors it declare the same terms."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from kg import model
from kg.vocab import KG, ORG, OWL, RDF, RDFS, load_ontology, ontology_path

GRAPH_DOC = Path(__file__).resolve().parent.parent / "docs" / "graph.md"
KG_NS = str(KG)
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)

#: What the scorer of the eval contract looks up by local name.
CONTRACT_ENTITY_TYPES = ("Person", "Country", "Organization", "Place")
CONTRACT_FACT_CLASSES = (
    "Membership", "Tariff", "CourtRuling", "Statement", "Negotiation", "Agreement", "Demand", "Restriction",
)
CONTRACT_KG_PROPERTIES = (
    "imposedBy", "target", "rate", "previousRate", "court", "action", "speaker", "participant", "actor",
    "addressee",
)
CONTRACT_ORG_PROPERTIES = ("member", "organization", "role")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def local_name(term: URIRef) -> str:
    return re.split(r"[#/]", str(term))[-1]


def kg_terms(graph: Graph) -> set[URIRef]:
    """Terms of the kg: namespace the graph declares: classes, properties and individuals."""
    declared = {s for t in DECLARATION_TYPES for s in graph.subjects(RDF.type, t)}
    classes = set(graph.subjects(RDF.type, OWL.Class))
    declared |= {s for s, c in graph.subject_objects(RDF.type) if c in classes}
    return {s for s in declared if isinstance(s, URIRef) and s.startswith(KG_NS)}


def kg_mentions(graph: Graph) -> set[URIRef]:
    """Every kg: IRI the graph uses, in any position."""
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(KG_NS)}


def superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    """The class and everything it reaches by rdfs:subClassOf."""
    return set(graph.transitive_objects(cls, RDFS.subClassOf))


def python_terms() -> set[URIRef]:
    return set(dir(KG))


def test_ontology_folder_holds_the_turtle_file():
    assert (ontology_path() / "kg.ttl").is_file()


def test_ontology_parses_with_rdflib(ontology):
    assert (URIRef(KG_NS.rstrip("#")), RDF.type, OWL.Ontology) in ontology


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_files_parse_alike_with_pyoxigraph_and_rdflib(name):
    path = ontology_path() / name
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(Graph().parse(path, format="turtle"))


def test_ontology_header_has_label_comment_version_and_license(ontology):
    header = URIRef(KG_NS.rstrip("#"))
    for predicate in (RDFS.label, RDFS.comment, OWL.versionInfo, URIRef("http://purl.org/dc/terms/license")):
        assert ontology.value(header, predicate) is not None, predicate
    assert "not yet registered" in str(ontology.value(header, RDFS.comment))


def test_python_namespace_mirrors_the_ontology(ontology):
    declared = kg_terms(ontology)
    python = python_terms()
    assert sorted(declared - python) == [], "declared in ontology/kg.ttl but missing from KG"
    assert sorted(python - declared) == [], "in KG but not declared in ontology/kg.ttl"


def test_ontology_uses_only_declared_kg_terms(ontology):
    assert sorted(kg_mentions(ontology) - kg_terms(ontology)) == []


def test_kg_terms_are_declared_once_with_a_known_kind(ontology):
    for term in kg_terms(ontology):
        found = set(ontology.objects(term, RDF.type)) & set(DECLARATION_TYPES)
        assert len(found) == 1, f"{term} is declared as {found}"


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        KG.NotATerm  # noqa: B018
    with pytest.raises(AttributeError):
        KG["NotATerm"]


def test_known_term_is_an_iri_in_the_namespace():
    assert KG.Tariff == URIRef("https://w3id.org/kgnews/ontology#Tariff")
    assert KG.court != KG.Court


def test_every_kg_term_has_label_and_comment(ontology):
    for term in kg_terms(ontology):
        assert ontology.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert ontology.value(term, RDFS.comment) is not None, f"{term} has no rdfs:comment"


@pytest.mark.parametrize("name", CONTRACT_FACT_CLASSES)
def test_fact_classes_of_the_contract_are_facts(ontology, name):
    cls = KG[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    assert KG.Fact in superclasses(ontology, cls)


def test_fact_classes_match_the_relations_of_the_model():
    assert set(model.RELATIONS.values()) == set(CONTRACT_FACT_CLASSES)


def test_membership_is_an_org_membership(ontology):
    assert ORG.Membership in superclasses(ontology, KG.Membership)


@pytest.mark.parametrize(
    ("name", "coarse"),
    [(sub, "Organization") for sub in model.ORG_SUBTYPES]
    + [("Person", "Person"), ("Organization", "Organization"), ("Place", "Place"), ("Country", "Country")],
)
def test_entity_classes_reach_their_coarse_type(ontology, name, coarse):
    cls = KG[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    names = {local_name(c) for c in superclasses(ontology, cls)}
    # The scorer checks the coarse types in this order and takes the first it finds.
    assert next(c for c in CONTRACT_ENTITY_TYPES if c in names) == coarse


def test_country_is_a_place(ontology):
    assert KG.Place in superclasses(ontology, KG.Country)


def test_non_entity_classes_reach_no_coarse_type(ontology):
    entity_classes = {KG[n] for n in (*model.ORG_SUBTYPES, *model.COARSE_TYPES)}
    for cls in (set(ontology.subjects(RDF.type, OWL.Class)) & kg_terms(ontology)) - entity_classes:
        names = {local_name(c) for c in superclasses(ontology, cls)}
        assert not names & set(CONTRACT_ENTITY_TYPES), f"{cls} would be scored as an entity"


@pytest.mark.parametrize("name", CONTRACT_KG_PROPERTIES)
def test_properties_of_the_contract_are_declared(ontology, name):
    prop = KG[name]
    kinds = set(ontology.objects(prop, RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.mark.parametrize("name", CONTRACT_ORG_PROPERTIES)
def test_membership_properties_come_from_org(ontology, name):
    assert ORG[name] == URIRef(f"http://www.w3.org/ns/org#{name}")
    # Reused, never redeclared in the kg: namespace.
    assert URIRef(KG_NS + name) not in kg_terms(ontology)


def test_property_local_names_differ_case_insensitively(ontology):
    # The scorer matches properties by lowercased local name.
    props = [p for t in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in ontology.subjects(RDF.type, t)]
    lowered = [local_name(p).lower() for p in props if p.startswith(KG_NS)]
    assert len(lowered) == len(set(lowered))


@pytest.mark.parametrize(("individual", "lowered"), [("Blocks", "blocks"), ("Upholds", "upholds")])
def test_ruling_actions_lowercase_to_the_contract(ontology, individual, lowered):
    term = KG[individual]
    assert (term, RDF.type, KG.RulingAction) in ontology
    assert local_name(term).lower() == lowered


@pytest.mark.parametrize("status", model.STATUSES)
def test_statuses_of_the_model_are_fact_statuses(ontology, status):
    assert (KG[status], RDF.type, KG.FactStatus) in ontology


@pytest.mark.parametrize(
    ("prop", "datatype"),
    [
        ("rate", "decimal"), ("previousRate", "decimal"), ("confidence", "decimal"),
        ("durationDays", "integer"), ("startOffset", "integer"), ("endOffset", "integer"), ("date", "date"),
    ],
)
def test_datatype_ranges(ontology, prop, datatype):
    assert str(ontology.value(KG[prop], RDFS.range)) == f"http://www.w3.org/2001/XMLSchema#{datatype}"


def test_entity_valued_ranges_never_narrow_to_one_coarse_type(ontology):
    # A Demand's actor may be a person, organization or country: no range may force one of them.
    coarse = {KG.Person, KG.Organization, KG.Place, KG.Country}
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        for bound in (*ontology.objects(prop, RDFS.domain), *ontology.objects(prop, RDFS.range)):
            assert bound not in coarse, f"{prop} is bound to {bound}"


def test_every_kg_term_of_the_graph_doc_is_declared(ontology):
    used = {KG_NS + name for name in re.findall(r"kg:(\w+)", GRAPH_DOC.read_text(encoding="utf-8"))}
    assert used, "docs/graph.md names no kg: term"
    assert sorted(used - {str(t) for t in kg_terms(ontology)}) == []
