"""View: the RDF graph as a networkx graph of entities and facts, drawn as one self-contained HTML page.

Nodes are keyed by IRI with ``label``, ``type`` (fine class), ``coarse_type``, ``aliases`` and ``mentions``
(documents that mention them). Edges are keyed by fact IRI with ``fact``, ``relation``, ``label``,
``attributes``, ``evidence`` (a list of Evidence) and ``date`` (kg:date, else the document's).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, NamedTuple

import networkx as nx
import rdflib
from rdflib import RDF, RDFS, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.model import COARSE_TYPES, ORG_SUBTYPES, RELATIONS

log = logging.getLogger(__name__)

POLICY = "Policy"
OTHER = "Other"
#: Node kinds in legend order: the coarse entity types, court-ruling policies, and anything untyped.
NODE_KINDS = (*COARSE_TYPES, POLICY, OTHER)
SYMMETRIC_RELATIONS = frozenset({"negotiation", "agreement"})
VIS_LIB = "templates/lib/vis-9.1.2"  # inside the installed pyvis package
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"

SizeBy = Literal["degree", "pagerank"]

_SHAPES = {"Person": "dot", "Organization": "square", "Country": "diamond", "Place": "triangleDown",
           POLICY: "star", OTHER: "dot"}
_COLORS = {
    "Person": "#4e79a7",
    "Organization": "#f28e2b",
    "GovernmentBody": "#e15759",
    "Court": "#b07aa1",
    "Legislature": "#9c755f",
    "NewsOrganization": "#76b7b2",
    "PoliticalParty": "#499894",
    "Company": "#edc948",
    "InternationalOrganization": "#17becf",
    "ArmedGroup": "#8c564b",
    "EducationalInstitution": "#bcbd22",
    "Country": "#59a14f",
    "Place": "#8cd17d",
    POLICY: "#d37295",
    OTHER: "#b0b0b0",
}
_RELATION_COLORS = {
    "membership": "#6b8fb5",
    "tariff": "#d9534f",
    "court_ruling": "#8e5ea2",
    "statement": "#5aa469",
    "negotiation": "#e0a030",
    "agreement": "#2a9d8f",
    "urges": "#c06c84",
    "restriction": "#6c757d",
}
_FIXED_LABELS = {"statement": "spoke to", "negotiation": "negotiates with", "agreement": "agrees with",
                 "urges": "urges", "restriction": "restricts"}
_TOOLTIP_EVIDENCE = 5  # evidence sentences shown per edge tooltip
#: Above this many nodes a view leaves out entities in no fact with another entity (a statement with no medium
#: links nobody): hundreds of loose dots hide the network.
ISOLATED_LIMIT = 100


class Evidence(NamedTuple):
    """One sentence a fact was read from, with the document it came from."""

    sentence: str
    title: str | None
    date: dt.date | None
    document: str | None  # dcterms:identifier of the document, else its IRI


@dataclass(frozen=True)
class ViewSummary:
    """What a written view shows: node and edge counts, and whether the graph was cut to fit."""

    nodes: int
    edges: int
    truncated: bool
    note: str


# ---------------------------------------------------------------------------------------------------------
# RDF -> networkx


def _terms() -> SimpleNamespace:
    """The vocabularies the view reads (imported on first use, so importing kg.view does no work)."""
    from kg.vocab import DCTERMS, KG, ORG, PROV, SCHEMA, SKOS

    return SimpleNamespace(KG=KG, ORG=ORG, PROV=PROV, SCHEMA=SCHEMA, SKOS=SKOS, DCTERMS=DCTERMS)


def _kg(name: str) -> str:
    """The IRI of a kg ontology term, checked by the closed namespace."""
    return str(_terms().KG[name])


def _local_name(iri: Node) -> str:
    """The part of an IRI after its last '#' or '/'."""
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text


def _ontology_subclasses() -> tuple[tuple[str, str], ...]:
    """The rdfs:subClassOf pairs of the ontology files, when the ontology folder has any."""
    from kg.vocab import ontology_path

    files = sorted(ontology_path().glob("*.ttl"))
    return _read_subclasses(tuple((str(f), f.stat().st_mtime) for f in files)) if files else ()


@lru_cache(maxsize=4)
def _read_subclasses(files: tuple[tuple[str, float], ...]) -> tuple[tuple[str, str], ...]:
    """The rdfs:subClassOf pairs of these Turtle files (cached per file list and modification times)."""
    from kg.vocab import load_ontology

    try:
        ontology = load_ontology()
    except Exception as e:  # the view still works from the hierarchy kg.model knows
        log.warning("cannot read the ontology (%s); using the built-in class hierarchy", e)
        return ()
    return tuple((str(s), str(o)) for s, o in ontology.subject_objects(RDFS.subClassOf))


def _superclasses(graph: rdflib.Graph, ontology: rdflib.Graph | None) -> dict[str, set[str]]:
    """Every class with all its superclasses (itself included), from the graph, the ontology and kg.model."""
    parents: dict[str, set[str]] = defaultdict(set)
    for sub in ORG_SUBTYPES:
        parents[_kg(sub)].add(_kg("Organization"))
    parents[_kg("Country")].add(_kg("Place"))
    if ontology is not None:
        pairs = tuple((str(s), str(o)) for s, o in ontology.subject_objects(RDFS.subClassOf))
    else:
        pairs = _ontology_subclasses()
    for sub_class, super_class in (*pairs, *graph.subject_objects(RDFS.subClassOf)):
        parents[str(sub_class)].add(str(super_class))

    closure: dict[str, set[str]] = {}
    for cls in list(parents):
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[cls] = seen
    return closure


def _classify(types: Iterable[str], closure: Mapping[str, set[str]]) -> tuple[str, str] | None:
    """(fine type, coarse kind) of a resource from its rdf:types, or None when it is no entity."""
    kinds = [_kg(kind) for kind in (*COARSE_TYPES, POLICY)]
    best: tuple[int, str, str] | None = None
    for cls in types:
        ancestors = closure.get(cls, {cls})
        kind = next((k for k in kinds if k in ancestors), None)
        if kind is None:
            continue
        candidate = (-len(ancestors), _local_name(URIRef(cls)), _local_name(URIRef(kind)))
        if best is None or candidate < best:  # the most specific class wins
            best = candidate
    return None if best is None else (best[1], best[2])


def _python(value: Node) -> Any:
    """A literal as a plain Python value (decimals as floats, so the graph exports anywhere)."""
    if isinstance(value, rdflib.Literal):
        python = value.toPython()
        if isinstance(python, Decimal):
            return float(python)
        return python if isinstance(python, str | int | float | bool | dt.date) else str(value)
    return value


def _label(graph: rdflib.Graph, node: Node) -> str:
    """rdfs:label of a resource, else its local name."""
    if isinstance(node, rdflib.Literal):
        return str(node)
    label = graph.value(node, RDFS.label)
    return str(label) if label is not None else _local_name(node)


def _documents(graph: rdflib.Graph, t: SimpleNamespace) -> dict[Node, tuple[str, str | None, dt.date | None]]:
    """Every document: IRI -> (identifier, title, date)."""
    docs: dict[Node, tuple[str, str | None, dt.date | None]] = {}
    subjects = set(graph.subjects(RDF.type, t.KG.Document)) | set(graph.subjects(t.SCHEMA.mentions, None))
    for doc in subjects:
        identifier = graph.value(doc, t.DCTERMS.identifier)
        title = graph.value(doc, t.DCTERMS.title)
        date = _python(graph.value(doc, t.DCTERMS.date, default=rdflib.Literal("")))
        docs[doc] = (
            str(identifier) if identifier is not None else str(doc),
            str(title) if title is not None else None,
            date if isinstance(date, dt.date) else None,
        )
    return docs


def _format_number(value: Any) -> str:
    """30.0 -> '30', 12.5 -> '12.5'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fact_attributes(graph: rdflib.Graph, fact: Node, t: SimpleNamespace) -> dict[str, Any]:
    """The literal attributes of a fact, by readable name; resources become their labels."""
    properties = (
        ("role", t.ORG.role), ("rate", t.KG.rate), ("previous_rate", t.KG.previousRate),
        ("goods", t.KG.goods), ("duration_days", t.KG.durationDays), ("date", t.KG.date),
        ("date_text", t.KG.dateText), ("status", t.KG.status), ("confidence", t.KG.confidence),
        ("measure", t.KG.measure), ("demand", t.KG.demand), ("content", t.KG.content),
        ("topic", t.KG.topic), ("agreement_name", t.KG.agreementName), ("place", t.KG.place),
        ("policy", t.KG.policy), ("policy_owner", t.KG.policyOwner), ("action", t.KG.action),
        ("extractor", t.KG.extractor),
    )
    attributes: dict[str, Any] = {}
    for name, prop in properties:
        values = sorted((_python(v) if isinstance(v, rdflib.Literal) else _label(graph, v)
                         for v in graph.objects(fact, prop)), key=str)
        if values:
            attributes[name] = values[0] if len(values) == 1 else tuple(values)
    return attributes


def _evidence(
    graph: rdflib.Graph, fact: Node, docs: Mapping[Node, tuple[str, str | None, dt.date | None]],
    t: SimpleNamespace,
) -> list[Evidence]:
    """The fact's sentences, each with its document (a fact from several documents pairs them in order)."""
    sentences = sorted(str(s) for s in graph.objects(fact, t.KG.evidence))
    derived_from = graph.objects(fact, t.PROV.wasDerivedFrom)
    sources = sorted((docs.get(d) or (str(d), None, None) for d in derived_from), key=lambda doc: str(doc[0]))
    if len(sources) <= 1:
        doc = sources[0] if sources else (None, None, None)
        return [Evidence(s, doc[1], doc[2], doc[0]) for s in sentences]
    if not sentences:
        return [Evidence("", title, date, identifier) for identifier, title, date in sources]
    # RDF does not say which sentence came from which document when there are several of each
    pairs = [(s, sources[min(i, len(sources) - 1)]) for i, s in enumerate(sentences)]
    pairs += [(sentences[-1], doc) for doc in sources[len(sentences):]]
    return [Evidence(s, doc[1], doc[2], doc[0]) for s, doc in pairs]


def _relation_of(types: Iterable[str], closure: Mapping[str, set[str]]) -> str | None:
    """The relation key (kg.model.RELATIONS) of a fact from its rdf:types."""
    by_class = {_kg(cls): key for key, cls in RELATIONS.items()}
    for cls in sorted(types):
        for ancestor in sorted(closure.get(cls, {cls})):
            if ancestor in by_class:
                return by_class[ancestor]
    return None


def _endpoints(
    graph: rdflib.Graph, fact: Node, relation: str, t: SimpleNamespace,
) -> list[tuple[Node, Node, str]]:
    """The (source, target, kind) pairs one fact connects: kind is POLICY for a ruled-on policy."""
    def objects(prop: URIRef) -> list[Node]:
        return sorted(graph.objects(fact, prop), key=str)

    directed = {
        "membership": (t.ORG.member, t.ORG.organization),
        "tariff": (t.KG.imposedBy, t.KG.target),
        "statement": (t.KG.speaker, t.KG.medium),
        "urges": (t.KG.actor, t.KG.addressee),
        "restriction": (t.KG.imposedBy, t.KG.target),
    }
    if relation in directed:
        source, target = directed[relation]
        return [(s, o, OTHER) for s in objects(source) for o in objects(target) if s != o]
    if relation in SYMMETRIC_RELATIONS:
        return [(a, b, OTHER) for a, b in combinations(objects(t.KG.participant), 2) if a != b]
    if relation == "court_ruling":
        policies = objects(t.KG.policy)
        targets = policies or objects(t.KG.policyOwner)
        return [(court, target, POLICY if policies else OTHER)
                for court in objects(t.KG.court) for target in targets]
    return []


def _edge_label(relation: str, attributes: Mapping[str, Any]) -> str:
    """The short text drawn on an edge."""
    if relation == "membership":
        return str(attributes.get("role") or "member of")
    if relation == "tariff":
        rate = attributes.get("rate")
        return f"{_format_number(rate)}%" if isinstance(rate, int | float) else "tariff"
    if relation == "court_ruling":
        action = str(attributes.get("action") or "").lower()
        return action if action in ("blocks", "upholds") else "ruling"
    return _FIXED_LABELS.get(relation, relation)


def graph_to_networkx(graph: rdflib.Graph, *, ontology: rdflib.Graph | None = None) -> nx.MultiDiGraph:
    """Entities and policies as nodes, facts as edges between their main arguments, with evidence."""
    t = _terms()
    closure = _superclasses(graph, ontology)
    docs = _documents(graph, t)
    mentions: dict[Node, set[Node]] = defaultdict(set)
    for doc, entity in graph.subject_objects(t.SCHEMA.mentions):
        mentions[entity].add(doc)

    types: dict[Node, set[str]] = defaultdict(set)
    for subject, cls in graph.subject_objects(RDF.type):
        types[subject].add(str(cls))

    g = nx.MultiDiGraph()

    def add_node(node: Node, fine: str, kind: str) -> None:
        aliases = sorted({str(a) for a in graph.objects(node, t.SKOS.altLabel)} - {_label(graph, node)})
        g.add_node(str(node), label=_label(graph, node), type=fine, coarse_type=kind,
                   aliases=tuple(aliases), mentions=len(mentions.get(node, ())))

    for node, classes in types.items():
        if isinstance(node, rdflib.Literal) or (typed := _classify(classes, closure)) is None:
            continue
        add_node(node, *typed)

    policy_owners: dict[tuple[str, str], list[tuple[str, list[Evidence], dt.date | None]]] = defaultdict(list)
    skipped = 0
    for fact, classes in sorted(types.items(), key=lambda item: str(item[0])):
        relation = _relation_of(classes, closure)
        if relation is None:
            continue
        pairs = _endpoints(graph, fact, relation, t)
        if not pairs:
            skipped += 1
            continue
        attributes = _fact_attributes(graph, fact, t)
        evidence = _evidence(graph, fact, docs, t)
        dates = [d for d in graph.objects(fact, t.KG.date) if isinstance(_python(d), dt.date)]
        date = max((_python(d) for d in dates), default=None) or max(
            (e.date for e in evidence if e.date is not None), default=None)
        for source, target, target_kind in pairs:
            for node, kind in ((source, OTHER), (target, target_kind)):
                if str(node) not in g:  # an argument the graph does not type: keep the fact anyway
                    add_node(node, kind, kind)
            g.add_edge(str(source), str(target), key=str(fact), fact=str(fact), relation=relation,
                       label=_edge_label(relation, attributes), attributes=attributes,
                       evidence=evidence, date=date)
        if relation == "court_ruling":
            for policy in graph.objects(fact, t.KG.policy):
                for owner in graph.objects(fact, t.KG.policyOwner):
                    policy_owners[(str(policy), str(owner))].append((str(fact), evidence, date))

    # a ruled-on policy would float free of whoever owns it; one "policy of" edge per pair links them
    for (policy_iri, owner_iri), rulings in sorted(policy_owners.items()):
        if owner_iri not in g:
            add_node(URIRef(owner_iri), OTHER, OTHER)
        first = rulings[0][0]
        g.add_edge(policy_iri, owner_iri, key=f"{first}#policyOf", fact=first, relation="court_ruling",
                   label="policy of", attributes={"rulings": len(rulings)},
                   evidence=[e for _, evidence, _ in rulings for e in evidence],
                   date=max((d for _, _, d in rulings if d is not None), default=None))
    if skipped:
        log.debug("%d facts without both main arguments are not drawn", skipped)
    log.info("view graph: %d nodes, %d edges", g.number_of_nodes(), g.number_of_edges())
    return g


# ---------------------------------------------------------------------------------------------------------
# Ranking and selection


def _pagerank(g: nx.MultiDiGraph, *, alpha: float = 0.85, tol: float = 1e-8, max_iter: int = 200) -> dict:
    """PageRank by power iteration (networkx's own needs SciPy); symmetric relations count both ways."""
    nodes = list(g)
    if not nodes:
        return {}
    out: dict[Any, dict[Any, float]] = {n: defaultdict(float) for n in nodes}
    for u, v, relation in g.edges(data="relation"):
        out[u][v] += 1.0
        if relation in SYMMETRIC_RELATIONS:
            out[v][u] += 1.0
    weight = {n: sum(targets.values()) for n, targets in out.items()}
    n_nodes = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n_nodes)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[n] for n in nodes if not weight[n]) / n_nodes
        new = dict.fromkeys(nodes, (1.0 - alpha) / n_nodes + dangling)
        for u in nodes:
            if weight[u]:
                share = alpha * rank[u] / weight[u]
                for v, w in out[u].items():
                    new[v] += share * w
        if sum(abs(new[n] - rank[n]) for n in nodes) < n_nodes * tol:
            return new
        rank = new
    return rank


def rank_nodes(g: nx.MultiDiGraph, *, by: SizeBy = "degree") -> dict[str, float]:
    """A score per node: its number of facts (degree) or its PageRank."""
    if by == "pagerank":
        return _pagerank(g)
    if by == "degree":
        return {n: float(d) for n, d in g.degree()}
    raise ValueError(f"size_by must be 'degree' or 'pagerank', not {by!r}")


def _top(g: nx.MultiDiGraph, n: int, score: Mapping[str, float]) -> list[str]:
    """The n best-scored nodes; ties go to the most mentioned, then alphabetical."""
    order = sorted(g, key=lambda node: (-score[node], -g.nodes[node].get("mentions", 0),
                                         g.nodes[node].get("label", ""), node))
    return order[:n]


def _normalise(name: str) -> str:
    """'Court-Ruling' and 'court ruling' -> 'courtruling'."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _resolve_relations(names: Iterable[str]) -> set[str]:
    """Relation keys from keys or class names, in any case; unknown names are an error."""
    known = {_normalise(name): key for key, cls in RELATIONS.items() for name in (key, cls)}
    chosen = set()
    for name in names:
        if _normalise(name) not in known:
            raise KgError(f"unknown relation {name!r}; choose from {', '.join(RELATIONS)}")
        chosen.add(known[_normalise(name)])
    return chosen


def _resolve_types(names: Iterable[str], g: nx.MultiDiGraph) -> set[str]:
    """Normalised type names (fine or coarse); unknown names are an error."""
    vocabulary = {*NODE_KINDS, *ORG_SUBTYPES, *(d.get("type", "") for _, d in g.nodes(data=True))}
    known = {_normalise(name) for name in vocabulary}
    chosen = set()
    for name in names:
        if _normalise(name) not in known:
            raise KgError(f"unknown entity type {name!r}; choose from {', '.join(sorted(vocabulary))}")
        chosen.add(_normalise(name))
    return chosen


def _keep(g: nx.MultiDiGraph, nodes: Iterable[str],
          edge_ok: Callable[[dict[str, Any]], bool] | None = None) -> nx.MultiDiGraph:
    """A copy of g with only these nodes, and only the edges between them that edge_ok accepts."""
    keep = set(nodes)
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, d) for n, d in g.nodes(data=True) if n in keep)
    sub.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
                       if u in keep and v in keep and (edge_ok is None or edge_ok(d)))
    return sub


def find_nodes(g: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes whose label or an alias is this name, ignoring case."""
    wanted = name.casefold().strip()
    return sorted(n for n, d in g.nodes(data=True)
                  if wanted in {d.get("label", "").casefold(), *(a.casefold() for a in d.get("aliases", ()))})


def select_subgraph(
    g: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    top: int | None = None,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    since: dt.date | None = None,
    size_by: SizeBy = "degree",
) -> nx.MultiDiGraph:
    """The part of a view graph to draw: filtered by date, relation and type, then focus, then top N."""
    if isinstance(types, str):
        types = [types]
    if isinstance(relations, str):
        relations = [relations]
    sub = g
    if since is not None or relations is not None:
        wanted = _resolve_relations(relations) if relations is not None else set(RELATIONS)

        def edge_ok(d: dict[str, Any]) -> bool:
            dated = since is None or (d["date"] is not None and d["date"] >= since)
            return d["relation"] in wanted and dated

        sub = _keep(sub, sub, edge_ok)
        # an entity whose facts were all filtered out says nothing about the filtered view
        sub = _keep(sub, [n for n in sub if sub.degree(n)])
    if types is not None:
        chosen = _resolve_types(types, g)
        sub = _keep(sub, [n for n, d in sub.nodes(data=True)
                          if {_normalise(d["type"]), _normalise(d["coarse_type"])} & chosen])
    if focus is not None:
        centres = find_nodes(sub, focus)
        if not centres:
            where = "the filtered graph" if sub is not g else "the graph"
            raise KgError(f"no entity named {focus!r} in {where}; names and aliases match whole, any case")
        undirected = sub.to_undirected(as_view=True)
        near: set[str] = set()
        for centre in centres:
            near |= set(nx.single_source_shortest_path_length(undirected, centre, cutoff=max(hops, 0)))
        sub = _keep(sub, near)
    if top is not None:
        sub = _keep(sub, _top(sub, max(top, 0), rank_nodes(sub, by=size_by)))
    return sub if sub is not g else _keep(g, g)


# ---------------------------------------------------------------------------------------------------------
# HTML


def _display(value: Any) -> str:
    """One attribute value as text."""
    if isinstance(value, tuple | list):
        return "; ".join(_display(v) for v in value)
    if isinstance(value, float):
        return _format_number(value)
    return str(value)


def _node_tooltip(d: Mapping[str, Any], degree: int) -> str:
    """Plain-text tooltip of a node (vis-network shows string titles as text, never as HTML)."""
    kind = f" ({d['coarse_type']})" if d["type"] != d["coarse_type"] else ""
    lines = [d["label"], f"type: {d['type']}{kind}"]
    if d.get("aliases"):
        lines.append("also: " + ", ".join(d["aliases"]))
    lines.append(f"mentioned in {d.get('mentions', 0)} document(s); {degree} fact(s) shown")
    return "\n".join(lines)


def _edge_tooltip(g: nx.MultiDiGraph, u: str, v: str, d: Mapping[str, Any]) -> str:
    """Plain-text tooltip of an edge: relation, attributes, then evidence with document title and date."""
    arrow = "—" if d["relation"] in SYMMETRIC_RELATIONS else "→"
    lines = [f"{g.nodes[u]['label']} {arrow} {g.nodes[v]['label']}", f"{d['relation']}: {d['label']}"]
    lines += [f"{name.replace('_', ' ')}: {_display(value)}" for name, value in d["attributes"].items()]
    evidence = d["evidence"]
    if evidence:
        lines.append("evidence:")
    for e in evidence[:_TOOLTIP_EVIDENCE]:
        source = ", ".join(x for x in (e.title, e.date.isoformat() if e.date else None, e.document) if x)
        lines.append(f"“{e.sentence}”" + (f"\n    — {source}" if source else ""))
    if len(evidence) > _TOOLTIP_EVIDENCE:
        lines.append(f"… and {len(evidence) - _TOOLTIP_EVIDENCE} more")
    return "\n".join(lines)


def _smooth(groups: Mapping[frozenset[str], list[int]], edge_ends: list[tuple[str, str]]) -> dict[int, Any]:
    """Curves for parallel edges so several facts between one pair stay apart (straight otherwise)."""
    smooth: dict[int, Any] = {}
    for members in groups.values():
        offset = 0 if len(members) % 2 else 1
        for i, index in enumerate(members):
            step = i + offset
            if step == 0:
                continue
            u, v = edge_ends[index]
            clockwise = (step % 2 == 0) == (u < v)  # same side whichever way the edge points
            smooth[index] = {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW",
                             "roundness": 0.2 * ((step + 1) // 2)}
    return smooth


def _options(*, physics: bool, n_nodes: int) -> dict[str, Any]:
    """vis-network options: forceAtlas2Based, ~200 stabilization iterations, straight edges."""
    return {
        "autoResize": True,
        "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3,
                                             "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "width": 1.2, "selectionWidth": 2, "color": {"inherit": False},
                  "font": {"size": 11, "align": "horizontal", "color": "#444444", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 300},
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 100},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "centralGravity": 0.01, "springLength": 150,
                                 "springConstant": 0.08, "damping": 0.4, "avoidOverlap": 0.2,
                                 # a coarser Barnes-Hut pass halves a step's cost on big graphs
                                 "theta": 0.5 if n_nodes <= 300 else 0.8},
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 25, "fit": True},
            "minVelocity": 0.75,
            "timestep": 0.5,
        },
    }


def _asset(name: str) -> str:
    """A file of kg/assets."""
    return resources.files("kg").joinpath("assets", name).read_text(encoding="utf-8")


def _vis_library() -> tuple[str, str]:
    """vis-network's JS and CSS, read from the installed pyvis package."""
    try:
        lib = resources.files("pyvis").joinpath(*VIS_LIB.split("/"))
        return (lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"),
                lib.joinpath("vis-network.css").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, OSError) as e:
        raise KgError(f"cannot read vis-network from the pyvis package ({e}); reinstall pyvis 0.3.x") from e


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can end it or open a tag."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _network_data(sub: nx.MultiDiGraph, *, size_by: SizeBy, physics: bool) -> tuple[list, list, str]:
    """Nodes, edges and options laid out by pyvis's Network."""
    from pyvis.network import Network  # pyvis pulls in IPython: import it only to draw

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    score = rank_nodes(sub, by=size_by)
    top_score = max(score.values(), default=0.0) or 1.0
    for n, d in sub.nodes(data=True):
        kind = d["coarse_type"]
        net.add_node(
            n, label=d["label"], shape=_SHAPES.get(kind, "dot"),
            color=_COLORS.get(d["type"], _COLORS.get(kind, _COLORS[OTHER])),
            size=round(10 + 18 * math.sqrt(max(score[n], 0.0) / top_score), 1),
            title=_node_tooltip(d, sub.degree(n)),
            kgType=d["type"], kgKind=kind, kgAliases=list(d["aliases"]), kgMentions=d["mentions"],
        )
    edge_list = list(sub.edges(keys=True, data=True))
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, (u, v, _, _) in enumerate(edge_list):
        groups[frozenset((u, v))].append(i)
    smooth = _smooth(groups, [(u, v) for u, v, _, _ in edge_list])
    for i, (u, v, _, d) in enumerate(edge_list):
        extra = {"smooth": smooth[i]} if i in smooth else {}
        net.add_edge(
            u, v, id=f"e{i}", label=d["label"], title=_edge_tooltip(sub, u, v, d),
            color=_RELATION_COLORS.get(d["relation"], "#888888"),
            arrows="" if d["relation"] in SYMMETRIC_RELATIONS else "to",
            kgRelation=d["relation"], kgFact=d["fact"], **extra,
        )
    # set_options strips every space before parsing, so the options hold no value with a space
    net.set_options(json.dumps(_options(physics=physics, n_nodes=sub.number_of_nodes())))
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return nodes, edges, options


def _legend(sub: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entity types and relations present, with colour, shape and count, in a stable order."""
    type_counts: dict[tuple[str, str], int] = defaultdict(int)
    for _, d in sub.nodes(data=True):
        type_counts[(d["coarse_type"], d["type"])] += 1
    kind_order = {k: i for i, k in enumerate(NODE_KINDS)}
    types = [{"name": fine, "kind": kind, "count": count, "shape": _SHAPES.get(kind, "dot"),
              "color": _COLORS.get(fine, _COLORS.get(kind, _COLORS[OTHER]))}
             for (kind, fine), count in sorted(type_counts.items(),
                                               key=lambda item: (kind_order.get(item[0][0], 99),
                                                                 item[0][1] != item[0][0], item[0][1]))]
    relation_counts: dict[str, int] = defaultdict(int)
    for _, _, relation in sub.edges(data="relation"):
        relation_counts[relation] += 1
    relations = [{"name": r, "count": relation_counts[r], "color": _RELATION_COLORS.get(r, "#888888")}
                 for r in (*RELATIONS, *sorted(set(relation_counts) - set(RELATIONS))) if relation_counts[r]]
    return types, relations


def _write_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".html.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_html(
    graph: rdflib.Graph,
    path: str | Path,
    *,
    title: str = "kg",
    size_by: SizeBy = "degree",
    focus: str | None = None,
    hops: int = 1,
    top: int | None = None,
    types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    since: dt.date | None = None,
    max_nodes: int = 1000,
    physics: bool = True,
    include_isolated: bool | None = None,
) -> ViewSummary:
    """Write the graph as one self-contained, offline HTML page (vis-network inlined, no network access)."""
    import jinja2
    from markupsafe import Markup

    if size_by not in ("degree", "pagerank"):
        raise ValueError(f"size_by must be 'degree' or 'pagerank', not {size_by!r}")
    path = Path(path)
    g = graph_to_networkx(graph)
    sub = select_subgraph(g, focus=focus, hops=hops, top=top, types=types, relations=relations,
                          since=since, size_by=size_by)
    notes = []
    isolated = sum(1 for n in sub if not sub.degree(n))
    if include_isolated is None:  # by default only a large view leaves them out
        include_isolated = sub.number_of_nodes() <= ISOLATED_LIMIT
    if isolated and not include_isolated:
        sub = _keep(sub, [n for n in sub if sub.degree(n)])
        which = "1 entity is" if isolated == 1 else f"{isolated} entities are"
        notes.append(f"{which} in no fact with another entity and not shown (--include-isolated shows them).")
    available = sub.number_of_nodes()
    truncated = available > max_nodes
    if truncated:
        sub = _keep(sub, _top(sub, max(max_nodes, 0), rank_nodes(sub, by="degree")))
        notes.insert(0, f"Only the most connected part is shown: {sub.number_of_nodes()} of {available} "
                        f"entities (max_nodes={max_nodes}).")
        log.warning("view cut to %d of %d nodes", sub.number_of_nodes(), available)
    note = " ".join(notes)
    nodes, edges, options = _network_data(sub, size_by=size_by, physics=physics)
    type_legend, relation_legend = _legend(sub)
    vis_js, vis_css = _vis_library()
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    page = environment.from_string(_asset("view.html")).render(
        title=title,
        csp=CSP,
        physics=physics,
        note=note,
        n_nodes=len(nodes),
        n_edges=len(edges),
        types=type_legend,
        relations=relation_legend,
        vis_css=Markup(vis_css),
        vis_js=Markup(vis_js),
        kg_css=Markup(_asset("view.css")),
        kg_js=Markup(_asset("view.js")),
        data=Markup(_script_json(
            {"nodes": nodes, "edges": edges, "options": json.loads(options), "physics": physics})),
    )
    _write_atomic(path, page)
    log.info("wrote %s: %d nodes, %d edges", path, len(nodes), len(edges))
    return ViewSummary(nodes=len(nodes), edges=len(edges), truncated=truncated, note=note)
