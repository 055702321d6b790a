"""The one interface every extractor implements.

A better extractor (a local LLM endpoint, a trained model) plugs in by
implementing :class:`Extractor` and being named in ``EXTRACTORS``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from graph.records import Article, Extraction

__all__ = ["Extractor"]


@runtime_checkable
class Extractor(Protocol):
    """Turns an article into resolved entities, facts and sanctions with evidence."""

    #: name and version recorded on every article it produced (``cg:extractorVersion``)
    name: str

    def extract(self, article: Article) -> Extraction:
        """Extract everything from one article. Must not raise on odd text."""
        ...
