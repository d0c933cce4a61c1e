"""The Oxigraph store: one named graph per document, idempotent rebuilds, removal, loading any source.

The hand-built sample (``sample_extractions``) is shared with the query, export, serve and validate
tests, which import it from here.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.errors import KgError
from kg.graph import add_extraction, build_graph, document_iri, new_graph
from kg.model import Document, Entity, Extraction, Fact
from kg.query import run_named
from kg.store import (
    document_graphs,
    has_union,
    is_store,
    load_any,
    load_snapshot,
    open_store,
    quads_of,
    remove_document,
    replace_document,
    source_quads,
    store_to_rdflib,
    to_oxigraph,
)
from kg.vocab import RDFS

ROOT = Path(__file__).resolve().parents[1]

BESSENT = Entity("scott-bessent", "Scott Bessent", "Person", aliases=("Bessent", "Scott Bessent"))
US = Entity(
    "united-states",
    "United States",
    "Country",
    aliases=("U.S.", "Washington"),
    links=(("iso3166Alpha2", "US"), ("geonames", "6252001")),
)
CHINA = Entity("china", "China", "Country", aliases=("Beijing",))
FOX = Entity("fox-news", "Fox News", "Organization", subtype="NewsOrganization")
TRUMP = Entity("donald-trump", "Donald Trump", "Person", aliases=("Trump",))
COURT = Entity(
    "court-of-international-trade", "Court of International Trade", "Organization", subtype="Court"
)

S1 = "U.S. Treasury Secretary Scott Bessent told Fox News that talks with China are a bit stalled."
S2 = "Washington cut its tariff on Chinese goods from 145 percent to 30 percent for 90 days on May 12."
S3 = "A federal court blocked Trump's tariffs."


def membership(sentence: str = S1) -> Fact:
    return Fact(
        "membership",
        (("member", BESSENT.key), ("organization", US.key)),
        (("role", "Treasury Secretary"),),
        sentence=sentence,
        start=0,
        end=len(sentence),
        extractor="membership",
        confidence=0.9,
    )


def sample_extractions(*, second_title: str = "Court blocks tariffs") -> list[Extraction]:
    """Two documents sharing Bessent and the United States: a membership, tariff, statement and ruling."""
    text1 = f"{S1} {S2}"
    d1 = Document(
        "seed-1",
        text1,
        title="Talks stalled",
        date=dt.date(2025, 5, 29),
        url="https://example.org/a",
        source="seeds/seed-1.txt",
    )
    d2 = Document(
        "seed-2", f"{S1} {S3}", title=second_title, date=dt.date(2025, 5, 30), source="seeds/seed-2.txt"
    )
    tariff = Fact(
        "tariff",
        (("imposedBy", US.key), ("target", CHINA.key)),
        (
            ("goods", "Chinese goods"),
            ("rate", 30),
            ("previousRate", 145),
            ("durationDays", 90),
            ("date", dt.date(2025, 5, 12)),
            ("dateText", "May 12"),
        ),
        sentence=S2,
        start=len(S1) + 1,
        end=len(text1),
        extractor="tariff",
        confidence=0.8,
    )
    statement = Fact(
        "statement",
        (("speaker", BESSENT.key), ("medium", FOX.key)),
        (("content", "a bit stalled"),),
        sentence=S1,
        start=0,
        end=len(S1),
        extractor="statement",
        confidence=0.7,
    )
    ruling = Fact(
        "court_ruling",
        (("court", COURT.key), ("policyOwner", TRUMP.key)),
        (("action", "Blocks"), ("policy", "tariffs")),
        sentence=S3,
        start=len(S1) + 1,
        end=len(S1) + 1 + len(S3),
        extractor="court_ruling",
        confidence=0.75,
    )
    return [
        Extraction(d1, [BESSENT, US, CHINA, FOX], [membership(), tariff, statement]),
        Extraction(d2, [BESSENT, US, TRUMP, COURT], [membership(), ruling]),
    ]


def sample_graph() -> Graph:
    return build_graph(sample_extractions())


def write_store(path: Path, extractions: list[Extraction] | None = None) -> Path:
    """A store at ``path`` holding the extractions, closed again when this returns."""
    store = open_store(path)
    for ex in extractions or sample_extractions():
        replace_document(store, ex.document.id, add_extraction(new_graph(), ex))
    del store
    return path


def canonical(triples) -> set[tuple]:
    """Triples (rdflib or pyoxigraph, any source) as the set Oxigraph stores, literals in canonical form."""
    store = ox.Store()
    if isinstance(triples, Graph):
        store.extend(quads_of(triples))
    else:
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return {(q.subject, q.predicate, q.object) for q in store}


@pytest.fixture
def store_dir(tmp_path) -> Path:
    return write_store(tmp_path / "store")


def test_one_named_graph_per_document_named_by_its_iri(store_dir):
    store = open_store(store_dir, read_only=True)
    assert document_graphs(store) == [str(document_iri("seed-1")), str(document_iri("seed-2"))]


def _default_graph(store: ox.Store) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def _union_of_graphs(store: ox.Store) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in store
            if not isinstance(q.graph_name, ox.DefaultGraph)}


def union_is_exact(store: ox.Store) -> bool:
    """Whether the store's default graph is exactly, and not emptily, the union of its document graphs
    (shared with the distributed and crash tests)."""
    default = _default_graph(store)
    return bool(default) and default == _union_of_graphs(store)


def test_the_default_graph_is_the_union_of_the_document_graphs_each_triple_once(store_dir):
    store = open_store(store_dir, read_only=True)
    assert has_union(store)
    assert _default_graph(store) == _union_of_graphs(store)
    assert canonical(list(_default_graph(store))) == canonical(sample_graph())
    # a plain query (no GRAPH) counts each triple once, however many documents describe it
    n = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))[0].value)
    assert n == len(_union_of_graphs(store)) < len(store) - n


def test_replacing_and_removing_keeps_the_union_exact(store_dir):
    store = open_store(store_dir)
    shared = {t for t in _default_graph(store) if sum(1 for _ in store.quads_for_pattern(
        t.subject, t.predicate, t.object, None)) > 2}  # held by both document graphs (and the union)
    assert shared, "the seed documents share entity descriptions"
    changed = sample_extractions(second_title="A new title")[1]
    assert replace_document(store, "seed-2", add_extraction(new_graph(), changed))
    assert _default_graph(store) == _union_of_graphs(store)
    assert {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode("http://purl.org/dc/terms/title"),
                                                             None, ox.DefaultGraph())} >= {"A new title"}
    assert remove_document(store, "seed-1")
    assert _default_graph(store) == _union_of_graphs(store)
    assert remove_document(store, "seed-2")
    assert len(store) == 0


def test_a_store_of_an_earlier_layout_gets_its_union_when_opened_for_writing(store_dir):
    store = open_store(store_dir)
    store.clear_graph(ox.DefaultGraph())  # as kg wrote stores before the union default graph
    store.flush()
    del store
    old = open_store(store_dir, read_only=True)
    assert not has_union(old)
    # a reader of the old layout still sees the union (in memory), and the first writer adds it
    assert canonical(load_any(store_dir)) == canonical(sample_graph())
    rows = run_named(store_dir, "roles").bindings
    assert rows
    del old
    store = open_store(store_dir)
    assert has_union(store) and _default_graph(store) == _union_of_graphs(store)


def test_each_graph_holds_its_own_document(store_dir):
    store = open_store(store_dir, read_only=True)
    for ex in sample_extractions():
        name = ox.NamedNode(str(document_iri(ex.document.id)))
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, name)
        ]
        assert canonical(triples) == canonical(add_extraction(new_graph(), ex))


def test_the_union_of_the_store_is_the_graph_of_all_documents(store_dir):
    assert canonical(load_any(store_dir)) == canonical(sample_graph())


def test_building_again_changes_nothing(store_dir):
    store = open_store(store_dir)
    before = set(store)
    changed = [
        replace_document(store, ex.document.id, add_extraction(new_graph(), ex))
        for ex in sample_extractions()
    ]
    assert changed == [False, False]
    assert set(store) == before


def test_a_changed_document_replaces_only_its_own_graph(store_dir):
    store = open_store(store_dir)
    one, two = (ox.NamedNode(str(document_iri(i))) for i in ("seed-1", "seed-2"))
    graph_one = set(store.quads_for_pattern(None, None, None, one))
    changed = sample_extractions(second_title="A new title")[1]
    assert replace_document(store, "seed-2", add_extraction(new_graph(), changed))
    assert set(store.quads_for_pattern(None, None, None, one)) == graph_one
    titles = {
        q.object.value for q in store.quads_for_pattern(None, None, None, two) if "title" in q.predicate.value
    }
    assert titles == {"A new title"}


def test_a_fact_dropped_from_a_document_leaves_the_store():
    store = ox.Store()
    first, second = sample_extractions()
    replace_document(store, "seed-2", add_extraction(new_graph(), second))
    second.facts = second.facts[:1]  # the ruling is gone
    replace_document(store, "seed-2", add_extraction(new_graph(), second))
    assert not bool(store.query("ASK { GRAPH ?g { ?f a <https://w3id.org/kgnews/ontology#CourtRuling> } }"))


def test_remove_document(store_dir):
    store = open_store(store_dir)
    assert remove_document(store, "seed-1") is True
    assert remove_document(store, "seed-1") is False
    assert document_graphs(store) == [str(document_iri("seed-2"))]
    assert remove_document(store, str(document_iri("seed-2"))) is True  # an IRI works too
    assert len(store) == 0


def test_is_store(tmp_path, store_dir):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "graph.ttl").write_text("")
    assert is_store(store_dir)
    assert not is_store(tmp_path / "build")
    assert not is_store(tmp_path / "build" / "graph.ttl")
    assert not is_store(tmp_path / "missing")


def test_a_folder_with_other_files_is_never_made_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(KgError, match="not an Oxigraph store"):
        open_store(tmp_path)
    with pytest.raises(KgError, match="not an Oxigraph store"):
        open_store(tmp_path / "nothing", read_only=True)


def test_a_new_store_gets_its_missing_parent_folders(tmp_path):
    store = open_store(tmp_path / "stores" / "2026" / "news")
    store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"),
                      ox.Literal("b"), ox.NamedNode("https://example.org/g")))
    store.flush()
    del store
    assert is_store(tmp_path / "stores" / "2026" / "news")


HOLDER = textwrap.dedent("""
    import sys, time, pyoxigraph
    store = pyoxigraph.Store(sys.argv[1])
    print("open", flush=True)
    time.sleep(60)
""")


def test_a_store_another_process_holds_gives_a_clear_error(store_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(KgError, match=r"open for writing in process \d+"):
            open_store(store_dir)
        with pytest.raises(KgError, match=f"process {holder.pid}"):
            open_store(store_dir, read_only=True)
        with pytest.raises(KgError, match="open for writing"):
            load_any(store_dir)
    finally:
        holder.kill()
        holder.wait()
    assert len(open_store(store_dir, read_only=True)) > 0  # free again


def test_every_source_loads_the_same_graph(tmp_path, store_dir):
    g = sample_graph()
    build = tmp_path / "build"
    build.mkdir()
    g.serialize(build / "graph.ttl", format="turtle")
    g.serialize(tmp_path / "g.nt", format="nt")
    ds = store_to_rdflib(store_dir)
    ds.serialize(tmp_path / "g.trig", format="trig")
    ds.serialize(tmp_path / "g.nq", format="nquads")
    expected = canonical(g)
    for source in (
        store_dir,
        build,
        build / "graph.ttl",
        tmp_path / "g.nt",
        tmp_path / "g.trig",
        tmp_path / "g.nq",
    ):
        assert canonical(load_any(source)) == expected, source
        snapshot = load_snapshot(source)
        assert canonical(snapshot.quads_for_pattern(None, None, None, ox.DefaultGraph())) == expected, source


def test_store_to_rdflib_keeps_the_document_graphs(store_dir):
    ds = store_to_rdflib(store_dir)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {str(document_iri("seed-1")), str(document_iri("seed-2"))}


def test_quad_files_keep_their_graphs(tmp_path, store_dir):
    store_to_rdflib(store_dir).serialize(tmp_path / "g.trig", format="trig")
    names = {q.graph_name for q in source_quads(tmp_path / "g.trig")}
    assert names == {ox.NamedNode(str(document_iri("seed-1"))), ox.NamedNode(str(document_iri("seed-2")))}


def test_a_snapshot_counts_a_shared_triple_once(store_dir):
    # Bessent's label is in both document graphs; the merged default graph holds it once.
    snapshot = load_snapshot(store_dir)
    found = list(
        snapshot.query(
            'SELECT (COUNT(*) AS ?n) WHERE { ?e rdfs:label "Scott Bessent" }', prefixes={"rdfs": str(RDFS)}
        )
    )
    assert found[0]["n"].value == "1"
    per_graph = list(
        snapshot.query(
            'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e rdfs:label "Scott Bessent" } }',
            prefixes={"rdfs": str(RDFS)},
        )
    )
    assert per_graph[0]["n"].value == "2"


@pytest.mark.parametrize("source", ["missing.ttl", "empty-folder"])
def test_unreadable_sources_say_what_to_do(tmp_path, source):
    (tmp_path / "empty-folder").mkdir()
    with pytest.raises(KgError, match="does not exist|neither an Oxigraph store nor a build folder"):
        load_any(tmp_path / source)


def test_a_broken_file_is_a_kg_error(tmp_path):
    (tmp_path / "bad.ttl").write_text("<a> <b> .")
    with pytest.raises(KgError, match="not a readable RDF file"):
        load_any(tmp_path / "bad.ttl")
    with pytest.raises(KgError, match="not a readable RDF file"):
        source_quads(tmp_path / "bad.ttl")


def test_an_iri_other_stores_reject_is_refused():
    with pytest.raises(KgError, match="other RDF stores reject"):
        to_oxigraph(URIRef("https://example.org/a b"))
    assert to_oxigraph(Literal("x", lang="en")) == ox.Literal("x", language="en")


# --- end to end: kg build --store with the real model ---------------------------------------------------


def store_graphs(path: Path) -> dict[str, set]:
    store = open_store(path, read_only=True)
    return {
        name: set(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        for name in document_graphs(store)
    }


def test_build_into_a_store_twice_then_change_one_document(tmp_path):
    from kg.cli import main

    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    store, out = tmp_path / "store", tmp_path / "out"
    runner = CliRunner()
    started = time.perf_counter()
    first = runner.invoke(
        main, ["build", str(seeds), "--store", str(store), "-o", str(out), "--no-view", "-q"]
    )
    assert first.exit_code == 0, first.output
    before = store_graphs(store)
    assert len(before) == 2
    # the store holds the same triples as graph.ttl
    assert canonical(load_any(store)) == canonical(Graph().parse(out / "graph.ttl"))

    again = runner.invoke(main, ["build", str(seeds), "--store", str(store)])
    assert again.exit_code == 0, again.output
    assert "0 of 2 document graphs changed" in again.output
    assert store_graphs(store) == before
    assert not (tmp_path / "out2").exists()

    changed_file = sorted(seeds.glob("*.txt"))[1]
    changed_file.write_text(
        "Reporters waited outside on Friday.\n\n" + changed_file.read_text(encoding="utf-8"), encoding="utf-8"
    )
    third = runner.invoke(main, ["build", str(seeds), "--store", str(store)])
    assert third.exit_code == 0, third.output
    assert "1 of 2 document graphs changed" in third.output
    after = store_graphs(store)
    changed_iri = str(document_iri(changed_file.stem))
    assert after.keys() == before.keys()
    assert after[changed_iri] != before[changed_iri]
    assert all(after[name] == before[name] for name in before if name != changed_iri)

    removed = runner.invoke(main, ["remove", changed_file.stem, "--store", str(store)])
    assert removed.exit_code == 0, removed.output
    assert list(store_graphs(store)) == [name for name in before if name != changed_iri]
    missing = runner.invoke(main, ["remove", changed_file.stem, "--store", str(store)])
    assert missing.exit_code == 1 and "no document" in missing.output
    assert time.perf_counter() - started < 60


def test_a_quad_file_with_default_triples_of_its_own_still_gets_the_union(tmp_path):
    (tmp_path / "mixed.trig").write_text(
        "<urn:x:a> <urn:x:p> <urn:x:b> .\n<urn:x:g> { <urn:x:c> <urn:x:p> <urn:x:d> . }\n", encoding="utf-8")
    snapshot = load_snapshot(tmp_path / "mixed.trig")
    found = {(q.subject.value, q.object.value) for q in snapshot.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert found == {("urn:x:a", "urn:x:b"), ("urn:x:c", "urn:x:d")}


def test_a_store_read_in_place_is_not_written_meanwhile(store_dir):
    """`kg query` reads a store in place; Oxigraph leaves that undefined while another process writes, so a
    writer in another process is refused while the reader runs, and goes ahead once it is gone."""
    from kg.cli import main

    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from kg.store import hold_reader_lock, query_store
            hold_reader_lock({str(store_dir)!r}); store = query_store({str(store_dir)!r})
            print("reading", flush=True); sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "reading"
        result = CliRunner().invoke(main, ["remove", "seed-1", "--store", str(store_dir)])
        assert result.exit_code == 1
        assert f"is being read in place by process {reader.pid}" in result.output
        assert document_graphs(open_store(store_dir, read_only=True)) == [str(document_iri("seed-1")),
                                                                         str(document_iri("seed-2"))]
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    result = CliRunner().invoke(main, ["remove", "seed-1", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert document_graphs(open_store(store_dir, read_only=True)) == [str(document_iri("seed-2"))]


def test_kg_query_takes_the_readers_lock_and_its_own_process_may_still_write(store_dir):
    from kg.cli import main

    result = CliRunner().invoke(main, ["query", str(store_dir), "--name", "roles"])
    assert result.exit_code == 0, result.output
    assert (store_dir / "kg-readers.lock").exists()
    store = open_store(store_dir)  # this process's own reading does not stop its writing
    assert remove_document(store, "seed-1")
