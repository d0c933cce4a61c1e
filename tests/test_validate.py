"""SHACL shapes: what kg writes conforms; each kind of broken graph is reported, one readable line each."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from test_store import sample_graph, write_store

from kg.cli import main
from kg.graph import entity_iri
from kg.validate import describe, load_shapes, shapes_path, validate_graph
from kg.vocab import DCTERMS, KG, ORG, PROV, RDF, RDFS, XSD


def fact_of(g: Graph, cls: URIRef) -> URIRef:
    return next(iter(sorted(g.subjects(RDF.type, cls))))


def drop(cls: URIRef, prop: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.remove((fact_of(g, cls), prop, None))

    return change


def put(cls: URIRef, prop: URIRef, value) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.set((fact_of(g, cls), prop, value))

    return change


def add(cls: URIRef, prop: URIRef, value) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.add((fact_of(g, cls), prop, value))

    return change


def retype(key: str, cls: URIRef) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.set((entity_iri(key), RDF.type, cls))

    return change


def unlabel(key: str) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.remove((entity_iri(key), RDFS.label, None))

    return change


def no_identifier(g: Graph) -> None:
    g.remove((None, DCTERMS.identifier, Literal("seed-2")))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def test_the_shapes_file_is_in_the_ontology_folder():
    assert shapes_path().name == "shapes.ttl" and shapes_path().parent.name == "ontology"


def test_what_kg_writes_conforms(shapes):
    report = validate_graph(sample_graph(), shapes=shapes)
    assert report.conforms, [describe(v) for v in report.violations]
    assert report.violations == () and report.triples == len(sample_graph())


@pytest.mark.parametrize(
    "change",
    [
        retype("united-states", KG.GovernmentBody),  # a subclass of kg:Organization
        retype("united-states", KG.Organization),
        add(KG.Membership, ORG.organization, entity_iri("china")),  # several organizations are fine
    ],
)
def test_subclasses_and_alternatives_conform(shapes, change):
    g = sample_graph()
    change(g)
    report = validate_graph(g, shapes=shapes)
    assert report.conforms, [describe(v) for v in report.violations]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (drop(KG.Membership, ORG.member), "org:member", "exactly one org:member, a kg:Person"),
        (put(KG.Membership, ORG.member, entity_iri("china")), "org:member", "a kg:Person"),
        (add(KG.Membership, ORG.member, entity_iri("donald-trump")), "org:member", "exactly one org:member"),
        (drop(KG.Membership, ORG.organization), "org:organization", "kg:Organization or a kg:Country"),
        (
            put(KG.Membership, ORG.organization, entity_iri("scott-bessent")),
            "org:organization",
            "kg:Organization or",
        ),
        (retype("united-states", KG.Place), "org:organization", "kg:Organization or a kg:Country"),
        (drop(KG.Tariff, KG.imposedBy), "kg:imposedBy", "a tariff needs a kg:imposedBy"),
        (put(KG.Tariff, KG.rate, Literal("thirty")), "kg:rate", "xsd:decimal"),
        (drop(KG.CourtRuling, KG.court), "kg:court", "a court ruling needs a kg:court"),
        (drop(KG.CourtRuling, KG.action), "kg:action", "kg:Blocks or kg:Upholds"),
        (put(KG.CourtRuling, KG.action, KG.Asserted), "kg:action", "kg:Blocks or kg:Upholds"),
        (drop(KG.Statement, PROV.wasDerivedFrom), "prov:wasDerivedFrom", "prov:wasDerivedFrom a kg:Document"),
        (
            put(KG.Statement, PROV.wasDerivedFrom, entity_iri("fox-news")),
            "prov:wasDerivedFrom",
            "a kg:Document",
        ),
        (drop(KG.Tariff, KG.evidence), "kg:evidence", "kg:evidence"),
        (put(KG.Tariff, KG.startOffset, Literal("12")), "kg:startOffset", "xsd:integer"),
        (drop(KG.Tariff, KG.endOffset), "kg:endOffset", "kg:endOffset"),
        (put(KG.Tariff, KG.confidence, Literal("1.5", datatype=XSD.decimal)), "kg:confidence", "in [0, 1]"),
        (put(KG.Tariff, KG.confidence, Literal(0.5)), "kg:confidence", "an xsd:decimal"),  # a double
        (drop(KG.Tariff, KG.extractor), "kg:extractor", "kg:extractor"),
        (drop(KG.Tariff, KG.status), "kg:status", "kg:status"),
        (put(KG.Tariff, KG.status, KG.Blocks), "kg:status", "kg:Asserted, kg:Planned or kg:Threatened"),
        (put(KG.Tariff, KG.date, Literal("May 12")), "kg:date", "xsd:date"),
        (no_identifier, "dcterms:identifier", "dcterms:identifier"),
        (unlabel("china"), "rdfs:label", "an entity needs an rdfs:label"),
    ],
)
def test_a_broken_graph_is_reported(shapes, change, path, message):
    g = sample_graph()
    change(g)
    report = validate_graph(g, shapes=shapes)
    assert not report.conforms
    assert any(v.path == path and message in v.message for v in report.violations), [
        describe(v) for v in report.violations
    ]


def test_violations_read_as_one_line_with_a_name_a_person_knows(shapes):
    g = sample_graph()
    unlabel("china")(g)
    put(KG.Tariff, KG.confidence, Literal("1.5", datatype=XSD.decimal))(g)
    lines = [describe(v) for v in validate_graph(g, shapes=shapes).violations]
    assert "Country kgid:china: rdfs:label: an entity needs an rdfs:label" in lines
    tariff_line = next(line for line in lines if "confidence" in line)
    assert tariff_line.startswith("Tariff kgfact:") and " in seed-1: kg:confidence: " in tariff_line
    assert tariff_line.endswith("(value: 1.5)")
    assert all("\n" not in line for line in lines)


def test_cli_validate(tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    g = sample_graph()
    g.serialize(good, format="turtle")
    drop(KG.Membership, ORG.member)(g)
    g.serialize(bad, format="turtle")
    store = write_store(tmp_path / "store")
    runner = CliRunner()
    for source in (good, store):
        result = runner.invoke(main, ["validate", str(source)])
        assert result.exit_code == 0, result.output
        assert "conforms to the shapes" in result.output
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "org:member: a membership needs exactly one org:member, a kg:Person" in result.output
    assert "does not conform: 1 violation in" in result.output
