"""A read-only SPARQL 1.1 Protocol endpoint over a graph source, on the standard library's HTTP server.

``Endpoint`` answers queries and updates with status, content type and body, and knows nothing of
HTTP; ``make_server`` puts it behind ``/sparql`` with a small query page at ``/``.

What it serves: a store or file is loaded into memory at start (``kg.store.load_snapshot``): the
default graph is the union of the document graphs, each triple once, and ``GRAPH ?g`` reaches each
document's graph. With ``in_place`` a store is served where it lies, opened read-only, holding the
store's readers' lock so that no other process writes it meanwhile (``kg.store.hold_reader_lock``).
With ``allow_update`` a store is opened for writing and served in place: its default graph is kg's
union of the document graphs plus what updates write there; updates to a file source change only the
in-memory copy.

Refused, with 403: updates (unless allowed), ``SERVICE`` (the tool works offline; unless allowed) and
``LOAD``. Refused with 400: queries that do not parse, and brackets nested deeper than ``MAX_NESTING``
(Oxigraph's parser takes time cubic in that depth and overflows its stack near 10,000).
A query that runs past the timeout gets 503; its worker thread stops at the next result row, but
Oxigraph cannot interrupt one that is still computing its first row, so that keeps a core busy until
it finishes.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .errors import KgError
from .query import json_term

log = logging.getLogger(__name__)

__all__ = ["Endpoint", "Response", "make_server", "open_endpoint"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_MAX_BODY = 16 * 1024 * 1024
#: How deep ``{``, ``(`` and ``[`` may nest in a query: 100 nested blank-node brackets already cost
#: Oxigraph's parser seconds, 200 about a minute (time cubic in depth); real queries nest a few levels.
MAX_NESTING = 32
#: Seconds a client may stay silent while sending a request before its connection is dropped.
CLIENT_TIMEOUT = 60

#: Result formats of SELECT and ASK, and of CONSTRUCT and DESCRIBE, by name → media type.
TABLE_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
               "rdfxml": "application/rdf+xml"}
_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
#: Other names clients use for the same formats.
_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml", "ttl": "turtle",
            "application/x-turtle": "turtle", "nt": "ntriples", "text/plain": "ntriples",
            "application/json+ld": "jsonld", "json-ld": "jsonld", "rdf": "rdfxml", "xml-rdf": "rdfxml"}

# Strings, IRIs and comments, blanked out before looking for keywords.
_NOT_KEYWORDS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                           r'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
                           r'|\\.')  # an escape in a prefixed name (kg:a\' kg:a\#) opens no string or comment


def _keyword(sparql: str, word: str) -> bool:
    """Whether ``word`` occurs as a keyword, not inside a string, IRI, comment, name or variable."""
    return re.search(rf"(?<![\w:?$]){word}\b", _NOT_KEYWORDS.sub(" ", sparql), re.IGNORECASE) is not None


def _nesting(sparql: str) -> int:
    """How deep brackets of any kind nest in a query, outside strings, IRIs and comments."""
    depth = deepest = 0
    for bracket in re.findall(r"[{}()\[\]]", _NOT_KEYWORDS.sub(" ", sparql)):
        depth = depth + 1 if bracket in "{([" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _refusal(sparql: str, *, allow_service: bool) -> Response | None:
    """Why a query or update is refused before it runs, or None."""
    if not allow_service and _keyword(sparql, "SERVICE"):
        return _text(403, "SERVICE is refused: kg serve works offline and queries only its own data "
                          "(start it with --allow-service to allow it)")
    depth = _nesting(sparql)
    if depth > MAX_NESTING:
        return _text(400, f"the query nests brackets {depth} deep; kg serve accepts at most {MAX_NESTING}")
    return None


@dataclass
class Response:
    """What the endpoint answers: an HTTP status, a media type, a body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


class _Timeout(Exception):
    pass


# --- result serializers ----------------------------------------------------------------------------

def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


def _csv_cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def serialize_table(variables: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    """SELECT results in SPARQL 1.1 JSON, XML, CSV or TSV; a row holds pyoxigraph terms or None."""
    if fmt == "json":
        bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                            for v, t in zip(variables, row, strict=True) if t is not None)
            out.append(f"<result>{cells}</result>")
        out.append("</results></sparql>")
        return "\n".join(out).encode("utf-8")
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_cell(t) for t in row] for row in rows)
    else:  # TSV cells are terms in N-Triples syntax, which escapes tabs and newlines
        buf.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            buf.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    return buf.getvalue().encode("utf-8")


def serialize_boolean(answer: bool, fmt: str) -> bytes:
    """An ASK answer in SPARQL 1.1 JSON or XML (CSV and TSV: the bare word)."""
    word = "true" if answer else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>").encode()
    return f"{word}\n".encode()


# --- content negotiation ---------------------------------------------------------------------------

def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (stable for equal quality)."""
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(table: dict[str, str], *, accept: str | None, fmt: str | None) -> str | None:
    """The format name to answer in: ``fmt`` wins, then the Accept header, else the first of ``table``.

    None when ``fmt`` names a format this kind of result cannot take.
    """
    by_type = {media: name for name, media in table.items()}
    if fmt:
        name = _ALIASES.get(fmt.lower(), fmt.lower())
        name = by_type.get(name, name)
        return name if name in table else None
    for media in _accepted(accept or ""):
        name = by_type.get(media) or _ALIASES.get(media)
        if name in table:
            return name
    return next(iter(table))


# --- the endpoint ----------------------------------------------------------------------------------

class Endpoint:
    """The SPARQL protocol's query and update operations over one Oxigraph store."""

    def __init__(self, store: ox.Store, *, union_default_graph: bool = False, timeout: float = 30.0,
                 max_rows: int = 10_000, allow_update: bool = False, description: str = "",
                 allow_service: bool = False) -> None:
        self.store = store
        self.union_default_graph = union_default_graph
        self.timeout = timeout
        self.max_rows = max_rows
        self.allow_update = allow_update
        self.allow_service = allow_service
        self.description = description
        self._write_lock = threading.Lock()
        #: a folder holding this endpoint's own copy of the data (an on-disk snapshot), removed by ``close``
        self.snapshot_folder: Path | None = None

    def close(self) -> None:
        """Let go of the store and remove the endpoint's snapshot folder, if it has one."""
        folder, self.snapshot_folder = self.snapshot_folder, None
        self.store = ox.Store()  # the snapshot's store is closed once nothing holds it
        if folder is not None:
            import gc

            gc.collect()
            shutil.rmtree(folder, ignore_errors=True)

    def _in_time(self, work: Callable[[threading.Event], Response]) -> Response:
        box: dict[str, Any] = {}
        done, cancel = threading.Event(), threading.Event()

        def run() -> None:
            try:
                box["response"] = work(cancel)
            except BaseException as e:  # handed to the request thread
                # without its traceback: its frames hold Oxigraph's results, which must be freed in this
                # thread (pyo3 leaks them elsewhere and prints "unsendable, but is being dropped on another
                # thread")
                box["error"] = e.with_traceback(None)
            finally:
                done.set()

        threading.Thread(target=run, name="kg-sparql", daemon=True).start()
        if not done.wait(self.timeout):
            cancel.set()
            raise _Timeout
        if "error" in box:
            raise box["error"]
        return box["response"]

    def _rows(self, items: Iterable[Any], cancel: threading.Event) -> tuple[list[Any], bool]:
        rows = []
        for item in items:
            if cancel.is_set():
                raise _Timeout
            if len(rows) == self.max_rows:
                return rows, True
            rows.append(item)
        return rows, False

    def query(self, sparql: str, *, accept: str | None = None, fmt: str | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Response:
        """Answer a SPARQL query in the negotiated format."""
        from .export import _turtle_prefixes
        from .query import QUERY_PREFIXES

        refused = _refusal(sparql, allow_service=self.allow_service)
        if refused is not None:
            return refused
        options: dict[str, Any] = {"prefixes": QUERY_PREFIXES}
        try:
            if default_graphs:
                options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            else:
                options["use_default_graph_as_union"] = self.union_default_graph
            if named_graphs:
                options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        except ValueError as e:
            return _text(400, f"default-graph-uri and named-graph-uri must be IRIs: {e}")

        def work(cancel: threading.Event) -> Response:
            answer = self.store.query(sparql, **options)
            if isinstance(answer, ox.QueryBoolean):
                name = negotiate(TABLE_TYPES, accept=accept, fmt=fmt)
                if name is None:
                    return _text(406, f"an ASK answer cannot be given as {fmt}; use {', '.join(TABLE_TYPES)}")
                return Response(200, TABLE_TYPES[name], serialize_boolean(bool(answer), name))
            if isinstance(answer, ox.QueryTriples):
                name = negotiate(GRAPH_TYPES, accept=accept, fmt=fmt)
                if name is None:
                    return _text(406, f"a graph cannot be given as {fmt}; use {', '.join(GRAPH_TYPES)}")
                triples, cut = self._rows(answer, cancel)
                prefixes = _turtle_prefixes(QUERY_PREFIXES) if name == "turtle" else None
                body = ox.serialize(triples, format=_GRAPH_FORMATS[name], prefixes=prefixes) or b""
                return Response(200, GRAPH_TYPES[name], body, _truncated(cut))
            name = negotiate(TABLE_TYPES, accept=accept, fmt=fmt)
            if name is None:
                return _text(406, f"SELECT results cannot be given as {fmt}; use {', '.join(TABLE_TYPES)}")
            variables = [v.value for v in answer.variables]
            rows, cut = self._rows(([s[i] for i in range(len(variables))] for s in answer), cancel)
            return Response(200, TABLE_TYPES[name], serialize_table(variables, rows, name), _truncated(cut))

        return self._guard(work)

    def update(self, sparql: str) -> Response:
        """Run a SPARQL update, when the endpoint allows updates."""
        if not self.allow_update:
            return _text(403, "updates are refused: the endpoint is read-only (start it with --allow-update)")
        if _keyword(sparql, "LOAD"):
            return _text(403, "LOAD is refused: kg serve works offline and reads nothing from the web")
        refused = _refusal(sparql, allow_service=self.allow_service)
        if refused is not None:
            return refused

        def work(cancel: threading.Event) -> Response:
            from .query import QUERY_PREFIXES

            with self._write_lock:
                self.store.update(sparql, prefixes=QUERY_PREFIXES)
                self.store.flush()
            return Response(204, "text/plain; charset=utf-8", b"")

        return self._guard(work)

    def _guard(self, work: Callable[[threading.Event], Response]) -> Response:
        try:
            return self._in_time(work)
        except _Timeout:
            return _text(503, f"the query ran longer than the timeout of {self.timeout:g} s; "
                              "narrow it or add a LIMIT")
        except SyntaxError as e:
            return _text(400, f"the query does not parse: {e}")
        except (ValueError, RuntimeError) as e:
            return _text(400, f"the query cannot run: {e}")
        except OSError as e:
            log.exception("store error")
            return _text(500, f"the store failed: {e}")


def _truncated(cut: bool) -> dict[str, str]:
    return {"X-KG-Truncated": "true"} if cut else {}


def open_endpoint(source: str | Path, *, timeout: float = 30.0, max_rows: int = 10_000,
                  allow_update: bool = False, allow_service: bool = False, in_place: bool = False) -> Endpoint:
    """An endpoint over a graph source: a store's snapshot on disk (``kg.store.disk_snapshot``; call
    ``close`` to remove it), a file's snapshot in memory, or a store in place (read-only with
    ``in_place``, for writing with ``allow_update``)."""
    from .store import disk_snapshot, hold_reader_lock, is_store, load_snapshot, open_store, query_store

    if max_rows < 1 or timeout <= 0:
        raise KgError("--max-rows and --timeout must be positive")
    options = {"timeout": timeout, "max_rows": max_rows, "allow_update": allow_update,
               "allow_service": allow_service, "description": str(source)}
    if in_place:
        if allow_update:
            raise KgError("--in-place and --allow-update do not go together: with --allow-update a store is "
                          "already served in place")
        if not is_store(source):
            raise KgError(f"--in-place serves a store folder; {source} is not one (a file is always loaded)")
        hold_reader_lock(source)  # before opening: a writer that starts later sees it and refuses
        return Endpoint(query_store(source), **options)
    if allow_update and is_store(source):
        store = open_store(source)  # its default graph is the union of the document graphs
        return Endpoint(store, **options)
    snapshot = disk_snapshot(source) if is_store(source) else None
    if snapshot is not None:  # a store: a snapshot on disk, made at once, which writers do not disturb
        endpoint = Endpoint(snapshot[0], **options)
        endpoint.snapshot_folder = snapshot[1]
        return endpoint
    return Endpoint(load_snapshot(source), **options)


# --- HTTP ------------------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
textarea{width:100%;height:11em;font:13px/1.35 ui-monospace,monospace;box-sizing:border-box}
table{border-collapse:collapse;margin-top:1em;font-size:13px}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;max-width:40em}
th{background:#f3f3f3}#status{margin-left:1em;color:#555}pre{white-space:pre-wrap}
</style></head><body>
<h1>kg SPARQL endpoint</h1>
<p>Serving __SOURCE__. The endpoint is <code>/sparql</code>; the prefixes kg, org, prov, schema, skos,
dcterms, owl, xsd, rdf and rdfs are predeclared.</p>
<form id="form"><textarea id="query" name="query" spellcheck="false">SELECT ?person ?role ?org WHERE {
  ?m a kg:Membership ; org:member/rdfs:label ?person ;
     org:organization/rdfs:label ?org .
  OPTIONAL { ?m org:role/rdfs:label ?role }
} LIMIT 100</textarea>
<p><button type="submit">Run query</button><span id="status"></span></p></form>
<div id="result"></div>
<script>
"use strict";
const form = document.getElementById("form"), out = document.getElementById("result"),
      status = document.getElementById("status");
function cell(term) {
  if (!term) return "";
  if (term.type === "uri") return "<" + term.value + ">";
  if (term.type === "bnode") return "_:" + term.value;
  return term.value + (term["xml:lang"] ? "@" + term["xml:lang"] : "");
}
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  status.textContent = "running…";
  out.replaceChildren();
  const started = performance.now();
  try {
    const response = await fetch("sparql", {method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: new URLSearchParams({query: document.getElementById("query").value})});
    const text = await response.text();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("json")) {
      const pre = document.createElement("pre");
      pre.textContent = text;
      out.append(pre);
      status.textContent = response.ok ? seconds + " s" : "error " + response.status;
      return;
    }
    const data = JSON.parse(text);
    if ("boolean" in data) {
      out.textContent = String(data.boolean);
      status.textContent = seconds + " s";
      return;
    }
    const table = document.createElement("table"), head = table.insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    for (const row of data.results.bindings) {
      const tr = table.insertRow();
      for (const name of data.head.vars) tr.insertCell().textContent = cell(row[name]);
    }
    out.append(table);
    const cut = response.headers.get("X-KG-Truncated") ? " (cut at the row limit)" : "";
    status.textContent = data.results.bindings.length + " rows in " + seconds + " s" + cut;
  } catch (error) { status.textContent = "failed: " + error; }
});
</script></body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-sparql/1"
    timeout = CLIENT_TIMEOUT  # a silent client is dropped rather than holding a thread forever
    endpoint: Endpoint  # set on the subclass make_server builds

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, response: Response, *, head_only: bool = False) -> None:
        self.send_response(response.status)
        content_type = response.content_type
        if content_type.startswith(("text/", "application/")) and "charset" not in content_type:
            content_type += "; charset=utf-8"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-KG-Truncated")
        self.send_header("Vary", "Accept")
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    def do_OPTIONS(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            page = _PAGE.replace("__SOURCE__", escape(self.endpoint.description or "a graph"))
            self._send(Response(200, "text/html; charset=utf-8", page.encode("utf-8"),
                                {"Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
                                                            "style-src 'unsafe-inline'"}))
            return
        if url.path == "/favicon.ico":  # browsers ask for it; answer without a console error
            self._send(Response(204, "image/x-icon", b""))
            return
        if url.path != "/sparql":
            self._send(_text(404, "not found; the SPARQL endpoint is /sparql"))
            return
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            self._send(_text(405, "send updates with POST") if self.endpoint.allow_update
                       else _text(403, "updates are refused: this endpoint is read-only"))
            return
        if not params.get("query"):
            self._send(_text(400, "no query: send ?query=… (or open / for the query page)"))
            return
        self._query(params["query"][0], params)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(_text(404, "not found; the SPARQL endpoint is /sparql"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True  # the body's end is unknown
            self._send(_text(400, "Content-Length must be the body's size in bytes"))
            return
        if length > _MAX_BODY:
            self._send(_text(413, f"the request body is over {_MAX_BODY // 2**20} MiB"))
            return
        try:
            body = self.rfile.read(length).decode("utf-8", errors="replace")
        except TimeoutError:
            self.close_connection = True
            return
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            params = {**params, **form}
            if form.get("update"):
                self._send(self.endpoint.update(form["update"][0]))
            elif form.get("query"):
                self._query(form["query"][0], params)
            else:
                self._send(_text(400, "no query: the form has neither query= nor update="))
        elif media == "application/sparql-query":
            self._query(body, params)
        elif media == "application/sparql-update":
            self._send(self.endpoint.update(body))
        else:
            self._send(_text(415, "send application/sparql-query, application/sparql-update or a form"))

    def _query(self, sparql: str, params: dict[str, list[str]]) -> None:
        fmt = (params.get("format") or params.get("output") or [None])[0]
        self._send(self.endpoint.query(sparql, accept=self.headers.get("Accept"), fmt=fmt,
                                       default_graphs=params.get("default-graph-uri"),
                                       named_graphs=params.get("named-graph-uri")))


class _Server(ThreadingHTTPServer):
    """The HTTP server, logging a broken request instead of printing its traceback."""

    # socketserver's default backlog of 5 makes the 6th simultaneous client wait a second for a SYN retry
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request that broke the handler: one log line (the traceback at debug level), not stderr."""
        log.error("request from %s failed; see the debug log for the traceback", client_address[0])
        log.debug("request failed", exc_info=True)


def make_server(endpoint: Endpoint, *, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server (not yet started) with the endpoint at ``/sparql`` and the query page at ``/``."""
    handler = type("Handler", (_Handler,), {"endpoint": endpoint})
    try:
        server = _Server((host, port), handler)
    except OSError as e:
        raise KgError(f"cannot listen on {host}:{port}: {e.strerror}; choose another --port") from e
    server.daemon_threads = True
    return server
