"""Click commands, one module each; kg.cli registers them on the ``kg`` group."""
from __future__ import annotations

import functools
import sys

import click

from ..errors import KgError


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
