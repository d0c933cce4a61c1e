"""``kg serve``: a local, read-only SPARQL 1.1 endpoint over a graph file, build folder or store."""
from __future__ import annotations

import logging
from pathlib import Path

import click

from . import friendly_errors

_LOCAL = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 lets other machines query it.")
@click.option("--port", type=int, default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds a query may run before it is answered with 503.")
@click.option("--max-rows", type=int, default=10_000, show_default=True,
              help="Return at most this many result rows or triples (header X-KG-Truncated when cut).")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL UPDATE (else 403). A store is then written in place; a file is only "
                   "changed in memory.")
@click.option("--in-place", is_flag=True,
              help="Serve a store where it lies, read-only, with no snapshot: for a store on a read-only disk; "
                   "kg build and kg remove into it are refused while it runs.")
@click.option("--allow-service", is_flag=True,
              help="Run SERVICE clauses, which query other endpoints over the network (else 403).")
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
@friendly_errors
def serve(graph_path: Path, host: str, port: int, timeout: float, max_rows: int, allow_update: bool,
          allow_service: bool, in_place: bool, quiet: bool) -> None:
    """Serve GRAPH (a graph file, build folder or store) as a SPARQL 1.1 endpoint at /sparql.

    GET ?query= or POST (form, application/sparql-query); results as SPARQL JSON, XML, CSV or TSV,
    graphs as Turtle, N-Triples, JSON-LD or RDF/XML, chosen by the Accept header or a format=
    parameter. A store is served from a snapshot on disk, made at start in a .kg-snapshot-* folder inside
    it (hard links, no copy: it starts at once, memory stays flat, and builds may go on writing into the
    store) and removed at exit; a file is loaded into memory. The default graph is the union of the
    document graphs. LOAD is refused (403), as are
    updates without --allow-update and SERVICE without --allow-service; so are queries nesting
    brackets more than 32 deep (400).
    Open http://HOST:PORT/ for a query page that works offline.
    """
    from ..serve import make_server, open_endpoint

    endpoint = open_endpoint(graph_path, timeout=timeout, max_rows=max_rows, allow_update=allow_update,
                             allow_service=allow_service, in_place=in_place)
    server = make_server(endpoint, host=host, port=port)
    bound_host, bound_port = server.server_address[:2]
    url = f"http://{bound_host}:{bound_port}"
    if not quiet:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logging.getLogger("kg.serve").addHandler(handler)
        logging.getLogger("kg.serve").setLevel(logging.INFO)
    mode = ("read-write" if allow_update else "read-only, in place" if in_place
            else "read-only, a snapshot on disk" if endpoint.snapshot_folder else "read-only, in memory")
    click.echo(f"Serving {graph_path} ({len(endpoint.store)} quads, {mode}) at {url}/sparql; "
               f"query page at {url}/. Ctrl+C stops.")
    if bound_host not in _LOCAL:
        click.echo(f"Note: listening on {bound_host}, so other machines can reach it.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()
        endpoint.close()
