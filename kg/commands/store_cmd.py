"""``kg remove``, ``kg export`` and ``kg validate``: look after a store and what it holds."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import KgError
from ..export import EXPORT_FORMATS
from . import friendly_errors

_SUFFIX_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nquads": "nquads", ".nt": "ntriples",
                   ".jsonld": "jsonld", ".json": "jsonld", ".graphml": "graphml"}


@click.command()
@click.argument("doc_ids", metavar="DOC_ID...", nargs=-1, required=True)
@click.option("--store", "store_dir", required=True, type=click.Path(path_type=Path),
              help="The Oxigraph store folder (written by `kg build --store`).")
@friendly_errors
def remove(doc_ids: tuple[str, ...], store_dir: Path) -> None:
    """Take documents out of a store: drop the named graph of each DOC_ID (its dcterms:identifier).

    A document IRI is accepted as well. Exits 1 when a DOC_ID is not in the store (the others are
    still removed); `kg query STORE --name mentions` lists the documents.
    """
    from ..store import is_store, open_store, remove_document
    from ..views import after_write, current

    if not is_store(store_dir):
        raise KgError(f"{store_dir} is not an Oxigraph store; "
                      f"build one with `kg build INPUT --store {store_dir}`")
    fresh = current(store_dir)
    store = open_store(store_dir)
    missing = []
    for doc_id in doc_ids:
        if remove_document(store, doc_id):
            click.echo(f"Removed {doc_id} from {store_dir}.")
        else:
            missing.append(doc_id)
    store.flush()  # readers then open it without replaying the write-ahead log
    removed = len(doc_ids) - len(missing)
    graphs = removed + sum(1 for _ in store.named_graphs())
    del store  # closed, then the named queries' stored answers follow
    after_write(store_dir, changed=removed, graphs=graphs, fresh=fresh)
    if missing:
        raise KgError(f"no document {', '.join(missing)} in {store_dir}; "
                      f"`kg query {store_dir} --name mentions` lists the documents")


@click.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default=None,
              help="Output format [default: from the extension of -o, else turtle].")
@friendly_errors
def export(graph_path: Path, output: Path, fmt: str | None) -> None:
    """Write GRAPH (a graph file, build folder or store) for other stores and tools.

    \b
    turtle, ntriples, jsonld  the union of all documents, each triple once
    trig, nquads              one named graph per document: a store's graphs as stored; a Turtle
                              input is split by provenance (facts by prov:wasDerivedFrom, entities
                              in every document that schema:mentions them; the union is the input)
    graphml                   entities and policies as nodes (label, type, iri), the facts' direct
                              edges (kg:memberOf, kg:imposesTariffOn, …) as edges, for networkx/Gephi
    """
    from ..export import export as write_export

    fmt = fmt or _SUFFIX_FORMATS.get(output.suffix.lower(), "turtle")
    done = write_export(graph_path, output, format=fmt)
    if fmt == "graphml":
        click.echo(f"Wrote {done.path} (GraphML): {done.graphs} nodes, {done.statements} edges.")
    elif EXPORT_FORMATS[fmt][1]:
        click.echo(f"Wrote {done.path} ({fmt}): {done.statements} quads in {done.graphs} document graphs.")
    else:
        click.echo(f"Wrote {done.path} ({fmt}): {done.statements} triples.")


@click.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--shapes", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SHACL shapes to check instead of kg's own (ontology/shapes.ttl).")
@click.option("--max", "limit", type=int, default=100, show_default=True,
              help="Print at most this many violations (0: all).")
@friendly_errors
def validate(graph_path: Path, shapes: Path | None, limit: int) -> None:
    """Check GRAPH (a graph file, build folder or store) against kg's SHACL shapes.

    Prints one line per violation (the node's label, the property, what is wrong) and exits 1 when
    the graph does not conform.
    """
    from ..store import load_any
    from ..validate import describe, load_shapes, validate_graph

    report = validate_graph(load_any(graph_path), shapes=load_shapes(shapes) if shapes else None)
    shown = report.violations if limit <= 0 else report.violations[:limit]
    for violation in shown:
        click.echo(describe(violation))
    if report.conforms:
        click.echo(f"{graph_path} conforms to the shapes ({report.triples} triples checked).")
        return
    n = len(report.violations)
    more = f" (first {len(shown)} shown)" if len(shown) < n else ""
    click.echo(f"{graph_path} does not conform: {n} violation{'s' if n != 1 else ''}{more} "
               f"in {report.triples} triples.", err=True)
    sys.exit(1)
