"""Named graphs in bulk: the batched store writer, N-Quads shards, and the Dask backend, each giving the
store a local build gives."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import ROOT, SHARED
from test_store import union_is_exact

DEV_DOCS = SHARED / "eval" / "dev" / "docs.jsonl"


@pytest.fixture(scope="module")
def local(nlp, tmp_path_factory):
    """Documents (the seeds, and the dev set when there), their extractions, and the store of a local build."""
    from kg.distributed import StoreWriter
    from kg.ingest import read_documents
    from kg.pipeline import extract

    paths = [ROOT / "seeds"] + ([DEV_DOCS] if DEV_DOCS.exists() else [])
    documents = list(read_documents(paths, on_problem=lambda problem: None))
    extractions = list(extract(documents, nlp=nlp))
    store = ox.Store(str(tmp_path_factory.mktemp("local") / "store"))
    writer = StoreWriter(store, batch_size=3)
    for ex in extractions:
        writer.add(ex)
    writer.close()
    assert writer.written == writer.changed == len(documents)
    return documents, extractions, set(store)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="pip install 'kg[dask]' for the Dask backend")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as c:
        yield c


def test_store_writer_matches_replace_document_and_skips_unchanged(local, tmp_path):
    from kg.distributed import StoreWriter
    from kg.graph import add_extraction, new_graph
    from kg.store import replace_document

    documents, extractions, quads = local
    store = ox.Store(str(tmp_path / "old"))
    for ex in extractions:
        replace_document(store, ex.document.id, add_extraction(new_graph(), ex))
    assert set(store) == quads
    writer = StoreWriter(store)
    for ex in extractions:
        writer.add(ex)
    writer.close()
    assert (writer.written, writer.changed) == (len(extractions), 0)
    assert set(store) == quads


def test_a_changed_document_replaces_only_its_graph(local, tmp_path):
    import dataclasses

    from kg.distributed import StoreWriter

    _, extractions, quads = local
    store = ox.Store(str(tmp_path / "s"))
    store.extend(quads)
    changed = dataclasses.replace(extractions[0], facts=extractions[0].facts[:1])
    writer = StoreWriter(store)
    for ex in [changed, *extractions[1:]]:
        writer.add(ex)
    writer.close()
    assert writer.changed == 1
    name = ox.NamedNode(f"https://w3id.org/kgnews/doc/{extractions[0].document.id}")
    others = {q for q in quads if q.graph_name not in (name, ox.DefaultGraph())}
    assert others <= set(store) and set(store) != quads
    assert union_is_exact(store)


def test_shards_load_into_the_same_store(local, tmp_path):
    from kg.distributed import load_shard, write_shard

    _, extractions, quads = local
    store = ox.Store(str(tmp_path / "s"))
    from kg.store import with_union

    named = [q for q in sorted(quads, key=str) if not isinstance(q.graph_name, ox.DefaultGraph)]
    store.extend(with_union([ox.Quad(q.subject, q.predicate, ox.Literal("stale"), q.graph_name) for q in named[:50]]))
    for i in range(0, len(extractions), 4):
        part = extractions[i:i + 4]
        shard = write_shard(tmp_path / f"part-{i}.nq", part)
        load_shard(store, shard, [ex.document.id for ex in part])
    assert set(store) == quads  # the stale triples left the union with their graphs
    assert union_is_exact(store)


def test_a_shard_carries_its_union_and_loads_without_it_too(local, tmp_path):
    from kg.distributed import SHARD_PATTERN, clear_shards, load_shard, union_path, write_shard

    _, extractions, quads = local
    shard = write_shard(tmp_path / "part-000001.nq", extractions)
    named = set(ox.parse(path=str(shard), format=ox.RdfFormat.N_QUADS))
    union = list(ox.parse(path=str(union_path(shard)), format=ox.RdfFormat.N_TRIPLES))
    assert union_path(shard).name == "part-000001.union.nt"
    assert len(union) == len(set(union)) == len({(q.subject, q.predicate, q.object) for q in named})
    assert [p.name for p in tmp_path.glob(SHARD_PATTERN)] == ["part-000001.nq"]  # other stores load *.nq alone

    ids = [ex.document.id for ex in extractions]
    with_file = ox.Store(str(tmp_path / "a"))
    load_shard(with_file, shard, ids)
    union_path(shard).rename(tmp_path / "kept.nt")  # a shard from an earlier kg, or written by hand
    without = ox.Store(str(tmp_path / "b"))
    load_shard(without, shard, ids)
    assert set(with_file) == set(without) == quads
    assert union_is_exact(with_file)

    (tmp_path / "kept.nt").rename(union_path(shard))
    clear_shards(tmp_path)
    assert not list(tmp_path.glob("part-*"))


def test_dask_build_equals_the_local_build(local, client, tmp_path):
    from kg.cache import ExtractionCache
    from kg.distributed import ShardStats, build_with_dask
    from kg.nlp import DEFAULT_MODEL

    documents, extractions, quads = local
    store = ox.Store(str(tmp_path / "store"))
    stats = ShardStats()
    with ExtractionCache(tmp_path / "cache", pipeline="p") as cache:
        out = list(build_with_dask(documents, client=client, model=DEFAULT_MODEL, shard_dir=tmp_path / "shards",
                                   store=store, cache=cache, batch_size=3, stats=stats))
    assert sorted(out, key=lambda ex: ex.document.id) == sorted(extractions, key=lambda ex: ex.document.id)
    assert set(store) == quads
    assert stats.graphs == len(documents) and stats.shards == len(list((tmp_path / "shards").glob("part-*.nq")))

    # again with the cache: nothing goes to the workers, the shards still cover every document
    store2 = ox.Store(str(tmp_path / "store2"))
    with ExtractionCache(tmp_path / "cache", pipeline="p") as cache:
        again = list(build_with_dask(documents, client=client, model=DEFAULT_MODEL,
                                     shard_dir=tmp_path / "shards", store=store2, cache=cache, batch_size=3))
        assert cache.hits == len(documents)
    assert again == extractions
    assert set(store2) == quads
    # a second build in the same folder adds shards after the first build's, never over them
    assert len(list((tmp_path / "shards").glob("part-*.nq"))) == stats.shards + -(-len(documents) // 3)


def test_kg_build_with_a_local_dask_cluster(tmp_path):
    pytest.importorskip("distributed", reason="pip install 'kg[dask]' for the Dask backend")
    from kg.cli import main

    runner = CliRunner()
    for name, extra in (("local", []), ("dask", ["--scheduler", "local", "--jobs", "2"])):
        result = runner.invoke(main, ["build", str(ROOT / "seeds"), "--store", str(tmp_path / name), "--no-cache",
                                      *extra])
        assert result.exit_code == 0, result.output
    assert "2 document graphs loaded from 1 shards" in result.output
    assert (tmp_path / "dask" / ".kg-shards" / "part-000001.nq").exists()
    assert set(ox.Store.read_only(str(tmp_path / "dask"))) == set(ox.Store.read_only(str(tmp_path / "local")))
