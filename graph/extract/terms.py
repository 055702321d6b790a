"""The vocabulary terms as plain attributes, for the extractor's hot loops.

``graph.vocab.CG`` is a closed rdflib namespace whose attribute lookup runs
Python code on every access; the rules look classes up hundreds of thousands
of times per second, so they read the same ``URIRef`` objects from here. Only
names that exist in :class:`graph.vocab.CG` are copied, so a misspelt term
still fails loudly (``AttributeError``).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graph.vocab import CG as _CG

__all__ = ["CG"]

CG: Any = SimpleNamespace(**{name: _CG[name] for name in _CG.__annotations__})
