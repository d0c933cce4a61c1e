"""kg.view in a real browser: headless Debian Chromium through Playwright opens the page from disk."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from browser import ARGS, ARTIFACTS, CHROMIUM, DIM, require_browser
from rdflib import RDF, RDFS, Literal, Namespace
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from kg.view import graph_to_networkx, render_html

sync_api = require_browser()

KG = Namespace("https://w3id.org/kgnews/ontology#")
SCHEMA = Namespace("http://schema.org/")
ID = Namespace("https://w3id.org/kgnews/id/")
DOC = Namespace("https://w3id.org/kgnews/doc/")
FACT = Namespace("https://w3id.org/kgnews/fact/")
INJECTED = ('<script>window.kgInjected = 1</script><img src="x" onerror="window.kgInjected = 2">'
            '<svg onload="window.kgInjected = 3"></svg>')


def build_graph() -> rdflib.Graph:
    """Nine entities, a policy, six facts; document text carries scripts that must never run."""
    g = rdflib.Graph()

    def entity(key: str, cls: rdflib.URIRef, label: str, *aliases: str) -> rdflib.URIRef:
        node = ID[key]
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label)))
        for alias in aliases:
            g.add((node, SKOS.altLabel, Literal(alias)))
        return node

    def fact(key: str, cls: rdflib.URIRef, doc: rdflib.URIRef, sentence: str, *pairs) -> None:
        g.add((FACT[key], RDF.type, cls))
        g.add((FACT[key], PROV.wasDerivedFrom, doc))
        g.add((FACT[key], KG.evidence, Literal(sentence)))
        g.add((FACT[key], KG.status, KG.Asserted))
        for prop, value in pairs:
            g.add((FACT[key], prop, value))

    bessent = entity("scott-bessent", KG.Person, "Scott Bessent", "Bessent")
    treasury = entity("us-treasury", KG.GovernmentBody, "U.S. Department of the Treasury", "Treasury")
    us = entity("united-states", KG.Country, "United States", "U.S.", "Washington")
    china = entity("china", KG.Country, "China", "Beijing")
    swiss = entity("switzerland", KG.Country, "Switzerland")
    court = entity("court-of-international-trade", KG.Court, "Court of International Trade")
    trump = entity("trump-administration", KG.GovernmentBody, "Trump administration")
    reuters = entity("reuters", KG.NewsOrganization, "Reuters", INJECTED)
    entity("geneva", KG.Place, "Geneva")
    policy = entity("policy/tariffs", KG.Policy, "tariffs")
    role = entity("role/treasury-secretary", KG.Role, "Treasury Secretary")
    docs = []
    for key, title, date in (("seed-1", f"Bessent on tariffs {INJECTED}", "2025-05-29"),
                             ("seed-2", "Court blocks tariffs", "2025-05-28")):
        doc = DOC[key]
        g.add((doc, RDF.type, KG.Document))
        g.add((doc, DCTERMS.identifier, Literal(key)))
        g.add((doc, DCTERMS.title, Literal(title)))
        g.add((doc, DCTERMS.date, Literal(date, datatype=rdflib.XSD.date)))
        docs.append(doc)
    for entity_node in (bessent, treasury, us, china, reuters):
        g.add((docs[0], SCHEMA.mentions, entity_node))
    for entity_node in (court, trump, us):
        g.add((docs[1], SCHEMA.mentions, entity_node))

    fact("m1", KG.Membership, docs[0], f"Treasury Secretary Scott Bessent said so. {INJECTED}",
         (ORG.member, bessent), (ORG.organization, treasury), (ORG.role, role))
    fact("t1", KG.Tariff, docs[0], "The U.S. cut tariffs on China to 30% from 145%.",
         (KG.imposedBy, us), (KG.target, china), (KG.rate, Literal("30", datatype=rdflib.XSD.decimal)),
         (KG.previousRate, Literal("145", datatype=rdflib.XSD.decimal)))
    fact("c1", KG.CourtRuling, docs[1], "The Court of International Trade blocked the tariffs.",
         (KG.court, court), (KG.policy, policy), (KG.policyOwner, trump), (KG.action, KG.Blocks))
    fact("s1", KG.Statement, docs[0], "Bessent told Reuters talks went well.",
         (KG.speaker, bessent), (KG.medium, reuters))
    fact("n1", KG.Negotiation, docs[0], "The U.S., China and Switzerland met in Geneva.",
         (KG.participant, us), (KG.participant, china), (KG.participant, swiss))
    return g


@pytest.fixture(scope="module")
def rdf_graph() -> rdflib.Graph:
    return build_graph()


@pytest.fixture(scope="module")
def view_file(rdf_graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "view.html"
    render_html(rdf_graph, path, title="Tariffs, courts and talks")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Opened:
    """A page opened from disk, with every console error and request it made."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url = page, url
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def poll(self, check: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
        """Wait until check() is true (Playwright's wait_for_function evals, which the page's CSP forbids)."""
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after {timeout} s: {what or check}")
            self.page.wait_for_timeout(50)

    def wait(self, expression: str, timeout: float = 5.0) -> None:
        """Wait until a JavaScript expression is true."""
        self.poll(lambda: self.js(expression), timeout, expression)

    def node_id(self, label: str) -> str:
        return self.js("l => network.body.data.nodes.get({filter: n => n.label === l})[0].id", label)

    def dom_point(self, canvas_xy: dict[str, float]) -> tuple[float, float]:
        box = self.page.locator("#mynetwork").bounding_box()
        dom = self.js("p => network.canvasToDOM(p)", canvas_xy)
        return box["x"] + dom["x"], box["y"] + dom["y"]

    def node_point(self, node: str) -> tuple[float, float]:
        return self.dom_point(self.js("id => network.getPositions([id])[id]", node))

    def dimmed(self) -> set[str]:
        dimmed = f"network.body.data.nodes.get({{filter: n => n.color === {DIM!r}}}).map(n => n.label)"
        return set(self.js(dimmed))

    def visible(self) -> int:
        return self.js("network.body.data.nodes.get({filter: n => !n.hidden}).length")


@pytest.fixture
def opened(browser, view_file):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    view = Opened(page, view_file.as_uri())
    page.goto(view.url)
    view.wait("window.kgReady === true", timeout=12)  # stabilized, or 10 s passed
    yield view
    # every test also proves the page stayed offline and error-free
    assert view.errors == []
    assert view.requests == [view.url]
    assert page.evaluate("typeof window.kgInjected") == "undefined"
    context.close()


def test_counts_match_the_graph(opened, rdf_graph):
    g = graph_to_networkx(rdf_graph)
    counts = opened.js("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert counts == [g.number_of_nodes(), g.number_of_edges()] == [10, 8]
    assert opened.page.locator("#kg-summary").inner_text() == "Showing 10 of 10 nodes and 8 of 8 edges."
    assert opened.js("network.physics.options.enabled") is False  # stopped once stabilized


def test_search_highlights_matches(opened):
    everyone = set(opened.js("network.body.data.nodes.map(n => n.label)"))
    opened.page.fill("#kg-search", "bess")
    opened.poll(lambda: opened.dimmed() == everyone - {"Scott Bessent"})
    assert opened.page.locator("#kg-search-result").inner_text() == "1 match"
    assert opened.js("network.getSelectedNodes()") == [opened.node_id("Scott Bessent")]

    opened.page.fill("#kg-search", "washington")  # an alias finds the node too
    opened.poll(lambda: opened.dimmed() == everyone - {"United States"})

    opened.page.fill("#kg-search", "")
    opened.poll(lambda: opened.dimmed() == set())
    assert opened.js("network.getSelectedNodes()") == []


def test_type_filter_hides_nodes(opened):
    assert opened.visible() == 10
    opened.page.uncheck(".kg-type-filter[value='Country']")
    assert opened.visible() == 7
    assert opened.js("network.body.data.edges.get({filter: e => !e.hidden}).length") == 4
    assert opened.page.locator("#kg-visible-nodes").inner_text() == "7"
    opened.page.uncheck(".kg-relation-filter[value='membership']")
    assert opened.js("network.body.data.edges.get({filter: e => !e.hidden}).length") == 3
    opened.page.check(".kg-type-filter[value='Country']")
    assert opened.visible() == 10


def test_click_highlights_neighbours(opened):
    us = opened.node_id("United States")
    opened.page.mouse.click(*opened.node_point(us))
    opened.wait("network.getSelectedNodes().length === 1")
    assert opened.js("network.getSelectedNodes()") == [us]
    assert opened.dimmed() == {"Scott Bessent", "U.S. Department of the Treasury", "Reuters", "Geneva",
                               "Court of International Trade", "Trump administration", "tariffs"}
    details = opened.page.locator("#kg-details").inner_text()
    assert "United States" in details and "30%" in details

    box = opened.page.locator("#mynetwork").bounding_box()
    opened.page.mouse.click(box["x"] + 5, box["y"] + 5)  # empty canvas clears the highlight
    opened.wait("network.getSelectedNodes().length === 0")
    assert opened.dimmed() == set()


def test_evidence_is_shown_as_text(opened):
    bessent, treasury = opened.node_id("Scott Bessent"), opened.node_id("U.S. Department of the Treasury")
    ends = opened.js("ids => network.getPositions(ids)", [bessent, treasury])
    # a point on the membership edge between the two nodes' borders, away from its label
    a, b = ends[bessent], ends[treasury]
    point = opened.dom_point({"x": a["x"] + 0.3 * (b["x"] - a["x"]), "y": a["y"] + 0.3 * (b["y"] - a["y"])})
    opened.page.mouse.move(*point)
    tooltip = opened.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=3_000)
    assert "<script>window.kgInjected = 1</script>" in tooltip.inner_text()
    assert "Bessent on tariffs" in tooltip.inner_text()  # the document's title
    assert "2025-05-29" in tooltip.inner_text()  # and date
    assert tooltip.locator("script, img, svg").count() == 0
    opened.page.mouse.click(*point)
    details = opened.page.locator("#kg-details")
    details.filter(has_text="Treasury Secretary").wait_for(timeout=3_000)
    assert '<img src="x"' in details.inner_text()
    assert opened.page.locator("#kg-panel img, #kg-panel svg, body > svg").count() == 0


def test_physics_switch(opened):
    opened.page.check("#kg-physics")
    assert opened.js("network.physics.options.enabled") is True
    opened.page.uncheck("#kg-physics")
    assert opened.js("network.physics.options.enabled") is False


def test_screenshot(opened):
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "view.png"))
    assert (ARTIFACTS / "view.png").stat().st_size > 10_000
