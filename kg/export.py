"""Write a graph source in the formats other stores and tools load: RDF with or without named graphs, GraphML.

RDF is written by Oxigraph's serializers (strict, and they refuse an invalid IRI instead of writing
half a file), always through ``kg.serialize.atomic_write``.

Named graphs in TriG and N-Quads: a store keeps one graph per document and is written as it is; a
TriG/N-Quads input keeps its own graphs. A Turtle (or other triples-only) input is split per document
by provenance: a document's graph holds the document node, the facts ``prov:wasDerivedFrom`` it with
their role and policy nodes, and every entity it ``schema:mentions`` with its description; an edge
between two entities goes to the documents that mention both. Entities mentioned by several documents
are described in each of their graphs; the union of all graphs is exactly the input.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph, URIRef

from .errors import KgError
from .serialize import atomic_write
from .vocab import DOC_BASE, ENTITY_BASE, KG, ORG, PROV, RDF, RDFS, SCHEMA

__all__ = ["DIRECT_EDGES", "EXPORT_FORMATS", "Export", "export", "split_by_document", "to_networkx"]

#: Export formats by name → (Oxigraph format or None for GraphML, carries named graphs).
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat | None, bool]] = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "jsonld": (ox.RdfFormat.JSON_LD, False),
    "graphml": (None, False),
}

#: The shortcut edges between entities (and policies) that the graph layer writes for asserted facts.
DIRECT_EDGES = (KG.memberOf, KG.imposesTariffOn, KG.blocks, KG.upholds, KG.policyOf, KG.spokeTo,
                KG.negotiatesWith, KG.agreesWith, KG.urges, KG.restricts)

_TYPE = ox.NamedNode(str(RDF.type))
_DOCUMENT = ox.NamedNode(str(KG.Document))
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
_MENTIONS = ox.NamedNode(str(SCHEMA.mentions))
_FACT_PARTS = {ox.NamedNode(str(ORG.role)), ox.NamedNode(str(KG.policy))}


@dataclass(frozen=True)
class Export:
    """What ``export`` wrote: the file, its format and how much went in."""

    path: Path
    format: str
    statements: int  # triples, quads, or GraphML edges
    graphs: int  # named graphs (TriG, N-Quads), or GraphML nodes


def split_by_document(triples: Iterable[ox.Triple | ox.Quad]) -> list[ox.Quad]:
    """Spread triples over one named graph per document (see the module doc); the rest stays default."""
    unique = {(t.subject, t.predicate, t.object) for t in triples}
    docs = {s for s, p, o in unique if p == _TYPE and o == _DOCUMENT}
    owners: dict[object, set] = defaultdict(set)
    mentioned_by: dict[object, set] = defaultdict(set)
    for s, p, o in unique:
        if p == _DERIVED_FROM and o in docs:
            owners[s].add(o)
        elif p == _MENTIONS and s in docs:
            mentioned_by[o].add(s)
    for s, p, o in unique:  # role and policy nodes belong where their facts do
        if p in _FACT_PARTS and s in owners:
            owners[o] |= owners[s]
    quads = []
    for s, p, o in unique:
        if s in docs:
            graphs = {s}
        elif s in owners:
            graphs = owners[s]
        elif s in mentioned_by:
            both = mentioned_by[s] & mentioned_by[o] if o in mentioned_by else set()
            graphs = both or mentioned_by[s]
        else:
            graphs = {ox.DefaultGraph()}
        quads.extend(ox.Quad(s, p, o, g) for g in graphs)
    return quads


def _turtle_prefixes(prefixes: dict[str, str]) -> dict[str, str]:
    """Prefixes safe for other parsers: entity and document IRIs stay whole, since keys such as
    ``role/treasury-secretary`` or ``a~b`` would need backslash escapes that some stores keep verbatim."""
    return {k: v for k, v in prefixes.items() if v not in (ENTITY_BASE, DOC_BASE)}


def _label(graph: Graph, node: URIRef) -> str:
    label = graph.value(node, RDFS.label)
    return str(label) if label is not None else str(node).rstrip("/").rsplit("/", 1)[-1]


def _kind(graph: Graph, node: URIRef) -> str:
    kinds = sorted(str(t)[len(str(KG)):] for t in graph.objects(node, RDF.type) if str(t).startswith(str(KG)))
    return ",".join(kinds)


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities (and policies) as nodes with ``label``, ``type`` and ``iri``; direct fact edges as edges."""
    g = nx.MultiDiGraph()

    def add_node(node: URIRef) -> str:
        key = str(node)
        if key not in g:
            g.add_node(key, label=_label(graph, node), type=_kind(graph, node), iri=key)
        return key

    for entity in set(graph.objects(None, SCHEMA.mentions)):
        if isinstance(entity, URIRef):
            add_node(entity)
    for prop in DIRECT_EDGES:
        relation = str(prop)[len(str(KG)):]
        for s, o in graph.subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                g.add_edge(add_node(s), add_node(o), key=relation, relation=relation, label=relation,
                           iri=str(prop))
    return g


def export(source: str | Path, out: str | Path, *, format: str = "turtle") -> Export:
    """Write the graph source ``source`` (file, build folder or store) to ``out`` in a named format."""
    from .query import QUERY_PREFIXES
    from .store import fill_union, has_union, is_store, load_any, open_store, resolve_source, source_quads, union_size

    if format not in EXPORT_FORMATS:
        raise KgError(f"unknown export format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out)
    rdf_format, named = EXPORT_FORMATS[format]
    if rdf_format is None:
        network = to_networkx(load_any(source))
        atomic_write(out, lambda tmp: nx.write_graphml(network, str(tmp), encoding="utf-8"))
        return Export(out, format, network.number_of_edges(), network.number_of_nodes())
    prefixes = _turtle_prefixes(QUERY_PREFIXES)
    resolved = resolve_source(source)
    store = open_store(resolved, read_only=True) if is_store(resolved) else None
    if store is not None and has_union(store):
        own_default = False  # a kg store: its default graph is the union of the document graphs
    else:  # a file (or an old store): into memory, split per document when it has no graphs of its own
        quads = source_quads(resolved)
        if named and all(isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
            quads = split_by_document(quads)
        store = ox.Store()
        store.extend(quads)
        own_default = any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
        if not named and not own_default:
            fill_union(store)
    if not named:
        default = ox.DefaultGraph()
        n = union_size(store)
        atomic_write(out, lambda tmp: store.dump(str(tmp), format=rdf_format, from_graph=default,
                                                 prefixes=prefixes if format == "turtle" else None))
        return Export(out, format, n, 0)
    written = [0, 0]
    atomic_write(out, lambda tmp: _write_graphs(store, tmp, trig=format == "trig", own_default=own_default,
                                                counts=written))
    return Export(out, format, written[0], written[1])


def _write_graphs(store: ox.Store, path: Path, *, trig: bool, own_default: bool, counts: list[int]) -> None:
    """Write the store's named graphs (and its default graph when it is one of its own, not the union)
    as TriG or N-Quads, graph by graph in IRI order, each dumped by Oxigraph as N-Triples: the lines
    of a graph are valid inside a TriG block and become N-Quads with the graph's name added.
    ``counts`` receives the statements and the named graphs written."""
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    with open(path, "wb") as f:
        if own_default:
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            f.write(body)
            counts[0] += body.count(b"\n")
        for g in graphs:
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            counts[0] += body.count(b"\n")
            name = str(g).encode()
            if trig:
                f.write(name + b" {\n" + body + b"}\n")
            else:
                f.write(body.replace(b" .\n", b" " + name + b" .\n"))
        counts[1] = len(graphs)
