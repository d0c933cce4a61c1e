"""``kg stats`` and ``kg path``: what a graph holds, and how two entities in it are connected."""
from __future__ import annotations

import json
from pathlib import Path

import click

from . import friendly_errors

_RELATION_WORDS = {"membership": "member of", "tariff": "tariff"}  # labels that are only a value get a word


def _load(graph_path: Path):
    """The graph of a Turtle/TriG/N-Quads file, a build folder or an Oxigraph store."""
    from ..store import load_any

    return load_any(graph_path)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in counts.items()) or "none"


def _stats_text(stats, *, source: Path) -> str:
    """The stats as readable sections."""
    lines = [f"Graph:       {source}",
             f"Documents:   {stats.documents}",
             f"Entities:    {stats.entities} ({_counts(stats.entity_types)})",
             f"  by class:  {_counts(stats.fine_types)}"]
    if stats.policies:
        lines.append(f"Policies:    {stats.policies} (ruled on by courts)")
    lines.append(f"Facts:       {stats.facts} ({_counts(stats.relations)})")
    sizes = f" (largest: {', '.join(map(str, stats.component_sizes))})" if stats.component_sizes else ""
    components = f"{stats.components} component{'s' if stats.components != 1 else ''}"
    isolated = f"{stats.isolated} entit{'ies' if stats.isolated != 1 else 'y'}"
    lines.append(f"Connected:   {components} of linked entities{sizes}; {isolated} linked to no other")
    for heading, ranked, fmt in (("Most connected (facts)", stats.top_degree, "{:.0f}"),
                                 ("Most central (PageRank)", stats.top_pagerank, "{:.3f}")):
        if not ranked:
            continue
        lines += ["", f"{heading}:"]
        width = max(len(r.label) for r in ranked)
        lines += [f"  {i:>2}. {r.label:<{width}}  {fmt.format(r.score):>6}  {r.type}"
                  for i, r in enumerate(ranked, 1)]
    if stats.top_communities:
        shown = len(stats.top_communities)
        more = f", the {shown} largest shown" if shown < stats.communities else ""
        lines += ["", f"Communities: {stats.communities} (Louvain{more}):"]
        lines += [f"  {i:>2}. {c.name}  ({c.size} entities)" for i, c in enumerate(stats.top_communities, 1)]
    return "\n".join(lines)


@click.command()
@click.argument("graph_path", metavar="GRAPH|STORE", type=click.Path(path_type=Path))
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many central entities, components and communities to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (for programs).")
@friendly_errors
def stats(graph_path: Path, top: int, as_json: bool) -> None:
    """Figures of GRAPH (a graph file, build folder or store): entities, facts, hubs, clusters.

    Entities by type and class, facts by relation, documents; the most connected entities by number
    of facts and by PageRank; connected components; communities (Louvain, fixed seed), each named by
    its best-connected members.
    """
    from ..analytics import graph_stats

    result = graph_stats(_load(graph_path), top=top)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_stats_text(result, source=graph_path))


def _edge_text(step) -> str:
    """'member of: Treasury Secretary', '30%' as 'tariff: 30%', 'spoke to'."""
    word = _RELATION_WORDS.get(step.relation or "")
    return f"{word}: {step.label}" if word and step.label != word else step.label


def _arrow(step) -> tuple[str, str]:
    """The ends of an edge drawn between two labels, pointing the way the fact does."""
    if step.symmetric:
        return "—[", "]—"
    return ("—[", "]→") if step.forward else ("←[", "]—")


def _chain(path) -> str:
    """'A —[label]→ B ←[label]— C'."""
    parts = [path[0].source]
    for step in path:
        left, right = _arrow(step)
        parts.append(f"{left}{_edge_text(step)}{right} {step.target}")
    return " ".join(parts)


def _source(step) -> str:
    if not step.document:
        return ""
    title = f"“{step.title}”, " if step.title else ""
    return f" ({title}{step.document})"


def _evidence_lines(step) -> list[str]:
    """The evidence of one hop, indented under the chain."""
    if step.kind == "co-mention":
        others = f" and {step.more} more" if step.more else ""
        return [f"      {step.source} and {step.target}: no fact, both named in document "
                f"{step.document}{others}" + (f" (“{step.title}”)" if step.title else "")]
    head = f"      {_edge_text(step)}: "
    sentence = step.sentence or ""
    if not sentence:
        sentence = "(no evidence sentence)"
    elif not sentence.startswith(("“", '"')):  # a quotation already has its marks
        sentence = f"“{sentence}”"
    more = f" [+{step.more} more fact{'s' if step.more != 1 else ''} between them]" if step.more else ""
    return [head + sentence + _source(step) + more]


@click.command()
@click.argument("graph_path", metavar="GRAPH|STORE", type=click.Path(path_type=Path))
@click.argument("a")
@click.argument("b")
@click.option("--max-hops", type=click.IntRange(min=1), default=4, show_default=True,
              help="Longest path to look for, in hops between entities.")
@click.option("--facts-only", is_flag=True,
              help="Only paths made of facts; never fall back to entities named in the same document.")
@friendly_errors
def path(graph_path: Path, a: str, b: str, max_hops: int, facts_only: bool) -> None:
    """How entities A and B are connected in GRAPH: the shortest chains of facts, with their evidence.

    A and B are names or aliases (any case) or IRIs. When no chain of facts joins them within
    --max-hops, chains that also step between entities named in the same document are shown,
    marked as such (unless --facts-only).

    \b
    Examples:
      kg path out/ "Scott Bessent" China
      kg path store/ Bessent "Xi Jinping" --max-hops 3 --facts-only
    """
    from ..analytics import find_paths

    paths = find_paths(_load(graph_path), a, b, max_hops=max_hops, facts_only=facts_only)
    if not paths:  # an answer, not a mistake: said on stdout, exit 0
        what = "chain of facts" if facts_only else "chain of facts or shared documents"
        click.echo(f"No {what} connects {a} and {b} within {max_hops} hops.")
        return
    co_mention = any(step.kind == "co-mention" for p in paths for step in p)
    hops = len(paths[0])
    if co_mention:
        click.echo(f"No chain of facts joins them within {max_hops} hops; shortest chains through "
                   "entities named in the same document (\"named with\" is no fact):")
    else:
        n = len(paths)
        click.echo(f"{n} shortest path{'s' if n != 1 else ''} of {hops} hop{'s' if hops != 1 else ''}:")
    for i, steps in enumerate(paths, 1):
        click.echo("")
        click.echo(f"{i:>2}. {_chain(steps)}")
        for step in steps:
            for line in _evidence_lines(step):
                click.echo(line)
