"""Write graphs to disk atomically: a reader sees the old file or the new one, never half of one."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from .errors import KgError

#: Output formats by name → (rdflib serializer, file extension).
FORMATS = {
    "turtle": ("turtle", ".ttl"),
    "ntriples": ("nt", ".nt"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
}


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise KgError(f"cannot write to {path.parent}: {e.strerror}; choose another output folder") from e
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with tmp.open("rb+") as written:  # on disk before the rename, so a power cut cannot leave it empty
            os.fsync(written.fileno())
        # mkstemp makes the file private (0o600); give it the mode of the file it replaces, as kg.view does
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_graph(graph: Graph, path: str | Path, *, format: str = "turtle") -> Path:
    """Serialize ``graph`` to ``path`` in a named format, atomically."""
    if format not in FORMATS:
        raise KgError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    rdflib_format = FORMATS[format][0]
    try:
        return atomic_write(path, lambda tmp: graph.serialize(destination=str(tmp), format=rdflib_format,
                                                              encoding="utf-8"))
    except KgError:
        raise
    except OSError as e:  # e.g. the disk filled up while writing
        raise KgError(f"cannot write {path}: {e.strerror or e}; the previous file is left as it was") from e
    except Exception as e:  # rdflib raises a bare Exception for a term it cannot write, after a partial write
        raise KgError(f"cannot write {path} ({str(e)[:300]}); the previous file is left as it was") from e
