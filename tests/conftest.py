"""Shared fixtures: the real spaCy pipeline (loaded once) and a helper that extracts from a text."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline with kg's components."""
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def extract_text(nlp):
    """Extract from one text: returns (facts as readable tuples, Extraction)."""
    from kg.model import Document
    from kg.pipeline import extract

    def run(text: str, *, date: dt.date | None = dt.date(2025, 5, 29)):
        ex = next(extract([Document(id="t", text=text, date=date)], nlp=nlp))
        return ex

    return run


def labelled(ex, relation: str) -> list[dict]:
    """Facts of one relation with arguments as entity labels (lists) and attributes as a dict."""
    labels = {e.key: e.label for e in ex.entities}
    out = []
    for f in ex.facts:
        if f.relation != relation:
            continue
        d: dict = {}
        for name, key in f.args:
            d.setdefault(name, []).append(labels[key])
        d.update({name: value for name, value in f.attrs})
        d["status"] = f.status
        d["confidence"] = f.confidence
        out.append(d)
    return out
