"""Check a graph against the SHACL shapes of ``ontology/shapes.ttl`` and say what is wrong, one line each."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import KgError
from .vocab import DCTERMS, PROV, RDF, RDFS, ontology_path

__all__ = ["Report", "Violation", "describe", "load_shapes", "shapes_path", "validate_graph"]


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node it is about, a readable name of it, the property path and the message."""

    focus: str
    focus_label: str
    path: str
    message: str
    severity: str
    value: str | None = None


@dataclass(frozen=True)
class Report:
    """The outcome of validating a graph: whether it conforms, and every violation."""

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int


def shapes_path() -> Path:
    """The SHACL shapes file (``ontology/shapes.ttl``)."""
    return ontology_path() / "shapes.ttl"


def load_shapes(path: str | Path | None = None) -> Graph:
    """Parse the shapes graph (kg's own unless ``path`` says otherwise)."""
    path = Path(path) if path is not None else shapes_path()
    if not path.is_file():
        raise KgError(f"no SHACL shapes at {path}; run kg from a checkout of the repo or give --shapes FILE")
    try:
        return Graph().parse(path, format="turtle")
    except Exception as e:  # rdflib raises many parser-specific errors
        raise KgError(f"the shapes file {path} does not parse: {e}") from e


def _ontology() -> Graph:
    # Only kg.ttl: the shapes are not part of the ontology the data is read against.
    return Graph().parse(ontology_path() / "kg.ttl", format="turtle")


def _short(graph: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # rdflib refuses some IRIs it cannot shorten
            return f"<{term}>"
    return str(term)


def _focus_label(data: Graph, node: object) -> str:
    """A name a person recognises: the label, a document's identifier, or a fact's class and document."""
    label = data.value(node, RDFS.label) or data.value(node, DCTERMS.identifier)
    if label is not None:
        return str(label)
    kinds = sorted(_short(data, t).split(":")[-1] for t in data.objects(node, RDF.type))
    doc = data.value(node, PROV.wasDerivedFrom)
    doc_id = data.value(doc, DCTERMS.identifier) if doc is not None else None
    where = f" in {doc_id}" if doc_id else ""
    return f"{'/'.join(kinds) or 'node'} {_short(data, node)}{where}"


def validate_graph(graph: Graph, *, shapes: Graph | None = None) -> Report:
    """Validate ``graph`` against the shapes, with the ontology for subclasses; never changes ``graph``."""
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=_ontology(),
                                            inference="none", allow_warnings=True)
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        violations.append(Violation(
            focus=str(focus), focus_label=_focus_label(graph, focus),
            path=_short(graph, path) if path is not None else "",
            message=str(message) if message is not None else "does not conform",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            value=str(value) if value is not None else None))
    violations.sort(key=lambda v: (v.focus_label, v.path, v.message))
    return Report(conforms=bool(conforms), violations=tuple(violations), triples=len(graph))


def describe(violation: Violation) -> str:
    """One line: focus node label, path, message (and the offending value when there is one)."""
    value = f" (value: {violation.value[:80]})" if violation.value is not None else ""
    path = f"{violation.path}: " if violation.path else ""
    prefix = "" if violation.severity == "Violation" else f"[{violation.severity}] "
    return f"{prefix}{violation.focus_label}: {path}{violation.message}{value}"
