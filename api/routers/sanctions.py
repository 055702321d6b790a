"""``/sanctions``: export controls, entity listings, tariffs, exemptions and counter-sanctions."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from rdflib import RDF, URIRef

from api.deps import ServicesDep
from api.presenters import entity_ref, with_article_urls
from api.schemas import ProblemOut, SanctionsOut
from graph.entities import evidence_for
from graph.errors import InvalidParameter
from graph.ids import ID_BASE, local_id
from graph.ontology import CG_NAMESPACE
from graph.prefixes import SPARQL_PREFIXES
from graph.store import Store

__all__ = ["router"]

router = APIRouter(tags=["sanctions"])

_SANCTIONS = (
    SPARQL_PREFIXES
    + """
SELECT ?s ?kind ?label ?status ?date ?threshold WHERE {
  ?s a ?kind . ?kind rdfs:subClassOf* cg:Sanction .
  FILTER(STRSTARTS(STR(?s), STR(id:)))
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s cg:status ?status }
  OPTIONAL { ?s cg:date ?date }
  OPTIONAL { ?s cg:thresholdNm ?threshold }
}"""
)
_PARTIES = (
    SPARQL_PREFIXES
    + """
SELECT DISTINCT ?s ?role ?x WHERE {
  VALUES ?role { cg:imposedBy cg:targets cg:restricts cg:exempts }
  ?s ?role ?x . ?s a ?kind . ?kind rdfs:subClassOf* cg:Sanction .
}"""
)
_STATUSES = ("InForce", "Proposed", "Considered", "Threatened", "Extended", "Lifted")
_ROLE_KEYS = {"imposedBy": "imposed_by", "targets": "targets", "restricts": "restricts", "exempts": "exempts"}


def _status_name(value: str) -> str:
    wanted = re.sub(r"[^a-z]", "", value.lower().rsplit("#", 1)[-1])
    for name in _STATUSES:
        if name.lower() == wanted:
            return name
    raise InvalidParameter(f"unknown status {value!r}; use one of {', '.join(_STATUSES)}")


def _date_key(value: str | None) -> str | None:
    """ISO text of an xsd:date, gYearMonth or gYear, padded to a full date for comparison."""
    if not value:
        return None
    parts = value[:10].split("-")
    if not parts[0].isdigit():
        return None
    year = parts[0]
    month = parts[1] if len(parts) > 1 and parts[1].isdigit() else "01"
    day = parts[2] if len(parts) > 2 and parts[2][:2].isdigit() else "01"
    return f"{year}-{month}-{day[:2]}"


def _evidence(store: Store, record: dict[str, Any], kind_iri: str | None) -> list[dict[str, Any]]:
    """Evidence of the sanction itself and of each of its parties, one entry per sentence."""
    sanction = URIRef(record["iri"])
    statements: list[tuple[URIRef, URIRef]] = [(RDF.type, URIRef(kind_iri))] if kind_iri else []
    for role, field in _ROLE_KEYS.items():
        statements += [(URIRef(CG_NAMESPACE + role), URIRef(p["iri"])) for p in record[field]]
    seen: set[tuple[str, Any, Any]] = set()
    out = []
    for predicate, obj in statements:
        for item in evidence_for(store, sanction, predicate, obj):
            key = (item["graph"], item["sentence"], item["row"])
            if key not in seen:
                seen.add(key)
                out.append(item)
    return sorted(out, key=lambda e: -e["confidence"])


def _sanctions(
    services: ServicesDep, imposer: str | None, target: str | None, status: str | None, as_of: date | None
) -> dict[str, Any]:
    index = services.index
    store = services.kg.store
    imposer_iri = index.resolve(imposer) if imposer else None
    target_iri = index.resolve(target) if target else None
    status_name = _status_name(status) if status else None
    records: dict[str, dict[str, Any]] = {}
    for row in store.select(_SANCTIONS):
        iri = str(row["s"])
        record = records.setdefault(
            iri,
            {
                "iri": iri,
                "id": local_id(iri),
                "label": str(row["label"]) if "label" in row else index.label(iri),
                "kind": "Sanction",
                "kind_iri": None,
                "status": None,
                "date": None,
                "threshold_nm": None,
                "imposed_by": [],
                "targets": [],
                "restricts": [],
                "exempts": [],
            },
        )
        kind = str(row["kind"])
        if kind.rsplit("#", 1)[-1] != "Sanction" or record["kind_iri"] is None:
            record["kind"], record["kind_iri"] = kind.rsplit("#", 1)[-1], kind
        if "status" in row:
            record["status"] = str(row["status"]).rsplit("#", 1)[-1]
        if "date" in row:
            record["date"] = str(row["date"])
        if "threshold" in row:
            record["threshold_nm"] = float(row["threshold"])
    for row in store.select(_PARTIES):
        holder = records.get(str(row["s"]))
        if holder is None:
            continue
        key = _ROLE_KEYS[str(row["role"]).rsplit("#", 1)[-1]]
        party = str(row["x"])
        if party.startswith(ID_BASE) and party not in [p["iri"] for p in holder[key]]:
            holder[key].append(entity_ref(index, party))
    as_of_key = as_of.isoformat() if as_of else None
    items = []
    for record in sorted(records.values(), key=lambda r: (r["date"] or "", r["label"]), reverse=True):
        if imposer_iri and imposer_iri not in {p["iri"] for p in record["imposed_by"]}:
            continue
        if target_iri and target_iri not in {p["iri"] for p in (*record["targets"], *record["restricts"])}:
            continue
        if status_name and record["status"] != status_name:
            continue
        if as_of_key:
            when = _date_key(record["date"])
            if when is None or when > as_of_key:
                continue
        kind_iri = record.pop("kind_iri")
        record["evidence"] = with_article_urls(_evidence(store, record, kind_iri))
        items.append(record)
    return {"total": len(items), "items": items}


@router.get(
    "/sanctions",
    response_model=SanctionsOut,
    summary="Sanctions by imposer, target, status and date",
    responses={400: {"model": ProblemOut}, 404: {"model": ProblemOut}},
)
async def list_sanctions(
    services: ServicesDep,
    imposer: Annotated[str | None, Query(max_length=300, description="Who imposes it (id, IRI or name).")] = None,
    target: Annotated[
        str | None, Query(max_length=300, description="Who or what it targets or restricts (id, IRI or name).")
    ] = None,
    status: Annotated[
        str | None, Query(max_length=40, description="InForce, Proposed, Considered, Threatened, Extended, Lifted.")
    ] = None,
    as_of: Annotated[date | None, Query(description="Only sanctions dated on or before this day (YYYY-MM-DD).")] = None,
) -> dict[str, Any]:
    """Sanctions with their kind, status, date, imposers, targets, restricted items,
    exemptions and evidence, newest first."""

    def sanctions() -> dict[str, Any]:
        with services.index.pinned():
            return _sanctions(services, imposer, target, status, as_of)

    return await run_in_threadpool(sanctions)
