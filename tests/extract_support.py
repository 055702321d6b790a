"""Helpers for the extraction tests: one real rule extractor per session, facts by label."""

from __future__ import annotations

import functools

from graph.extract import load_extractor
from graph.extract.base import Extractor
from graph.records import Article, Extraction
from graph.settings import Settings

__all__ = ["extract", "extractor", "facts", "labels", "sanctions"]


@functools.cache
def extractor() -> Extractor:
    """The configured rule-based extractor (reference list and datasets included)."""
    return load_extractor(Settings(backend="memory"))


def extract(text: str, published: object = None) -> Extraction:
    """Extract one text given as an article."""
    return extractor().extract(Article(id="t", text=text, published=published))  # type: ignore[arg-type]


def labels(extraction: Extraction) -> dict[object, str]:
    """IRI -> label of the extraction's entities."""
    return {e.iri: e.label for e in extraction.entities}


def facts(text: str) -> set[tuple[str, str, str]]:
    """(subject label, predicate name, object label) of the plain facts of a text."""
    x = extract(text)
    names = labels(x)
    sanction_iris = {s.iri for s in x.sanctions}
    return {
        (names.get(f.subject, str(f.subject)), str(f.predicate).rsplit("#", 1)[-1], names.get(f.object, str(f.object)))
        for f in x.facts
        if f.subject not in sanction_iris
    }


def sanctions(text: str, published: object = None) -> list[dict[str, object]]:
    """Each sanction of a text with its roles by label."""
    x = extract(text, published)
    names = labels(x)
    out = []
    for s in x.sanctions:
        roles: dict[str, list[str]] = {}
        for f in x.facts:
            if f.subject == s.iri:
                roles.setdefault(str(f.predicate).rsplit("#", 1)[-1], []).append(names.get(f.object, str(f.object)))
        out.append(
            {
                "kind": str(s.kind).rsplit("#", 1)[-1],
                "status": str(s.status).rsplit("#", 1)[-1] if s.status else None,
                "date": str(s.date) if s.date is not None else None,
                "threshold": s.threshold_nm,
                **roles,
            }
        )
    return out
