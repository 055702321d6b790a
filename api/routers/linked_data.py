"""Linked data: ``/id/...`` dereferences chipgraph's entity IRIs.

``https://w3id.org/chipgraph/id/org/smic`` is served here as ``/id/org/smic``:
an HTML page for browsers (names, types, Wikidata link, facts in and out with
their evidence, sanctions, articles), and the entity's triples from every graph
as Turtle, JSON-LD, N-Triples or RDF/XML for machines.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from rdflib import URIRef

from api.deps import ServicesDep
from api.errors import NotAcceptable
from api.pages import prefers_html, render_page
from api.presenters import article_url, with_article_urls
from api.schemas import ProblemOut
from graph.entities import describe_entity
from graph.errors import EntityNotFound
from graph.ids import ID_BASE, article_id_of, is_article_iri
from graph.prefixes import PREFIXES, SPARQL_PREFIXES
from graph.store.results import RDF_MEDIA_TYPES, GraphOutcome, negotiate, serialize_outcome
from graph.store.terms import check_iri

__all__ = ["router"]

router = APIRouter(tags=["linked data"])

_TRIPLES = (
    SPARQL_PREFIXES
    + """
CONSTRUCT { ?e ?p ?o . ?s ?q ?e } WHERE {
  { ?e ?p ?o }
  UNION
  { ?s ?q ?e FILTER(?q NOT IN (cg:mentions, rdf:subject, rdf:object)) }
}"""
)
_EXISTS = "ASK { ?e ?p ?o }"
_OUTGOING = "SELECT DISTINCT ?p ?o WHERE { ?e ?p ?o } ORDER BY ?p ?o LIMIT 500"
_RDF_TYPES = [m for m in RDF_MEDIA_TYPES.values() if m not in ("application/n-quads", "application/trig", "text/n3")]


def _serialize_triples(services: ServicesDep, iri: str, media_type: str) -> bytes:
    outcome = services.kg.store.evaluate(_TRIPLES, bindings={"e": URIRef(iri)})
    assert isinstance(outcome, GraphOutcome)
    result = serialize_outcome(outcome, media_type)
    if media_type == RDF_MEDIA_TYPES["turtle"]:
        # add readable prefixes: pyoxigraph's plain serialisation writes full IRIs
        import pyoxigraph as ox

        triples = list(ox.parse(result.body, format=ox.RdfFormat.TURTLE))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return result.body


def _entity_page(services: ServicesDep, iri: str) -> dict[str, Any] | None:
    index = services.index
    if index.types(iri):
        data = describe_entity(services.kg.store, index, iri)
        for fact in (*data["facts_out"], *data["facts_in"]):
            fact["evidence"] = with_article_urls(fact["evidence"])
        for sanction in data["sanctions"]:
            sanction["evidence"] = with_article_urls(sanction["evidence"])
        data["article_links"] = [
            {"iri": a, "url": article_url(a), "id": article_id_of(a) if is_article_iri(a) else a}
            for a in data["articles"]
        ]
        data["kind"] = "entity"
        return data
    if not services.kg.store.ask(_EXISTS, {"e": URIRef(iri)}):
        return None
    rows = services.kg.store.select(_OUTGOING, {"e": URIRef(iri)})
    return {
        "kind": "node",
        "iri": iri,
        "label": index.label(iri),
        "triples": [
            {"predicate": str(r["p"]), "object": str(r["o"]), "is_iri": isinstance(r["o"], URIRef)} for r in rows
        ],
    }


def _is_iri(value: str) -> bool:
    try:
        check_iri(value)
    except ValueError:
        return False
    return True


@router.get(
    "/id/{path:path}",
    summary="Dereference an entity IRI (HTML or RDF by Accept)",
    responses={
        200: {
            "description": "An HTML page for browsers; the entity's triples for RDF clients.",
            "content": {"text/html": {}, **{m: {} for m in _RDF_TYPES}},
        },
        303: {"description": "An article IRI: see the article."},
        404: {"model": ProblemOut},
        406: {"model": ProblemOut},
    },
)
async def dereference(path: str, request: Request, services: ServicesDep) -> Response:
    """``https://w3id.org/chipgraph/id/<path>`` on this server, with content negotiation."""
    iri = ID_BASE + path
    if is_article_iri(iri):
        return RedirectResponse(f"/articles/{article_id_of(iri)}", status_code=303)
    html = prefers_html(request)
    media_type = None if html else negotiate(request.headers.get("accept"), "graph")
    if not html and (media_type is None or media_type not in _RDF_TYPES):
        raise NotAcceptable("an entity can be written as text/html, " + ", ".join(_RDF_TYPES))
    if not path or not _is_iri(iri):
        raise EntityNotFound(f"no entity {iri}")
    key = ("page", iri)
    generation, page = services.cache.get(key)
    if page is None:
        page = await run_in_threadpool(_entity_page, services, iri)
        if page is None:
            raise EntityNotFound(f"no entity {iri}")
        services.cache.put(key, page, generation)
    headers = {"Vary": "Accept"}
    if iri.isascii():
        headers["Link"] = f'<{iri}>; rel="canonical"'
    if html:
        response = render_page(request, "entity.html" if page["kind"] == "entity" else "node.html", {"e": page})
        response.headers.update(headers)
        return response
    assert media_type is not None
    body = await run_in_threadpool(_serialize_triples, services, iri, media_type)
    return Response(body, media_type=media_type, headers=headers)
