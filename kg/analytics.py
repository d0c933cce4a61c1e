"""Analytics with networkx: what a graph holds, who is central, how it clusters, how two entities connect.

Both functions read the view graph of ``kg.view.graph_to_networkx`` (entities and policies as nodes, facts
as edges with their evidence), so the numbers here are the ones the browser view draws.
"""
from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any, Literal

import networkx as nx
import rdflib
from rdflib import RDF

from kg.errors import KgError
from kg.model import COARSE_TYPES, RELATIONS
from kg.view import POLICY, SYMMETRIC_RELATIONS, find_nodes, graph_to_networkx, rank_nodes

COMMUNITY_SEED = 7  # Louvain is randomised; a fixed seed gives the same communities on every run
_NAMED_BY = 3  # members that name a community
_MAX_PATHS = 10  # shortest paths reported at most; two hubs can have thousands

StepKind = Literal["fact", "co-mention"]


@dataclass(frozen=True)
class Ranked:
    """One entity in a ranking: its IRI, label, fine type and score."""

    iri: str
    label: str
    type: str
    score: float


@dataclass(frozen=True)
class Community:
    """A cluster of entities that share more facts with each other than with the rest."""

    name: str  # its best-connected members' labels
    size: int
    members: tuple[str, ...]  # labels, best connected first


@dataclass(frozen=True)
class Stats:
    """What a graph holds and how it hangs together."""

    documents: int
    entities: int
    entity_types: dict[str, int]  # coarse type -> count
    fine_types: dict[str, int]  # fine type (ontology class) -> count
    policies: int  # policies ruled on by courts: nodes of the view, not entities
    facts: int
    relations: dict[str, int]  # relation -> facts, in kg.model.RELATIONS order
    top_degree: list[Ranked]
    top_pagerank: list[Ranked]
    components: int  # connected components among the nodes that take part in a fact
    component_sizes: list[int]  # of the largest components, largest first
    isolated: int  # entities in no fact with another entity (a statement with no medium links nobody)
    communities: int  # communities of two or more nodes
    top_communities: list[Community]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class PathStep:
    """One hop of a path: a fact between two entities, or two entities named in the same document."""

    source: str  # label of the entity the hop starts from
    target: str  # label of the entity it reaches
    kind: StepKind
    relation: str | None  # the fact's relation; None for a co-mention
    label: str  # the edge's label ("Treasury Secretary", "30%", "spoke to"), or "named with"
    forward: bool  # the fact points from source to target (False: it points back)
    symmetric: bool  # the fact has no direction (negotiation, agreement) or it is a co-mention
    sentence: str | None  # the evidence sentence; None for a co-mention
    document: str | None  # the document id of the evidence, or of the co-mention
    title: str | None = None  # that document's title, when known
    more: int = 0  # other facts or documents that join the same two entities


# ---------------------------------------------------------------------------------------------------------
# Stats


def _ranked(g: nx.MultiDiGraph, score: Mapping[str, float], top: int) -> list[Ranked]:
    """The top nodes by score; ties go to the most mentioned, then alphabetical."""
    order = sorted(g, key=lambda n: (-score[n], -g.nodes[n].get("mentions", 0), g.nodes[n]["label"], n))
    return [Ranked(n, g.nodes[n]["label"], g.nodes[n]["type"], round(score[n], 6)) for n in order[:top]]


def _simple(g: nx.MultiDiGraph) -> nx.Graph:
    """The undirected graph of the nodes that take part in facts, one edge per pair weighted by facts."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(n for n in g if g.degree(n)))
    for u, v in sorted(g.edges()):
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += 1
        else:
            simple.add_edge(u, v, weight=1)
    return simple


def _communities(g: nx.MultiDiGraph, simple: nx.Graph) -> list[Community]:
    """Louvain communities (fixed seed) of two or more nodes, largest first, named by their hubs."""
    if simple.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(simple, weight="weight", seed=COMMUNITY_SEED)
    degree = dict(g.degree())
    communities = []
    for members in found:
        if len(members) < 2:
            continue
        order = sorted(members, key=lambda n: (-degree[n], g.nodes[n]["label"], n))
        labels = tuple(g.nodes[n]["label"] for n in order)
        rest = len(labels) - _NAMED_BY
        name = ", ".join(labels[:_NAMED_BY]) + (f" (+{rest})" if rest > 0 else "")
        communities.append(Community(name=name, size=len(labels), members=labels))
    return sorted(communities, key=lambda c: (-c.size, c.name))


def _documents(graph: rdflib.Graph) -> set[rdflib.term.Node]:
    """Every document node: typed kg:Document or mentioning something."""
    from kg.vocab import KG, SCHEMA

    return set(graph.subjects(RDF.type, KG.Document)) | set(graph.subjects(SCHEMA.mentions, None))


def graph_stats(graph: rdflib.Graph, *, top: int = 10, g: nx.MultiDiGraph | None = None) -> Stats:
    """Counts, the most central entities, connected components and communities of a kg graph.

    ``g`` is the graph's view graph when the caller has it already (``graph_to_networkx(graph)``).
    """
    from kg.vocab import KG

    g = graph_to_networkx(graph) if g is None else g
    top = max(top, 0)
    kinds = Counter(d["coarse_type"] for _, d in g.nodes(data=True))
    entities = [(n, d) for n, d in g.nodes(data=True) if d["coarse_type"] in COARSE_TYPES]
    fine = Counter(d["type"] for _, d in entities)
    relations = {key: len(set(graph.subjects(RDF.type, KG[cls]))) for key, cls in RELATIONS.items()}
    simple = _simple(g)
    components = sorted((len(c) for c in nx.connected_components(simple)), reverse=True)
    communities = _communities(g, simple)
    return Stats(
        documents=len(_documents(graph)),
        entities=len(entities),
        entity_types={kind: kinds[kind] for kind in COARSE_TYPES if kinds[kind]},
        fine_types=dict(sorted(fine.items(), key=lambda item: (-item[1], item[0]))),
        policies=kinds[POLICY],
        facts=sum(relations.values()),
        relations={key: n for key, n in relations.items() if n},
        top_degree=_ranked(g, rank_nodes(g, by="degree"), top),
        top_pagerank=_ranked(g, rank_nodes(g, by="pagerank"), top),
        components=len(components),
        component_sizes=components[:top],
        isolated=sum(1 for n, _ in entities if not g.degree(n)),
        communities=len(communities),
        top_communities=communities[:top],
    )


# ---------------------------------------------------------------------------------------------------------
# Paths


def resolve_entity(g: nx.MultiDiGraph, name: str) -> str:
    """The one node a name means: its IRI, label or an alias (any case); else a KgError with candidates."""
    if name in g:
        return name
    found = find_nodes(g, name)
    if len(found) > 1:  # a name that is one entity's label and another's alias means the first
        by_label = [n for n in found if g.nodes[n]["label"].casefold() == name.casefold().strip()]
        found = by_label if len(by_label) == 1 else found
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(f"{g.nodes[n]['label']} ({g.nodes[n]['type']}, {n})" for n in found[:10])
        raise KgError(f"{name!r} names {len(found)} entities: {listed}; give a fuller name or the IRI")
    labels = sorted({d["label"] for _, d in g.nodes(data=True)})
    wanted = name.casefold().strip()
    near = [label for label in labels if wanted and wanted in label.casefold()]
    near += [label for label in difflib.get_close_matches(name, labels, n=5, cutoff=0.6) if label not in near]
    hint = f"; did you mean {', '.join(repr(label) for label in near[:5])}?" if near else \
        "; names and aliases match whole, any case (see `kg stats` for the main entities)"
    raise KgError(f"no entity named {name!r} in the graph{hint}")


def _mentions(graph: rdflib.Graph) -> dict[str, set[str]]:
    """Entity IRI -> identifiers of the documents that mention it."""
    from kg.vocab import DCTERMS, SCHEMA

    ids: dict[rdflib.term.Node, str] = {}
    by_entity: dict[str, set[str]] = defaultdict(set)
    for doc, entity in graph.subject_objects(SCHEMA.mentions):
        if doc not in ids:
            identifier = graph.value(doc, DCTERMS.identifier)
            ids[doc] = str(identifier) if identifier is not None else str(doc)
        by_entity[str(entity)].add(ids[doc])
    return by_entity


def _titles(graph: rdflib.Graph) -> dict[str, str]:
    """Document identifier -> title."""
    from kg.vocab import DCTERMS

    return {str(i): str(t) for doc, i in graph.subject_objects(DCTERMS.identifier)
            if (t := graph.value(doc, DCTERMS.title)) is not None}


def _fact_preference(d: Mapping[str, Any]) -> tuple:
    """Sort key of parallel facts: asserted first, then most confident, then with evidence."""
    attributes = d.get("attributes", {})
    status = attributes.get("status", "Asserted")
    confidence = attributes.get("confidence", 0.0)
    return (str(status).rsplit("#", 1)[-1] != "Asserted",
            -confidence if isinstance(confidence, int | float) else 0.0, not d.get("evidence"), d["fact"])


def _fact_step(g: nx.MultiDiGraph, u: str, v: str, titles: Mapping[str, str]) -> PathStep:
    """The best fact between u and v, read in the direction u -> v."""
    edges = [(True, d) for d in g.get_edge_data(u, v, default={}).values()]
    edges += [(False, d) for d in g.get_edge_data(v, u, default={}).values()]
    forward, d = min(edges, key=lambda edge: _fact_preference(edge[1]))
    evidence = d["evidence"][0] if d["evidence"] else None
    document = evidence.document if evidence else None
    return PathStep(
        source=g.nodes[u]["label"], target=g.nodes[v]["label"], kind="fact", relation=d["relation"],
        label=d["label"], forward=forward, symmetric=d["relation"] in SYMMETRIC_RELATIONS,
        sentence=evidence.sentence if evidence else None, document=document,
        title=(evidence.title if evidence else None) or titles.get(document or ""), more=len(edges) - 1)


def _co_mention_step(g: nx.MultiDiGraph, u: str, v: str, documents: list[str],
                     titles: Mapping[str, str]) -> PathStep:
    """Two entities named in the same document(s), with no fact between them."""
    document = documents[0]
    return PathStep(source=g.nodes[u]["label"], target=g.nodes[v]["label"], kind="co-mention", relation=None,
                    label="named with", forward=True, symmetric=True, sentence=None, document=document,
                    title=titles.get(document), more=len(documents) - 1)


def _node_paths(network: nx.Graph, a: str, b: str, *, weight: str | None) -> Iterator[list[str]]:
    """Shortest paths from a to b, none when they are not connected."""
    try:
        yield from nx.all_shortest_paths(network, a, b, weight=weight)
    except (nx.NetworkXNoPath, nx.NodeNotFound):  # NodeNotFound: an entity in no fact and no document
        return


def find_paths(
    graph: rdflib.Graph,
    a: str,
    b: str,
    *,
    max_hops: int = 4,
    facts_only: bool = False,
    limit: int = _MAX_PATHS,
    g: nx.MultiDiGraph | None = None,
) -> list[list[PathStep]]:
    """The shortest ways two entities (label, alias or IRI) are connected, each hop with its evidence.

    Fact paths come first; only when there is none within ``max_hops`` and ``facts_only`` is False,
    paths that also step between entities named in the same document (``kind == "co-mention"``).
    """
    g = graph_to_networkx(graph) if g is None else g
    source, target = resolve_entity(g, a), resolve_entity(g, b)
    if source == target:
        raise KgError(f"{a!r} and {b!r} are the same entity ({g.nodes[source]['label']}); give two entities")
    titles = _titles(graph)
    facts = nx.Graph()
    facts.add_nodes_from(sorted(g))
    facts.add_edges_from(sorted((u, v) for u, v in g.edges() if u != v))
    found = [[_fact_step(g, u, v, titles) for u, v in zip(path, path[1:], strict=False)]
             for path in islice(_node_paths(facts, source, target, weight=None), limit)
             if len(path) - 1 <= max_hops]
    if found or facts_only:
        return found

    # entities and documents in one graph: a co-mention is two hops through a document, a fact one,
    # so the shortest path takes facts where it can
    mixed = nx.Graph()
    mixed.add_edges_from(facts.edges(), weight=1)
    mentions = _mentions(graph)
    for entity in sorted(mentions):
        if entity in g:
            mixed.add_edges_from(((entity, ("doc", d)) for d in sorted(mentions[entity])), weight=1)
    paths = []
    for path in islice(_node_paths(mixed, source, target, weight="weight"), limit):
        steps: list[PathStep] = []
        entities = [n for n in path if not isinstance(n, tuple)]
        for u, v in zip(entities, entities[1:], strict=False):
            if facts.has_edge(u, v):
                steps.append(_fact_step(g, u, v, titles))
            else:
                steps.append(_co_mention_step(g, u, v, sorted(mentions[u] & mentions[v]), titles))
        if len(steps) <= max_hops:
            paths.append(steps)
    return _unique(paths)


def _unique(paths: Iterable[list[PathStep]]) -> list[list[PathStep]]:
    """Paths that differ in their entities (two documents naming the same pair make one co-mention)."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for path in paths:
        key = tuple(step.source for step in path) + (path[-1].target,) if path else ()
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept
