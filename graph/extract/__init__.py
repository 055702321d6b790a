"""Extraction: articles in, resolved entities, facts and sanctions with evidence out.

The pipeline is modular (``text`` -> ``mentions`` -> ``resolve`` ->
``relations`` / ``sanctions`` / ``claims`` -> ``pipeline``); any other
extractor (a local LLM endpoint, a trained model) plugs in by implementing
:class:`Extractor` and being registered in :data:`EXTRACTORS`, then chosen
with ``CHIPGRAPH_EXTRACTOR``.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.errors import ConfigError
from graph.extract.base import Extractor
from graph.settings import Settings

__all__ = ["EXTRACTORS", "Extractor", "load_extractor"]


def _rules(settings: Settings) -> Extractor:
    from graph.extract.lexicon import load_lexicon
    from graph.extract.pipeline import RuleExtractor

    shared = settings.shared_data.resolve() if settings.reference_from_datasets else None
    return RuleExtractor(load_lexicon(shared, settings.reference_from_datasets))


#: extractor name -> factory taking the settings
EXTRACTORS: dict[str, Callable[[Settings], Extractor]] = {"rules": _rules}


def load_extractor(settings: Settings | None = None, name: str | None = None) -> Extractor:
    """The extractor named ``name`` (default: ``settings.extractor``, else the rule-based one)."""
    settings = settings or Settings()
    chosen = name or getattr(settings, "extractor", None) or "rules"
    try:
        factory = EXTRACTORS[chosen]
    except KeyError:
        raise ConfigError(f"unknown extractor {chosen!r}; known: {', '.join(sorted(EXTRACTORS))}") from None
    return factory(settings)
