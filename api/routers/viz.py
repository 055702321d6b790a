"""Interactive graph pages under ``/viz``: the views of :mod:`graph.viz`, served as HTML.

``/viz/overview``, ``/viz/entity/{id}``, ``/viz/path``, ``/viz/sanctions``,
``/viz/whatif`` and ``/viz/countries`` answer with a page that loads only
``/viz/static/`` files (vis-network from pyvis's package and the page
script), under a Content-Security-Policy that allows no other source, no
inline script and no connection. Names resolve like ``/entities/{id}``;
entity ids in the path must be chipgraph local ids (``org/smic``) of an
entity in the graph. The last pages rendered are kept until the next write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from api.analysis import AnalysedGraph, AsOfQuery, MinConfidenceQuery, ProjectionFilters, SourceKindQuery
from api.deps import GenerationCache, ServicesDep
from api.schemas import ProblemOut
from graph.errors import EntityNotFound, InvalidParameter
from graph.ids import ID_BASE, local_id
from graph.viz import (
    PageOptions,
    View,
    asset_path,
    countries_view,
    entity_view,
    overview_view,
    page_csp,
    path_view,
    render_page,
    sanctions_view,
    whatif_view,
)
from graph.viz.views import MAX_DEPTH

__all__ = ["router"]

router = APIRouter(prefix="/viz", tags=["pages"])

#: rendered pages kept (a few hundred KB each) until the next write
PAGE_CACHE_SIZE = 32
_CACHE = "viz_pages"
#: most nodes a page may be asked for (the layout of bigger pages takes seconds)
MAX_NODES = 3000
#: a chipgraph local id: slash-separated segments of letters, digits, '.', '_', '-' (never '..' alone)
LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}(/[A-Za-z0-9][A-Za-z0-9._-]{0,199}){0,4}")
_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "An interactive graph page."},
    400: {"model": ProblemOut, "description": "A parameter or entity id chipgraph cannot use."},
    404: {"model": ProblemOut, "description": "No such entity in the analysed graph."},
}
_HEADERS = {
    "Content-Security-Policy": page_csp(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def page_filters(
    as_of: AsOfQuery = None,
    min_confidence: MinConfidenceQuery = 0.0,
    source_kind: SourceKindQuery = None,
) -> ProjectionFilters:
    return ProjectionFilters(as_of=as_of, min_confidence=min_confidence, source_kind=source_kind)


FiltersDep = Annotated[ProjectionFilters, Depends(page_filters)]


async def _page(
    request: Request, services: ServicesDep, filters: ProjectionFilters, build: Callable[[AnalysedGraph], View]
) -> HTMLResponse:
    """Render (or reuse, until the next write) the page a request asks for."""
    key = ("viz", request.url.path, tuple(sorted(request.query_params.multi_items())))

    def render() -> str:
        options = PageOptions(
            standalone=False,
            asset_base="/viz/static/",
            link_base="",
            physics_iterations=services.settings.viz_physics_iterations,
            nav=True,
        )
        return render_page(build(AnalysedGraph(services, filters)), options)

    cache = services.extras.get(_CACHE)
    if cache is None:
        cache = services.extras.setdefault(_CACHE, GenerationCache(services.kg, size=PAGE_CACHE_SIZE))
    html = await run_in_threadpool(cache.get_or_compute, key, render)
    return HTMLResponse(html, headers=_HEADERS)


@router.get("/static/{name}", include_in_schema=False)
async def static_asset(name: str) -> FileResponse:
    """vis-network and the page script and styles; no other file is served here."""
    path = asset_path(name)
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return FileResponse(
        path,
        media_type=media,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/overview", summary="Overview page", response_class=HTMLResponse, responses=_HTML)
async def overview(
    request: Request,
    services: ServicesDep,
    filters: FiltersDep,
    max_nodes: Annotated[
        int | None, Query(ge=10, le=MAX_NODES, description="Most nodes drawn (default: the viz_max_nodes setting).")
    ] = None,
) -> HTMLResponse:
    """The most connected entities, with a visible notice of what was left out."""
    limit = max_nodes or services.settings.viz_max_nodes
    return await _page(request, services, filters, lambda p: overview_view(p.G, max_nodes=limit))


@router.get(
    "/entity",
    summary="Open an entity's page by name",
    responses={303: {"description": "The entity page."}, 400: _HTML[400], 404: _HTML[404]},
)
async def entity_by_name(
    services: ServicesDep,
    filters: FiltersDep,
    name: Annotated[str, Query(min_length=1, max_length=300, description="Name, alias or id of the entity.")],
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Hops around the entity.")] = 1,
) -> RedirectResponse:
    """Redirect to ``/viz/entity/{id}`` for the entity a name stands for."""
    iri = await run_in_threadpool(services.index.resolve, name)
    local = local_id(iri)
    if local is None or not LOCAL_ID.fullmatch(local):
        raise EntityNotFound(f"no entity named {name!r}")
    query = {"depth": str(depth), **filters.model_dump(exclude_defaults=True)}
    return RedirectResponse(f"/viz/entity/{quote(local)}?{urlencode(query, doseq=True)}", status_code=303)


@router.get(
    "/entity/{entity_id:path}", summary="Entity neighbourhood page", response_class=HTMLResponse, responses=_HTML
)
async def entity(
    request: Request,
    services: ServicesDep,
    filters: FiltersDep,
    entity_id: str,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Hops around the entity (1-3).")] = 1,
    max_nodes: Annotated[int | None, Query(ge=10, le=MAX_NODES, description="Most nodes drawn.")] = None,
) -> HTMLResponse:
    """Everything within ``depth`` hops of the entity ``entity_id`` (a local id such as ``org/smic``)."""
    if not LOCAL_ID.fullmatch(entity_id):
        raise InvalidParameter("an entity id is a chipgraph local id such as org/smic")
    iri = ID_BASE + entity_id
    limit = max_nodes or services.settings.viz_max_nodes
    return await _page(
        request, services, filters, lambda p: entity_view(p.G, p.present(iri), depth=depth, max_nodes=limit)
    )


@router.get("/path", summary="Dependency path page", response_class=HTMLResponse, responses=_HTML)
async def path(
    request: Request,
    services: ServicesDep,
    filters: FiltersDep,
    source: Annotated[str, Query(min_length=1, max_length=300, description="Upstream entity (name, alias or id).")],
    target: Annotated[str, Query(min_length=1, max_length=300, description="Downstream entity.")],
    k: Annotated[int, Query(ge=1, le=20, description="Most paths.")] = 3,
    max_hops: Annotated[int, Query(ge=1, le=12, description="Longest path.")] = 6,
    context: Annotated[int, Query(ge=0, le=500, description="Neighbours drawn around the paths.")] = 40,
) -> HTMLResponse:
    """The ``k`` dependency paths from ``source`` to ``target``, highlighted on their neighbourhood."""
    return await _page(
        request,
        services,
        filters,
        lambda p: path_view(p.G, p.resolve(source), p.resolve(target), k=k, max_hops=max_hops, context=context),
    )


@router.get("/sanctions", summary="Sanctions page", response_class=HTMLResponse, responses=_HTML)
async def sanctions(
    request: Request,
    services: ServicesDep,
    filters: FiltersDep,
    status: Annotated[
        list[str] | None, Query(description="Keep sanctions with this status (InForce, Proposed...); repeatable.")
    ] = None,
) -> HTMLResponse:
    """Imposers -> sanctions -> targets and restricted items; ``as_of`` gives the measures in force then."""
    return await _page(request, services, filters, lambda p: sanctions_view(p.G, statuses=status or None))


@router.get("/whatif", summary="What-if page", response_class=HTMLResponse, responses=_HTML)
async def whatif(
    request: Request,
    services: ServicesDep,
    filters: FiltersDep,
    remove: Annotated[
        list[str] | None, Query(description="Country (exports stop), sanction (takes effect) or entity; repeatable.")
    ] = None,
    cut: Annotated[list[str] | None, Query(description="'A:B' cuts the edges between A and B; repeatable.")] = None,
    input_class: Annotated[
        str, Query(max_length=200, description="cg: class (Equipment) or label text.")
    ] = "Equipment",
) -> HTMLResponse:
    """A scenario before and after: cut edges, lost paths, entities that lose their inputs."""
    pairs = []
    for text in cut or ():
        if ":" not in text:
            raise InvalidParameter(f"a cut is 'A:B', not {text!r}")
        a, b = text.split(":", 1)
        pairs.append((a.strip(), b.strip()))
    return await _page(
        request,
        services,
        filters,
        lambda p: whatif_view(
            p.G,
            remove=[p.resolve(r) for r in remove or ()],
            cut=[(p.resolve(a), p.resolve(b)) for a, b in pairs],
            input_class=input_class,
        ),
    )


@router.get("/countries", summary="Country page", response_class=HTMLResponse, responses=_HTML)
async def countries(
    request: Request,
    services: ServicesDep,
    filters: FiltersDep,
    top: Annotated[int, Query(ge=2, le=300, description="Most countries drawn.")] = 40,
) -> HTMLResponse:
    """Countries sized by their role, arrows weighted by supply links between their entities."""
    return await _page(request, services, filters, lambda p: countries_view(p.G, top=top))
