"""``/relations``: statements between entities, filtered by subject, predicate and object."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from rdflib import URIRef
from rdflib.term import Node

from api.deps import ServicesDep
from api.presenters import entity_ref, predicate_iri, with_article_urls
from api.schemas import ProblemOut, RelationsOut
from graph.entities import evidence_for
from graph.ids import ID_BASE
from graph.prefixes import SPARQL_PREFIXES

__all__ = ["router"]

router = APIRouter(tags=["entities"])

_RELATIONS = (
    SPARQL_PREFIXES
    + """
SELECT ?s ?p ?o ?g WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && STRSTARTS(STR(?p), STR(cg:)) && ?p != cg:mentions
         && STRSTARTS(STR(?s), STR(id:)) && STRSTARTS(STR(?o), STR(id:))
         && !STRSTARTS(STR(?s), "ARTICLES"))
  FILTER NOT EXISTS { ?s a cg:Evidence }
}"""
).replace("ARTICLES", ID_BASE + "article/")


def _relations(
    services: ServicesDep, subject: str | None, predicate: str | None, obj: str | None, limit: int, offset: int
) -> dict[str, Any]:
    index = services.index
    bindings: dict[str, Node] = {}
    if subject:
        bindings["s"] = URIRef(index.resolve(subject))
    if predicate:
        bindings["p"] = predicate_iri(predicate)
    if obj:
        bindings["o"] = URIRef(index.resolve(obj))
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for row in services.kg.store.select(_RELATIONS, bindings):
        s = str(bindings.get("s", row.get("s")))
        p = str(bindings.get("p", row.get("p")))
        o = str(bindings.get("o", row.get("o")))
        grouped.setdefault((s, p, o), []).append(str(row["g"]))
    keys = sorted(grouped)
    items = []
    for s, p, o in keys[offset : offset + limit]:
        evidence = evidence_for(services.kg.store, URIRef(s), URIRef(p), URIRef(o))
        items.append(
            {
                "subject": entity_ref(index, s),
                "predicate": p.rsplit("#", 1)[-1],
                "predicate_iri": p,
                "object": entity_ref(index, o),
                "graphs": sorted(set(grouped[(s, p, o)])),
                "evidence": with_article_urls(evidence),
            }
        )
    return {"total": len(keys), "limit": limit, "offset": offset, "items": items}


@router.get(
    "/relations",
    response_model=RelationsOut,
    summary="Statements between entities",
    responses={400: {"model": ProblemOut}, 404: {"model": ProblemOut}},
)
async def list_relations(
    services: ServicesDep,
    subject: Annotated[str | None, Query(max_length=300, description="Entity id, IRI or name.")] = None,
    predicate: Annotated[str | None, Query(max_length=200, description="Ontology property, e.g. suppliesTo.")] = None,
    object: Annotated[str | None, Query(max_length=300, description="Entity id, IRI or name.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """``subject predicate object`` statements (all graphs merged) with their evidence.

    Every filter is optional; names are resolved like ``/entities/{id}``.
    """

    def relations() -> dict[str, Any]:
        with services.index.pinned():
            return _relations(services, subject, predicate, object, limit, offset)

    return await run_in_threadpool(relations)
