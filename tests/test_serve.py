"""kg serve over HTTP: a real SPARQL client (SPARQLWrapper) and plain requests, server on a free port."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from test_store import canonical, sample_graph, write_store

from kg.errors import KgError
from kg.query import named_queries, query_source, result_rows
from kg.serve import TABLE_TYPES, Endpoint, make_server, negotiate, open_endpoint
from kg.store import open_store

ROLES = named_queries()["roles"].sparql


def start(endpoint: Endpoint):
    server = make_server(endpoint, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    return write_store(tmp_path_factory.mktemp("serve") / "store")


@pytest.fixture(scope="module")
def url(store_dir):
    endpoint = open_endpoint(store_dir, timeout=5, max_rows=1000)
    server, base = start(endpoint)
    yield base
    server.shutdown()
    server.server_close()
    endpoint.close()


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) of one request, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(url: str, query: str, **params: str):
    headers = {"Accept": params.pop("accept")} if "accept" in params else {}
    return request(f"{url}/sparql?" + urllib.parse.urlencode({"query": query, **params}), headers=headers)


def local_rows(store_dir: Path, sparql: str) -> list[tuple]:
    names, found = result_rows(query_source(store_dir, sparql), Graph())
    return [tuple(r) for r in found]


# --- a real SPARQL client ------------------------------------------------------------------------------


def wrapper(url: str, query: str, fmt: str, method: str = "GET"):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json_equals_the_local_answer(url, store_dir, method):
    answer = wrapper(url, ROLES, "json", method).convert()
    found = [
        tuple(b.get(v, {}).get("value", "") for v in answer["head"]["vars"])
        for b in answer["results"]["bindings"]
    ]
    assert found == local_rows(store_dir, ROLES)
    assert answer["head"]["vars"] == ["person", "role", "organization", "status", "document"]


def test_sparqlwrapper_xml_csv_tsv(url):
    xml = wrapper(url, ROLES, "xml").convert()
    assert len(xml.getElementsByTagName("result")) == 2
    csv_text = wrapper(url, ROLES, "csv").convert().decode()
    assert csv_text.splitlines()[0] == "person,role,organization,status,document"
    tsv_text = wrapper(url, ROLES, "tsv").convert().decode()
    assert tsv_text.splitlines()[1].startswith('"Scott Bessent"\t"Treasury Secretary"')


def test_sparqlwrapper_ask_construct_describe(url):
    assert wrapper(url, "ASK { ?t a kg:Tariff }", "json").convert()["boolean"] is True
    construct = wrapper(
        url, "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a kg:Person ; rdfs:label ?l }", "turtle"
    )
    graph = Graph().parse(data=construct.convert(), format="turtle")
    assert {str(o) for o in graph.objects()} == {"Scott Bessent", "Donald Trump"}
    described = wrapper(url, "DESCRIBE <https://w3id.org/kgnews/id/china>", "turtle").convert()
    assert "China" in described.decode()


# --- the protocol over plain HTTP ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        (None, None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values"),
        ("text/html, */*;q=0.1", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", "csv", "text/csv"),
        (None, "application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_content_negotiation(url, accept, fmt, media):
    params = {"accept": accept} if accept else {}
    if fmt:
        params["format"] = fmt
    status, headers, body = get(url, ROLES, **params)
    assert status == 200 and headers["Content-Type"].split(";")[0] == media


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_every_result_format_parses_with_an_independent_parser(url, fmt):
    status, _, body = get(url, ROLES, format=fmt)
    parsed = list(ox.parse_query_results(body, getattr(ox.QueryResultsFormat, fmt.upper())))
    assert [s["person"].value for s in parsed] == ["Scott Bessent", "Scott Bessent"]
    assert [s["document"].value for s in parsed] == ["seed-1", "seed-2"]


def test_csv_results_read_with_the_csv_module(url):
    status, _, body = get(url, ROLES, format="csv")
    parsed = list(csv.DictReader(io.StringIO(body.decode(), newline="")))
    assert [(r["person"], r["document"]) for r in parsed] == [
        ("Scott Bessent", "seed-1"),
        ("Scott Bessent", "seed-2"),
    ]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_graph_formats(url, fmt):
    status, headers, body = get(url, "CONSTRUCT WHERE { ?s ?p ?o }", format=fmt)
    assert status == 200
    rdf_format = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}[fmt]
    triples = list(ox.parse(body, format=getattr(ox.RdfFormat, rdf_format)))
    assert canonical(triples) == canonical(sample_graph())


def test_post_form_and_direct_query(url, store_dir):
    form = urllib.parse.urlencode({"query": ROLES}).encode()
    status, _, body = request(
        f"{url}/sparql", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2
    status, _, body = request(
        f"{url}/sparql?format=csv", data=ROLES.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and body.decode().count("\r\n") == 3


def test_the_default_graph_is_the_union_and_graphs_are_reachable(url):
    status, _, body = get(url, 'SELECT (COUNT(*) AS ?n) WHERE { ?e rdfs:label "Scott Bessent" }')
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"
    one = "https://w3id.org/kgnews/doc/seed-1"
    status, _, body = get(
        url, "SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Membership }", **{"default-graph-uri": one}
    )
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(), "application/x-www-form-urlencoded"),
        (b"DROP ALL", "application/sparql-update"),
    ],
)
def test_updates_are_refused_on_a_read_only_endpoint(url, data, content_type):
    status, _, body = request(f"{url}/sparql", data=data, headers={"Content-Type": content_type})
    assert status == 403 and b"read-only" in body
    status, _, body = get(url, "ASK { ?s ?p ?o }")
    assert json.loads(body)["boolean"] is True


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(url, query):
    status, _, body = get(url, query)
    assert status == 403 and b"SERVICE" in body


def test_service_in_a_string_or_iri_is_fine(url):
    status, _, _ = get(
        url, 'SELECT ?x WHERE { BIND("SERVICE <x>" AS ?x) ?s <http://e/SERVICE> ?o } # SERVICE'
    )
    assert status == 200


@pytest.mark.parametrize(
    ("path", "data", "headers", "status"),
    [
        ("/sparql?query=SELECT%20WHERE%20%7B", None, {}, 400),
        ("/sparql", None, {}, 400),
        ("/nope", None, {}, 404),
        ("/sparql", b"x", {"Content-Type": "text/plain"}, 415),
        ("/sparql?query=ASK%7B%7D&format=turtle", None, {}, 406),
    ],
)
def test_bad_requests(url, path, data, headers, status):
    assert request(url + path, data=data, headers=headers)[0] == status


def test_cors(url):
    status, headers, _ = get(url, "ASK {}")
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = request(
        f"{url}/sparql",
        method="OPTIONS",
        headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_the_query_page_is_self_contained(url):
    status, headers, body = request(url + "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<textarea" in page and 'fetch("sparql"' in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page), "the page loads nothing from elsewhere"
    assert "https://" not in page and "http://" not in page


# --- limits --------------------------------------------------------------------------------------------


def test_max_rows_cuts_and_says_so(store_dir):
    server, base = start(open_endpoint(store_dir, max_rows=3))
    try:
        status, headers, body = get(base, "SELECT * WHERE { ?s ?p ?o }")
        assert len(json.loads(body)["results"]["bindings"]) == 3
        assert headers["X-KG-Truncated"] == "true"
        status, headers, body = get(base, "CONSTRUCT WHERE { ?s ?p ?o }", format="ntriples")
        assert len(body.decode().splitlines()) == 3
        status, headers, _ = get(base, "SELECT * WHERE { ?s a kg:Tariff }")
        assert "X-KG-Truncated" not in headers
    finally:
        server.shutdown()
        server.server_close()


def test_a_slow_query_times_out_with_503(store_dir):
    endpoint = open_endpoint(store_dir, timeout=0.3, max_rows=10**9)
    started = time.perf_counter()
    response = endpoint.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")  # ~2 million rows
    assert response.status == 503 and b"timeout" in response.body
    assert time.perf_counter() - started < 3


def test_updates_with_allow_update_on_a_store(tmp_path):
    store_dir = write_store(tmp_path / "store")
    server, base = start(open_endpoint(store_dir, allow_update=True))
    try:
        update = 'INSERT DATA { GRAPH <urn:x:notes> { <urn:x:a> rdfs:label "note" } <urn:x:b> rdfs:label "plain" }'
        status, _, _ = request(
            f"{base}/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        assert status == 204
        status, _, body = get(base, 'ASK { GRAPH <urn:x:notes> { ?s rdfs:label "note" } }')
        assert json.loads(body)["boolean"] is True
        # the default graph is the store's union of document graphs, and takes triples written to it
        status, _, body = get(base, 'ASK { <urn:x:b> rdfs:label "plain" . ?doc a kg:Document }')
        assert json.loads(body)["boolean"] is True
        load = "LOAD <http://example.org/data.ttl>"
        status, _, _ = request(
            f"{base}/sparql", data=load.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        assert status == 403
    finally:
        server.shutdown()
        server.server_close()
        del server
    import gc

    gc.collect()  # the endpoint held the store open; it is written in place
    assert ox.NamedNode("urn:x:notes") in set(open_store(store_dir, read_only=True).named_graphs())


def test_updates_to_a_file_stay_in_memory(tmp_path):
    path = tmp_path / "graph.ttl"
    sample_graph().serialize(path, format="turtle")
    before = path.read_bytes()
    endpoint = open_endpoint(path, allow_update=True)
    assert endpoint.update("DELETE WHERE { ?s ?p ?o }").status == 204
    assert json.loads(endpoint.query("ASK { ?s ?p ?o }").body)["boolean"] is False
    assert path.read_bytes() == before


def test_negotiate():
    assert negotiate(TABLE_TYPES, accept=None, fmt=None) == "json"
    assert (
        negotiate(TABLE_TYPES, accept="text/csv;q=0.2, application/sparql-results+xml;q=0.9", fmt=None)
        == "xml"
    )
    assert negotiate(TABLE_TYPES, accept="application/json", fmt=None) == "json"
    assert negotiate(TABLE_TYPES, accept=None, fmt="turtle") is None


def test_bad_limits_are_refused(store_dir):
    with pytest.raises(KgError, match="positive"):
        open_endpoint(store_dir, max_rows=0)


# --- the command ---------------------------------------------------------------------------------------


def test_kg_serve_command(store_dir):
    """The real command in its own process: binds 127.0.0.1, answers, stops on SIGINT."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(store_dir), "--port", "0", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+)/sparql", line)
        assert found, line + process.stderr.read()
        status, _, body = get(found[1], ROLES, format="csv")
        assert status == 200 and body.decode().count("Scott Bessent") == 2
        assert "a snapshot on disk" in line and list(store_dir.glob(f".kg-snapshot-{process.pid}-*"))
    finally:
        process.send_signal(2)
        process.wait(timeout=10)
    assert "Stopped." in process.stdout.read()
    assert not list(store_dir.glob(f".kg-snapshot-{process.pid}-*"))  # removed at exit


def second_folder_left(store_dir: Path, first: Path) -> bool:
    return any(f != first for f in store_dir.glob(".kg-snapshot-*"))


def test_a_store_is_served_from_a_snapshot_that_writers_do_not_disturb(tmp_path):
    from kg import views

    store_dir = write_store(tmp_path / "store")
    assert views.refresh(store_dir) and views.current(store_dir)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = store_dir / f".kg-snapshot-{dead.stdout.strip()}-x"  # left by a server that was killed
    stale.mkdir()
    endpoint = open_endpoint(store_dir)
    folder = endpoint.snapshot_folder
    assert folder is not None and folder.parent == store_dir and not stale.exists()
    second = open_endpoint(store_dir)  # another endpoint of the same process leaves the first's snapshot
    assert folder.exists() and second.snapshot_folder != folder
    second.close()
    assert folder.exists() and not second_folder_left(store_dir, folder)
    assert views.current(store_dir)  # opening the store to make the snapshot changed no graph
    server, base = start(endpoint)
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        status, _, body = get(base, count)
        assert status == 200
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(sample_graph())
        writer = subprocess.run([sys.executable, "-m", "kg.cli", "remove", "seed-1", "--store", str(store_dir)],
                                capture_output=True, text=True, timeout=120)
        assert writer.returncode == 0, writer.stderr  # a build or removal goes on while the server runs
        status, _, body = get(base, "SELECT ?g WHERE { GRAPH ?g { ?d a kg:Document } }")
        assert len(json.loads(body)["results"]["bindings"]) == 2  # the server answers from its snapshot
    finally:
        server.shutdown()
        server.server_close()
        endpoint.close()
    assert not folder.exists()
    assert len(list(ox.Store.read_only(str(store_dir)).named_graphs())) == 1  # the removal is in the store


def test_in_place_serves_a_store_where_it_lies_and_keeps_writers_out(tmp_path):
    store_dir = write_store(tmp_path / "store")
    endpoint = open_endpoint(store_dir, in_place=True)
    server, base = start(endpoint)
    try:
        status, _, body = get(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert status == 200
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(sample_graph())
        status, _, body = get(base, "SELECT ?g WHERE { GRAPH ?g { ?d a kg:Document } }")
        assert len(json.loads(body)["results"]["bindings"]) == 2
        writer = subprocess.run([sys.executable, "-m", "kg.cli", "remove", "seed-1", "--store", str(store_dir)],
                                capture_output=True, text=True, timeout=120)
        assert writer.returncode == 1
        assert f"is being read in place by process {os.getpid()}" in writer.stderr
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"in_place": True, "allow_update": True}, "do not go together"),
    ({"in_place": True}, "serves a store folder"),
])
def test_in_place_refuses_what_it_cannot_do(tmp_path, kwargs, message):
    source = write_store(tmp_path / "store") if "allow_update" in kwargs else tmp_path / "g.ttl"
    if not source.exists():
        sample_graph().serialize(source, format="turtle")
    with pytest.raises(KgError, match=message):
        open_endpoint(source, **kwargs)
