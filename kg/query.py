"""Run SPARQL over a graph and turn the results into rows a person or a program can read."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result

from .errors import KgError, QueryError
from .graph import PREFIXES

RESULT_FORMATS = ("table", "csv", "tsv", "json")


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file (format guessed from its extension)."""
    path = Path(path)
    if not path.exists():
        raise KgError(f"{path} does not exist; build a graph first with `kg build INPUT -o DIR`")
    if path.is_dir():
        candidate = path / "graph.ttl"
        if not candidate.exists():
            raise KgError(f"{path} is a folder without graph.ttl; give the graph file itself")
        path = candidate
    g = Graph()
    try:
        g.parse(str(path))
    except Exception as e:  # rdflib raises many parser-specific errors
        raise KgError(f"{path} is not a readable RDF file ({type(e).__name__}: {str(e)[:200]})") from e
    return g


def run_query(graph: Graph, sparql: str, *, bindings: dict | None = None) -> Result:
    """Run a SPARQL query with kg's prefixes predeclared; values go in through ``bindings``."""
    try:
        return graph.query(sparql, initNs=PREFIXES, initBindings=bindings or {})
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise QueryError(f"the SPARQL query does not parse or cannot run: {msg[:300]}") from e


def _cell(term: object, graph: Graph) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    if isinstance(term, (Literal, BNode)):
        return str(term)
    return str(term)


def result_rows(result: Result, graph: Graph) -> tuple[list[str], list[list[str]]]:
    """Column names and string rows of a SELECT or ASK result."""
    if result.type == "ASK":
        return ["ask"], [[str(bool(result.askAnswer)).lower()]]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        rows = [[_cell(s, graph), _cell(p, graph), _cell(o, graph)] for s, p, o in result.graph]
        return ["subject", "predicate", "object"], rows
    names = [str(v) for v in result.vars]
    return names, [[_cell(row[i], graph) for i in range(len(names))] for row in result]


def format_result(result: Result, graph: Graph, fmt: str = "table") -> str:
    """Render a result as an aligned table, CSV, TSV or SPARQL 1.1 JSON."""
    if fmt == "json":
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return result.graph.serialize(format="json-ld")
        return result.serialize(format="json").decode("utf-8")
    names, rows = result_rows(result, graph)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buf.getvalue()
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        out = []
        for c, w in zip(cells, widths):
            c = c.replace("\n", " ")
            out.append(c if len(c) <= w else c[: w - 1] + "…")
        return "  ".join(c.ljust(w) for c, w in zip(out, widths)).rstrip()

    lines = [line(names), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def to_json_rows(result: Result, graph: Graph) -> str:
    """Rows as a JSON list of objects (for scripts)."""
    names, rows = result_rows(result, graph)
    return json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False, indent=1)
