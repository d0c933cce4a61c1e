"""Named graphs in bulk: each document's quads written into a store in batches, or as N-Quads shards that
Dask workers write and the store then loads in bulk.

A document's named graph is the same whichever way it is made: ``document_quads`` of its extraction,
named by the document's IRI. ``StoreWriter`` puts them into a store in batches, leaving unchanged graphs
alone. ``build_with_dask`` spreads documents over the workers of a Dask cluster; each worker parses a
batch with kg's pipeline (``kg.pipeline.extract``), writes the batch's named graphs as one N-Quads file
(a *shard*) into a folder the workers and this machine share, and sends back the plain extractions;
this machine bulk-loads each shard into the store, replacing the graphs of the documents it holds.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.term import Identifier

from .cache import ExtractionCache, decode_extraction, encode_extraction
from .errors import KgError
from .graph import add_extraction, document_iri
from .model import Document, Extraction
from .serialize import atomic_write
from .store import drop_update, graph_name, replace_update, to_oxigraph, with_union

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger(__name__)

#: Shard files are named ``part-NNNNNN.nq``; ``kg build`` clears the folder's old ones first.
SHARD_PATTERN = "part-*.nq"
#: Each shard's union triples lie beside it in ``part-NNNNNN.union.nt`` (not matched by ``SHARD_PATTERN``).
UNION_SUFFIX = ".union.nt"
#: Name of the shard folder kept inside an output or store folder.
SHARDS_DIRNAME = ".kg-shards"


class _Triples:
    """The two methods of rdflib's Graph that ``kg.graph.add_extraction`` calls, ``add`` and ``set``, over
    an insertion-ordered set of triples: three times faster to fill than a Graph and its indexes, and a
    document's graph only passes through on its way to Oxigraph."""

    def __init__(self) -> None:
        self.triples: dict[tuple[Identifier, Identifier, Identifier], None] = {}
        self._objects: dict[tuple[Identifier, Identifier], list[tuple[Identifier, Identifier, Identifier]]] = {}

    def add(self, triple: tuple[Identifier, Identifier, Identifier]) -> None:
        self.triples[triple] = None
        self._objects.setdefault(triple[:2], []).append(triple)

    def set(self, triple: tuple[Identifier, Identifier, Identifier]) -> None:
        for old in self._objects.pop(triple[:2], []):
            self.triples.pop(old, None)
        self.add(triple)


def document_quads(ex: Extraction) -> list[ox.Quad]:
    """The quads of one document's named graph (named by the document's IRI)."""
    g = _Triples()
    add_extraction(g, ex)  # type: ignore[arg-type]
    name = ox.NamedNode(str(document_iri(ex.document.id)))
    return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in g.triples]


def _has_blank_node(quads: Iterable[ox.Quad]) -> bool:
    return any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads)


class StoreWriter:
    """Writes documents' named graphs into a store, ``batch_size`` documents at a time.

    A graph equal to the stored one is left alone (``changed`` counts the others). The graphs of a batch
    that the store already holds are compared in one scratch store, since Oxigraph gives literals back in
    canonical form ("30.0" → "30"); new ones go straight in. Every ``disk_every`` documents the store is
    flushed to disk: RocksDB otherwise keeps what was written in memory, and a build's memory grows with
    the corpus (by about 0.8 GB over Reuters-21578).
    """

    def __init__(self, store: ox.Store, *, batch_size: int = 64, disk_every: int = 2048) -> None:
        self.store = store
        self.batch_size = batch_size
        self.disk_every = disk_every
        self.written = 0
        self.changed = 0
        self._batch: list[tuple[ox.NamedNode, list[ox.Quad]]] = []
        self._unflushed = 0

    def add(self, ex: Extraction) -> None:
        """Queue the named graph of one document."""
        self._batch.append((ox.NamedNode(str(document_iri(ex.document.id))), document_quads(ex)))
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the queued graphs that differ from the stored ones."""
        if not self._batch:
            return
        stored = [(name, quads) for name, quads in self._batch if self.store.contains_named_graph(name)]
        changed = [(name, quads) for name, quads in self._batch if not self.store.contains_named_graph(name)]
        if stored:  # compare in canonical form, as the store gives quads back
            scratch = ox.Store()
            scratch.extend(q for _, quads in stored for q in quads)
            replaced = 0
            for name, _quads in stored:
                new = set(scratch.quads_for_pattern(None, None, None, name))
                if new != set(self.store.quads_for_pattern(None, None, None, name)) or _has_blank_node(new):
                    # one update is one transaction: a build killed here leaves the old graph or the new one
                    self.store.update(replace_update(name, new))
                    replaced += 1
            self.changed += replaced
            self._unflushed += replaced
        self.store.extend(with_union([q for _, quads in changed for q in quads]))
        self.written += len(self._batch)
        self.changed += len(changed)
        self._unflushed += len(changed)
        self._batch.clear()
        if self._unflushed >= self.disk_every:
            self.store.flush()
            self._unflushed = 0

    def close(self) -> None:
        """Write what is queued and flush the store to disk."""
        self.flush()
        self.store.flush()


# --- shards --------------------------------------------------------------------------------------------

def union_path(shard: str | Path) -> Path:
    """The file beside a shard that holds the triples of its graphs once each: ``part-N.nq`` → ``part-N.union.nt``."""
    shard = Path(shard)
    return shard.with_name(shard.stem + UNION_SUFFIX)


def write_shard(path: str | Path, extractions: Iterable[Extraction]) -> Path:
    """Write the named graphs of ``extractions`` into one N-Quads file, atomically, and their triples, each
    once, into the N-Triples file ``union_path(path)`` beside it (the shard's share of the store's union
    default graph, so that the store loads both in one bulk write without parsing either in Python)."""
    quads = [q for ex in extractions for q in document_quads(ex)]
    union = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    atomic_write(union_path(path), lambda tmp: ox.serialize(union, str(tmp), ox.RdfFormat.N_TRIPLES))
    return atomic_write(path, lambda tmp: ox.serialize(quads, str(tmp), ox.RdfFormat.N_QUADS))


def load_shard(store: ox.Store, path: str | Path, doc_ids: Iterable[str]) -> None:
    """Replace the graphs of documents ``doc_ids`` (ids or document IRIs) in ``store`` with those of the
    shard at ``path``, and add their triples to the store's default graph (the union of the document
    graphs).

    The shard and its union file (``write_shard`` writes both) go to Oxigraph's bulk loader as one
    N-Quads stream: N-Triples lines are N-Quads lines of the default graph. A shard without a union file
    (written by hand, or by an earlier kg) is parsed here and its union's copies derived from it.
    """
    names = [graph_name(doc_id) for doc_id in doc_ids]
    for name in names:
        if store.contains_named_graph(name):
            store.update(drop_update(name))
    union = union_path(path)
    try:
        if union.exists():
            store.bulk_load(input=Path(path).read_bytes() + b"\n" + union.read_bytes(), format=ox.RdfFormat.N_QUADS)
            return
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    except (OSError, SyntaxError) as e:
        raise KgError(f"cannot load the shard {path} ({e}); with a remote cluster, --shards must be a folder "
                      "that the workers and this machine share") from e
    store.bulk_extend(with_union(quads))  # parsed once, written once with the union's copies


def clear_shards(folder: Path) -> None:
    """Remove the shards an earlier build left in ``folder``."""
    for old in folder.glob(SHARD_PATTERN):
        old.unlink()
        union_path(old).unlink(missing_ok=True)


# --- Dask ----------------------------------------------------------------------------------------------

_locks: dict[str, threading.Lock] = {}


def extract_shard(documents: list[Document], *, model: str, shard: str) -> list[dict[str, list]]:
    """Run on a Dask worker: extract a batch, write its named graphs to ``shard``; the encoded extractions."""
    from .nlp import load_pipeline
    from .pipeline import extract

    # threads of one worker process share the pipeline, and a spaCy pipeline serves one caller at a time
    with _locks.setdefault(model, threading.Lock()):
        extractions = list(extract(documents, nlp=load_pipeline(model)))
    write_shard(shard, extractions)
    return [encode_extraction(ex.entities, ex.facts) for ex in extractions]


@contextlib.contextmanager
def dask_client(scheduler: str, *, n_workers: int = 2) -> Iterator[Client]:
    """A Dask client of the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or of a local cluster of
    ``n_workers`` processes when ``scheduler`` is ``local``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise KgError("the Dask backend needs dask's distributed scheduler; run "
                      "`pip install 'kg[dask]'` (or `pip install 'dask[distributed]'`)") from e
    if scheduler == "local":
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) \
                as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as e:
        raise KgError(f"cannot reach the Dask scheduler at {scheduler} ({e}); start one with "
                      "`dask scheduler` and workers with `dask worker ADDRESS`, "
                      "or use --scheduler local") from e
    with client:
        yield client


@dataclass
class ShardStats:
    """What a Dask build wrote: shards loaded and document graphs in them."""

    shards: int = 0
    graphs: int = 0


def build_with_dask(documents: Iterable[Document], *, client: Client, model: str, shard_dir: str | Path,
                    store: ox.Store | None = None, cache: ExtractionCache | None = None, batch_size: int = 32,
                    stats: ShardStats | None = None) -> Iterator[Extraction]:
    """Extract ``documents`` on the cluster of ``client``, in batches of ``batch_size``, and yield the
    extractions as batches finish (not in input order).

    Every batch's named graphs are written to a new shard in ``shard_dir`` (by the worker; documents
    found in ``cache`` by this machine) and loaded into ``store`` when it is given.
    """
    from distributed import as_completed

    shard_dir = Path(shard_dir)
    shard_dir.mkdir(parents=True, exist_ok=True)
    stats = stats if stats is not None else ShardStats()
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    taken = [int(p.stem.split("-")[-1]) for p in shard_dir.glob(SHARD_PATTERN) if p.stem.split("-")[-1].isdigit()]
    numbers = iter(range(max(taken, default=0) + 1, 1 << 62))  # a retried batch adds shards, never replaces
    running = as_completed()
    batches: dict[str, tuple[list[Document], Path]] = {}

    def finish(batch: list[Document], shard: Path, extractions: list[Extraction]) -> Iterator[Extraction]:
        if store is not None:
            load_shard(store, shard, [ex.document.id for ex in extractions])
        stats.shards += 1
        stats.graphs += len(extractions)
        yield from extractions

    def submit(batch: list[Document]) -> None:
        shard = shard_dir / f"part-{next(numbers):06d}.nq"
        future = client.submit(extract_shard, batch, model=model, shard=str(shard.resolve()), pure=False)
        batches[future.key] = (batch, shard)
        running.add(future)

    def collect(future) -> Iterator[Extraction]:
        batch, shard = batches.pop(future.key)
        try:
            encoded = future.result()
        except Exception as e:
            raise KgError(f"a Dask worker failed on documents {batch[0].id}…{batch[-1].id}: {e}; the workers "
                          "need kg and the spaCy model installed") from e
        extractions = [decode_extraction(data, doc) for data, doc in zip(encoded, batch, strict=True)]
        if cache is not None:
            for document, data in zip(batch, encoded, strict=True):
                cache.put(document, data)
        yield from finish(batch, shard, extractions)

    to_parse: list[Document] = []
    cached: list[Extraction] = []
    for document in documents:
        hit = cache.get(document) if cache is not None else None
        if hit is not None:
            cached.append(hit)
            if len(cached) >= batch_size:
                shard = write_shard(shard_dir / f"part-{next(numbers):06d}.nq", cached)
                yield from finish([ex.document for ex in cached], shard, cached)
                cached = []
            continue
        to_parse.append(document)
        if len(to_parse) >= batch_size:
            submit(to_parse)
            to_parse = []
        while running.count() >= window:
            yield from collect(next(running))
    if to_parse:
        submit(to_parse)
    if cached:
        shard = write_shard(shard_dir / f"part-{next(numbers):06d}.nq", cached)
        yield from finish([ex.document for ex in cached], shard, cached)
    for future in running:
        yield from collect(future)
