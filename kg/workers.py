"""Parsing in worker processes: each worker holds the pipeline, reads whole texts and sends back the
encoded extraction of each (a small dict), never a Doc.

spaCy's own ``nlp.pipe(n_process=N)`` makes every Doc in the calling process when texts come with a
context (``as_tuples=True``: tokenized, then serialized to bytes for the worker), and sends every parsed
Doc back as bytes to be rebuilt there. The calling process then does a share of the parsing work while
it also reads the input and writes the graph and the store. Here the caller only sends ``(text,
context)`` pairs and receives plain values, so nearly all the work happens in the workers.

Workers start by forking where the platform allows it, inheriting the loaded pipeline; elsewhere the
pipeline goes to each worker pickled. Batches are handed out in order, at most two per worker ahead of
what the caller has taken, so memory stays bounded on an endless stream. A document whose extraction
raises in a worker is reported as a ``WorkerError`` in its place in the order; a worker that dies
(killed, out of memory) ends the run with a ``WorkerError`` too.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from spacy.language import Language

#: Where ``kg_resolve`` leaves the encoded extraction (see ``kg.cache.encode_extraction``).
EXTRACTION_KEY = "kg_extraction"
#: Keyword arguments of the components when kg parses: ``kg_resolve`` keeps only the extraction.
_COMPONENT_CFG = {"kg_resolve": {"slim": True}}

_nlp: Language | None = None  # the pipeline of this worker process
_inherited: Language | None = None  # set just before forking, so forked workers find it without pickling


class WorkerError(Exception):
    """A document failed in a worker process (``context`` says which), or a worker died."""

    def __init__(self, message: str, context: Any = None) -> None:
        super().__init__(message)
        self.context = context


def _init_worker(nlp: Language | None) -> None:
    global _nlp
    _nlp = nlp if nlp is not None else _inherited


def _extract_batch(batch: list[tuple[str, Any]], batch_size: int) -> list[tuple[Any, dict | None, str | None]]:
    """Run in a worker: ``(context, extraction, None)`` for each text, or ``(context, None, error)`` for
    a text whose extraction raised (the batch is then read again one text at a time)."""
    assert _nlp is not None
    try:
        docs = _nlp.pipe(batch, as_tuples=True, batch_size=batch_size, component_cfg=_COMPONENT_CFG)
        return [(context, doc.user_data[EXTRACTION_KEY], None) for doc, context in docs]
    except Exception:
        if len(batch) == 1:
            return [(batch[0][1], None, traceback.format_exc(limit=-3))]
    out: list[tuple[Any, dict | None, str | None]] = []
    for item in batch:
        out.extend(_extract_batch([item], batch_size))
    return out


class WorkerPool:
    """``n_process`` worker processes holding ``nlp``, started at the first ``pipe`` and kept until
    ``close`` (one pool serves every stretch of documents to parse in a build, however many cached
    documents lie between them). With ``n_process`` 1 there are no workers: ``pipe`` parses in this
    process, and a document's error is raised as it is."""

    def __init__(self, nlp: Language, n_process: int) -> None:
        self.nlp = nlp
        self.n_process = n_process
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        global _inherited
        if self._pool is None:
            forking = "fork" in mp.get_all_start_methods()
            _inherited = self.nlp if forking else None
            try:
                self._pool = ProcessPoolExecutor(self.n_process, mp_context=mp.get_context("fork" if forking else None),
                                                 initializer=_init_worker, initargs=(None if forking else self.nlp,))
                self._pool.submit(int).result()  # the workers are forked now, while _inherited is set
            finally:
                _inherited = None
        return self._pool

    def pipe(self, items: Iterable[tuple[str, Any]], *, batch_size: int = 32) -> Iterator[tuple[Any, dict]]:
        """``(context, encoded extraction)`` for each ``(text, context)`` of ``items``, in order. Raises
        ``WorkerError`` where a document failed (after yielding every document before it) or when a
        worker died."""
        if self.n_process == 1:
            docs = self.nlp.pipe(items, as_tuples=True, batch_size=batch_size, component_cfg=_COMPONENT_CFG)
            for doc, context in docs:
                yield context, doc.user_data[EXTRACTION_KEY]
            return
        source = iter(items)
        pending: deque[Future] = deque()
        try:
            pool = self._start()
            while True:
                while len(pending) < 2 * self.n_process:
                    batch = list(islice(source, batch_size))
                    if not batch:
                        break
                    pending.append(pool.submit(_extract_batch, batch, batch_size))
                if not pending:
                    return
                for ctx, data, error in pending.popleft().result():
                    if error is not None:
                        raise WorkerError(f"extraction failed in a worker process: {error.strip()}", ctx)
                    yield ctx, data
        except BrokenProcessPool as e:
            self.close()
            raise WorkerError(f"a worker process died ({e}); run with --jobs 1 to see which document") from e
        finally:
            for future in pending:  # a batch a worker already holds finishes before the next stretch
                if not future.cancel():
                    with contextlib.suppress(Exception):  # the run is over or already failing
                        future.result()

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

