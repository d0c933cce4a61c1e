"""An on-disk Oxigraph store with one named graph per document, and loading any graph source.

A *graph source* is an RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML), a build folder
holding ``graph.ttl``, or an Oxigraph store folder written by ``kg build --store``. Every reading
command goes through ``load_any`` (an rdflib graph, the union of all named graphs) or ``load_snapshot``
(an in-memory Oxigraph store for fast native SPARQL).

In a store each document's triples live in the named graph whose name is the document IRI
(``kg.graph.document_iri``), so rebuilding a document replaces exactly its own graph. Entities that
several documents mention are described in each of their graphs. The store's default graph is kept
equal to the union of the document graphs, each triple once: every write adds a document's triples to
it, and replacing or removing a document takes out of it the triples no other document graph holds,
in the same transaction. Queries therefore read the store on disk as it is, with no load and no
duplicates (``query_store``); a store written before this layout gets its union on the first write.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from .errors import KgError
from .graph import document_iri, new_graph
from .vocab import DOC_BASE, XSD

log = logging.getLogger(__name__)

__all__ = [
    "disk_snapshot",
    "document_graphs",
    "drop_update",
    "fill_union",
    "from_oxigraph",
    "graph_name",
    "has_union",
    "is_store",
    "load_any",
    "load_snapshot",
    "open_store",
    "query_store",
    "quads_of",
    "remove_document",
    "replace_document",
    "replace_update",
    "resolve_source",
    "source_quads",
    "store_size",
    "store_to_rdflib",
    "to_oxigraph",
    "union_size",
    "with_union",
]

_XSD_STRING = str(XSD.string)
#: File extensions of formats that carry named graphs.
_QUAD_SUFFIXES = {".trig", ".nq", ".nquads"}


# --- terms ---------------------------------------------------------------------------------------------

def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term of an rdflib term; an invalid IRI raises KgError instead of writing bad RDF."""
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term)) if str(term).isalnum() else ox.BlankNode()
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as e:
        raise KgError(f"the graph holds a term other RDF stores reject: {str(term)[:200]!r} ({e}); "
                      "fix the input or the extractor that made it") from e
    raise KgError(f"cannot store the RDF term {term!r} of type {type(term).__name__}")


def from_oxigraph(term: object) -> Identifier:
    """The rdflib term of a pyoxigraph term (``xsd:string`` literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise KgError(f"kg cannot read the RDF term {term!r} (RDF-star triple terms are not supported)")


def quads_of(graph: Graph, graph_name: URIRef | None = None) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in one graph (``None``: the default graph)."""
    name = ox.DefaultGraph() if graph_name is None else ox.NamedNode(str(graph_name))
    for s, p, o in graph:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)


# --- the on-disk store ---------------------------------------------------------------------------------

def is_store(path: str | Path) -> bool:
    """Whether ``path`` is an Oxigraph (RocksDB) store folder."""
    path = Path(path)
    return path.is_dir() and (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def _lock_holders(file: Path) -> list[int]:
    """The ids of the processes holding a lock on ``file``, from /proc/locks (Linux); else none.

    Checking this way never opens the file: closing any descriptor of it would drop a lock this
    process itself holds.
    """
    try:
        inode = file.stat().st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    holders = []
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        if len(fields) >= 6 and fields[5].rsplit(":", 1)[-1] == str(inode) and fields[4].isdigit():
            holders.append(int(fields[4]))
    return holders


def _lock_holder(path: Path) -> int | None:
    """The id of the process holding the store's write lock (RocksDB's ``LOCK`` file), or None."""
    return next(iter(_lock_holders(path / "LOCK")), None)


#: A file in a store folder on which a command reading the store in place (``kg query``) holds a shared
#: lock while it runs; a writer that finds it held by another process closes the store and refuses,
#: since Oxigraph leaves a read-only open undefined while another process writes.
READERS_LOCK = "kg-readers.lock"
_reading: dict[str, int] = {}  # store folder → this process's descriptor of its readers' lock


def hold_reader_lock(path: str | Path) -> None:
    """Mark the store at ``path`` as read in place by this process, until it exits (for commands; a
    program that reads a store and lives on should load a snapshot instead). Does nothing where the
    folder cannot take the lock file (a read-only file system)."""
    import fcntl

    key = str(Path(path).resolve())
    if key in _reading:
        return
    try:
        fd = os.open(Path(path) / READERS_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError as e:
        log.debug("no readers' lock for %s: %s", path, e)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as e:
        os.close(fd)
        log.debug("no readers' lock for %s: %s", path, e)
        return
    _reading[key] = fd


def _readers(path: Path) -> list[int]:
    """Other processes reading the store at ``path`` in place."""
    return [pid for pid in _lock_holders(path / READERS_LOCK) if pid != os.getpid()]


def _busy(path: Path, pid: int | None = None) -> KgError:
    who = f"process {pid}" if pid else "another process"
    return KgError(f"the store {path} is open for writing in {who} (a running `kg build --store`, "
                   "`kg remove` or `kg serve --allow-update`?); wait for it or stop it, then try again")


def open_store(path: str | Path, *, read_only: bool = False) -> ox.Store:
    """Open (or, unless ``read_only``, create) the Oxigraph store in folder ``path``."""
    path = Path(path)
    if read_only:
        if not is_store(path):
            raise KgError(f"{path} is not an Oxigraph store; build one with `kg build INPUT --store {path}`")
        holder = _lock_holder(path)
        if holder is not None and holder != os.getpid():
            raise _busy(path, holder)
    elif path.exists() and not is_store(path) and (not path.is_dir() or any(path.iterdir())):
        raise KgError(f"{path} exists and is not an Oxigraph store; give a new or empty folder for --store")
    try:
        if not read_only:  # RocksDB makes the folder, not its parents
            path.parent.mkdir(parents=True, exist_ok=True)
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as e:
        if "lock" in str(e).lower():
            raise _busy(path, _lock_holder(path)) from e
        raise KgError(f"cannot open the store {path}: {e}") from e
    if not read_only and _readers(path):  # checked with the write lock held, so no reader can slip in
        pid = _readers(path)[0]
        del store
        raise KgError(f"the store {path} is being read in place by process {pid} (a running `kg query` or "
                      "`kg serve --in-place`?); "
                      "wait for it or stop it, then try again")
    if not read_only and not has_union(store):
        log.info("adding the union default graph to the store %s (written by an earlier kg)", path)
        fill_union(store)
    return store


def fill_union(store: ox.Store) -> None:
    """Add every triple of the store's named graphs to its default graph."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def union_size(store: ox.Store) -> int:
    """Triples in the store's default graph (in a kg store, the union of the document graphs)."""
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))[0].value)


def has_union(store: ox.Store) -> bool:
    """Whether the store's default graph holds the union of its document graphs (it does unless the
    store was written by a kg before that layout, or holds named graphs alone from elsewhere)."""
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        return True
    return next(iter(store.named_graphs()), None) is None


def store_size(store: ox.Store) -> tuple[int, int]:
    """Quads in the store's document graphs, and triples in its default graph (their union)."""
    union = union_size(store)
    return len(store) - union, union


def with_union(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` and each of their triples in the default graph too (the store's union)."""
    default = ox.DefaultGraph()
    return quads + [ox.Quad(q.subject, q.predicate, q.object, default) for q in quads]


def drop_update(name: ox.NamedNode) -> str:
    """SPARQL Update that drops a document graph and takes out of the union what no other graph holds."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {name}) }} }} ;\n"
            f"DROP SILENT GRAPH {name}")


def replace_update(name: ox.NamedNode, quads: Iterable[ox.Quad]) -> str:
    """SPARQL Update (one transaction) that makes ``quads`` the graph ``name``, keeping the union."""
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    return f"{drop_update(name)} ;\nINSERT DATA {{ GRAPH {name} {{\n{triples}\n}}\n{triples}\n}}"


def graph_name(doc_id: str) -> ox.NamedNode:
    """The named graph of a document id (a document IRI is accepted as well)."""
    iri = doc_id if doc_id.startswith(DOC_BASE) else str(document_iri(doc_id))
    return ox.NamedNode(iri)


def replace_document(store: ox.Store, doc_id: str, graph: Graph) -> bool:
    """Make ``graph`` the named graph of document ``doc_id``, atomically; False when nothing changed."""
    name = graph_name(doc_id)
    new = _canonical(quads_of(graph, URIRef(name.value)))
    old = set(store.quads_for_pattern(None, None, None, name))
    if new == old and not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
                              for q in new):
        return False
    # One update request is one transaction: readers see the old graph or the new one.
    store.update(replace_update(name, new))
    return True


def _canonical(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """Quads as a store gives them back: Oxigraph rewrites literals in canonical form ("30.0" → "30")."""
    scratch = ox.Store()
    scratch.extend(quads)
    return set(scratch)


def remove_document(store: ox.Store, doc_id: str) -> bool:
    """Drop the named graph of document ``doc_id``; False when the store has no such graph."""
    name = graph_name(doc_id)
    if not store.contains_named_graph(name):
        return False
    store.update(drop_update(name))
    return True


def document_graphs(store: ox.Store) -> list[str]:
    """The names (document IRIs) of the store's named graphs, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


# --- any graph source ----------------------------------------------------------------------------------

def resolve_source(path: str | Path) -> Path:
    """The file or store folder a source path means; a build folder means its graph.ttl."""
    path = Path(path)
    if not path.exists():
        raise KgError(f"{path} does not exist; build a graph first with `kg build INPUT -o DIR` "
                      "or `kg build INPUT --store DIR`")
    if path.is_dir() and not is_store(path):
        candidate = path / "graph.ttl"
        if not candidate.exists():
            raise KgError(f"{path} is a folder that is neither an Oxigraph store nor a build folder with "
                          "graph.ttl; give the graph file itself")
        return candidate
    return path


def _parse_rdflib(path: Path, into: Graph) -> Graph:
    try:
        into.parse(str(path))
    except Exception as e:  # rdflib raises many parser-specific errors
        raise KgError(f"{path} is not a readable RDF file ({type(e).__name__}: {str(e)[:200]})") from e
    return into


def source_quads(path: str | Path) -> list[ox.Quad]:
    """Every quad of a graph source as it is stored: document graphs of a store or of a TriG/N-Quads file."""
    path = resolve_source(path)
    if is_store(path):
        # One dump and a parse in Rust are faster than decoding quad by quad from the store; the
        # default graph is the union of the document graphs, not a graph of its own
        dump = open_store(path, read_only=True).dump(format=ox.RdfFormat.N_QUADS)
        return [q for q in ox.parse(dump, format=ox.RdfFormat.N_QUADS) if not isinstance(q.graph_name, ox.DefaultGraph)]
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    if fmt is not None:
        try:
            return list(ox.parse(path=str(path), format=fmt))
        except (SyntaxError, ValueError) as e:
            log.info("pyoxigraph could not read %s (%s); trying rdflib", path, e)
        except OSError as e:
            raise KgError(f"cannot read {path}: {e}") from e
    if path.suffix.lower() not in _QUAD_SUFFIXES:
        return list(quads_of(_parse_rdflib(path, Graph())))
    ds = _parse_rdflib(path, Dataset())
    quads: list[ox.Quad] = []
    for s, p, o, c in ds.quads((None, None, None, None)):
        name = ox.DefaultGraph() if c is None or c == ds.default_graph.identifier else to_oxigraph(c)
        quads.append(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name))
    return quads


def load_snapshot(path: str | Path) -> ox.Store:
    """An in-memory Oxigraph store of a source: named graphs as stored, the default graph their union.

    The default graph holds each triple once even when several document graphs hold it, so counts
    are those of the merged graph (Oxigraph 0.5's own union default graph counts a triple per graph).
    """
    resolved = resolve_source(path)
    snapshot = ox.Store()
    if is_store(resolved):
        snapshot.load(open_store(resolved, read_only=True).dump(format=ox.RdfFormat.N_QUADS),
                      format=ox.RdfFormat.N_QUADS)
    else:
        snapshot.extend(source_quads(resolved))
    if not is_store(resolved) or not has_union(snapshot):  # a file's default graph may hold triples of its own
        fill_union(snapshot)
    return snapshot


#: Folders inside a store that hold the on-disk snapshots of running servers: ``.kg-snapshot-PID-XXXX``.
SNAPSHOT_PREFIX = ".kg-snapshot-"


def _remove_stale_snapshots(path: Path) -> None:
    for folder in path.glob(SNAPSHOT_PREFIX + "*"):
        pid = folder.name[len(SNAPSHOT_PREFIX):].split("-", 1)[0]
        if pid.isdigit():
            if int(pid) == os.getpid():
                continue  # another endpoint of this process serves it
            try:
                os.kill(int(pid), 0)
                continue  # its server still runs
            except ProcessLookupError:
                pass
            except OSError:
                continue
        log.info("removing the snapshot %s left by a server that has stopped", folder)
        shutil.rmtree(folder, ignore_errors=True)


def disk_snapshot(path: str | Path) -> tuple[ox.Store, Path] | None:
    """The store at ``path`` as it is now, read-only and on disk, and the folder that holds it (delete
    it when done); None where the store cannot be opened for writing for a moment (a running
    ``kg query`` reads it, or the disk is read-only) or its folder takes no snapshot.

    The snapshot is a RocksDB checkpoint in a ``.kg-snapshot-PID-…`` folder inside the store: hard links
    to the store's immutable files, made in milliseconds with no copy, so a server starts at once on a
    store of any size and its memory stays flat, while builds go on writing into the store (its later
    files are its own; the snapshot keeps the ones it links). The store is opened for writing only to
    move what its write-ahead log holds into those files first. Snapshots of servers that died are
    removed the next time one is made.
    """
    from .views import current, restamp

    path = Path(path)
    fresh = current(path)
    try:
        source = open_store(path)
    except KgError as e:
        log.info("no snapshot of %s on disk (%s); loading it into memory", path, e)
        return None
    folder = None
    try:
        source.flush()
        _remove_stale_snapshots(path)
        folder = Path(tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-", dir=path))
        source.backup(str(folder / "store"))
    except OSError as e:
        log.info("no snapshot of %s on disk (%s); loading it into memory", path, e)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        return None
    finally:
        del source
        restamp(path, fresh)  # opening for writing rewrote RocksDB's files, not the graphs
    return ox.Store.read_only(str(folder / "store")), folder


def query_store(path: str | Path) -> ox.Store:
    """A store to run queries on: a store folder opened read-only in place when its default graph is
    the union (no load: answers start at once, memory stays flat), else an in-memory ``load_snapshot``."""
    resolved = resolve_source(path)
    if is_store(resolved):
        store = open_store(resolved, read_only=True)
        if has_union(store):
            return store
    return load_snapshot(resolved)


def store_to_rdflib(path: str | Path) -> Dataset:
    """The quads of a store (or any source) as an rdflib Dataset with one graph per document."""
    ds = Dataset(default_union=True)
    for prefix, ns in new_graph().namespaces():
        ds.bind(prefix, ns, override=True)
    for q in source_quads(path):
        name = None if isinstance(q.graph_name, ox.DefaultGraph) else from_oxigraph(q.graph_name)
        graph = ds.default_graph if name is None else ds.graph(name)
        graph.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
    return ds


def load_any(path: str | Path) -> Graph:
    """One rdflib graph of any source: a store's or a TriG file's named graphs merged into one."""
    resolved = resolve_source(path)
    g = new_graph()
    if is_store(resolved):
        store = open_store(resolved, read_only=True)
        if has_union(store):  # the merged graph is there already: the default graph
            dump = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            _add_all(g, ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))
            return g
    if is_store(resolved) or resolved.suffix.lower() in _QUAD_SUFFIXES:
        _add_all(g, source_quads(resolved))
        return g
    return _parse_rdflib(resolved, g)


def _add_all(g: Graph, quads: Iterable[ox.Quad]) -> None:
    for q in quads:
        g.add((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)))
