"""Errors a user can act on: the CLI prints their message as one line, never a traceback."""
from __future__ import annotations


class KgError(Exception):
    """A problem with the user's input or environment, stated so they know what to do."""


class InputError(KgError):
    """An input file or record that cannot be read as a document."""


class ModelError(KgError):
    """The spaCy pipeline is missing or cannot be loaded."""


class QueryError(KgError):
    """A SPARQL query that does not parse or cannot run."""
