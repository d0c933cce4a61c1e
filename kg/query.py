"""Run SPARQL over a graph and turn the results into rows a person or a program can read."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS
from rdflib.query import Result
from rdflib.term import Identifier

from .errors import KgError, QueryError
from .graph import PREFIXES, new_graph
from .vocab import KG

if TYPE_CHECKING:
    import pandas

RESULT_FORMATS = ("table", "csv", "tsv", "json")

#: Prefixes every query may use without declaring them: kg's own plus rdf and rdfs.
QUERY_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), **{k: str(v) for k, v in PREFIXES.items()}}


def load_graph(path: str | Path) -> Graph:
    """Read any graph source (RDF file, build folder or Oxigraph store) into one rdflib graph."""
    from .store import load_any

    return load_any(path)


def run_query(graph: Graph, sparql: str, *, bindings: dict | None = None) -> Result:
    """Run a SPARQL query with kg's prefixes predeclared; values go in through ``bindings``."""
    try:
        return graph.query(sparql, initNs=QUERY_PREFIXES, initBindings=bindings or {})
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise QueryError(f"the SPARQL query does not parse or cannot run: {msg[:300]}") from e


def cell_text(term: object, graph: Graph) -> str:
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
        rows = [[cell_text(s, graph), cell_text(p, graph), cell_text(o, graph)] for s, p, o in result.graph]
        return ["subject", "predicate", "object"], rows
    names = [str(v) for v in result.vars]
    return names, [[cell_text(row[i], graph) for i in range(len(names))] for row in result]


def display_graph() -> Graph:
    """An empty graph whose prefixes are exactly ``QUERY_PREFIXES``, for compacting IRIs in tables."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in QUERY_PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def json_term(term: Any) -> dict[str, Any]:
    """A pyoxigraph term as a SPARQL 1.1 JSON results value (``{"type": "uri", "value": …}``), as rdflib's
    serializer writes the same term."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: json_term(v) for k, v in parts.items()}}


def format_result(result: Result, graph: Graph | None = None, fmt: str = "table") -> str:
    """Render a result as an aligned table, CSV, TSV or SPARQL 1.1 JSON (``graph`` lends its prefixes)."""
    graph = display_graph() if graph is None else graph
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
        for c, w in zip(cells, widths, strict=True):
            c = c.replace("\n", " ")
            out.append(c if len(c) <= w else c[: w - 1] + "…")
        return "  ".join(c.ljust(w) for c, w in zip(out, widths, strict=True)).rstrip()

    lines = [line(names), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def to_json_rows(result: Result, graph: Graph) -> str:
    """Rows as a JSON list of objects (for scripts)."""
    names, rows = result_rows(result, graph)
    return json.dumps([dict(zip(names, r, strict=True)) for r in rows], ensure_ascii=False, indent=1)


# --- native SPARQL with Oxigraph ---------------------------------------------------------------------------

def _term(value: object) -> Identifier:
    return value if isinstance(value, Identifier) else Literal(value)


def query_source(source: str | Path | ox.Store | Graph, sparql: str, *,
                 bindings: dict[str, object] | None = None, limit: int | None = None, offset: int = 0,
                 sort_here: bool = False) -> Result:
    """Run SPARQL natively with Oxigraph over a graph source, an open store or an rdflib graph.

    A store folder is read in place (``kg.store.query_store``), any other source loaded with
    ``kg.store.load_snapshot``: the default graph is the union of the document graphs, and ``GRAPH ?g``
    reaches each document's own graph. ``bindings`` follow SPARQL's substitution semantics (a bound
    variable must be one the query returns); rdflib's ``initBindings`` in ``run_query`` differ for
    variables set by BIND or OPTIONAL. ``limit`` and ``offset`` page the rows of a SELECT (the rows
    are taken as Oxigraph streams them, so an unordered query stops early). With ``sort_here``, a
    query ending in ``ORDER BY ?a ?b …`` over returned variables is run without it and its rows sorted
    here (``sorted_solutions``). The answer is an rdflib ``Result``.
    """
    from .store import quads_of, query_store, to_oxigraph

    if isinstance(source, Graph):
        store = ox.Store()
        store.extend(quads_of(source))
    else:
        store = source if isinstance(source, ox.Store) else query_store(source)
    substitutions = {ox.Variable(str(k).lstrip("?$")): to_oxigraph(_term(v))
                     for k, v in (bindings or {}).items()}
    split = split_order(sparql) if sort_here else None
    try:
        answer = store.query(split[0] if split else sparql, prefixes=QUERY_PREFIXES, substitutions=substitutions)
        if split and isinstance(answer, ox.QuerySolutions):
            variables, rows = sorted_solutions(answer, split[1])
            return select_result(variables, rows[offset:None if limit is None else offset + limit])
        return oxigraph_result(answer, limit=limit, offset=offset)
    except (SyntaxError, ValueError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise QueryError(f"the SPARQL query does not parse or cannot run: {msg[:300]}") from e
    except RuntimeError as e:
        if "projection" in str(e):  # Oxigraph binds only variables the query returns
            raise QueryError(f"{e}; a --param variable must be one the query returns (SELECT * returns all)"
                             ) from e
        raise QueryError(f"the query failed: {e}") from e
    except OSError as e:
        raise QueryError(f"the store could not answer the query: {e}") from e


def oxigraph_result(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, *,
                    limit: int | None = None, offset: int = 0) -> Result:
    """Turn a pyoxigraph answer into an rdflib ``Result`` (SELECT, ASK or CONSTRUCT); ``limit`` and
    ``offset`` page a SELECT's rows."""
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        from .store import from_oxigraph

        result = Result("CONSTRUCT")
        result.graph = new_graph()
        for t in answer:
            result.graph.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
        return result
    return select_result([v.value for v in answer.variables],
                         islice(answer, offset, None if limit is None else offset + limit))


def select_result(columns: list[str], rows: Iterable[Iterable[object]],
                  convert: Callable[[Any], Identifier] | None = None) -> Result:
    """An rdflib SELECT ``Result`` of rows of values (None where unbound) that ``convert`` turns into
    rdflib terms: pyoxigraph terms by default (``kg.views`` passes N-Triples text and its parser)."""
    from .store import from_oxigraph

    convert = convert or from_oxigraph
    result = Result("SELECT")
    variables = [Variable(c) for c in columns]
    result.vars = variables
    seen: dict[object, Identifier] = {}  # labels, documents and sentences repeat down the rows

    def term_of(term: object) -> Identifier:
        found = seen.get(term)
        if found is None:
            found = seen[term] = convert(term)
        return found

    result.bindings = [
        {var: term_of(term) for var, term in zip(variables, row, strict=True) if term is not None}
        for row in rows
    ]
    return result


# --- sorting rows here ----------------------------------------------------------------------------------------

_ORDER_BY = re.compile(r"\bORDER\s+BY((?:\s+\?\w+)+)\s*$", re.IGNORECASE)
_PROJECTION = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?((?:\?\w+\s+)+)(?:WHERE\b|\{)", re.IGNORECASE)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_EXACT = {_XSD + t for t in ("integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger",
                             "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong",
                             "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOATING = {_XSD + "double", _XSD + "float"}


def split_order(sparql: str) -> tuple[str, list[str]] | None:
    """``(the query without its ORDER BY, the variables it sorts by)`` for a query that ends in
    ``ORDER BY ?a ?b …`` over variables it returns; None for any other query (sorted by Oxigraph).

    On a store on disk Oxigraph compares the rows' values by reading their strings back from RocksDB
    at each comparison; sorting the same rows here takes a fraction of that (on all of Reuters-21578,
    the 5,265 rows about the United States: 300 ms of a 460 ms query).
    """
    order, returned = _ORDER_BY.search(sparql), projection(sparql)
    if order is None or returned is None:
        return None
    keys = re.findall(r"\?(\w+)", order[1])
    if not set(keys) <= set(returned):
        return None
    return sparql[:order.start()], keys


def projection(sparql: str) -> list[str] | None:
    """The variables a ``SELECT ?a ?b … WHERE`` query returns, in order; None for ``SELECT *`` and the like."""
    found = _PROJECTION.search(sparql)
    return re.findall(r"\?(\w+)", found[1]) if found else None


def order_key(term: object) -> tuple:
    """How SPARQL's ORDER BY ranks a value: unbound, then blank nodes, IRIs, and literals, numbers by
    value (before other literals), the rest by their text."""
    if term is None:
        return (0,)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    datatype = term.datatype.value if isinstance(term, ox.Literal) else ""
    if datatype in _EXACT or datatype in _FLOATING:
        try:
            number = Decimal(term.value) if datatype in _EXACT else float(term.value)
            if number == number:  # not NaN
                return (3, 0, number, term.value)
        except (ArithmeticError, ValueError):
            pass
    return (3, 1, str(getattr(term, "value", term)), datatype, getattr(term, "language", None) or "")


def sorted_solutions(answer: ox.QuerySolutions, keys: list[str]) -> tuple[list[str], list[tuple]]:
    """The columns and rows of ``answer`` sorted by the columns ``keys``, then by every column, so the
    order is total: the same rows always come in the same order, page after page."""
    columns = [v.value for v in answer.variables]
    order = [columns.index(k) for k in keys] + [i for i in range(len(columns)) if columns[i] not in keys]
    rows = [tuple(solution) for solution in answer]
    ranks: dict[object, tuple] = {}  # values repeat down the rows: each is ranked once

    def rank(term: object) -> tuple:
        found = ranks.get(term)
        if found is None:
            found = ranks[term] = order_key(term)
        return found

    rows.sort(key=lambda row: tuple([rank(row[i]) for i in order]))
    return columns, rows


# --- results as a data frame --------------------------------------------------------------------------------

def _python(term: object) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return float(value)
        return str(value) if isinstance(value, Literal) else value
    return str(term)


def to_dataframe(result: Result) -> pandas.DataFrame:
    """A pandas DataFrame of a result: a column per variable, literals as Python values; needs pandas."""
    try:
        import pandas as pd
    except ImportError as e:
        raise KgError("to_dataframe needs pandas, which is not installed; run `pip install pandas`") from e
    if result.type == "ASK":
        return pd.DataFrame({"ask": [bool(result.askAnswer)]})
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        rows = [[str(s), str(p), _python(o)] for s, p, o in result.graph]
        return pd.DataFrame(rows, columns=["subject", "predicate", "object"])
    names = [str(v) for v in result.vars]
    return pd.DataFrame([[_python(row[i]) for i in range(len(names))] for row in result], columns=names)


# --- named queries ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in ``kg/queries/NAME.rq`` with the title, description and parameters of its header."""

    name: str
    title: str
    description: str
    params: tuple[str, ...]
    required: tuple[str, ...]
    sparql: str
    #: ``(param, variable)`` pairs from a ``# casefold: param -> variable`` line: the parameter matches
    #: ``?variable`` whatever its case, and ``run_named`` first tries the usual casings through the index
    casefold: tuple[tuple[str, str], ...] = ()
    #: ``(param, variable)`` pairs from a ``# iri: param -> variable`` line: a parameter the query
    #: computes from ``?variable`` (``STRAFTER(STR(?class), "#")``), so a value ``V`` means ``?variable``
    #: is ``kg:V``; ``bind_inline`` tells Oxigraph so at the start of the query. Only for a variable of a
    #: pattern every row matches: bound in advance, a variable of an OPTIONAL stays bound where it fails
    iri: tuple[tuple[str, str], ...] = ()


_HEADER = re.compile(r"^#\s*(title|description|params|casefold|iri)\s*:\s*(.*?)\s*$", re.MULTILINE)
_PARAM = re.compile(r"(\w+)(\s*\(required\b)?")


def _parse_named(name: str, text: str) -> NamedQuery:
    header = {key: value for key, value in _HEADER.findall(text)}
    if "title" not in header or "description" not in header:
        raise KgError(f"the named query {name}.rq lacks a '# title:' or '# description:' line")
    # "a, b (each optional: …)" or "entity (required: …)": drop the notes, keep "(required" as a marker
    params_text = re.sub(r"\([^)]*\)", lambda m: "(required" if "required" in m[0] else "",
                         header.get("params", ""))
    params, required = [], []
    for match in _PARAM.finditer(params_text):
        params.append(match[1])
        if match[2]:
            required.append(match[1])
    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        return tuple((a, b) for a, b in re.findall(r"(\w+)\s*->\s*(\w+)", header.get(key, "")))

    return NamedQuery(name=name, title=header["title"], description=header["description"],
                      params=tuple(params), required=tuple(required), sparql=text, casefold=pairs("casefold"),
                      iri=pairs("iri"))


def named_queries() -> dict[str, NamedQuery]:
    """The queries shipped with kg, by name (the file name without ``.rq``)."""
    folder = resources.files("kg") / "queries"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            found[name] = _parse_named(name, entry.read_text(encoding="utf-8"))
    return found


def named_query(name: str) -> NamedQuery:
    """One shipped query by name; an unknown name raises a KgError that lists the known ones."""
    queries = named_queries()
    if name not in queries:
        raise KgError(f"no named query {name!r}; choose one of {', '.join(queries)} (see `kg query --list`)")
    return queries[name]


def parse_params(pairs: list[str] | tuple[str, ...]) -> dict[str, Identifier]:
    """``KEY=VALUE`` strings as query bindings: ``<…>`` is an IRI, anything else a plain literal."""
    bindings: dict[str, Identifier] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", key):
            raise KgError(f"--param {pair!r} is not KEY=VALUE with KEY a variable name, "
                          'e.g. entity="Scott Bessent"')
        if value.startswith("<") and value.endswith(">"):
            bindings[key] = URIRef(value[1:-1])
        else:
            bindings[key] = Literal(value)
    return bindings


def check_params(sparql: str, bindings: dict[str, object], *, required: tuple[str, ...] = ()) -> None:
    """Refuse a binding of a variable the query does not use, and a missing required one."""
    for key in bindings:
        if not re.search(rf"[?$]{re.escape(key)}\b", sparql):
            used = sorted(set(re.findall(r"[?$](\w+)", sparql)))
            raise KgError(f"the query has no variable ?{key}; it uses {', '.join(used) or 'none'}")
    missing = [name for name in required if name not in bindings]
    if missing:
        raise KgError("the query needs " + ", ".join(f'--param {m}="…"' for m in missing))


def _optional_blocks(text: str) -> list[tuple[int, int, int]]:
    """``(keyword start, brace, closing brace)`` of each ``OPTIONAL { … }`` in ``text``."""
    blocks = []
    for match in re.finditer(r"\bOPTIONAL\s*\{", text, re.IGNORECASE):
        depth, i = 0, match.end() - 1
        for i in range(match.end() - 1, len(text)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                break
        blocks.append((match.start(), match.end() - 1, i))
    return blocks


def bind_inline(sparql: str, bindings: dict[str, Identifier], *,
                choices: dict[str, list[Identifier]] | None = None) -> str:
    """A named query with its bindings written into it, so that a bound column holds exactly that value.

    Oxigraph plans the joins of a query before it sees substitutions, so a bound value does not steer
    the plan; a one-row ``VALUES`` block at the start of the ``WHERE`` group does (a document's facts:
    500 ms → 1 ms on Reuters-21578). A variable that only an ``OPTIONAL`` sets has that ``OPTIONAL``
    made a required group, moved up after the ``VALUES`` (a row without the value must not match, and
    an unbound variable would join with anything); a variable the query sets with ``BIND`` is compared
    in a ``FILTER`` at the end. ``choices`` bind a variable to any of several values. Values are written
    as N-Triples terms by Oxigraph, which escapes them, so a value can never become query text.
    """
    from .store import to_oxigraph

    where = re.search(r"\bWHERE\s*\{", sparql, re.IGNORECASE)
    end = sparql.rfind("}")
    if where is None or end < where.end():
        raise KgError("a named query needs one top-level WHERE { … } group")
    body = sparql[where.end():end]
    first, last, required = [], [], set()
    rows = {**{k: [v] for k, v in bindings.items()}, **(choices or {})}
    for key, values in rows.items():
        terms = [str(to_oxigraph(v)) for v in values]
        var = re.compile(rf"\?{re.escape(key)}\b")
        if re.search(rf"\bAS\s+\?{re.escape(key)}\b", body):
            last.append(f"FILTER(?{key} IN ({', '.join(terms)}))")
            continue
        first.append(f"VALUES ?{key} {{ {' '.join(terms)} }}")
        blocks = _optional_blocks(body)
        outside = body
        for start, _, close in reversed(blocks):
            outside = outside[:start] + outside[close + 1:]
        if not var.search(outside):
            required.update(block for block in blocks if var.search(body, block[1], block[2]))
    moved = []
    for start, brace, close in sorted(required, reverse=True):  # "OPTIONAL { … }" → "{ … }", at the start
        moved.insert(0, body[brace:close + 1])
        body = body[:start] + body[close + 1:]
    first += moved  # required now: Oxigraph can start from the bound value
    return (sparql[:where.end()] + "".join(f"\n  {b}" for b in first) + body
            + "".join(f"  {b}\n" for b in last) + sparql[end:])


def _casings(value: str) -> list[str]:
    return list(dict.fromkeys([value, value.lower(), value.upper(), value.title(), value.capitalize()]))


def run_named(source: str | Path | ox.Store | Graph, name: str, *, params: dict[str, object] | None = None,
              limit: int | None = None, offset: int = 0) -> Result:
    """Run a shipped query by name, e.g. ``run_named("out", "entity", params={"entity": "Bessent"})``.

    On a store folder, the query's view (``kg.views``) answers when it is current; a listing without
    one is computed once and kept as the view. Otherwise the parameters are written into the query as
    ``VALUES`` (``bind_inline``). A parameter that matches whatever its case (``# casefold:``) is first
    looked up in its usual casings, which the store's indexes answer at once; only when none of them is
    there is every value compared in lower case.
    """
    from .store import query_store

    query = named_query(name)
    bindings = {k: _term(v) for k, v in (params or {}).items()}
    check_params(query.sparql, bindings, required=query.required)
    hints: dict[str, list[Identifier]] = {  # "relation=Tariff" → ?class is kg:Tariff, known from the start
        variable: [URIRef(str(KG) + str(bindings[param]))] for param, variable in query.iri
        if isinstance(bindings.get(param), Literal) and re.fullmatch(r"[A-Za-z]\w*", str(bindings[param]))}
    if not isinstance(source, (ox.Store, Graph)):
        from . import views

        folder = _store_folder(source)
        viewed = folder is not None and views.has_view(query)
        if viewed:  # a stored answer needs no store opened at all
            found = views.from_view(folder, query, bindings, limit=limit, offset=offset)
            if found is not None:
                return found
        source = query_store(source)  # opened once for both tries below
        if viewed and not bindings:
            return views.listing(folder, source, query, limit=limit, offset=offset)
    for param, variable in query.casefold:
        value = bindings.get(param)
        if isinstance(value, Literal) and value.language is None and variable not in bindings:
            forms: list[Identifier] = [Literal(form) for form in _casings(str(value))]
            sparql = bind_inline(query.sparql, bindings, choices={variable: forms, **hints})
            result = query_source(source, sparql, limit=limit, offset=offset, sort_here=True)
            if result.bindings or offset:
                return result
    return query_source(source, bind_inline(query.sparql, bindings, choices=hints), limit=limit, offset=offset,
                        sort_here=True)


def _store_folder(source: str | Path | ox.Store | Graph) -> Path | None:
    """The store folder ``source`` names, where named queries may have views; None for anything else."""
    if isinstance(source, (ox.Store, Graph)):
        return None
    from .store import is_store, resolve_source

    folder = resolve_source(source)
    return folder if is_store(folder) else None


def named_text(source: str | Path, name: str, *, params: dict[str, object] | None = None, fmt: str = "table",
               limit: int | None = None, offset: int = 0) -> str:
    """The answer of the shipped query ``name`` printed in ``fmt``, as ``format_result(run_named(...))``
    prints it. On a store folder with a current view, CSV, TSV and JSON are written by SQLite from the
    rows' text kept in the view (``kg.views.text``), so a whole answer of a hundred thousand rows takes
    tens of milliseconds instead of the seconds that building its rows in Python takes."""
    from . import views

    query = named_query(name)
    bindings = {k: _term(v) for k, v in (params or {}).items()}
    check_params(query.sparql, bindings, required=query.required)
    folder = _store_folder(source) if fmt in views.TEXT_FORMATS else None
    if folder is not None:
        found = views.text(folder, query, bindings, fmt, limit=limit, offset=offset)
        if found is not None:
            return found
    return format_result(run_named(source, name, params=params, limit=limit, offset=offset), None, fmt)
