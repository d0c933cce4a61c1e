"""Extractions as plain data, and a content-hash cache of them so an unchanged document is not parsed again.

An extraction crosses process and machine boundaries (``kg build --jobs``, the Dask backend) and is
kept on disk in this plain form: lists, strings and numbers, with dates as ``{"date": "YYYY-MM-DD"}``.
It fits JSON and msgpack alike, and ``decode_extraction(encode_extraction(ex), document) == ex``.

The cache is one SQLite file in a folder (by default ``.kg-cache`` inside the output or store folder).
A document's key is a hash of everything its extraction depends on: its text, id (descriptive courts
carry it in their keys) and date (relative dates are resolved against it), the spaCy pipeline (name,
version, components) and kg itself (version and a digest of its code and data). Title, URL and source
file do not change what is extracted, so they are taken from the document being built, never from the
cache: a corrected title shows in the next build without a parse.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language

from . import __version__
from .errors import KgError
from .model import Document, Entity, Extraction, Fact

log = logging.getLogger(__name__)

#: Name of the cache folder kept inside an output or store folder.
CACHE_DIRNAME = ".kg-cache"
_DB_NAME = "extractions.sqlite"
#: Bump when the encoded form changes, so old entries are never decoded wrongly.
_FORMAT = 1


# --- plain values ----------------------------------------------------------------------------------------

def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"kg cannot encode the fact attribute value {value!r} of type {type(value).__name__}")


def _value(value: Any) -> object:
    if isinstance(value, dict):
        return dt.date.fromisoformat(value["date"])
    return value


def encode_extraction(entities: list[Entity], facts: list[Fact]) -> dict[str, list]:
    """Entities and facts as lists, strings and numbers (JSON- and msgpack-safe)."""
    return {
        "entities": [[e.key, e.label, e.type, e.subtype, list(e.aliases), [list(link) for link in e.links]]
                     for e in entities],
        "facts": [[f.relation, [list(arg) for arg in f.args], [[name, _plain(v)] for name, v in f.attrs],
                   f.sentence, f.start, f.end, f.extractor, f.confidence, f.status] for f in facts],
    }


def decode_extraction(data: dict[str, list], document: Document) -> Extraction:
    """The Extraction of ``document`` from its encoded entities and facts."""
    entities = [Entity(key=key, label=label, type=type_, subtype=subtype, aliases=tuple(aliases),
                       links=tuple((k, v) for k, v in links))
                for key, label, type_, subtype, aliases, links in data["entities"]]
    facts = [Fact(relation=relation, args=tuple((n, k) for n, k in args),
                  attrs=tuple((n, _value(v)) for n, v in attrs), sentence=sentence, start=start, end=end,
                  extractor=extractor, confidence=confidence, status=status)
             for relation, args, attrs, sentence, start, end, extractor, confidence, status in data["facts"]]
    return Extraction(document=document, entities=entities, facts=facts)


# --- keys ------------------------------------------------------------------------------------------------

#: What decides an extraction, relative to the package folder: the rules, resolution, the pipeline set-up,
#: the gazetteers and their data. An edit to any of them invalidates the cache (the encoding has _FORMAT).
_EXTRACTION_CODE = ("extractors", "data", "resolve.py", "gazetteer.py", "dates.py", "nlp.py", "pipeline.py",
                    "model.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of kg's version and of the code and data that decide an extraction."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for name in _EXTRACTION_CODE:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            h.update(file.relative_to(root).as_posix().encode())
            h.update(file.read_bytes())
    return h.hexdigest()[:16]


def pipeline_id(nlp: Language) -> str:
    """What identifies a pipeline's output: model name and version, and its components in order."""
    meta = nlp.meta
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}:{','.join(nlp.pipe_names)}"


def document_key(document: Document, pipeline: str) -> str:
    """The cache key of a document read by the pipeline ``pipeline`` (see ``pipeline_id``)."""
    date = document.date.isoformat() if document.date else ""
    h = hashlib.sha256()
    for part in (str(_FORMAT), code_digest(), pipeline, document.id, date):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    h.update(document.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# --- the cache -------------------------------------------------------------------------------------------

class ExtractionCache:
    """Encoded extractions by document key, in one SQLite file inside ``folder``.

    The folder and file are made at the first write, so a build that reads nothing leaves nothing behind.
    Writes are committed every ``commit_every`` documents and on ``close``; an interrupted build keeps
    what was committed. Hits and misses are counted in ``hits`` and ``misses``.
    """

    def __init__(self, folder: str | Path, *, pipeline: str, commit_every: int = 256) -> None:
        self.folder = Path(folder)
        self.pipeline = pipeline
        self.hits = 0
        self.misses = 0
        self._commit_every = commit_every
        self._uncommitted = 0
        self._db: sqlite3.Connection | None = None
        if (self.folder / _DB_NAME).exists():
            self._open()
        elif self.folder.exists() and not self.folder.is_dir():
            raise KgError(f"the cache folder {self.folder} is a file; pass --cache DIR or --no-cache")

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.folder / _DB_NAME, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            except (OSError, sqlite3.Error) as e:
                raise KgError(f"cannot open the cache in {self.folder}: {e}; "
                              "pass --cache DIR or --no-cache") from e
            self._db = db
        return self._db

    def key(self, document: Document) -> str:
        """The key of ``document`` for this cache's pipeline."""
        return document_key(document, self.pipeline)

    def get(self, document: Document) -> Extraction | None:
        """The cached extraction of ``document`` (with this document's metadata), or None."""
        row = None if self._db is None else \
            self._db.execute("SELECT value FROM extraction WHERE key = ?", (self.key(document),)).fetchone()
        if row is None:
            self.misses += 1
            return None
        try:
            data = json.loads(zlib.decompress(row[0]))
            extraction = decode_extraction(data, document)
        except (zlib.error, ValueError, KeyError, TypeError) as e:  # a damaged entry is a miss
            log.warning("cache entry of %s unreadable (%s); parsing it again", document.id, e)
            self.misses += 1
            return None
        self.hits += 1
        return extraction

    def put(self, document: Document, data: dict[str, list]) -> None:
        """Keep the encoded extraction ``data`` of ``document``."""
        value = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 1)
        db = self._open()
        if self._uncommitted == 0:
            db.execute("BEGIN")
        db.execute("INSERT OR REPLACE INTO extraction (key, value) VALUES (?, ?)", (self.key(document), value))
        self._uncommitted += 1
        if self._uncommitted >= self._commit_every:
            self.commit()

    def commit(self) -> None:
        """Make the writes so far durable."""
        if self._uncommitted and self._db is not None:
            self._db.execute("COMMIT")
            self._uncommitted = 0

    def close(self) -> None:
        """Commit and close the file."""
        self.commit()
        if self._db is not None:
            self._db.close()
            self._db = None

    def __len__(self) -> int:
        return 0 if self._db is None else self._db.execute("SELECT COUNT(*) FROM extraction").fetchone()[0]

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
