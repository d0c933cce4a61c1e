"""``kg query``: SPARQL over a graph file, build folder or store, free-form or by name."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import KgError
from ..query import RESULT_FORMATS
from . import friendly_errors


def _list_queries() -> str:
    from ..query import named_queries

    lines = []
    for q in named_queries().values():
        lines.append(f"{q.name:<11} {q.title}: {q.description}")
        if q.params:
            params = ", ".join(f"{p} (required)" if p in q.required else p for p in q.params)
            lines.append(f"{'':<11} --param {params}")
    return "\n".join(lines)


@click.command()
@click.argument("graph_path", metavar="GRAPH", required=False, type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a query shipped with kg by name (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help='Bind the variable ?KEY to VALUE, e.g. --param entity="Scott Bessent"; <…> makes an IRI, '
                   "anything else a string. Repeatable.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their parameters.")
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help="Print at most N rows of a SELECT (a page; with --offset, the next ones).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, metavar="M",
              help="Skip the first M rows of a SELECT.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True,
              help="How to print the results (json: SPARQL 1.1 results JSON; CONSTRUCT gives JSON-LD).")
@friendly_errors
def query(graph_path: Path | None, sparql: str | None, query_file: Path | None, name: str | None,
          params: tuple[str, ...], list_queries: bool, limit: int | None, offset: int, fmt: str) -> None:
    """Run a SPARQL query over GRAPH: a Turtle, TriG or N-Quads file, a build folder or an Oxigraph store.

    Give the query as an argument, with -f FILE.rq, or by --name. The prefixes kg, org, prov, schema,
    skos, dcterms, owl, xsd, rdf and rdfs are predeclared. The default graph is the union of all
    document graphs; GRAPH ?g reaches one document's graph. Values of --param are bound safely
    (never pasted into the query text) and the variable must be one the query returns. A store is
    read in place, without loading it; --limit and --offset print one page of the rows.

    \b
    Examples:
      kg query --list
      kg query out/ --name roles
      kg query store/ --name roles --param organization="Federal Reserve" --limit 20
      kg query store/ --name entity --param entity="Scott Bessent" --format csv
      kg query out/graph.ttl 'SELECT (COUNT(*) AS ?n) WHERE { ?f a kg:Tariff }'
    """
    from ..query import check_params, format_result, named_query, named_text, parse_params, query_source

    if list_queries:
        click.echo(_list_queries())
        return
    if graph_path is None:
        raise KgError("no GRAPH given: name a graph file, build folder or store (or use --list)")
    ways = (("a query argument", sparql), ("-f", query_file), ("--name", name))
    given = [what for what, value in ways if value]
    if len(given) > 1:
        raise KgError(f"give the query one way only, not {' and '.join(given)}")
    required: tuple[str, ...] = ()
    if name:
        named = named_query(name)
        sparql, required = named.sparql, named.required
    elif query_file is not None:
        try:
            sparql = query_file.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise KgError(f"{query_file} is not UTF-8 text ({e.reason} at byte {e.start}); "
                          "save the query as UTF-8") from e
    if not sparql or not sparql.strip():
        raise KgError("no query given; pass it as an argument, with -f FILE.rq or --name NAME (see --list)")
    bindings = parse_params(params)
    check_params(sparql, bindings, required=required)
    from ..store import hold_reader_lock, is_store

    if is_store(graph_path):  # read in place: a build must not start writing while this runs
        hold_reader_lock(graph_path)
    if name:
        text = named_text(graph_path, name, params=bindings, fmt=fmt, limit=limit, offset=offset)
    else:
        text = format_result(query_source(graph_path, sparql, bindings=bindings, limit=limit, offset=offset),
                             None, fmt)
    click.echo(text.rstrip("\n"))
