"""Nothing lost: a build killed mid-way (SIGKILL) leaves the previous outputs and store as they were.

One scenario, run once in real processes (`python -m kg.cli build …`):

1. a first build of the two seed articles writes graph.ttl, graph.html and a store;
2. a second build of many more documents into the same folder and store starts; while it runs, a
   third build into the same store is refused with a message naming the second;
3. the second build is killed with SIGKILL after it has begun writing to the store;
4. graph.ttl and graph.html are byte-identical to the first build's, the store opens and answers the
   same query, and holds each document's graph whole or not at all;
5. the same build run again completes the work.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_store import union_is_exact

from kg.store import _lock_holder, open_store

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and /proc/locks are Linux's")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
N_MORE = 120  # short documents for the killed build: several batches, several seconds of work
PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""
LABELS = """SELECT DISTINCT ?label WHERE { GRAPH ?g { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }
            FILTER(STRENDS(STR(?g), "_11312911529d2842") || STRENDS(STR(?g), "_ce54f08870b2a344")) }
            ORDER BY ?label"""


def kg_process(*args: str | Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *map(str, args)], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def kg_run(*args: str | Path, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    proc = kg_process(*args, cwd=cwd)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def answers(store_dir: Path, sparql: str) -> list[tuple[str, ...]]:
    store = open_store(store_dir, read_only=True)
    return [tuple(str(term) for term in row) for row in store.query(sparql)]


def graphs(store_dir: Path) -> dict[str, set[str]]:
    """Each named graph of a store as a set of N-Quads lines."""
    store = open_store(store_dir, read_only=True)
    out: dict[str, set[str]] = {}
    for quad in store:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            out.setdefault(quad.graph_name.value, set()).add(str(quad))
    return out


def stored_graphs(store_dir: Path) -> int:
    """How many document graphs a store holds now, read beside the process writing it."""
    try:  # RocksDB's read-only mode takes no lock (kg.store.open_store refuses a store in use)
        return sum(1 for _ in ox.Store.read_only(str(store_dir)).named_graphs())
    except (OSError, RuntimeError):  # e.g. a file the writer just compacted away; look again
        return 0


def wait_for(check, *, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the build ended before {what}: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("crash")
    seeds = work / "seeds"
    seeds.mkdir()
    sentences = []
    for seed in sorted(SEEDS.iterdir()):
        (seeds / seed.name).write_bytes(seed.read_bytes())
        text = seed.read_text(encoding="utf-8").split("\n", 1)[1]  # without its date line
        sentences += [s.strip() + "." for s in text.replace("\n", " ").split(". ") if s.strip()]
    with (work / "more.jsonl").open("w", encoding="utf-8") as out:
        for i in range(N_MORE):
            text = " ".join(sentences[(i * 3 + k) % len(sentences)] for k in range(5))
            out.write(json.dumps({"id": f"more-{i:03d}", "text": f"Report {i}. {text}"}) + "\n")
    store, output = work / "store", work / "out"
    record: dict = {"store": store, "output": output}

    first = kg_run("build", seeds, "-o", output, "--store", store, cwd=work)
    assert first.returncode == 0, first.stderr
    record["ttl"] = (output / "graph.ttl").read_bytes()
    record["html"] = (output / "graph.html").read_bytes()
    record["per_graph"] = answers(store, PER_GRAPH)
    record["labels"] = answers(store, LABELS)

    long_build = kg_process("build", seeds, work / "more.jsonl", "-o", output, "--store", store, cwd=work)
    try:
        wait_for(lambda: _lock_holder(store) == long_build.pid, timeout=60, what="lock on the store",
                 proc=long_build)
        record["refused"] = kg_run("build", seeds, "-o", work / "other", "--store", store, cwd=work)
        record["long_pid"] = long_build.pid
        # the long build has written some document graphs to the store, and has more to do
        wait_for(lambda: stored_graphs(store) > 2, timeout=120, what="write to the store", proc=long_build)
        assert long_build.poll() is None, "the build finished before it could be killed; give it more input"
        long_build.send_signal(signal.SIGKILL)
        long_build.wait(timeout=30)
        record["killed"] = (long_build.returncode, long_build.stdout.read())
    finally:
        if long_build.poll() is None:
            long_build.kill()
            long_build.wait()

    record["ttl_after_kill"] = (output / "graph.ttl").read_bytes()
    record["html_after_kill"] = (output / "graph.html").read_bytes()
    record["per_graph_after_kill"] = answers(store, PER_GRAPH)
    record["labels_after_kill"] = answers(store, LABELS)
    record["graphs_after_kill"] = graphs(store)
    record["union_after_kill"] = union_is_exact(open_store(store, read_only=True))

    record["again"] = kg_run("build", seeds, work / "more.jsonl", "-o", output, "--store", store, cwd=work)
    record["graphs_final"] = graphs(store)
    return record


def test_a_second_build_into_the_same_store_is_refused(scenario):
    refused = scenario["refused"]
    assert refused.returncode == 1
    [line] = refused.stderr.splitlines()
    assert line.startswith(f"Error: the store {scenario['store']} is open for writing in process "
                           f"{scenario['long_pid']} (a running `kg build --store`")
    assert line.endswith("wait for it or stop it, then try again")
    assert not (scenario["store"].parent / "other").exists()


def test_the_build_was_killed_mid_way(scenario):
    returncode, stdout = scenario["killed"]
    assert returncode == -signal.SIGKILL
    assert "Built a graph" not in stdout
    written = set(scenario["graphs_after_kill"]) - {row[0].strip("<>") for row in scenario["per_graph"]}
    assert 0 < len(written) < N_MORE, "killed after some documents were stored and before all were"


def test_the_previous_files_are_byte_identical(scenario, tmp_path):
    assert scenario["ttl_after_kill"] == scenario["ttl"]
    assert scenario["html_after_kill"] == scenario["html"]
    leftovers = [p.name for p in scenario["output"].iterdir() if p.name not in ("graph.ttl", "graph.html")]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers), leftovers
    ox.parse(scenario["ttl_after_kill"], format=ox.RdfFormat.TURTLE)  # and it is valid Turtle


def test_the_store_opens_and_answers_the_same_query(scenario):
    assert scenario["labels_after_kill"] == scenario["labels"] != []
    before = dict(scenario["per_graph"])
    after = dict(scenario["per_graph_after_kill"])
    assert {g: after[g] for g in before} == before  # the seeds' graphs are untouched


def test_each_stored_graph_is_whole_or_absent(scenario):
    final = scenario["graphs_final"]
    for name, quads in scenario["graphs_after_kill"].items():
        assert quads == final[name], f"{name} was left half-written"
    # graphs and their triples in the union default graph are written together
    assert scenario["union_after_kill"], "the default graph is not the union of the document graphs"


def test_the_next_build_completes_the_work(scenario):
    again = scenario["again"]
    assert again.returncode == 0, again.stderr
    stored_before = len(scenario["graphs_after_kill"])
    assert f"({N_MORE + 2 - stored_before} of {N_MORE + 2} document graphs changed;" in again.stdout
    assert len(scenario["graphs_final"]) == N_MORE + 2
    graph = ox.Store()
    graph.load((scenario["output"] / "graph.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    ids = graph.query("SELECT (COUNT(DISTINCT ?id) AS ?n) WHERE { ?d dcterms:identifier ?id }",
                      prefixes={"dcterms": "http://purl.org/dc/terms/"})
    assert int(next(ids)["n"].value) == N_MORE + 2
