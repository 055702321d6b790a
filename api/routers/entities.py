"""``/entities``: search by name or alias, and everything known about one entity."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.pages import entity_url, prefers_html, render_page
from api.presenters import class_names, dump_json, with_article_urls
from api.schemas import EntityOut, EntitySearchOut, ProblemOut
from graph.entities import describe_entity
from graph.ids import local_id

__all__ = ["router"]

router = APIRouter(tags=["entities"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"model": ProblemOut, "description": "Bad parameter."},
    404: {"model": ProblemOut, "description": "No such entity (with suggestions)."},
}


@router.get(
    "/entities",
    response_model=EntitySearchOut,
    summary="Search entities by name or alias",
    responses={400: _PROBLEMS[400]},
)
async def search_entities(
    request: Request,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=300, description="Name or alias, any script; fuzzy.")] = "",
    type: Annotated[
        list[str] | None, Query(description="Only entities of these classes (Company, Country, ...).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Entities whose name or alias matches ``q`` (exact, prefix, then fuzzy), best first.

    An empty ``q`` lists all entities (of the given types). Browsers get an HTML list.
    """
    types = class_names(type)
    hits, total = await run_in_threadpool(services.index.search, q, types=types, limit=limit, offset=offset)
    items = [
        {
            "iri": h.iri,
            "id": local_id(h.iri),
            "label": h.label,
            "types": list(h.types),
            "matched": h.matched,
            "score": round(h.score, 2),
            "url": entity_url(h.iri),
        }
        for h in hits
    ]
    if prefers_html(request):
        return render_page(request, "search.html", {"q": q, "items": items, "total": total})
    body = {"total": total, "limit": limit, "offset": offset, "items": items}
    return Response(dump_json(body), media_type="application/json")


def _describe(services: ServicesDep, entity_id: str) -> tuple[str, bytes | None]:
    """(canonical IRI, JSON body) of an entity, or (IRI, None) when ``entity_id`` is not canonical."""
    iri = services.index.resolve(entity_id)
    if entity_id not in (iri, local_id(iri)):
        return iri, None
    data = describe_entity(services.kg.store, services.index, iri)
    for fact in (*data["facts_out"], *data["facts_in"]):
        fact["evidence"] = with_article_urls(fact["evidence"])
    for sanction in data["sanctions"]:
        sanction["evidence"] = with_article_urls(sanction["evidence"])
    return iri, dump_json(data)


@router.get(
    "/entities/{entity_id:path}",
    response_model=EntityOut,
    summary="Describe an entity",
    responses={**_PROBLEMS, 307: {"description": "A name or alias: redirect to the entity's canonical id."}},
)
async def get_entity(entity_id: str, request: Request, services: ServicesDep) -> Response:
    """Labels, aliases, types, Wikidata link, facts in and out (each with evidence: sentence,
    article, confidence) and the sanctions that apply.

    ``entity_id`` is a local id (``org/smic``), a full IRI, or a name or alias,
    which redirects (307) to the canonical id. Browsers are sent to the entity's page.
    """
    if prefers_html(request) and not entity_id.startswith(("http://", "https://")):
        iri = await run_in_threadpool(services.index.resolve, entity_id)
        return RedirectResponse(entity_url(iri) or "/", status_code=303)
    key = ("entity", entity_id)
    generation, cached = services.cache.get(key)
    if cached is None:
        cached = await run_in_threadpool(_describe, services, entity_id)
        services.cache.put(key, cached, generation)
    iri, body = cached
    if body is None:
        target = local_id(iri) or iri
        return RedirectResponse("/entities/" + quote(target, safe="/:"), status_code=307)
    page = entity_url(iri)
    headers = {"Link": f'<{page}>; rel="alternate"; type="text/html"'} if page and page.isascii() else {}
    return Response(body, media_type="application/json", headers=headers)
