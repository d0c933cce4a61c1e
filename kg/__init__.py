"""kg: build an RDF knowledge graph of who does what in news articles."""
from __future__ import annotations

__version__ = "0.1.0"
