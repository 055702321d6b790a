"""Analytics over the supply-chain projection, with the parameters of the CLI commands.

``/paths``, ``/upstream``, ``/downstream``, ``/chokepoints``, ``/exposure``,
``POST /whatif``, ``/countries/matrix`` and ``/centrality`` return the
``to_dict()`` of :mod:`graph.analytics` results: every hop carries its
evidence (sentence, article, confidence). Names resolve like ``/entities/{id}``.
The common filters are ``layer``, ``as_of``, ``min_confidence`` and
``source_kind`` (the CLI's ``--source``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from api.analysis import AnalysedGraph, AsOfQuery, MinConfidenceQuery, ProjectionFilters, SourceKindQuery
from api.deps import ServicesDep
from api.presenters import dump_json
from api.schemas import ProblemOut
from graph.analytics import (
    centrality_rankings,
    country_matrix,
    dependency_paths,
    downstream,
    rank_chokepoints,
    sanction_exposure,
    sanction_reach,
    target_chokepoints,
    upstream,
    what_if,
)
from graph.analytics.project import LAYERS
from graph.errors import InvalidParameter

__all__ = ["router"]

router = APIRouter(tags=["analytics"])

T = TypeVar("T")

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}},
    400: {"model": ProblemOut},
    404: {"model": ProblemOut},
}


class Filters(ProjectionFilters):
    """The filters every analysis takes (the CLI's --layer, --as-of, --min-confidence, --source)."""

    layer: list[str] | None = Field(None, description=f"Edge layers to follow ({', '.join(LAYERS)}).")


def query_filters(
    layer: Annotated[list[str] | None, Query(description=f"Edge layers ({', '.join(LAYERS)}); repeatable.")] = None,
    as_of: AsOfQuery = None,
    min_confidence: MinConfidenceQuery = 0.0,
    source_kind: SourceKindQuery = None,
) -> Filters:
    return Filters(layer=layer, as_of=as_of, min_confidence=min_confidence, source_kind=source_kind)


FiltersDep = Annotated[Filters, Depends(query_filters)]


class _Analysis(AnalysedGraph):
    """The analysed projection and the edge layers a request asks for."""

    def __init__(self, services: ServicesDep, filters: Filters) -> None:
        for name in filters.layer or ():
            if name not in LAYERS:
                raise InvalidParameter(f"unknown layer {name!r}; use {', '.join(LAYERS)}")
        super().__init__(services, filters)
        self.layers = filters.layer or None


async def _run(services: ServicesDep, filters: Filters, work: Callable[[_Analysis], Any]) -> Response:
    def compute() -> bytes:
        analysis = _Analysis(services, filters)
        try:
            result = work(analysis)
        except ValueError as exc:
            raise InvalidParameter(str(exc)) from exc
        return dump_json(result.to_dict())

    return Response(await run_in_threadpool(compute), media_type="application/json")


@router.get("/paths", summary="Dependency paths from an upstream entity to a downstream one", responses=_RESPONSES)
async def paths(
    services: ServicesDep,
    filters: FiltersDep,
    source: Annotated[str, Query(min_length=1, max_length=300, description="Upstream entity (name, alias or id).")],
    target: Annotated[str, Query(min_length=1, max_length=300, description="Downstream entity.")],
    k: Annotated[int, Query(ge=1, le=100, description="Most paths.")] = 5,
    max_hops: Annotated[int, Query(ge=1, le=12, description="Longest path.")] = 6,
) -> Response:
    """The k shortest dependency paths (e.g. Netherlands -> ASML -> SMIC -> Huawei), evidence on every hop."""
    return await _run(
        services,
        filters,
        lambda a: dependency_paths(a.G, a.resolve(source), a.resolve(target), k=k, max_hops=max_hops, layers=a.layers),
    )


@router.get("/upstream", summary="What an entity depends on", responses=_RESPONSES)
async def upstream_of(
    services: ServicesDep,
    filters: FiltersDep,
    entity: Annotated[str, Query(min_length=1, max_length=300, description="Entity (name, alias or id).")],
    depth: Annotated[int, Query(ge=1, le=6, description="Most hops.")] = 2,
) -> Response:
    """Everything ``entity`` depends on within ``depth`` hops, grouped by type and country."""
    return await _run(services, filters, lambda a: upstream(a.G, a.resolve(entity), depth=depth, layers=a.layers))


@router.get("/downstream", summary="What depends on an entity", responses=_RESPONSES)
async def downstream_of(
    services: ServicesDep,
    filters: FiltersDep,
    entity: Annotated[str, Query(min_length=1, max_length=300, description="Entity (name, alias or id).")],
    depth: Annotated[int, Query(ge=1, le=6, description="Most hops.")] = 2,
) -> Response:
    """Everything that depends on ``entity`` within ``depth`` hops, grouped by type and country."""
    return await _run(services, filters, lambda a: downstream(a.G, a.resolve(entity), depth=depth, layers=a.layers))


@router.get("/chokepoints", summary="Chokepoints of one entity's supply, or the global ranking", responses=_RESPONSES)
async def chokepoints(
    services: ServicesDep,
    filters: FiltersDep,
    target: Annotated[str | None, Query(max_length=300, description="Entity whose supply to analyse.")] = None,
    top: Annotated[int, Query(ge=1, le=500, description="Most entries.")] = 10,
    type: Annotated[list[str] | None, Query(description="Global ranking: only these types.")] = None,
    k: Annotated[int | None, Query(ge=1, le=10_000, description="Betweenness samples.")] = None,
) -> Response:
    """With ``target``: entities every supply path to it passes through. Without: the global
    ranking by betweenness x supplier concentration."""
    if target is None:
        return await _run(services, filters, lambda a: rank_chokepoints(a.G, top=top, layers=a.layers, types=type, k=k))
    return await _run(services, filters, lambda a: target_chokepoints(a.G, a.resolve(target), layers=a.layers, top=top))


@router.get("/exposure", summary="Sanctions reaching an entity, or what a sanction reaches", responses=_RESPONSES)
async def exposure(
    services: ServicesDep,
    filters: FiltersDep,
    entity: Annotated[str | None, Query(max_length=300, description="Entity whose sanction exposure to list.")] = None,
    sanction: Annotated[str | None, Query(max_length=300, description="Instead: what this sanction reaches.")] = None,
    hops: Annotated[int, Query(ge=0, le=6, description="How far up/down the chain to look.")] = 2,
    status: Annotated[list[str] | None, Query(description="Only sanctions with this status (InForce...).")] = None,
) -> Response:
    """Sanctions reaching ``entity``, its suppliers or customers; or with ``sanction``, what it reaches."""
    if (entity is None) == (sanction is None):
        raise InvalidParameter("give either entity or sanction")
    if sanction is not None:
        return await _run(
            services, filters, lambda a: sanction_reach(a.G, a.resolve(sanction), hops=hops, layers=a.layers)
        )
    return await _run(
        services,
        filters,
        lambda a: sanction_exposure(a.G, a.resolve(entity or ""), hops=hops, layers=a.layers, statuses=status),
    )


class WhatIfIn(Filters):
    """A scenario: what is removed or cut, which input class to watch, which entities to report on."""

    remove: list[str] = Field(
        default_factory=list, description="Country (exports stop), sanction (takes effect) or entity (vanishes)."
    )
    cut: list[str] = Field(default_factory=list, description="'A:B' cuts the edges between A and B.")
    input_class: str = Field("Equipment", max_length=200, description="cg: class (Equipment) or label text.")
    entity: list[str] = Field(default_factory=list, description="Also report on these entities.")


def _split_cut(text: str) -> tuple[str, str]:
    if ":" not in text:
        raise InvalidParameter(f"a cut is 'A:B', not {text!r}")
    a, b = text.split(":", 1)
    return a.strip(), b.strip()


@router.post("/whatif", summary="Before/after of a scenario", responses=_RESPONSES)
async def whatif(services: ServicesDep, scenario: WhatIfIn) -> Response:
    """Who loses every path to a class of input when entities are removed or edges cut."""
    return await _run(
        services,
        scenario,
        lambda a: what_if(
            a.G,
            remove=[a.resolve(r) for r in scenario.remove],
            cut=[(a.resolve(x), a.resolve(y)) for x, y in map(_split_cut, scenario.cut)],
            input_class=scenario.input_class,
            entities=[a.resolve(e) for e in scenario.entity],
            layers=a.layers,
        ),
    )


@router.get("/countries/matrix", summary="Country x country dependency matrix", responses=_RESPONSES)
async def countries_matrix(services: ServicesDep, filters: FiltersDep) -> Response:
    """Supplier country -> dependent country, with market-share weights where known."""
    return await _run(services, filters, lambda a: country_matrix(a.G, layers=a.layers))


@router.get("/centrality", summary="Degree, PageRank and betweenness rankings", responses=_RESPONSES)
async def centrality(
    services: ServicesDep,
    filters: FiltersDep,
    type: Annotated[list[str] | None, Query(description="Rank only these types (Company...).")] = None,
    top: Annotated[int, Query(ge=1, le=500, description="Entities per ranking.")] = 10,
    k: Annotated[int | None, Query(ge=1, le=10_000, description="Betweenness samples.")] = None,
) -> Response:
    """Rankings per entity type."""
    return await _run(services, filters, lambda a: centrality_rankings(a.G, types=type, top=top, layers=a.layers, k=k))
