"""The pipeline at scale: resolution inside spaCy, worker processes, long documents, streaming order."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from conftest import ROOT, SHARED
from rdflib.compare import isomorphic

from kg.model import Document

DEV_DOCS = SHARED / "eval" / "dev" / "docs.jsonl"


@pytest.fixture(scope="module")
def documents():
    """The seed articles and, when ../shared is there, the development documents."""
    from kg.ingest import read_documents

    paths = [ROOT / "seeds"] + ([DEV_DOCS] if DEV_DOCS.exists() else [])
    return list(read_documents(paths, on_problem=lambda problem: None))


@pytest.fixture(scope="module")
def one_process(nlp, documents):
    from kg.pipeline import extract

    return list(extract(documents, nlp=nlp))


def test_two_processes_give_the_same_extractions_and_graph(nlp, documents, one_process):
    from kg.graph import build_graph
    from kg.pipeline import extract

    two = list(extract(documents, nlp=nlp, n_process=2, batch_size=4))
    assert [ex.document.id for ex in two] == [d.id for d in documents]
    assert two == one_process
    assert isomorphic(build_graph(two), build_graph(one_process))


def test_workers_send_back_extractions_not_docs_and_stream_in_order(nlp, documents, one_process):
    """kg's worker pool: the texts go out, encoded extractions come back, in input order, and no more
    batches are handed out than two per worker ahead of what the caller has taken."""
    from kg.pipeline import PartContext
    from kg.workers import WorkerPool

    taken = 0

    def items():
        nonlocal taken
        for d in documents:
            taken += 1
            yield d.text, PartContext(d.id, d.date)

    with WorkerPool(nlp, 2) as pool:
        out = pool.pipe(items(), batch_size=2)
        context, data = next(out)
        assert context.doc_id == documents[0].id and isinstance(data, dict) and set(data) >= {"entities", "facts"}
        assert taken <= 2 * 2 * 2 + 2  # streamed, not read ahead
        rest = list(out)
    assert [c.doc_id for c, _ in rest] == [d.id for d in documents[1:]]


def test_a_document_that_kills_its_worker_is_a_clear_error(nlp, monkeypatch):
    import os

    import kg.pipeline
    from kg.pipeline import extract
    from kg.workers import WorkerError

    real = kg.pipeline.resolve

    def resolve(doc, document):
        if "CRASH" in doc.text:
            os._exit(3)  # what a segfault or the out-of-memory killer does to a worker
        return real(doc, document)

    monkeypatch.setattr(kg.pipeline, "resolve", resolve)
    docs = [Document(id=f"d{i}", text="Scott Bessent said so." + (" CRASH" if i == 3 else "")) for i in range(6)]
    with pytest.raises(WorkerError, match="a worker process died"):
        list(extract(docs, nlp=nlp, n_process=2, batch_size=1))


def test_a_resolved_doc_holds_plain_values_only(nlp):
    doc = nlp("Treasury Secretary Scott Bessent said the United States cut its tariff on China to 30 percent.")
    assert set(doc.user_data) == {"kg_extraction"}
    assert doc._.kg_facts is None
    data = doc.user_data["kg_extraction"]
    assert {e[1] for e in data["entities"]} >= {"Scott Bessent", "United States", "China"}
    doc.to_bytes()  # what a worker process sends back must serialize


def test_the_document_date_reaches_the_extractors(extract_text):
    ex = extract_text("China cut its tariff on U.S. goods to 10 percent on Monday.", date=dt.date(2025, 5, 14))
    tariff = next(f for f in ex.facts if f.relation == "tariff")
    assert tariff.attr("date") == dt.date(2025, 5, 12)


@pytest.mark.parametrize("n_process", [1, 2])
def test_long_documents_are_read_in_parts_with_offsets_kept(nlp, documents, one_process, monkeypatch, n_process):
    from kg import pipeline

    seed = next(i for i, d in enumerate(documents) if d.id.startswith("003_"))
    document, whole = documents[seed], one_process[seed]
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1000)
    assert len(pipeline.split_text(document.text, size=1000)) >= 3
    ex, = pipeline.extract([document], nlp=nlp, n_process=n_process)
    assert ex.document == document
    for fact in ex.facts:
        assert document.text[fact.start:fact.end] == fact.sentence
    # read in parts, the document still names the people and countries it names whole
    labels = {e.label for e in ex.entities}
    assert {"Donald Trump", "China", "United States"} <= labels
    assert {f.relation for f in ex.facts} & {f.relation for f in whole.facts}


def test_cached_and_parsed_documents_come_out_in_input_order(nlp, documents, one_process, tmp_path, monkeypatch):
    from kg import pipeline
    from kg.cache import ExtractionCache, pipeline_id

    cache = ExtractionCache(tmp_path, pipeline=pipeline_id(nlp))
    every_other = documents[::2]
    assert list(pipeline.extract(every_other, nlp=nlp, cache=cache)) == one_process[::2]
    monkeypatch.setattr(pipeline, "MAX_WAITING", 2)  # parsing pauses often to let cached ones out
    parsed: list[str] = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):
        if not kwargs.get("as_tuples"):  # spaCy's own inner call
            return real_pipe(texts, **kwargs)

        def seen():
            for text, context in texts:
                parsed.append(context.doc_id)
                yield text, context
        return real_pipe(seen(), **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    shuffled = [dataclasses.replace(d, title=f"{d.title} (updated)") for d in documents]
    out = list(pipeline.extract(shuffled, nlp=nlp, cache=cache))
    assert [ex.document for ex in out] == shuffled  # the order in, and the metadata of this read
    assert [dataclasses.replace(ex, document=None) for ex in out] == \
        [dataclasses.replace(ex, document=None) for ex in one_process]
    assert sorted(parsed) == sorted(d.id for d in documents[1::2])
    cache.close()


def test_count_documents_counts_without_parsing(documents, tmp_path):
    from kg.pipeline import count_documents

    assert count_documents([ROOT / "seeds"]) == 2
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text('{"text": "a"}\n\n{"text": "b"}\n')
    sgm = tmp_path / "r.sgm"
    sgm.write_text('<REUTERS NEWID="1"><TEXT><BODY>x</BODY></TEXT></REUTERS>\n'
                   '<REUTERS NEWID="2"><TEXT>no body</TEXT></REUTERS>')
    assert count_documents([tmp_path]) == 3
    assert count_documents([tmp_path / "missing"]) == 0


def test_a_document_without_text_still_comes_out(nlp):
    from kg.pipeline import extract

    out = list(extract([Document(id="empty", text=""), Document(id="x", text="China spoke.")], nlp=nlp))
    assert [ex.document.id for ex in out] == ["empty", "x"]
    assert out[0].facts == [] and out[0].entities == []


def test_no_progress_bar_when_not_a_terminal(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "-o", str(tmp_path), "--no-view"])
    assert result.exit_code == 0, result.output
    assert "Reading documents" not in result.output and "docs/s" not in result.output


def test_one_worker_pool_serves_every_stretch_between_cached_documents(nlp, documents, one_process, tmp_path,
                                                                        monkeypatch):
    import concurrent.futures

    from kg import pipeline, workers
    from kg.cache import ExtractionCache, pipeline_id

    cache = ExtractionCache(tmp_path, pipeline=pipeline_id(nlp))
    assert list(pipeline.extract(documents[::2], nlp=nlp, cache=cache)) == one_process[::2]
    monkeypatch.setattr(pipeline, "MAX_WAITING", 2)  # parsing pauses often to let cached ones out
    started = []

    class Counted(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    out = list(pipeline.extract(documents, nlp=nlp, cache=cache, n_process=2, batch_size=2))
    assert out == one_process
    assert len(started) == 1  # not one pool per stretch of documents to parse
    assert cache.hits == (len(documents) + 1) // 2
