"""kg's spaCy components: mentions first, then one extractor per relation.

Each module registers its component with ``@Language.component`` or ``@Language.factory``;
importing them is what makes the names known to ``nlp.add_pipe``.
"""
from __future__ import annotations


def register_all() -> None:
    """Import every component module so spaCy's registry knows their names."""
    from . import (  # noqa: F401
        agreement,
        court_ruling,
        demand,
        membership,
        mentions,
        negotiation,
        restriction,
        statement,
        tariff,
    )
