"""Extractions → RDF under the kg ontology, with provenance on every fact.

The graph layer never runs a pipeline: it reads the plain values of ``kg.model``. IRIs come from
``entity_iri``, ``document_iri`` and ``fact_iri`` only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from itertools import combinations
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from .model import RELATIONS, Document, Entity, Extraction, Fact
from .resolve import slug
from .vocab import DCTERMS, DOC_BASE, ENTITY_BASE, FACT_BASE, KG, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

PREFIXES = {"kg": KG._NS, "org": ORG, "prov": PROV, "schema": SCHEMA, "skos": SKOS, "dcterms": DCTERMS,
            "owl": OWL, "xsd": XSD, "kgid": ENTITY_BASE, "kgdoc": DOC_BASE, "kgfact": FACT_BASE}

# argument name → property, per relation
_ARG_PROPERTY = {
    "member": ORG.member, "organization": ORG.organization,
    "imposedBy": KG.imposedBy, "target": KG.target,
    "court": KG.court, "policyOwner": KG.policyOwner,
    "speaker": KG.speaker, "medium": KG.medium,
    "participant": KG.participant, "place": KG.place,
    "actor": KG.actor, "addressee": KG.addressee,
}
_DECIMAL_ATTRS = {"rate", "previousRate", "confidence"}
_TEXT_ATTRS = {"goods": KG.goods, "dateText": KG.dateText, "content": KG.content, "topic": KG.topic,
               "agreementName": KG.agreementName, "demand": KG.demand, "measure": KG.measure}


#: Wikidata resolves an English Wikipedia title to its item at this address.
WIKIDATA_BY_ENWIKI_TITLE = "https://www.wikidata.org/wiki/Special:ItemByTitle/enwiki/"


def new_graph() -> Graph:
    """An empty graph with kg's prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)  # replace rdflib's default schema: → https
    return g


def entity_iri(key: str) -> URIRef:
    """The IRI of an entity key (the key is already IRI-safe)."""
    return URIRef(ENTITY_BASE + key)


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document id."""
    return URIRef(DOC_BASE + quote(doc_id, safe="-_.~"))


def fact_iri(doc_id: str, fact: Fact) -> URIRef:
    """A fact's IRI: a hash of its document, relation, arguments, attributes and sentence offsets."""
    sig = repr((doc_id, fact.relation, sorted(fact.args), sorted(map(repr, fact.attrs)), fact.start, fact.end))
    return URIRef(FACT_BASE + hashlib.sha1(sig.encode("utf-8")).hexdigest()[:20])


def _number(value: object) -> Literal:
    """An xsd:decimal in canonical form ("30.0", "0.85"), which every Turtle parser reads back the same."""
    text = format(Decimal(str(value)), "f")
    if "." not in text:
        text += ".0"
    text = text.rstrip("0")
    if text.endswith("."):
        text += "0"
    return Literal(text, datatype=XSD.decimal)


def add_document(g: Graph, doc: Document) -> URIRef:
    """Add a document node with its identifier, title, date and source."""
    node = document_iri(doc.id)
    g.add((node, RDF.type, KG.Document))
    g.add((node, DCTERMS.identifier, Literal(doc.id)))
    if doc.title:
        g.add((node, DCTERMS.title, Literal(doc.title)))
    if doc.date:
        g.add((node, DCTERMS.date, Literal(doc.date.isoformat(), datatype=XSD.date)))
    if doc.url:
        g.add((node, DCTERMS.source, URIRef(doc.url) if _safe_iri(doc.url) else Literal(doc.url)))
    if doc.source:
        g.add((node, KG.sourceFile, Literal(doc.source)))
    return node


def _safe_iri(value: str) -> bool:
    """Whether ``value`` is an http(s) IRI every RDF parser reads (else it is kept as a plain literal)."""
    if not value.startswith(("http://", "https://")) or any(c in value for c in ' <>"{}|\\^`\n\t'):
        return False
    try:  # Oxigraph checks RFC 3987 strictly: "http://[x", "%zz", control characters, a second '#'
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def add_entity(g: Graph, e: Entity) -> URIRef:
    """Add an entity with its type, canonical label, aliases and links."""
    node = entity_iri(e.key)
    cls = KG[e.subtype] if e.subtype else KG[e.type]
    g.add((node, RDF.type, cls))
    g.set((node, RDFS.label, Literal(e.label)))
    for alias in e.aliases:
        g.add((node, SKOS.altLabel, Literal(alias)))
    for name, value in e.links:
        if name in ("iso3166Alpha2", "iso3166Alpha3"):
            g.add((node, KG[name], Literal(value)))
        elif name == "geonames":
            g.add((node, OWL.sameAs, URIRef(f"https://sws.geonames.org/{value}/")))
        elif name == "wikipedia" and _safe_iri(value):
            g.add((node, SCHEMA.sameAs, URIRef(value)))
            # Wikidata's item for that article (no offline package carries the Q-ids; ISO codes join too)
            title = value.rsplit("/wiki/", 1)[-1]
            if "/wiki/" in value and title:
                g.add((node, RDFS.seeAlso, URIRef(WIKIDATA_BY_ENWIKI_TITLE + title)))
    return node


def add_fact(g: Graph, doc_node: URIRef, doc_id: str, fact: Fact, labels: dict[str, str]) -> URIRef:
    """Add one fact node with its arguments, attributes, provenance and direct edges."""
    node = fact_iri(doc_id, fact)
    g.add((node, RDF.type, KG[RELATIONS[fact.relation]]))
    g.add((node, PROV.wasDerivedFrom, doc_node))
    g.add((node, KG.evidence, Literal(fact.sentence)))
    g.add((node, KG.startOffset, Literal(fact.start, datatype=XSD.integer)))
    g.add((node, KG.endOffset, Literal(fact.end, datatype=XSD.integer)))
    g.add((node, KG.extractor, Literal(fact.extractor)))
    g.add((node, KG.confidence, _number(round(fact.confidence, 3))))
    g.add((node, KG.status, KG[fact.status]))
    for name, key in fact.args:
        g.add((node, _ARG_PROPERTY[name], entity_iri(key)))
    for name, value in fact.attrs:
        if name in _DECIMAL_ATTRS:
            g.add((node, KG[name], _number(value)))
        elif name == "durationDays":
            g.add((node, KG.durationDays, Literal(int(value), datatype=XSD.integer)))
        elif name == "date" and isinstance(value, dt.date):
            g.add((node, KG.date, Literal(value.isoformat(), datatype=XSD.date)))
        elif name == "role":
            role = URIRef(ENTITY_BASE + "role/" + slug(str(value)))
            g.add((role, RDF.type, KG.Role))
            g.add((role, RDFS.label, Literal(str(value))))
            g.add((node, ORG.role, role))
        elif name == "action":
            g.add((node, KG.action, KG[str(value)]))
        elif name == "policy":
            owner = " ".join(labels.get(k, "") for k in fact.arg("policyOwner"))
            policy = URIRef(ENTITY_BASE + "policy/" + slug(f"{owner} {value}".strip()))
            g.add((policy, RDF.type, KG.Policy))
            g.add((policy, RDFS.label, Literal(f"{owner}'s {value}" if owner else str(value))))
            g.add((node, KG.policy, policy))
            for k in fact.arg("policyOwner"):
                g.add((policy, KG.policyOf, entity_iri(k)))
            # the court→policy edge is a direct edge: only for asserted rulings whose action is known
            if fact.status == "Asserted" and fact.attr("action") in ("Blocks", "Upholds"):
                edge = KG.blocks if fact.attr("action") == "Blocks" else KG.upholds
                for k in fact.arg("court"):
                    g.add((entity_iri(k), edge, policy))
        elif name in _TEXT_ATTRS:
            g.add((node, _TEXT_ATTRS[name], Literal(str(value))))
    if fact.status == "Asserted":
        _direct_edges(g, fact)
    return node


def _direct_edges(g: Graph, fact: Fact) -> None:
    """Shortcut edges between the main arguments, so simple queries stay simple."""
    pairs = {
        "membership": ("member", "organization", KG.memberOf),
        "tariff": ("imposedBy", "target", KG.imposesTariffOn),
        "statement": ("speaker", "medium", KG.spokeTo),
        "urges": ("actor", "addressee", KG.urges),
        "restriction": ("imposedBy", "target", KG.restricts),
    }
    if fact.relation in pairs:
        a, b, prop = pairs[fact.relation]
        for x in fact.arg(a):
            for y in fact.arg(b):
                g.add((entity_iri(x), prop, entity_iri(y)))
    elif fact.relation in ("negotiation", "agreement"):
        prop = KG.negotiatesWith if fact.relation == "negotiation" else KG.agreesWith
        for x, y in combinations(sorted(set(fact.arg("participant"))), 2):
            g.add((entity_iri(x), prop, entity_iri(y)))
            g.add((entity_iri(y), prop, entity_iri(x)))


def add_extraction(g: Graph, ex: Extraction) -> Graph:
    """Add one document's entities and facts to ``g``."""
    doc_node = add_document(g, ex.document)
    labels = {e.key: e.label for e in ex.entities}
    for e in ex.entities:
        node = add_entity(g, e)
        g.add((doc_node, SCHEMA.mentions, node))
    for fact in ex.facts:
        add_fact(g, doc_node, ex.document.id, fact, labels)
    return g


def build_graph(extractions: Iterable[Extraction]) -> Graph:
    """One graph of many documents."""
    g = new_graph()
    for ex in extractions:
        add_extraction(g, ex)
    return g
