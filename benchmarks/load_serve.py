"""Load test of `kg serve`: concurrent clients on 127.0.0.1, with well-formed and hostile queries.

Starts `python -m kg.cli serve GRAPH --port 0` in its own process, warms it up, then runs CLIENTS threads
that each send QUERIES requests (a mix of the named queries, ASK, CONSTRUCT, and hostile requests that
must be refused: malformed SPARQL, SERVICE, UPDATE, deep nesting). Prints queries per second, p50/p95
latency, errors (an unexpected status or a failed connection) and the server's memory (RSS) and threads
before and after::

    .venv/bin/python benchmarks/load_serve.py                      # builds seeds/ (and the dev set) first
    .venv/bin/python benchmarks/load_serve.py out/ --clients 20 --queries 200

``tests/test_robust_serve.py`` runs a smaller version (20 × 10) through ``run_load``.
"""
from __future__ import annotations

import argparse
import http.client
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (name, method, path or body, content type, expected status)
Request = tuple[str, str, str, str | None, int]


def requests() -> list[Request]:
    """The mix each client cycles through: mostly real queries, some that must be refused."""
    from kg.query import named_queries

    def get(query: str, **params: str) -> str:
        return "/sparql?" + urllib.parse.urlencode({"query": query, **params})

    mix: list[Request] = []
    for name, named in sorted(named_queries().items()):
        if not named.required:  # runs without parameters
            mix.append((f"named:{name}", "GET", get(named.sparql), None, 200))
    mix += [
        ("ask", "GET", get("ASK { ?s a kg:Person }"), None, 200),
        ("count", "GET", get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="csv"), None, 200),
        ("construct", "GET", get("CONSTRUCT WHERE { ?s a kg:Country ; rdfs:label ?l }", format="turtle"),
         None, 200),
        ("post-query", "POST", "SELECT ?l WHERE { ?e rdfs:label ?l } LIMIT 50", "application/sparql-query",
         200),
        ("malformed", "GET", get("SELEC ?x WHERE { ?x ?p ?o"), None, 400),
        ("service", "GET", get("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"),
         None, 403),
        ("update", "POST", "DROP ALL", "application/sparql-update", 403),
        ("deep", "GET", get("SELECT * WHERE { ?s ?p " + "[ ?p " * 200 + "1" + " ]" * 200 + " }"), None, 400),
    ]
    return mix


@dataclass
class Stats:
    """What a load run measured."""

    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def send(host: str, port: int, request: Request, *, timeout: float = 60) -> int:
    """One request on a new connection; its HTTP status (the body is read and dropped)."""
    _, method, target, content_type, _ = request
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        if method == "GET":
            connection.request("GET", target)
        else:
            connection.request("POST", "/sparql", body=target.encode("utf-8"),
                               headers={"Content-Type": content_type or "application/sparql-query"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run_load(url: str, *, clients: int, queries: int) -> Stats:
    """``clients`` threads each sending ``queries`` requests of the mix, all at once."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    mix = requests()
    stats = Stats()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        start.wait()
        for i in range(queries):
            request = mix[(index * 7 + i) % len(mix)]
            began = time.perf_counter()
            try:
                status = send(host, port, request)
                error = None if status == request[4] else f"{request[0]}: status {status}, not {request[4]}"
            except OSError as e:
                status, error = 0, f"{request[0]}: {type(e).__name__}: {e}"
            elapsed = time.perf_counter() - began
            with lock:
                stats.requests += 1
                stats.latencies.append(elapsed)
                stats.statuses[status] += 1
                if error:
                    stats.errors[error] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    stats.seconds = time.perf_counter() - began
    return stats


# --- the server process ----------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS (kB) and Threads of a process, from /proc (Linux)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            values[key] = int(value.split()[0])
    return values


def start_server(graph: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """`kg serve GRAPH` on a free port of 127.0.0.1; the process and the endpoint's base URL."""
    command = [sys.executable, "-m", "kg.cli", "serve", str(graph), "--port", "0", "-q", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    found = re.search(r"at (http://[\d.]+:\d+)/sparql", line)
    if not found:
        process.kill()
        raise RuntimeError(f"kg serve did not start: {line}{process.stderr.read()}")
    return process, found[1]


def stop_server(process: subprocess.Popen) -> str:
    """Stop the server with Ctrl+C; its stderr."""
    process.send_signal(2)
    try:
        _, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err


@dataclass
class Report:
    """A load run against a server process, with its memory and threads before and after."""

    stats: Stats
    rss_before_kb: int
    rss_after_kb: int
    threads_before: int
    threads_after: int
    server_stderr: str = ""

    @property
    def rss_growth_kb(self) -> int:
        return self.rss_after_kb - self.rss_before_kb


def measure(graph: Path, *, clients: int, queries: int, warmup: int = 2,
            log: Callable[[str], None] = lambda _: None) -> Report:
    """Start a server on ``graph``, warm it up, run the load, and stop it."""
    process, url = start_server(graph)
    try:
        log(f"server {process.pid} at {url}; warming up")
        run_load(url, clients=clients, queries=warmup)
        time.sleep(0.5)  # finished request threads exit
        before = proc_status(process.pid)
        log(f"running {clients} clients × {queries} requests")
        stats = run_load(url, clients=clients, queries=queries)
        time.sleep(0.5)
        after = proc_status(process.pid)
    finally:
        err = stop_server(process)
    return Report(stats, before["VmRSS"], after["VmRSS"], before["Threads"], after["Threads"], err)


def default_graph(folder: Path) -> Path:
    """Build the shared dev set (10 news articles, the seeds among them), else seeds/; the graph file."""
    dev = ROOT.parent / "shared" / "eval" / "dev" / "docs.jsonl"
    source = dev if dev.exists() else ROOT / "seeds"
    built = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(source), "-o", str(folder),
                            "--no-view", "-q"])
    if built.returncode not in (0, 3):  # 3: some input skipped, the graph written
        raise RuntimeError(f"kg build {source} failed")
    return folder / "graph.ttl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", nargs="?", type=Path,
                        help="graph file, build folder or store (default: build one)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200, help="requests per client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        graph = args.graph or default_graph(Path(tmp))
        report = measure(graph, clients=args.clients, queries=args.queries,
                         log=lambda m: print(m, file=sys.stderr))
    stats = report.stats
    print(f"requests:   {stats.requests} ({args.clients} clients × {args.queries}) in {stats.seconds:.1f} s")
    print(f"throughput: {stats.per_second:.0f} requests/s")
    print(f"latency:    p50 {stats.percentile(50) * 1000:.1f} ms, p95 {stats.percentile(95) * 1000:.1f} ms, "
          f"max {max(stats.latencies) * 1000:.1f} ms")
    print(f"statuses:   {dict(sorted(stats.statuses.items()))}")
    errors = "".join(f"\n  {n} × {e}" for e, n in stats.errors.items())
    print(f"errors:     {sum(stats.errors.values())}{errors}")
    print(f"server RSS: {report.rss_before_kb / 1024:.1f} MB before, {report.rss_after_kb / 1024:.1f} MB "
          f"after ({report.rss_growth_kb / 1024:+.1f} MB); threads {report.threads_before} → "
          f"{report.threads_after}")
    if "Traceback" in report.server_stderr:
        print("server printed a traceback:\n" + report.server_stderr)
    sys.exit(1 if stats.errors else 0)


if __name__ == "__main__":
    main()
