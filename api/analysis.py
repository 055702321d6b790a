"""The projection one request analyses: its filters and the names resolved on it.

Analytics (``/paths``, ``/exposure``...) and pages (``/viz/...``) take the same
filters as the CLI's ``--as-of``, ``--min-confidence`` and ``--source``, read
the cached projection for them and resolve names against it; both build on
:class:`ProjectionFilters` and :class:`AnalysedGraph`.
"""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServicesDep
from graph.analytics import projection
from graph.analytics.project import SOURCE_KINDS
from graph.errors import InvalidParameter

__all__ = ["AnalysedGraph", "AsOfQuery", "MinConfidenceQuery", "ProjectionFilters", "SourceKindQuery"]

_AS_OF = "Only facts known and sanctions in force on this date (YYYY[-MM[-DD]])."
_MIN_CONFIDENCE = "Drop evidence below this confidence."

AsOfQuery = Annotated[str | None, Query(max_length=10, description=_AS_OF)]
MinConfidenceQuery = Annotated[float, Query(ge=0.0, le=1.0, description=_MIN_CONFIDENCE)]
SourceKindQuery = Annotated[
    list[str] | None, Query(description=f"Only facts from these sources ({', '.join(SOURCE_KINDS)}); repeatable.")
]


class ProjectionFilters(BaseModel):
    """What every analysis and page can be filtered by."""

    model_config = ConfigDict(extra="forbid")

    as_of: str | None = Field(None, max_length=10, description=_AS_OF)
    min_confidence: float = Field(0.0, ge=0.0, le=1.0, description=_MIN_CONFIDENCE)
    source_kind: list[str] | None = Field(
        None, description=f"Only facts from these sources ({', '.join(SOURCE_KINDS)})."
    )


class AnalysedGraph:
    """The projection for one request's filters, and names resolved on it.

    Raises :class:`InvalidParameter` for an unknown source kind or a bad date.
    """

    def __init__(self, services: ServicesDep, filters: ProjectionFilters) -> None:
        for kind in filters.source_kind or ():
            if kind not in SOURCE_KINDS:
                raise InvalidParameter(f"unknown source kind {kind!r}; use {', '.join(SOURCE_KINDS)}")
        self.services = services
        try:
            self.G: nx.MultiDiGraph = projection(
                services.kg,
                as_of=filters.as_of,
                min_confidence=filters.min_confidence,
                sources=filters.source_kind or None,
            )
        except ValueError as exc:
            raise InvalidParameter(str(exc)) from exc

    def resolve(self, text: str) -> str:
        """The IRI of a name, alias, local id or IRI; :class:`EntityNotFound` when not analysed."""
        return self.services.index.resolve_in(self.G, text)

    def present(self, iri: str) -> str:
        """``iri`` itself when the projection has it; :class:`EntityNotFound` otherwise."""
        return self.services.index.require_in(self.G, iri)
