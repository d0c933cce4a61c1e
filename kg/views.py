"""Stored answers of the named queries beside a store, so that listings and pages answer at once.

A named query ends in ``ORDER BY``, and Oxigraph must find and sort every row before it returns the
first: on all of Reuters-21578 a listing of the roles takes 1.3 s and one of the mentions 10.7 s, and
their first page nearly as long. A *view* is a named query's whole answer, sorted, in a SQLite table
of the file ``kg-views.sqlite`` in the store folder, one ``TEXT`` column per returned variable holding
the N-Triples form of each value (``NULL`` where unbound), with an index on each parameter's column.
A page is then a range of rows, and a parameter bound to a value an index look-up (``run_named`` goes
here first). Each row is also kept written in CSV, TSV and SPARQL JSON, one table per format, so that
``kg query --format csv`` (``query.named_text``) has SQLite join a whole answer's rows into its text and
builds no row in Python: the 147 k mentions of all of Reuters-21578 in about 60 ms, where building the
rows takes about a second. That text makes the file three and a half times larger (360 MB beside a
430 MB store there).

A view is used only while it is exactly the answer the store would give:

- each view records the store's *fingerprint* (the names, sizes and modification times of the
  store's own files; RocksDB changes them on every write, a read-only open changes none) and a hash
  of the query text; a mismatch makes the view stale and ``run_named`` asks the store instead;
- a ``kg build`` or ``kg remove`` that changed a quarter or more of the store's graphs refreshes the
  views; one that changed none stamps them with the store's new fingerprint (its writable open
  rewrote RocksDB's files, not the graphs); one that changed a few leaves them stale;
- a listing with a stale view runs the query once, as it would without views, and stores the answer.

Only parameters the query declares and returns are answered from a view (equality of RDF terms, which
is what ``bind_inline`` asks of the store; ``relation=Tariff`` is the column's value, as kg's facts each
have one class). A query whose parameter is a name matched in any case (``entity``) has a *keyed* view
instead: its rows (``kg/queries/views/NAME.rq``, with the node as ``?key``) for the nodes with
``KEYED_MIN_ROWS`` rows or more (``NAME-sizes.rq``) and the nodes named like them, and every node's
names in lower case (``NAME-names.rq``); a name that finds only kept nodes is answered with their rows,
any other is left to the store. A folder where the file cannot be written keeps working without views.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

if TYPE_CHECKING:
    from .query import NamedQuery

log = logging.getLogger(__name__)

VIEWS_FILE = "kg-views.sqlite"
#: Files of a store folder that are not the store's content: RocksDB's logs and lock, kg's own files.
_NOT_CONTENT = re.compile(r"^(LOG(\..*)?|LOCK|kg-.*|\..*)$")


def fingerprint(path: str | Path) -> str:
    """A digest of the store's own files (name, size, modification time); any write changes it."""
    digest = hashlib.sha1()
    with os.scandir(path) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_file() and not _NOT_CONTENT.match(entry.name):
                st = entry.stat()
                digest.update(f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


#: A node gets its rows in a keyed view when it has about this many or more (``NAME-sizes.rq``); the
#: store answers for a node with fewer in tens of milliseconds, and keeping only the large ones keeps the
#: view small and quick to refresh.
KEYED_MIN_ROWS = 300


@dataclass(frozen=True)
class _Keyed:
    view: str   # the query's rows for the nodes of a VALUES ?key block, with ?key
    names: str  # each node's names (?key ?name)
    sizes: str  # the nodes with ?least rows or more (?key ?rows)


def _keyed(query: NamedQuery) -> _Keyed | None:
    """The SPARQL of a *keyed* view of ``query`` (``kg/queries/views/NAME.rq``, ``NAME-names.rq``,
    ``NAME-sizes.rq``), for a query whose parameter matches a name in any case (``entity``)."""
    if not query.casefold:
        return None
    folder = resources.files("kg") / "queries" / "views"
    files = [folder / f"{query.name}{suffix}.rq" for suffix in ("", "-names", "-sizes")]
    if not all(f.is_file() for f in files):
        return None
    return _Keyed(*(f.read_text(encoding="utf-8") for f in files))


def has_view(query: NamedQuery) -> bool:
    """Whether ``query`` gets a view: one with no required and no case-insensitive parameter, or one
    with a keyed view (``entity``)."""
    return (not query.required and not query.casefold) or _keyed(query) is not None


#: The layout of a view's table; a view written in another layout is stale.
_LAYOUT = "2: a table of N-Triples columns, and one of each row's text in each of TEXT_FORMATS"


def _query_hash(query: NamedQuery) -> str:
    keyed = _keyed(query)
    texts = (query.sparql, keyed.view, keyed.names, keyed.sizes, str(KEYED_MIN_ROWS)) if keyed else (query.sparql,)
    return hashlib.sha1("\0".join((_LAYOUT, *texts)).encode()).hexdigest()


def _table(name: str) -> str:
    return _quoted(f"view_{name}")


_VIEWS_TABLE = ("CREATE TABLE IF NOT EXISTS views "
                "(name TEXT PRIMARY KEY, stamp TEXT, query TEXT, columns TEXT, rows INTEGER)")


def _connect(path: Path, *, write: bool, file: str = VIEWS_FILE) -> sqlite3.Connection | None:
    file_path = path / file
    try:
        if write:
            db = sqlite3.connect(file_path, timeout=30)
            try:
                db.execute(_VIEWS_TABLE)
            except sqlite3.DatabaseError as e:
                if isinstance(e, sqlite3.OperationalError) or not file_path.is_file():
                    raise
                log.info("the views file %s is damaged (%s); it is written again", file_path, e)
                db.close()
                file_path.unlink()
                db = sqlite3.connect(file_path, timeout=30)
                db.execute(_VIEWS_TABLE)
            return db
        if not file_path.exists():
            return None
        return sqlite3.connect(f"{file_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as e:
        log.debug("no views for %s: %s", path, e)
        return None


Rows = list[tuple[str | None, ...]]


def _compute(store: ox.Store, query: NamedQuery) -> tuple[list[str], list[tuple], Rows | None]:
    """The columns and sorted rows of ``query``'s whole answer (pyoxigraph terms, None where unbound); for
    a keyed view, the rows of the nodes it keeps and every ``(name in lower case, node, kept)``."""
    from .query import QUERY_PREFIXES, bind_inline, projection, sorted_solutions, split_order
    from .store import from_oxigraph

    split = split_order(query.sparql)
    keyed = _keyed(query)
    if keyed is not None:  # the rows of the large nodes, sorted as the query sorts one node's rows
        sizes = keyed.sizes.replace("?least", str(KEYED_MIN_ROWS))
        large = {row[0] for row in store.query(sizes, prefixes=QUERY_PREFIXES)}
        pairs = {(getattr(name, "value", str(name)).lower(), key)
                 for key, name in store.query(keyed.names, prefixes=QUERY_PREFIXES)}
        shared = {name for name, key in pairs if key in large}  # a small node named like a large one is
        kept = large | {key for name, key in pairs if name in shared}  # kept too: one name, one answer
        columns = projection(keyed.view) or []
        solutions: list = []
        if kept:
            view = bind_inline(keyed.view, {}, choices={"key": [from_oxigraph(key) for key in kept]})
            columns, solutions = sorted_solutions(store.query(view, prefixes=QUERY_PREFIXES),
                                                  split[1] if split else [])
        names = sorted((name, str(key), int(key in kept)) for name, key in pairs)
        return columns, solutions, names
    answer = store.query(split[0] if split else query.sparql, prefixes=QUERY_PREFIXES)
    if split:  # sorted here, as run_named sorts the store's answers: the same order either way
        columns, solutions = sorted_solutions(answer, split[1])
    else:
        columns, solutions = [v.value for v in answer.variables], [tuple(row) for row in answer]
    return columns, solutions, None


#: The formats ``text`` writes from a view: each row is also kept written in each of them, in a table of
#: its own (``_text_table``), so that joining a whole answer reads only that format's text. A row's text
#: is two parts, ``before`` and ``after`` the cell of a keyed view's parameter (the value asked for goes
#: between them); for other views all of it is ``before``.
TEXT_FORMATS = ("csv", "tsv", "json")
_DELIMITERS = {"csv": ",", "tsv": "\t"}  # between a row's fields
_BETWEEN_ROWS = {"csv": "\n", "tsv": "\n", "json": ", "}


class _Writer:
    """Rows of ``columns`` written as ``kg query`` prints them (``query.format_result``): CSV and TSV
    fields as its ``csv`` writer quotes them, JSON bindings as rdflib's SPARQL JSON serializer writes them
    (with ``json``). Each distinct value is written once per format."""

    def __init__(self, columns: list[str]) -> None:
        from .query import display_graph

        self.graph = display_graph()
        self.keys = [f"{json.dumps(c)}: " for c in columns]
        self.cells: dict[str, dict[object, str]] = {fmt: {None: ""} for fmt in TEXT_FORMATS}
        self.csv = {}
        for fmt, delimiter in _DELIMITERS.items():
            buffer = io.StringIO()
            self.csv[fmt] = csv.writer(buffer, delimiter=delimiter, lineterminator="\n"), buffer

    def cell(self, fmt: str, value: object) -> str:
        """A value (a pyoxigraph term, None where unbound) as one CSV or TSV field or one JSON term."""
        found = self.cells[fmt].get(value)
        if found is None:
            self._write(value)
            found = self.cells[fmt][value]
        return found

    def _write(self, value: object) -> None:
        """Write ``value`` in every format."""
        from .query import cell_text, json_term

        # as format_result shows it: an IRI with kg's prefixes, any other value its text
        shown = cell_text(URIRef(value.value), self.graph) if isinstance(value, ox.NamedNode) \
            else getattr(value, "value", str(value))
        self.cells["json"][value] = json.dumps(json_term(value), ensure_ascii=False)
        for fmt, (writer, buffer) in self.csv.items():
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([shown])
            field = buffer.getvalue()[:-1]
            self.cells[fmt][value] = "" if field == '""' else field  # a lone empty field is quoted, not others

    def row(self, fmt: str, values: list, hole: int | None = None) -> tuple[str, str]:
        """The row's text in ``fmt`` as (before, after) the parameter's cell at ``hole`` (None there):
        the value asked for is written in between when the view answers (``cell``)."""
        cells = self.cells[fmt]
        texts = [cells[v] if v in cells else self.cell(fmt, v) for v in values]
        if fmt == "json":
            entries = [key + text if text else "" for key, text in zip(self.keys, texts, strict=True)]
            if hole is None:
                return "{" + ", ".join(e for e in entries if e) + "}", ""
            return ("{" + "".join(f"{e}, " for e in entries[:hole] if e),
                    "".join(f", {e}" for e in entries[hole + 1:] if e) + "}")
        sep = _DELIMITERS[fmt]
        if hole is None:
            return (sep.join(texts) if len(texts) != 1 or texts[0] else '""'), ""
        return "".join(f"{t}{sep}" for t in texts[:hole]), "".join(f"{sep}{t}" for t in texts[hole + 1:])


def _text_table(name: str, fmt: str) -> str:
    return _quoted(f"view_{name} {fmt}")


def _texts(query: NamedQuery, columns: list[str], rows: list[tuple], fmt: str, *, keyed: bool,
           writers: dict[tuple[str, ...], _Writer]) -> Iterable[tuple[int, str, str]]:
    """``(pos, before, after)``: each row of a view written in ``fmt``; a keyed view's rows in the query's
    own columns, with a hole where its parameter goes."""
    from .query import projection

    if not keyed:
        writer = writers.setdefault(tuple(columns), _Writer(columns))
        for pos, row in enumerate(rows):
            yield (pos, *writer.row(fmt, list(row)))
        return
    (param, _), = query.casefold
    answer = projection(query.sparql) or []
    if set(answer) - {param} != set(columns) - {"key"}:
        return  # not answered from the view (_find)
    at, hole = {c: i for i, c in enumerate(columns)}, answer.index(param)
    writer = writers.setdefault(tuple(answer), _Writer(answer))
    for pos, row in enumerate(rows):
        yield (pos, *writer.row(fmt, [None if c == param else row[at[c]] for c in answer], hole))


def _save(db: sqlite3.Connection, query: NamedQuery, stamp: str, columns: list[str], rows: list[tuple],
          names: Rows | None = None) -> None:
    table, writers = _table(query.name), {}  # type: ignore[var-annotated]
    with db:  # one transaction: a reader sees the old view or the new one
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} (pos INTEGER PRIMARY KEY, "
                   + ", ".join(f"{_quoted(c)} TEXT" for c in columns) + ")")
        db.executemany(f"INSERT INTO {table} VALUES (?, {', '.join('?' * len(columns))})",
                       ((i, *(None if t is None else str(t) for t in row)) for i, row in enumerate(rows)))
        for fmt in TEXT_FORMATS:
            texts = _text_table(query.name, fmt)
            db.execute(f"DROP TABLE IF EXISTS {texts}")
            db.execute(f"CREATE TABLE {texts} (pos INTEGER PRIMARY KEY, before TEXT, after TEXT)")
            db.executemany(f"INSERT INTO {texts} VALUES (?, ?, ?)",
                           _texts(query, columns, rows, fmt, keyed=names is not None, writers=writers))
        for param in [*query.params, *(["key"] if names is not None else [])]:
            if param in columns:
                db.execute(f"CREATE INDEX {_quoted(f'view_{query.name}_{param}')} ON {table} ({_quoted(param)}, pos)")
        names_table = _quoted(f"names_{query.name}")
        db.execute(f"DROP TABLE IF EXISTS {names_table}")
        if names is not None:
            db.execute(f"CREATE TABLE {names_table} (name TEXT, key TEXT, kept INTEGER)")
            db.executemany(f"INSERT INTO {names_table} VALUES (?, ?, ?)", names)
            db.execute(f"CREATE INDEX {_quoted(f'names_{query.name}_name')} ON {names_table} (name)")
        db.execute("INSERT OR REPLACE INTO views VALUES (?, ?, ?, ?, ?)",
                   (query.name, stamp, _query_hash(query), "\t".join(columns), len(rows)))


def refresh(path: str | Path, store: ox.Store | None = None, *, names: Iterable[str] | None = None) -> int:
    """Compute and store the views of the store folder ``path`` (``names``, else every named query that
    has one); ``store`` is the store opened read-only, else it is opened here. Returns the views
    written; none when the folder takes no file or a writer changed the store meanwhile."""
    from .query import named_queries
    from .store import open_store

    path = Path(path)
    before = fingerprint(path)
    queries = [q for name, q in named_queries().items() if has_view(q) and (names is None or name in names)]
    store = store if store is not None else open_store(path, read_only=True)
    answers = [(q, *_compute(store, q)) for q in queries]
    return len(answers) if _keep(path, before, answers, whole=names is None) else 0


def _keep(path: Path, before: str, answers: list[tuple], *, whole: bool = False) -> bool:
    """Store ``(query, columns, rows, names)`` answers computed from the store as it was at fingerprint
    ``before``; nothing when a writer changed it meanwhile or the folder takes no file. With ``whole``
    (every view), a new file is written and put in place of the old one: readers go on with the old one
    meanwhile, and the old tables leave no free pages behind."""
    if fingerprint(path) != before:  # a writer came in while the answers were computed
        return False
    file = f"{VIEWS_FILE}.new-{os.getpid()}" if whole else VIEWS_FILE
    if whole:
        (path / file).unlink(missing_ok=True)
    try:
        db = _connect(path, write=True, file=file)
        if db is None:
            return False
        with closing(db):
            for query, columns, rows, names in answers:
                _save(db, query, before, columns, rows, names)
        if whole:
            if fingerprint(path) != before:
                return False
            os.replace(path / file, path / VIEWS_FILE)
    except (sqlite3.Error, OSError) as e:
        log.debug("views of %s not written: %s", path, e)
        return False
    finally:
        if whole:
            (path / file).unlink(missing_ok=True)
    return True


def current(path: str | Path) -> set[str]:
    """The names of the views that are exactly the store's answers now."""
    path = Path(path)
    db = _connect(path, write=False)
    if db is None:
        return set()
    from .query import named_queries

    hashes = {name: _query_hash(q) for name, q in named_queries().items()}
    stamp = fingerprint(path)
    with closing(db):
        try:
            rows = db.execute("SELECT name, stamp, query FROM views").fetchall()
        except sqlite3.Error:
            return set()
    return {name for name, s, h in rows if s == stamp and hashes.get(name) == h}


def restamp(path: str | Path, names: set[str]) -> None:
    """Mark views ``names`` as current for the store as it is now: for a writer that opened the store,
    found ``names`` current, and changed no graph (RocksDB rewrote its files all the same)."""
    if not names:
        return
    path = Path(path)
    db = _connect(path, write=True)
    if db is None:
        return
    with closing(db), db:
        db.executemany("UPDATE views SET stamp = ? WHERE name = ?", [(fingerprint(path), n) for n in names])


#: A write that changes at least this share of a store's document graphs refreshes every view at once (a
#: first build, a rebuild); a smaller one leaves them stale, each listing computing its own when asked,
#: so that adding a few documents to a large store does not wait for every view.
REFRESH_SHARE = 0.25


def after_write(path: str | Path, *, changed: int, graphs: int, fresh: set[str]) -> int:
    """Bring the views up to date after a kg command changed ``changed`` of the ``graphs`` document
    graphs of the store at ``path`` and closed it: refresh them all when that is at least
    ``REFRESH_SHARE`` of them (or the store has none yet); when no graph changed, stamp again the views
    that were ``fresh`` before the write (opening for writing rewrites RocksDB's files, not the answers).
    Returns the views refreshed."""
    try:
        if changed >= REFRESH_SHARE * max(graphs, 1) or (not changed and not fresh):
            return refresh(path)
        if not changed:
            restamp(path, fresh)
    except (OSError, RuntimeError, sqlite3.Error) as e:  # the store is written; listings just start slower
        log.warning("the named queries' answers were not stored beside %s (%s); listings are computed "
                    "when asked", path, e)
    return 0


# --- answering from a view ----------------------------------------------------------------------------------

_ESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf"\'\\])')
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _SIMPLE.get(m[1]) or chr(int(m[1][1:], 16)), text)


def term(text: str) -> Identifier:
    """The rdflib term of a value in N-Triples form, as Oxigraph writes it (``str`` of its terms)."""
    if text[0] == "<":
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    close = text.rindex('"')
    lexical, rest = _unescape(text[1:close]), text[close + 1:]
    if rest.startswith("@"):
        return Literal(lexical, lang=rest[1:])
    if rest.startswith("^^<"):
        datatype = rest[3:-1]
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(lexical)
        return Literal(lexical, datatype=URIRef(datatype))
    return Literal(lexical)


def _result(columns: list[str], rows: Iterable[tuple[str | None, ...]]) -> Result:
    from .query import select_result

    return select_result(columns, rows, term)


def from_view(path: str | Path, query: NamedQuery, bindings: dict[str, Identifier], *, limit: int | None = None,
              offset: int = 0) -> Result | None:
    """The answer of ``query`` with ``bindings`` from its view, or None when no current view can give it."""
    return _read(Path(path), query, bindings,
                 lambda db, folder: _from_table(db, folder, query, bindings, limit=limit, offset=offset))


_T = TypeVar("_T")


def _read(path: Path, query: NamedQuery, bindings: dict[str, Identifier],
          answer: Callable[[sqlite3.Connection, Path], _T | None]) -> _T | None:
    """``answer(db, path)`` from the views file of the store folder ``path``; None when ``query`` has no
    view, a binding is not one of its parameters, or the file is missing or unreadable."""
    if not has_view(query) or any(key not in query.params for key in bindings):
        return None
    db = _connect(path, write=False)
    if db is None:
        return None
    with closing(db):
        try:
            return answer(db, path)
        except sqlite3.Error as e:
            log.debug("view %s of %s unreadable: %s", query.name, path, e)
            return None


def listing(path: str | Path, store: ox.Store, query: NamedQuery, *, limit: int | None = None,
            offset: int = 0) -> Result:
    """The whole answer of ``query`` (no parameters) from ``store``, the store at ``path`` opened
    read-only, kept as its view for the next time; ``limit`` and ``offset`` page what is returned."""
    path = Path(path)
    before = fingerprint(path)
    columns, rows, names = _compute(store, query)
    _keep(path, before, [(query, columns, rows, names)])
    from .query import select_result

    return select_result(columns, rows[offset:None if limit is None else offset + limit])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(db: sqlite3.Connection, path: Path, query: NamedQuery) -> list[str] | None:
    """The columns of ``query``'s view when it is current: stamped with the store's fingerprint now and
    computed from the query's text as it is now."""
    meta = db.execute("SELECT stamp, query, columns FROM views WHERE name = ?", (query.name,)).fetchone()
    if meta is None or meta[0] != fingerprint(path) or meta[1] != _query_hash(query):
        return None
    return meta[2].split("\t")


def _from_table(db: sqlite3.Connection, path: Path, query: NamedQuery, bindings: dict[str, Identifier], *,
                limit: int | None, offset: int) -> Result | None:
    from .store import to_oxigraph

    columns = _columns(db, path, query)
    if columns is None:
        return None
    if _keyed(query) is not None:
        return _from_keyed(db, query, columns, bindings, limit=limit, offset=offset)
    if any(key not in columns for key in bindings):
        return None
    where = " AND ".join(f"{_quoted(key)} = ?" for key in bindings)
    values = [str(to_oxigraph(v)) for v in bindings.values()]
    sql = (f"SELECT {', '.join(_quoted(c) for c in columns)} FROM {_table(query.name)}"
           + (f" WHERE {where}" if where else "") + " ORDER BY pos LIMIT ? OFFSET ?")
    rows = db.execute(sql, (*values, -1 if limit is None else limit, offset)).fetchall()
    return _result(columns, rows)


@dataclass(frozen=True)
class _Found:
    """What a name finds in a keyed view: the nodes, and how to write the answer's rows."""
    param: str          # the query's parameter, e.g. entity
    value: str          # its value, in N-Triples form
    answer: list[str]   # the query's columns
    shown: list[str]    # the view's columns in the answer (all but the parameter, which is the value)
    keys: list[str]     # the nodes the name finds


def _find(db: sqlite3.Connection, query: NamedQuery, columns: list[str],
          bindings: dict[str, Identifier]) -> _Found | None:
    """The nodes a keyed view's parameter finds, its name compared in lower case as the query compares
    it (``LCASE``); None when the view cannot answer: the value is an IRI or a tagged literal (the store
    compares its text, as the query says), or it finds a node whose rows the view does not keep (a node
    with few rows, which the store answers quickly)."""
    from .query import projection
    from .store import to_oxigraph

    (param, _), = query.casefold
    value = bindings.get(param)
    if set(bindings) != {param} or not isinstance(value, Literal) or value.language is not None \
            or value.datatype not in (None, URIRef("http://www.w3.org/2001/XMLSchema#string")):
        return None
    answer = projection(query.sparql)
    if answer is None or set(answer) - {param} != set(columns) - {"key"}:
        return None
    found = db.execute(f"SELECT key, kept FROM {_quoted(f'names_{query.name}')} WHERE name = ?",
                       (str(value).lower(),)).fetchall()
    if not all(kept for _, kept in found):
        return None
    return _Found(param, str(to_oxigraph(value)), answer, [c for c in columns if c != "key"],
                  [key for key, _ in found])


def _from_keyed(db: sqlite3.Connection, query: NamedQuery, columns: list[str], bindings: dict[str, Identifier], *,
                limit: int | None, offset: int) -> Result | None:
    """The answer of a query with a keyed view (``entity``): the rows of every node its name finds, each
    row once (``_find``)."""
    found = _find(db, query, columns, bindings)
    if found is None:
        return None
    rows = db.execute(f"SELECT {', '.join(_quoted(c) for c in found.shown)} FROM {_table(query.name)} "
                      f"WHERE key IN ({', '.join('?' * len(found.keys))}) ORDER BY pos", found.keys).fetchall()
    unique = list(dict.fromkeys(rows))  # one row for what two keys found alike, as DISTINCT gives it
    page = unique[offset:None if limit is None else offset + limit]
    at = {c: i for i, c in enumerate(found.shown)}
    return _result(found.answer, [tuple(found.value if c == found.param else row[at[c]] for c in found.answer)
                                  for row in page])


def text(path: str | Path, query: NamedQuery, bindings: dict[str, Identifier], fmt: str, *,
         limit: int | None = None, offset: int = 0) -> str | None:
    """The answer of ``query`` with ``bindings`` from its view, written in ``fmt`` (one of
    ``TEXT_FORMATS``) exactly as ``kg query`` prints it; None when no current view can give it.

    Each row's text is kept in the view, so SQLite joins the rows into the answer and no row is built in
    Python: the 147 k mentions of all of Reuters-21578 as CSV take tens of milliseconds. (SQLite's
    ``group_concat`` takes the rows in the order the subquery gives them; the tests check the text
    against the rows, page by page.)
    """
    if fmt not in TEXT_FORMATS:
        return None
    return _read(Path(path), query, bindings,
                 lambda db, folder: _text(db, folder, query, bindings, fmt, limit=limit, offset=offset))


def _text(db: sqlite3.Connection, path: Path, query: NamedQuery, bindings: dict[str, Identifier], fmt: str, *,
          limit: int | None, offset: int) -> str | None:
    from .store import to_oxigraph

    columns = _columns(db, path, query)
    if columns is None:
        return None
    table, texts, page = _table(query.name), _text_table(query.name, fmt), (-1 if limit is None else limit, offset)
    if _keyed(query) is not None:
        found = _find(db, query, columns, bindings)
        if found is None:
            return None
        writer = _Writer(found.answer)
        hole = writer.cell(fmt, to_oxigraph(bindings[found.param]))
        if fmt == "json":
            hole = writer.keys[found.answer.index(found.param)] + hole
        answer = found.answer
        sql = (f"SELECT CAST(group_concat(before || ? || after, ?) AS BLOB) FROM (SELECT t.before, t.after "
               f"FROM {table} AS v JOIN {texts} AS t ON t.pos = v.pos WHERE v.key IN "
               f"({', '.join('?' * len(found.keys))}) GROUP BY {', '.join(f'v.{_quoted(c)}' for c in found.shown)} "
               "ORDER BY min(v.pos) LIMIT ? OFFSET ?)")
        args: tuple = (hole, _BETWEEN_ROWS[fmt], *found.keys, *page)
    else:
        if any(key not in columns for key in bindings):
            return None
        answer = columns
        if bindings:
            where = " AND ".join(f"v.{_quoted(key)} = ?" for key in bindings)
            rows = f"SELECT t.before FROM {table} AS v JOIN {texts} AS t ON t.pos = v.pos WHERE {where} ORDER BY v.pos"
        else:
            rows = f"SELECT before FROM {texts} ORDER BY pos"
        sql = f"SELECT CAST(group_concat(before, ?) AS BLOB) FROM ({rows} LIMIT ? OFFSET ?)"
        args = (_BETWEEN_ROWS[fmt], *(str(to_oxigraph(v)) for v in bindings.values()), *page)
    joined = db.execute(sql, args).fetchone()[0]  # as bytes: SQLite's own text conversion is slower
    body = None if joined is None else joined.decode("utf-8")
    if fmt == "json":
        return f'{{"results": {{"bindings": [{body or ""}]}}, "head": {{"vars": {json.dumps(answer)}}}}}'
    header = io.StringIO()
    csv.writer(header, delimiter=_DELIMITERS[fmt], lineterminator="\n").writerow(answer)
    return header.getvalue() + (f"{body}\n" if body is not None else "")
