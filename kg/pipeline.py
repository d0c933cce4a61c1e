"""Documents → extractions: run the spaCy pipeline with kg's components, then resolve entities."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language

from .model import Document, Extraction
from .nlp import load_pipeline, prepare_text
from .resolve import resolve


def extract(documents: Iterable[Document], *, nlp: Language | None = None, batch_size: int = 32,
            n_process: int = 1) -> Iterator[Extraction]:
    """Extract entities and facts from each document, in order, streaming."""
    nlp = nlp or load_pipeline()
    pending: list[Document] = []

    def docs() -> Iterator:
        for document in documents:
            doc = nlp.make_doc(prepare_text(document.text))
            doc.user_data["kg_date"] = document.date
            pending.append(document)
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size, n_process=n_process):
        yield resolve(doc, pending.pop(0))
