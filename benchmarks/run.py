"""How fast kg builds, scales and answers, on Reuters-21578: one table against the targets of "Fast at scale".

    .venv/bin/python benchmarks/run.py                       # the full run: 500 and all 19,043 stories
    .venv/bin/python benchmarks/run.py --small 100 --large 400 --sample 60 --rounds 1   # a quick run

Everything that is compared is measured side by side in one run, in separate processes, in alternating
order (the machine is shared, so a figure alone means little; a ratio of neighbours means more):

- throughput: bare ``nlp.pipe`` of the trained model over the texts (model load excluded) against
  ``kg build --store`` of the same texts (extraction, resolution, RDF and store writes included; model
  load excluded, as ``kg build`` reports it), at --jobs 1 and 2;
- peak memory of ``kg build --store`` (no ``-o``) at two corpus sizes: the sum of the resident memory of
  the build and its worker processes, sampled every 0.1 s;
- a rebuild of the unchanged large corpus with the cache, against the first build;
- each named query (``kg/queries``) on the large store, once, through ``kg.query``: Oxigraph in memory
  (what ``kg query`` and ``kg serve`` load) and rdflib in memory, each in a subprocess stopped when a
  query takes longer than ``--query-limit`` seconds;
- triples per second of loading and serializing the large store.

The corpus is read once with ``kg.ingest`` and written as JSONL subsets, so both sides read the same texts.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578"

# --- measuring a process ---------------------------------------------------------------------------------


@dataclass
class Run:
    """What one subprocess took: wall seconds, CPU seconds of it and its children, memory, output."""

    wall: float
    cpu: float
    peak_rss_mb: float  # sum over the process tree, sampled
    stdout: str
    returncode: int
    extra: dict = field(default_factory=dict)


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in KB (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields.get("PPid", "0").strip())
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree)


def measure(cmd: list[str], *, timeout: float | None = None, env: dict | None = None) -> Run:
    """Run ``cmd``, sampling the memory of its process tree; fail loudly when it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, **(env or {})})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s=s, c=c: c.append(s.read()), daemon=True)
               for s, c in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{''.join(err_chunks)[-3000:]}")
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_rss_mb=peak / 1024,
               stdout="".join(out_chunks), returncode=proc.returncode)


# --- the two sides ---------------------------------------------------------------------------------------

# Both sides load the model first and then time only their work: wall seconds, and CPU seconds of the
# process and its (joined) worker processes, which the other programs on a shared machine disturb less.
_CPU = """
import json, resource, sys, time
def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
"""

_BARE = _CPU + r"""
import spacy
from kg.ingest import read_documents
from kg.nlp import DEFAULT_MODEL, prepare_text
path, jobs = sys.argv[1], int(sys.argv[2])
texts = [prepare_text(d.text) for d in read_documents([path])]
nlp = spacy.load(DEFAULT_MODEL)
c, t = cpu(), time.perf_counter()
n = sum(1 for _ in nlp.pipe(texts, batch_size=64, n_process=jobs))
print(json.dumps({"docs": n, "seconds": time.perf_counter() - t, "cpu": cpu() - c}))
"""

# kg build itself, through its command-line entry point, after the model is loaded (load_pipeline caches it)
_KG = _CPU + r"""
from kg.cli import main
from kg.nlp import DEFAULT_MODEL, load_pipeline
load_pipeline(DEFAULT_MODEL)
c, t = cpu(), time.perf_counter()
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as e:
    if e.code not in (0, 3, None):
        raise
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": cpu() - c}))
"""


def bare(path: Path, jobs: int) -> dict:
    """Wall and CPU seconds of bare ``nlp.pipe`` over the texts of ``path`` (model load excluded)."""
    run = measure([sys.executable, "-c", _BARE, str(path), str(jobs)])
    return json.loads(run.stdout.strip().splitlines()[-1])


def kg_build(inputs: list[Path], store: Path, *, jobs: int, cache: bool = True,
             extra: tuple[str, ...] = ()) -> Run:
    """``kg build INPUTS --store STORE``; ``extra``: wall and CPU seconds of the build (model load excluded)."""
    cmd = [sys.executable, "-c", _KG, "build", *map(str, inputs), "--store", str(store),
           "--jobs", str(jobs), "--no-view", *extra]
    if not cache:
        cmd.append("--no-cache")
    run = measure(cmd)
    run.extra = json.loads(run.stdout.strip().splitlines()[-1])
    run.extra["summary"] = run.stdout
    return run


# --- corpus ----------------------------------------------------------------------------------------------

@dataclass
class Subset:
    path: Path
    docs: int
    words: int


def write_subsets(corpus: Path, sizes: dict[str, int | None], folder: Path, *, per_file: int = 2000
                  ) -> dict[str, Subset]:
    """Folders of JSONL files holding the first N documents of the corpus (None: all), as kg reads them."""
    sys.path.insert(0, str(ROOT))
    from kg.ingest import read_documents

    largest = None if any(n is None for n in sizes.values()) else max(sizes.values())
    docs = []
    stories = sorted(corpus.glob("*.sgm"))  # the stories; the folder also holds its README and category lists
    for document in read_documents(stories, on_problem=lambda problem: None):
        docs.append(document)
        if largest is not None and len(docs) >= largest:
            break
    out = {}
    for name, n in sizes.items():
        chosen = docs if n is None else docs[:n]
        path = folder / name
        path.mkdir(exist_ok=True)
        for i in range(0, len(chosen), per_file):  # files under kg build's --max-size
            with (path / f"part-{i // per_file:03d}.jsonl").open("w", encoding="utf-8") as f:
                for d in chosen[i:i + per_file]:
                    f.write(json.dumps({"id": d.id, "text": d.text, "title": d.title,
                                        "date": d.date.isoformat() if d.date else None}) + "\n")
        out[name] = Subset(path, len(chosen), sum(len(d.text.split()) for d in chosen))
    return out


# --- queries and load/serialize --------------------------------------------------------------------------

_OX_QUERIES = r"""
import json, sys, time
from collections import Counter
from rdflib import Literal, Variable
from kg import views
from kg.query import named_queries, named_text, run_named
from kg.store import query_store
store_dir, params = sys.argv[1], json.loads(sys.argv[2])
t = time.perf_counter(); store = query_store(store_dir)
print(json.dumps({"load": time.perf_counter() - t, "triples": len(store), "views": sorted(views.current(store_dir))}),
      flush=True)

def timed(params, limit):
    # as kg query runs it (the folder: a current view answers), and the store's own SPARQL (views aside)
    bound = {k: Literal(v) for k, v in params.items()}
    t = time.perf_counter(); rows = run_named(store_dir, name, params=bound, limit=limit)
    seconds = time.perf_counter() - t
    printed = {}
    for fmt in ("csv", "json"):  # kg query --format csv / json: the answer as text
        t = time.perf_counter(); text = named_text(store_dir, name, params=bound, fmt=fmt, limit=limit)
        printed[f"{fmt}_seconds"], printed[f"{fmt}_bytes"] = time.perf_counter() - t, len(text.encode())
    t = time.perf_counter(); run_named(store, name, params=bound, limit=limit)
    return rows, {"query": name, "params": params, "limit": limit, "seconds": seconds, **printed,
                  "sparql_seconds": time.perf_counter() - t, "rows": len(rows.bindings)}

for name, q in named_queries().items():
    base = {k: v for k, v in params.get(name, {}).items()}
    full, case = timed(base, None)
    print(json.dumps(case), flush=True)
    print(json.dumps(timed(base, 100)[1]), flush=True)
    for param in q.params:  # each parameter bound to its most frequent value in the full answer
        if param in base:
            continue
        counts = Counter(str(row[Variable(param)]) for row in full.bindings if row.get(Variable(param)) is not None)
        if counts:
            print(json.dumps(timed({**base, param: counts.most_common(1)[0][0]}, None)[1]), flush=True)
"""

_RDFLIB_QUERIES = r"""
import json, sys, time
from rdflib import Literal
from kg.query import named_queries, run_query
from kg.serialize import write_graph
from kg.store import load_any
store, out, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
t = time.perf_counter(); g = load_any(store); load = time.perf_counter() - t
print(json.dumps({"load": load, "triples": len(g)}), flush=True)
t = time.perf_counter(); write_graph(g, out)
print(json.dumps({"turtle": time.perf_counter() - t}), flush=True)
queries = named_queries()
for case in cases:
    sparql = queries[case["query"]].sparql + (f"\nLIMIT {case['limit']}" if case["limit"] else "")
    bindings = {k: Literal(v) for k, v in case["params"].items()}
    t = time.perf_counter(); rows = len(list(run_query(g, sparql, bindings=bindings)))
    print(json.dumps({**case, "seconds": time.perf_counter() - t, "rows": rows}), flush=True)
"""


def query_params() -> dict[str, dict[str, str]]:
    """Values for the named queries' required parameters."""
    return {"entity": {"entity": "United States"}}


def watched(script: str, args: list[str], *, limit: float) -> tuple[list[dict], bool]:
    """JSON lines a Python ``script`` prints, stopping it when ``limit`` seconds pass without a line."""
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    lines: list[dict] = []
    reader = threading.Thread(target=lambda: [lines.append(json.loads(x)) for x in proc.stdout], daemon=True)
    reader.start()
    seen, last, stopped = 0, time.perf_counter(), False
    while proc.poll() is None:
        time.sleep(0.2)
        if len(lines) > seen:
            seen, last = len(lines), time.perf_counter()
        elif time.perf_counter() - last > limit:
            proc.kill()
            stopped = True
            break
    proc.wait()
    reader.join(timeout=5)
    return lines, stopped


def case_key(case: dict) -> str:
    """How a query case is named in the table: the query, its bound parameters, and the page."""
    params = ", ".join(f"{k}={v!r}" for k, v in case["params"].items())
    page = f" LIMIT {case['limit']}" if case["limit"] else ""
    return f"{case['query']}({params}){page}"


def queries_side(script: str, args: list[str], *, limit: float) -> dict:
    """Load time and each query case's seconds and rows, from a ``watched`` script."""
    lines, stopped = watched(script, args, limit=limit)
    out: dict = {"queries": {}, "stopped_after": limit if stopped else None}
    for line in lines:
        if "query" in line:
            out["queries"][case_key(line)] = line
        else:
            out.update(line)
    return out


def load_and_serialize(store_dir: Path, work: Path) -> list[tuple[str, int, float]]:
    """(what, statements, seconds) for serializing the store and loading what was written."""
    import pyoxigraph as ox

    from kg.distributed import load_shard, union_path
    from kg.export import export
    from kg.serve import open_endpoint
    from kg.store import load_snapshot, open_store

    rows = []
    store = open_store(store_dir, read_only=True)  # first, so that no kg step gains from a warmed cache
    n = len(store)
    t = time.perf_counter()
    store.dump(str(work / "dump.nq"), format=ox.RdfFormat.N_QUADS)
    rows.append(("serialize: Oxigraph dump, store → N-Quads (graphs and union)", n, time.perf_counter() - t))
    del store
    for fmt, suffix, what in (("nquads", "nq", "document graphs"), ("trig", "trig", "document graphs"),
                              ("turtle", "ttl", "merged graph")):
        t = time.perf_counter()
        done = export(store_dir, work / f"export.{suffix}", format=fmt)
        rows.append((f"serialize: kg export store → {fmt} ({what})", done.statements, time.perf_counter() - t))
    t = time.perf_counter()
    endpoint = open_endpoint(store_dir)  # what kg serve does with a store: a snapshot on disk
    seconds = time.perf_counter() - t
    rows.append(("load: kg serve's start on the store (a snapshot on disk: hard links, nothing read)",
                 len(endpoint.store), seconds))
    endpoint.close()
    t = time.perf_counter()
    snapshot = load_snapshot(store_dir)
    rows.append(("load: kg.store.load_snapshot, store → memory (kg serve on a file; earlier kg on a store)",
                 len(snapshot), time.perf_counter() - t))
    del snapshot
    quads = rows[1][1]  # the N-Quads export: the document graphs
    memory = ox.Store()
    t = time.perf_counter()
    memory.load(path=str(work / "export.nq"), format=ox.RdfFormat.N_QUADS)
    rows.append(("load: N-Quads export → Oxigraph in memory", quads, time.perf_counter() - t))
    del memory
    graphs = [line.rsplit(" ", 2)[-2] for line in open(work / "export.nq", encoding="utf-8")]
    doc_ids = sorted({g[1:-1] for g in graphs})
    shards = work / "shards"
    shards.mkdir(exist_ok=True)
    shard = shards / "part-000001.nq"
    shutil.copyfile(work / "export.nq", shard)
    t = time.perf_counter()  # what write_shard adds on a worker: the shard's union triples, each once
    union = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object)
                          for q in ox.parse(path=str(shard), format=ox.RdfFormat.N_QUADS))
    ox.serialize(union, str(union_path(shard)), ox.RdfFormat.N_TRIPLES)
    rows.append(("serialize: a shard's union file (parse + N-Triples, on the worker)", quads,
                 time.perf_counter() - t))
    for name, keep_union in (("reloaded", True), ("reloaded-parsed", False)):
        if not keep_union:
            union_path(shard).unlink()
        fresh = ox.Store(str(work / name))
        t = time.perf_counter()
        load_shard(fresh, shard, doc_ids)  # bulk load with the union graph, as Dask shards load
        fresh.flush()
        how = "shard + its union file: one bulk load" if keep_union else "shard alone: parsed, union derived"
        rows.append((f"load: N-Quads → new on-disk store (kg's shard loader; {how})", quads,
                     time.perf_counter() - t))
        del fresh
    return rows


# --- the run ---------------------------------------------------------------------------------------------

def met(ok: bool | None) -> str:
    return "" if ok is None else ("yes" if ok else "**no**")


def query_table(oxi: dict, rdf: dict) -> list[tuple[str, str, str, str]]:
    """Table rows of the named queries: the answer as ``kg query`` prints it in CSV and JSON (the
    target), as rdflib rows, the store's own SPARQL and rdflib in memory beside it."""
    def ms(side: dict, key: str) -> str:
        q = side["queries"].get(key)
        return f"{1000 * q['seconds']:,.0f} ms" if q else f"> {side['stopped_after']:.0f} s (stopped)"

    rows = []
    if "views" in oxi:
        rows.append(("named queries with a stored answer (kg-views.sqlite, current after the build)",
                     ", ".join(oxi["views"]) or "none", "", ""))
    for key, q in oxi["queries"].items():
        answer = max(q["csv_seconds"], q["json_seconds"])
        rdflib = f"; rdflib in memory {ms(rdf, key)}" if rdf["queries"] or rdf["stopped_after"] else ""
        rows.append((f"query {key} ({q['rows']:,} rows; JSON {q['json_bytes'] / 1e6:,.1f} MB)",
                     f"kg query as CSV {1000 * q['csv_seconds']:,.0f} ms, as JSON {1000 * q['json_seconds']:,.0f} "
                     f"ms; as rdflib rows {ms(oxi, key)}; Oxigraph SPARQL on disk {1000 * q['sparql_seconds']:,.0f} "
                     f"ms{rdflib}", "< 100 ms", met(answer < 0.1)))
    return rows


def print_table(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    width = [max(len(r[i]) for r in rows + [("measure", "value", "target", "met")]) for i in range(4)]
    print(title + "\n")
    for r in [("measure", "value", "target", "met"), tuple("-" * w for w in width), *rows]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="Reuters-21578 folder")
    parser.add_argument("--sample", type=int, default=300, help="documents for throughput and scaling")
    parser.add_argument("--small", type=int, default=500, help="documents of the small memory build")
    parser.add_argument("--large", default="all", help="documents of the large build ('all': the corpus)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of the side-by-side runs")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the memory and rebuild builds")
    parser.add_argument("--query-limit", type=float, default=120.0,
                        help="seconds a query side may go without an answer before it is stopped")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--work", type=Path, help="keep the stores and files here (default: a temp folder)")
    parser.add_argument("--store", type=Path, help="only time the named queries on this store (no builds, no rdflib)")
    args = parser.parse_args()
    if args.store is not None:
        sys.path.insert(0, str(ROOT))
        oxi = queries_side(_OX_QUERIES, [str(args.store), json.dumps(query_params())], limit=args.query_limit)
        print_table(f"kg named queries on {args.store}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}",
                    query_table(oxi, {"queries": {}, "stopped_after": None}))
        return
    if not args.corpus.is_dir() or not any(args.corpus.glob("*.sgm")):
        print(f"Skipped: no Reuters-21578 corpus (.sgm files) in {args.corpus}; pass --corpus DIR.")
        return
    sys.path.insert(0, str(ROOT))
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    large = None if args.large == "all" else int(args.large)
    subsets = write_subsets(args.corpus, {"sample": args.sample, "small": args.small, "large": large}, work)
    sample = subsets["sample"]
    log = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731
    log(f"work folder {work}; documents: sample {sample.docs}, small {subsets['small'].docs}, "
        f"large {subsets['large'].docs}")

    # 1. throughput and scaling, side by side in alternating order
    times: dict[str, list[dict]] = {"bare1": [], "kg1": [], "bare2": [], "kg2": []}
    order = ["bare1", "kg1", "kg2", "bare2"]
    load_before = os.getloadavg()[0]
    for r in range(args.rounds):
        for name in (order if r % 2 == 0 else order[::-1]):
            jobs = int(name[-1])
            if name.startswith("bare"):
                times[name].append(bare(sample.path, jobs))
            else:
                times[name].append(kg_build([sample.path], work / f"tp-{name}-{r}", jobs=jobs).extra)
            log(f"round {r + 1}: {name} {times[name][-1]['seconds']:.1f} s, cpu {times[name][-1]['cpu']:.1f} s")
    secs = {k: sum(x["seconds"] for x in v) / len(v) for k, v in times.items()}
    cpus = {k: sum(x["cpu"] for x in v) / len(v) for k, v in times.items()}

    # 2. peak memory at two sizes; 3. rebuild of the large corpus with the cache
    small_run = kg_build([subsets["small"].path], work / "mem-small", jobs=args.jobs)
    log(f"small build {small_run.extra['seconds']:.1f} s, {small_run.peak_rss_mb:.0f} MB")
    large_store = work / "mem-large"
    large_run = kg_build([subsets["large"].path], large_store, jobs=args.jobs)
    log(f"large build {large_run.extra['seconds']:.1f} s, {large_run.peak_rss_mb:.0f} MB")
    rebuild = kg_build([subsets["large"].path], large_store, jobs=args.jobs)
    log(f"rebuild {rebuild.extra['seconds']:.1f} s")

    # 4. queries; 5. load and serialize
    params = json.dumps(query_params())
    oxi = queries_side(_OX_QUERIES, [str(large_store), params], limit=args.query_limit)
    log(f"Oxigraph queries: {oxi}")
    cases = sorted(oxi["queries"].values(), key=lambda c: c["seconds"])  # rdflib: cheapest first
    rdf = queries_side(_RDFLIB_QUERIES, [str(large_store), str(work / "rdflib.ttl"), json.dumps(
        [{k: c[k] for k in ("query", "params", "limit")} for c in cases])], limit=args.query_limit)
    log(f"rdflib: {rdf}")
    io_rows = load_and_serialize(large_store, work)

    # the table
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((what, value, target, met(ok)))

    for jobs in (1, 2):
        b, k = secs[f"bare{jobs}"], secs[f"kg{jobs}"]
        bc, kc = cpus[f"bare{jobs}"], cpus[f"kg{jobs}"]
        speed = "{:.1f} docs/s, {:,.0f} words/s"
        row(f"bare nlp.pipe, n_process={jobs}", speed.format(sample.docs / b, sample.words / b))
        row(f"kg build --store, --jobs {jobs}", speed.format(sample.docs / k, sample.words / k))
        row(f"kg build / bare, --jobs {jobs}", f"{b / k:.2f} (by CPU seconds: {bc / kc:.2f})", "≥ 0.85",
            b / k >= 0.85)
    scaling = secs["kg1"] / secs["kg2"]
    row("kg build --jobs 2 / --jobs 1", f"{scaling:.2f}", "≥ 1.7", scaling >= 1.7)
    row("bare n_process=2 / 1 (what the machine gave)", f"{secs['bare1'] / secs['bare2']:.2f}")
    row("kg --jobs 2 on two free cores, from CPU seconds (2 × CPU 1 / CPU 2)",
        f"{2 * cpus['kg1'] / cpus['kg2']:.2f} (bare: {2 * cpus['bare1'] / cpus['bare2']:.2f})")
    ratio = large_run.peak_rss_mb / small_run.peak_rss_mb
    row(f"peak memory, {subsets['small'].docs} stories (--jobs {args.jobs}, all processes)",
        f"{small_run.peak_rss_mb:,.0f} MB")
    row(f"peak memory, {subsets['large'].docs:,} stories", f"{large_run.peak_rss_mb:,.0f} MB")
    row("peak memory large / small", f"{ratio:.2f}", "≤ 2", ratio <= 2)
    first, again = large_run.extra["seconds"], rebuild.extra["seconds"]
    row(f"first build, {subsets['large'].docs:,} stories (--jobs {args.jobs})",
        f"{first:.1f} s ({subsets['large'].docs / first:.1f} docs/s); {large_run.wall:.1f} s with start-up")
    row("rebuild of the unchanged corpus (cache)", f"{again:.1f} s; {rebuild.wall:.1f} s with start-up")
    row("rebuild / first build", f"{again / first:.3f}", "small fraction (≤ 0.1)", again / first <= 0.1)
    if "load" in oxi:
        row("open the store for queries (kg query: read-only, in place)",
            f"{1000 * oxi['load']:.0f} ms ({oxi['triples']:,} quads with the union graph)")
    if "load" in rdf:
        row("load for queries: rdflib in memory", f"{rdf['load']:.1f} s ({rdf['triples']:,} triples)")

    rows += query_table(oxi, rdf)
    for what, n, s in io_rows:
        row(f"{what} ({n:,})", f"{n / s:,.0f} triples/s ({s:.1f} s)", "≥ 100,000/s", n / s >= 100_000)
    if "load" in rdf:
        row("load: store → rdflib in memory (kg load_any; reference)",
            f"{rdf['triples'] / rdf['load']:,.0f} triples/s ({rdf['load']:.1f} s)")
    if "turtle" in rdf:
        row("serialize: rdflib Turtle (kg build -o graph.ttl; reference)",
            f"{rdf['triples'] / rdf['turtle']:,.0f} triples/s ({rdf['turtle']:.1f} s)")

    print_table(f"kg benchmarks on {args.corpus.name}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; "
                f"sample {sample.docs} stories ({sample.words:,} words), {args.rounds} alternating rounds; "
                f"load average of the machine {load_before:.1f} before, {os.getloadavg()[0]:.1f} after", rows)
    if args.json:
        args.json.write_text(json.dumps({"seconds": times, "rows": rows, "oxigraph": oxi, "rdflib": rdf},
                                        indent=1, default=str))


if __name__ == "__main__":
    main()
