"""The view of a graph of a few hundred Reuters stories, opened from disk in headless Debian Chromium.

Builds the first 300 stories of Reuters-21578's reut2-000.sgm once (about 30 s with the small model),
then checks what the page draws against kg.view's own selection, and saves a screenshot to
test-artifacts/reuters-view.png.
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from browser import ARGS, ARTIFACTS, CHROMIUM, DIM, require_browser

from kg.view import ISOLATED_LIMIT, graph_to_networkx, render_html, select_subgraph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578" / "reut2-000.sgm"
if not CORPUS.exists():
    pytest.skip(f"the Reuters view test needs Reuters-21578 at {CORPUS} (../shared/corpora is absent)",
                allow_module_level=True)
sync_api = require_browser()

STORIES = 300


@pytest.fixture(scope="module")
def reuters(nlp):
    """The RDF graph of the first 300 stories."""
    from kg.graph import build_graph
    from kg.ingest import read_documents
    from kg.pipeline import extract

    started = time.perf_counter()
    documents = list(itertools.islice(read_documents([CORPUS]), STORIES))
    assert len(documents) == STORIES
    graph = build_graph(extract(documents, nlp=nlp))
    print(f"built {STORIES} Reuters stories in {time.perf_counter() - started:.1f} s: {len(graph)} triples")
    return graph


@pytest.fixture(scope="module")
def expected(reuters):
    """What the default view should draw: the selection less unconnected entities, at most 1000 nodes."""
    sub = select_subgraph(graph_to_networkx(reuters))
    assert sub.number_of_nodes() > ISOLATED_LIMIT  # large enough for the default to leave loose dots out
    drawn = sub.subgraph([n for n in sub if sub.degree(n)])
    assert 0 < drawn.number_of_nodes() <= 1000
    return sub, drawn


@pytest.fixture(scope="module")
def view_file(reuters, tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("reuters") / "reuters.html"
    summary = render_html(reuters, path, title="Reuters-21578, 300 stories")
    return path, summary


@pytest.fixture(scope="module")
def page(view_file):
    path, _ = view_file
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        started = time.perf_counter()
        page.goto(path.as_uri())
        poll(page, lambda: page.evaluate("window.kgReady === true"), timeout=15, what="kgReady")
        print(f"view ready in {time.perf_counter() - started:.1f} s")
        yield page
        # the page stayed offline and error-free through every test
        assert errors == []
        assert requests == [path.as_uri()]
        context.close()
        browser.close()


def poll(page, check: Callable[[], object], *, timeout: float = 5.0, what: str = "") -> None:
    """Wait until check() is true (Playwright's wait_for_function evals, which the page's CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {what or check}")
        page.wait_for_timeout(50)


def visible(page) -> int:
    return page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).length")


def dimmed(page) -> int:
    return page.evaluate(f"network.body.data.nodes.get({{filter: n => n.color === {DIM!r}}}).length")


def test_summary_says_what_is_left_out(view_file, expected):
    _, summary = view_file
    sub, drawn = expected
    assert (summary.nodes, summary.edges) == (drawn.number_of_nodes(), drawn.number_of_edges())
    left_out = sub.number_of_nodes() - drawn.number_of_nodes()
    assert f"{left_out} entities are in no fact with another entity and not shown" in summary.note


def test_include_isolated_brings_them_back(reuters, expected, tmp_path):
    sub, drawn = expected
    summary = render_html(reuters, tmp_path / "all.html", include_isolated=True)
    assert summary.nodes == min(sub.number_of_nodes(), 1000) > drawn.number_of_nodes()
    assert summary.edges == drawn.number_of_edges()  # every fact is still there


def test_counts_match_the_graph(page, expected):
    _, drawn = expected
    counts = page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [drawn.number_of_nodes(), drawn.number_of_edges()]
    assert page.locator("#kg-visible-nodes").inner_text() == str(drawn.number_of_nodes())


def test_screenshot(page):
    """The whole view as first drawn (before any search zooms in)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reuters-view.png"))
    assert (ARTIFACTS / "reuters-view.png").stat().st_size > 20_000


def test_search_changes_highlighting(page, expected):
    _, drawn = expected
    hub = max(drawn, key=lambda n: (drawn.degree(n), drawn.nodes[n]["label"]))
    label = drawn.nodes[hub]["label"]
    assert dimmed(page) == 0
    page.fill("#kg-search", label.lower())
    poll(page, lambda: dimmed(page) > 0, what=f"search for {label!r} dims the others")
    assert hub in page.evaluate("network.getSelectedNodes()")
    node_colour = page.evaluate("id => network.body.data.nodes.get(id).color", hub)
    assert node_colour != DIM
    page.screenshot(path=str(ARTIFACTS / "reuters-view-search.png"))  # the search zooms in on the hub
    page.fill("#kg-search", "")
    poll(page, lambda: dimmed(page) == 0, what="clearing the search")


def test_type_filter_reduces_visible_nodes(page, expected):
    _, drawn = expected
    people = sum(1 for _, d in drawn.nodes(data=True) if d["type"] == "Person")
    assert people > 0
    before = visible(page)
    page.uncheck(".kg-type-filter[value='Person']")
    assert visible(page) == before - people
    assert page.locator("#kg-visible-nodes").inner_text() == str(before - people)
    page.check(".kg-type-filter[value='Person']")
    assert visible(page) == before
