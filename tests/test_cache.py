"""The content-hash cache: plain values that round-trip, keys that change with what the extraction
depends on, and rebuilds that parse nothing yet reflect new metadata."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner
from conftest import ROOT
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from kg.model import Document
from kg.vocab import DCTERMS


@pytest.fixture(scope="module")
def seeds(nlp):
    from kg.ingest import read_documents
    from kg.pipeline import extract

    documents = list(read_documents([ROOT / "seeds"]))
    return documents, list(extract(documents, nlp=nlp))


@pytest.fixture
def parses(nlp, monkeypatch):
    """The ids of the documents spaCy is given to parse, in order (by the tests' and the CLI's pipeline)."""
    from kg.nlp import DEFAULT_MODEL, load_pipeline

    seen: list[str] = []
    for pipeline in {id(p): p for p in (nlp, load_pipeline(DEFAULT_MODEL))}.values():
        def pipe(texts, *, _real=pipeline.pipe, **kwargs):
            if not kwargs.get("as_tuples"):
                return _real(texts, **kwargs)
            return _real(((text, seen.append(context.doc_id) or context) for text, context in texts), **kwargs)

        monkeypatch.setattr(pipeline, "pipe", pipe)
    return seen


def test_extractions_round_trip_through_json(seeds):
    from kg.cache import decode_extraction, encode_extraction

    for ex in seeds[1]:
        data = json.loads(json.dumps(encode_extraction(ex.entities, ex.facts)))
        assert decode_extraction(data, ex.document) == ex
    dated = [f for ex in seeds[1] for f in ex.facts if isinstance(f.attr("date"), dt.date)]
    assert dated, "the seeds have resolved dates, which must come back as dates"


@pytest.mark.parametrize(("change", "same"), [
    ({"text": "Other text."}, False),
    ({"date": dt.date(2024, 1, 1)}, False),
    ({"date": None}, False),
    ({"id": "other"}, False),
    ({"title": "A new title"}, True),
    ({"url": "https://example.org/a"}, True),
    ({"source": "elsewhere.txt"}, True),
])
def test_key_follows_what_the_extraction_depends_on(change, same):
    from kg.cache import document_key

    doc = Document(id="a", text="China spoke.", title="T", date=dt.date(2025, 5, 29))
    assert (document_key(dataclasses.replace(doc, **change), "p") == document_key(doc, "p")) is same
    assert document_key(doc, "p") != document_key(doc, "another pipeline")


def test_a_second_extract_parses_nothing(nlp, seeds, tmp_path, parses):
    from kg.cache import ExtractionCache, pipeline_id
    from kg.pipeline import extract

    documents, expected = seeds
    with ExtractionCache(tmp_path, pipeline=pipeline_id(nlp)) as cache:
        assert list(extract(documents, nlp=nlp, cache=cache)) == expected
        assert parses == [d.id for d in documents]
    parses.clear()
    with ExtractionCache(tmp_path, pipeline=pipeline_id(nlp)) as cache:
        assert list(extract(documents, nlp=nlp, cache=cache)) == expected
        assert (cache.hits, cache.misses, len(cache)) == (2, 0, 2)
    assert parses == []


def test_a_damaged_entry_is_parsed_again(nlp, seeds, tmp_path):
    import sqlite3

    from kg.cache import ExtractionCache, pipeline_id
    from kg.pipeline import extract

    documents, expected = seeds
    with ExtractionCache(tmp_path, pipeline=pipeline_id(nlp)) as cache:
        list(extract(documents[:1], nlp=nlp, cache=cache))
    with sqlite3.connect(tmp_path / "extractions.sqlite") as db:
        db.execute("UPDATE extraction SET value = x'00'")
    with ExtractionCache(tmp_path, pipeline=pipeline_id(nlp)) as cache:
        assert list(extract(documents[:1], nlp=nlp, cache=cache)) == expected[:1]
        assert cache.misses == 1


def _build(*args) -> str:
    from kg.cli import main

    result = CliRunner().invoke(main, ["build", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_rebuild_of_a_store_parses_nothing_and_changes_nothing(tmp_path, parses):
    import pyoxigraph as ox

    store = tmp_path / "store"
    first = _build(ROOT / "seeds", "--store", store, "-o", tmp_path / "a")
    assert len(parses) == 2
    assert "Cache:    " in first and "(0 of 2 documents unchanged" in first
    assert (store / ".kg-cache" / "extractions.sqlite").exists()
    quads = set(ox.Store.read_only(str(store)))
    parses.clear()
    again = _build(ROOT / "seeds", "--store", store, "-o", tmp_path / "b")
    assert parses == []
    assert "(2 of 2 documents unchanged" in again and "(0 of 2 document graphs changed" in again
    assert set(ox.Store.read_only(str(store))) == quads
    assert isomorphic(Graph().parse(tmp_path / "a" / "graph.ttl"), Graph().parse(tmp_path / "b" / "graph.ttl"))


def test_changed_date_is_parsed_again_and_changed_title_is_not(tmp_path, parses):
    text = "China cut its tariff on U.S. goods to 10 percent on Monday, the commerce ministry said."
    docs = tmp_path / "docs.jsonl"
    record = {"id": "d1", "text": text, "title": "Old title", "date": "2025-05-14"}
    _write(docs, [record, {"id": "d2", "text": "Japan spoke to Reuters."}])
    out = tmp_path / "out"
    _build(docs, "-o", out, "--no-view")
    assert parses == ["d1", "d2"]

    parses.clear()
    _write(docs, [{**record, "title": "New title"}, {"id": "d2", "text": "Japan spoke to Reuters."}])
    output = _build(docs, "-o", out, "--no-view")
    assert parses == [] and "(2 of 2 documents unchanged" in output
    g = Graph().parse(out / "graph.ttl")
    assert Literal("New title") in set(g.objects(None, DCTERMS.title))

    _write(docs, [{**record, "date": "2025-05-21"}, {"id": "d2", "text": "Japan spoke to Reuters."}])
    output = _build(docs, "-o", out, "--no-view")
    assert parses == ["d1"] and "(1 of 2 documents unchanged" in output
    dates = {str(d) for d in Graph().parse(out / "graph.ttl").objects(None, None)
             if getattr(d, "datatype", None) is not None and str(d.datatype).endswith("#date")}
    assert "2025-05-19" in dates and "2025-05-12" not in dates  # "Monday" before the new date


def test_no_cache_and_a_chosen_cache_folder(tmp_path, parses):
    _build(ROOT / "seeds", "-o", tmp_path / "out", "--no-view", "--no-cache")
    assert not (tmp_path / "out" / ".kg-cache").exists()
    _build(ROOT / "seeds", "-o", tmp_path / "out", "--no-view", "--cache", tmp_path / "c")
    assert (tmp_path / "c" / "extractions.sqlite").exists()
    parses.clear()
    output = _build(ROOT / "seeds", "-o", tmp_path / "other", "--no-view", "--cache", tmp_path / "c")
    assert parses == [] and "(2 of 2 documents unchanged" in output
