"""Exports read back by independent parsers (pyoxigraph, rdflib, raptor's rapper, serd's serdi) and loaded
into a separately running Oxigraph server over the SPARQL 1.1 Graph Store Protocol."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from test_store import canonical, sample_graph, write_store

import kg.export
from kg.cli import main
from kg.errors import KgError
from kg.export import EXPORT_FORMATS, export, split_by_document
from kg.graph import document_iri
from kg.query import QUERY_PREFIXES, named_queries
from kg.store import load_snapshot, source_quads

RDF_FORMATS = {
    "turtle": ("ttl", ox.RdfFormat.TURTLE),
    "trig": ("trig", ox.RdfFormat.TRIG),
    "nquads": ("nq", ox.RdfFormat.N_QUADS),
    "ntriples": ("nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("jsonld", ox.RdfFormat.JSON_LD),
}
MEDIA_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}
DOCS = {ox.NamedNode(str(document_iri("seed-1"))), ox.NamedNode(str(document_iri("seed-2")))}


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("export")
    sample_graph().serialize(tmp / "graph.ttl", format="turtle")
    return {"store": write_store(tmp / "store"), "turtle": tmp / "graph.ttl"}


@pytest.fixture(scope="module")
def exported(sources, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every format from both sources, written once."""
    out = tmp_path_factory.mktemp("exported")
    files = {}
    for source, path in sources.items():
        for fmt in EXPORT_FORMATS:
            ext = RDF_FORMATS[fmt][0] if fmt in RDF_FORMATS else "graphml"
            files[source, fmt] = export(path, out / f"{source}.{ext}", format=fmt).path
    return files


def parse(path: Path, fmt: str) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=RDF_FORMATS[fmt][1]))


@pytest.mark.parametrize("source", ["store", "turtle"])
@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_every_format_reads_back_as_the_same_graph(exported, source, fmt):
    quads = parse(exported[source, fmt], fmt)
    assert canonical(quads) == canonical(sample_graph())
    if EXPORT_FORMATS[fmt][1]:
        assert {q.graph_name for q in quads} == DOCS
    else:
        assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
    rdflib_format = {"jsonld": "json-ld", "ntriples": "nt"}.get(fmt, fmt)
    if not EXPORT_FORMATS[fmt][1]:
        assert canonical(Graph().parse(exported[source, fmt], format=rdflib_format)) == canonical(
            sample_graph()
        )


def stored(quads) -> set[ox.Quad]:
    """Quads as a store keeps them (literals in canonical form: "30.0"^^xsd:decimal becomes "30")."""
    store = ox.Store()
    store.extend(quads)
    return set(store)


def test_a_turtle_file_splits_into_the_same_document_graphs_as_the_store(exported, sources):
    from_store = parse(exported["store", "trig"], "trig")
    assert set(from_store) == set(source_quads(sources["store"]))
    assert stored(parse(exported["turtle", "trig"], "trig")) == stored(from_store)


def test_split_by_document_keeps_everything_and_places_facts_by_provenance():
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(sample_graph().serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    ]
    quads = split_by_document(triples)
    assert canonical(quads) == canonical(triples)
    by_graph: dict = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, set()).add((q.subject.value, q.predicate.value))
    one, two = (by_graph[str(document_iri(d))] for d in ("seed-1", "seed-2"))
    bessent_label = ("https://w3id.org/kgnews/id/scott-bessent", "http://www.w3.org/2000/01/rdf-schema#label")
    assert bessent_label in one and bessent_label in two  # a shared entity is described in both
    tariff_edge = (
        "https://w3id.org/kgnews/id/united-states",
        "https://w3id.org/kgnews/ontology#imposesTariffOn",
    )
    assert tariff_edge in one and tariff_edge not in two  # an edge goes where both ends are mentioned


@pytest.mark.parametrize("tool", ["rapper", "serdi"])
@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples"])
def test_strict_c_parsers_accept_every_file(exported, tool, fmt):
    if shutil.which(tool) is None:
        package = "raptor2-utils" if tool == "rapper" else "serdi"
        pytest.skip(f"{tool} is not installed; on Debian: apt-get install -y {package}")
    path = exported["store", fmt]
    expected = len(parse(path, fmt))
    if tool == "rapper":
        run = subprocess.run(["rapper", "-i", fmt, "-c", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert f"returned {expected} triples" in run.stderr
        assert "error" not in run.stderr.lower() and "warning" not in run.stderr.lower(), run.stderr
    else:
        run = subprocess.run(["serdi", "-i", fmt, str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert len(run.stdout.splitlines()) == expected


def test_graphml_has_entities_and_direct_edges(exported):
    for source in ("store", "turtle"):
        network = nx.read_graphml(exported[source, "graphml"])
        labels = {d["label"] for _, d in network.nodes(data=True)}
        assert {
            "Scott Bessent",
            "United States",
            "China",
            "Fox News",
            "Donald Trump",
            "Court of International Trade",
            "Donald Trump's tariffs",
        } == labels
        edges = {
            (network.nodes[u]["label"], d["relation"], network.nodes[v]["label"])
            for u, v, d in network.edges(data=True)
        }
        assert edges == {
            ("Scott Bessent", "memberOf", "United States"),
            ("United States", "imposesTariffOn", "China"),
            ("Scott Bessent", "spokeTo", "Fox News"),
            ("Court of International Trade", "blocks", "Donald Trump's tariffs"),
            ("Donald Trump's tariffs", "policyOf", "Donald Trump"),
        }
        assert network.nodes["https://w3id.org/kgnews/id/scott-bessent"]["type"] == "Person"


def test_a_failed_export_leaves_the_old_file(sources, tmp_path, monkeypatch):
    out = tmp_path / "graph.nt"
    out.write_text("old\n")

    def broken(store, path, **kwargs):
        Path(path).write_bytes(b"<urn:x:a> <urn:x:b> ")
        raise KgError("serializer failed half way")

    monkeypatch.setattr(kg.export, "_write_graphs", broken)
    with pytest.raises(KgError, match="half way"):
        export(sources["store"], out, format="nquads")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_cli_export(sources, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(sources["store"]), "-o", str(tmp_path / "g.trig")])
    assert result.exit_code == 0, result.output
    assert "quads in 2 document graphs" in result.output  # format from the extension
    result = runner.invoke(
        main, ["export", str(sources["turtle"]), "--format", "graphml", "-o", str(tmp_path / "g.x")]
    )
    assert result.exit_code == 0 and "7 nodes, 5 edges" in result.output
    result = runner.invoke(main, ["export", str(tmp_path / "missing"), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 1 and "does not exist" in result.output


# --- a real, separately running triple store ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """``oxigraph serve`` (PyPI package oxigraph) in its own process; yields its base URL."""
    binary = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph, in the test extra)")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(tmp_path_factory.mktemp("oxigraph")),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph serve did not start: {process.stderr.read().decode()[:500]}")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def http(
    method: str,
    url: str,
    data: bytes | None = None,
    content_type: str | None = None,
    accept: str | None = None,
) -> bytes:
    request = urllib.request.Request(url, data=data, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    if accept:
        request.add_header("Accept", accept)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert 200 <= response.status < 300
        return response.read()


def remote(url: str, sparql: str, *, union: bool) -> list[tuple]:
    answer = http(
        "POST",
        f"{url}/query" + ("?union-default-graph" if union else ""),
        sparql.encode(),
        "application/sparql-query",
        "application/sparql-results+json",
    )
    return [tuple(solution) for solution in ox.parse_query_results(answer, ox.QueryResultsFormat.JSON)]


def local(store: ox.Store, sparql: str) -> list[tuple]:
    return [tuple(solution) for solution in store.query(sparql, prefixes=QUERY_PREFIXES)]


def portable(sparql: str, name: str) -> str:
    # Over the protocol a value can only travel in the query: an inline VALUES block, first in WHERE,
    # which is what binding ?entity means.
    if name != "entity":
        return sparql
    return sparql.replace("WHERE {", 'WHERE {\n  VALUES ?entity { "Scott Bessent" }', 1)


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_every_format_loads_into_a_running_triple_store(oxigraph_server, exported, sources, fmt):
    url = oxigraph_server
    http("POST", f"{url}/update", b"CLEAR ALL", "application/sparql-update")
    body = exported["store", fmt].read_bytes()
    named = EXPORT_FORMATS[fmt][1]
    if named:  # a dataset: its named graphs go to the store as they are
        http("POST", f"{url}/store", body, MEDIA_TYPES[fmt])
    else:  # a graph, into the default graph (Graph Store Protocol)
        http("PUT", f"{url}/store?default", body, MEDIA_TYPES[fmt])
    snapshot = load_snapshot(sources["store"])
    count = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    if named:
        assert remote(url, count, union=False) == local(snapshot, count)
    else:
        total = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert remote(url, total, union=False) == local(snapshot, total)
    for name, query in named_queries().items():
        sparql = portable(query.sparql, name)
        answer = remote(url, sparql, union=named)
        assert answer, name
        assert answer == local(snapshot, sparql), name
