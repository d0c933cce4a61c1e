"""Plain values passed between the stages: documents in, entities and facts out.

Nothing here touches spaCy or rdflib, so every stage can be tested on its own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Coarse entity types; every fine type maps onto one of these.
PERSON = "Person"
ORGANIZATION = "Organization"
COUNTRY = "Country"
PLACE = "Place"
COARSE_TYPES = (PERSON, ORGANIZATION, COUNTRY, PLACE)

#: Fine organization types (local names of ontology classes, subclasses of Organization).
ORG_SUBTYPES = (
    "GovernmentBody",
    "Court",
    "Legislature",
    "NewsOrganization",
    "PoliticalParty",
    "Company",
    "InternationalOrganization",
    "ArmedGroup",
    "EducationalInstitution",
)

#: The eight relations and the ontology class each becomes.
RELATIONS = {
    "membership": "Membership",
    "tariff": "Tariff",
    "court_ruling": "CourtRuling",
    "statement": "Statement",
    "negotiation": "Negotiation",
    "agreement": "Agreement",
    "urges": "Demand",
    "restriction": "Restriction",
}

#: Status of a fact: stated as done, or only planned, threatened, proposed.
STATUSES = ("Asserted", "Planned", "Threatened")


@dataclass(frozen=True)
class Document:
    """One input document: its id, text and whatever metadata the source gave."""

    id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None  # the file the document came from


@dataclass(frozen=True)
class Entity:
    """A resolved entity of one document: canonical name, type and every surface form."""

    key: str  # stable across documents and runs; the graph turns it into an IRI
    label: str
    type: str  # one of COARSE_TYPES
    subtype: str | None = None  # one of ORG_SUBTYPES, when known
    aliases: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (property local name, value), e.g. ("iso3166Alpha2", "US")


@dataclass(frozen=True)
class Fact:
    """One extracted fact: relation, entity arguments by role, literal attributes, provenance."""

    relation: str  # a key of RELATIONS
    args: tuple[tuple[str, str], ...]  # (argument name, Entity.key); a name may repeat (participants)
    attrs: tuple[tuple[str, object], ...] = ()  # (attribute name, str | int | float | date)
    sentence: str = ""
    start: int = 0  # character offsets of the sentence in the document text
    end: int = 0
    extractor: str = ""
    confidence: float = 0.5
    status: str = "Asserted"

    def arg(self, name: str) -> list[str]:
        """Entity keys of one argument."""
        return [k for n, k in self.args if n == name]

    def attr(self, name: str, default: object = None) -> object:
        """The first value of one attribute."""
        return next((v for n, v in self.attrs if n == name), default)


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
