"""Documents → extractions: run the spaCy pipeline with kg's components, resolving entities inside it.

Resolution runs in the pipeline itself, as its last component ``kg_resolve``, so that what leaves a
worker process (``extract(..., n_process=2)``, see ``kg.workers``) is plain values only: the spans that
extractors and resolution read never have to cross. The document's id and date go
in as the context of ``nlp.pipe(as_tuples=True)`` and the component ``kg_document`` puts them where the
extractors read them. ``extract`` pairs what comes out with the documents that went in, in order.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from .cache import ExtractionCache, decode_extraction, encode_extraction
from .extractors.base import TEXT_KEY
from .model import Document, Entity, Extraction
from .nlp import load_pipeline, prepare_text
from .resolve import resolve
from .workers import EXTRACTION_KEY, WorkerPool

#: Documents longer than this many characters are read in paragraph-aligned parts; the parser's memory
#: grows with the length of what it reads, and spaCy refuses texts over ``nlp.max_length``.
CHUNK_CHARS = 100_000

#: How many cached extractions may wait behind a document being parsed before parsing pauses to let
#: them out (bounds memory when a few changed documents sit among many unchanged ones).
MAX_WAITING = 512



class PartContext(NamedTuple):
    """What a text sent through ``nlp.pipe(as_tuples=True)`` carries: its document's id and date, and
    the offset of this part in the document's text."""

    doc_id: str
    date: dt.date | None
    offset: int = 0


@Language.component("kg_document")
def set_document(doc: Doc) -> Doc:
    """Put the id and date of the document a Doc was made from (its ``PartContext``) on the Doc."""
    context = doc._context
    if isinstance(context, PartContext):
        doc.user_data["kg_doc_id"] = context.doc_id
        doc.user_data["kg_date"] = context.date
    return doc


@Language.component("kg_resolve")
def resolve_doc(doc: Doc, *, slim: bool = False) -> Doc:
    """Resolve the Doc's mentions and raw facts into plain entities and facts, kept encoded in
    ``doc.user_data["kg_extraction"]``; the span-holding entries are dropped, so the Doc pickles.

    With ``slim`` (what ``extract`` asks for) an empty Doc carrying only the extraction is returned, so
    a worker process sends back a few kilobytes instead of the parsed document.
    """
    meta = doc.user_data
    text = meta.get(TEXT_KEY)
    document = Document(id=meta.get("kg_doc_id", ""), text=doc.text if text is None else text, date=meta.get("kg_date"))
    ex = resolve(doc, document)
    data = encode_extraction(ex.entities, ex.facts)
    if slim:
        out = Doc(doc.vocab, words=[])
        out._context = doc._context  # spaCy hands the context back from the Doc the last component returns
        doc = out
    doc.user_data.clear()
    doc.user_data[EXTRACTION_KEY] = data
    return doc


def split_text(text: str, *, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, part) pairs covering ``text``, cut near ``size`` at blank lines (else line ends, spaces)."""
    if len(text) <= size:
        return [(0, text)]
    parts: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            window = text[start + size // 2:end]
            for pattern in (r"\n\s*\n", r"\n", r"[.!?]\s", r"\s"):
                cuts = [m.end() for m in re.finditer(pattern, window)]
                if cuts:
                    end = start + size // 2 + cuts[-1]
                    break
        parts.append((start, text[start:end]))
        start = end
    return parts


def _merge(document: Document, pieces: list[tuple[int, Extraction]]) -> Extraction:
    """One extraction of a document read in parts: entities united by key, offsets moved back."""
    entities: dict[str, Entity] = {}
    facts = []
    for offset, ex in pieces:
        for e in ex.entities:
            if e.key in entities:
                old = entities[e.key]
                aliases = tuple(sorted(set(old.aliases) | set(e.aliases)))
                entities[e.key] = dataclasses.replace(old, aliases=aliases)
            else:
                entities[e.key] = e
        facts.extend(dataclasses.replace(f, start=f.start + offset, end=f.end + offset) for f in ex.facts)
    return Extraction(document=document, entities=list(entities.values()), facts=facts)


class _Entry:
    """A document on its way through ``extract``: cached, or waiting for its parts to be parsed."""

    __slots__ = ("document", "n_parts", "pieces", "result")

    def __init__(self, document: Document, *, n_parts: int = 0, result: Extraction | None = None) -> None:
        self.document = document
        self.n_parts = n_parts
        self.pieces: list[tuple[int, dict]] = []
        self.result = result


def extract(documents: Iterable[Document], *, nlp: Language | None = None, batch_size: int = 32,
            n_process: int = 1, cache: ExtractionCache | None = None) -> Iterator[Extraction]:
    """Extract entities and facts from each document, in order, streaming.

    ``n_process`` > 1 parses in that many worker processes (one pool for the whole call, started at the
    first document to parse). With a ``cache``, a document whose key is cached is not parsed, and each
    parsed document is added to the cache.
    """
    nlp = nlp or load_pipeline()
    source = iter(documents)
    with WorkerPool(nlp, n_process) as pool:
        while True:
            first = None
            for document in source:  # cached documents up to the first one to parse come out at once
                hit = cache.get(document) if cache is not None else None
                if hit is None:
                    first = document
                    break
                yield hit
            if first is None:
                return
            yield from _parse(chain([first], source), batch_size=batch_size, pool=pool, cache=cache)


def _parse(documents: Iterator[Document], *, batch_size: int, pool: WorkerPool,
           cache: ExtractionCache | None) -> Iterator[Extraction]:
    """Parse ``documents`` (the first is known not to be cached) until they run out or too many cached
    ones wait behind a parse; yields every extraction of the documents it took, in order."""
    entries: deque[_Entry] = deque()  # every document taken, in order
    parsing: deque[_Entry] = deque()  # those still waiting for parts, in order
    waiting = 0

    def texts() -> Iterator[tuple[str, PartContext]]:
        nonlocal waiting
        for i, document in enumerate(documents):
            hit = cache.get(document) if cache is not None and i > 0 else None
            if hit is not None:
                entries.append(_Entry(document, result=hit))
                waiting += 1
                if waiting >= MAX_WAITING:
                    return
                continue
            parts = split_text(document.text, size=CHUNK_CHARS)
            entry = _Entry(document, n_parts=len(parts))
            entries.append(entry)
            parsing.append(entry)
            for offset, part in parts:
                yield prepare_text(part), PartContext(document.id, document.date, offset)

    for part, data in pool.pipe(texts(), batch_size=batch_size):
        entry = parsing[0]
        entry.pieces.append((part.offset, data))
        if len(entry.pieces) == entry.n_parts:
            parsing.popleft()
            entry.result = _finish(entry, cache)
        while entries and entries[0].result is not None:
            done = entries.popleft()
            waiting -= done.n_parts == 0
            yield done.result
    while entries:  # cached documents taken after the last parse
        yield entries.popleft().result


def _finish(entry: _Entry, cache: ExtractionCache | None) -> Extraction:
    """The extraction of a document whose parts are all parsed; it goes into the cache."""
    document = entry.document
    if entry.n_parts == 1:
        data = entry.pieces[0][1]
        result = decode_extraction(data, document)
    else:
        pieces = [(offset, decode_extraction(part, document)) for offset, part in entry.pieces]
        result = _merge(document, pieces)
        data = encode_extraction(result.entities, result.facts) if cache is not None else {}
    if cache is not None:
        cache.put(document, data)
    return result


# --- how much there is to read -----------------------------------------------------------------------------

_COUNTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl", ".ndjson", ".csv", ".tsv", ".sgm"}


def count_documents(paths: Iterable[str | Path]) -> int | None:
    """About how many documents ``paths`` hold, counted without parsing (for a progress bar's ETA):
    records by line or ``<BODY>`` tag, other files one each. None when a path cannot be read."""
    total = 0
    try:
        for given in paths:
            given = Path(given)
            files = [given] if given.is_file() else sorted(
                Path(root) / name for root, _, names in os.walk(given) for name in names)
            for path in files:
                suffix = path.suffix.lower()
                if suffix not in _COUNTED_SUFFIXES or path.name.startswith("."):
                    continue
                if suffix == ".sgm":
                    total += path.read_bytes().upper().count(b"<BODY>")
                elif suffix in (".jsonl", ".ndjson"):
                    total += sum(1 for line in path.open("rb") if line.strip())
                elif suffix in (".csv", ".tsv"):
                    total += max(0, sum(1 for line in path.open("rb") if line.strip()) - 1)
                else:
                    total += 1
    except OSError:
        return None
    return total
