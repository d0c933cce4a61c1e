"""Documents → extractions: run the spaCy pipeline with kg's components, then resolve entities."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from spacy.language import Language

from .model import Document, Entity, Extraction
from .nlp import load_pipeline, prepare_text
from .resolve import resolve

#: Documents longer than this many characters are read in paragraph-aligned parts; the parser's memory
#: grows with the length of what it reads, and spaCy refuses texts over ``nlp.max_length``.
CHUNK_CHARS = 100_000


def split_text(text: str, *, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, part) pairs covering ``text``, cut at blank lines (else line ends, else spaces) near ``size``."""
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
                entities[e.key] = dataclasses.replace(old, aliases=tuple(sorted(set(old.aliases) | set(e.aliases))))
            else:
                entities[e.key] = e
        facts.extend(dataclasses.replace(f, start=f.start + offset, end=f.end + offset) for f in ex.facts)
    return Extraction(document=document, entities=list(entities.values()), facts=facts)


def extract(documents: Iterable[Document], *, nlp: Language | None = None, batch_size: int = 32,
            n_process: int = 1) -> Iterator[Extraction]:
    """Extract entities and facts from each document, in order, streaming."""
    nlp = nlp or load_pipeline()
    pending: list[tuple[Document, int, int]] = []  # (document, offset of this part, number of parts)

    def docs() -> Iterator:
        for document in documents:
            parts = split_text(document.text)
            for offset, part in parts:
                doc = nlp.make_doc(prepare_text(part))
                doc.user_data["kg_date"] = document.date
                pending.append((document, offset, len(parts)))
                yield doc

    collected: list[tuple[int, Extraction]] = []
    for doc in nlp.pipe(docs(), batch_size=batch_size, n_process=n_process):
        document, offset, n_parts = pending.pop(0)
        if n_parts == 1:
            yield resolve(doc, document)
            continue
        collected.append((offset, resolve(doc, dataclasses.replace(document, text=doc.text))))
        if len(collected) == n_parts:
            yield _merge(document, collected)
            collected = []
