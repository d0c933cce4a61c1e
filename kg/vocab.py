"""The RDF vocabularies kg writes: its own ontology as a closed namespace, and the standard ones it reuses.

``ontology/kg.ttl`` is the source of truth; ``KG`` mirrors it term for term, and
``tests/test_vocab.py`` checks that both declare the same terms.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from kg.errors import KgError

__all__ = [
    "DCTERMS",
    "DOC_BASE",
    "ENTITY_BASE",
    "FACT_BASE",
    "FOAF",
    "KG",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "XSD",
    "load_ontology",
    "ontology_path",
]

#: schema.org in its ``http://`` form, as docs/graph.md writes it (rdflib's ``SDO`` is ``https://``).
SCHEMA = Namespace("http://schema.org/")

#: Bases of instance IRIs: entities, documents and facts.
ENTITY_BASE = "https://w3id.org/kgnews/id/"
DOC_BASE = "https://w3id.org/kgnews/doc/"
FACT_BASE = "https://w3id.org/kgnews/fact/"


class KG(DefinedNamespace):
    """The kg news ontology (``ontology/kg.ttl``); an undeclared term raises ``AttributeError``."""

    _fail = True
    _NS = Namespace("https://w3id.org/kgnews/ontology#")

    # Classes: documents and entities
    Document: URIRef
    Person: URIRef
    Organization: URIRef
    GovernmentBody: URIRef
    Court: URIRef
    Legislature: URIRef
    NewsOrganization: URIRef
    PoliticalParty: URIRef
    Company: URIRef
    InternationalOrganization: URIRef
    ArmedGroup: URIRef
    EducationalInstitution: URIRef
    Place: URIRef
    Country: URIRef
    Role: URIRef
    Policy: URIRef

    # Classes: facts
    Fact: URIRef
    Membership: URIRef
    Tariff: URIRef
    CourtRuling: URIRef
    Statement: URIRef
    Negotiation: URIRef
    Agreement: URIRef
    Demand: URIRef
    Restriction: URIRef

    # Classes of individuals, and the individuals
    RulingAction: URIRef
    Blocks: URIRef
    Upholds: URIRef
    FactStatus: URIRef
    Asserted: URIRef
    Planned: URIRef
    Threatened: URIRef

    # Object properties: arguments of facts
    imposedBy: URIRef
    target: URIRef
    court: URIRef
    action: URIRef
    policy: URIRef
    policyOwner: URIRef
    speaker: URIRef
    medium: URIRef
    participant: URIRef
    place: URIRef
    actor: URIRef
    addressee: URIRef
    status: URIRef

    # Object properties: direct edges between entities
    memberOf: URIRef
    imposesTariffOn: URIRef
    blocks: URIRef
    upholds: URIRef
    policyOf: URIRef
    spokeTo: URIRef
    negotiatesWith: URIRef
    agreesWith: URIRef
    urges: URIRef
    restricts: URIRef

    # Datatype properties: attributes of facts
    rate: URIRef
    previousRate: URIRef
    durationDays: URIRef
    goods: URIRef
    date: URIRef
    dateText: URIRef
    content: URIRef
    topic: URIRef
    agreementName: URIRef
    demand: URIRef
    measure: URIRef

    # Datatype properties: provenance of facts
    evidence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    extractor: URIRef
    confidence: URIRef

    # Datatype properties: documents and entities
    sourceFile: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef


def ontology_path() -> Path:
    """Return the folder of the ontology's Turtle files (``ontology/`` next to the ``kg`` package)."""
    return Path(__file__).resolve().parent.parent / "ontology"


def load_ontology() -> Graph:
    """Parse every Turtle file of the ontology folder into one graph."""
    folder = ontology_path()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise KgError(f"No ontology found: {folder} has no .ttl files; run kg from a checkout of the repo.")
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph
