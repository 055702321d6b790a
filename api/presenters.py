"""Turning domain results into the JSON the routes return, and reading vocabulary parameters.

Shared by several routers: entity references with their page URL, evidence
with its article URL, and the check that a ``type`` or ``predicate``
parameter names a term of the ontology.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import URIRef

from api.pages import entity_url
from graph.entities import EntityIndex
from graph.errors import InvalidParameter
from graph.ids import article_id_of, is_article_iri, local_id
from graph.ontology import CG_NAMESPACE
from graph.vocab import CG

__all__ = [
    "CLASS_NAMES",
    "PROPERTY_NAMES",
    "article_url",
    "class_names",
    "dump_json",
    "entity_ref",
    "predicate_iri",
    "with_article_urls",
]

CLASS_NAMES = frozenset(name for name in CG.__annotations__ if name[:1].isupper())
PROPERTY_NAMES = frozenset(name for name in CG.__annotations__ if name[:1].islower())


def dump_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (cached responses are encoded once with this)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def article_url(graph_or_iri: str | None) -> str | None:
    """``/articles/<id>`` for an article IRI, else None."""
    if graph_or_iri and is_article_iri(graph_or_iri):
        return "/articles/" + article_id_of(graph_or_iri)
    return None


def entity_ref(index: EntityIndex, iri: str) -> dict[str, Any]:
    """IRI, local id, label and page URL of an entity."""
    return {"iri": iri, "id": local_id(iri), "label": index.label(iri), "url": entity_url(iri)}


def with_article_urls(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence records with the URL of their article added."""
    return [{**item, "article_url": article_url(item.get("article"))} for item in evidence]


def class_names(values: list[str] | None) -> set[str] | None:
    """Validated class local names (``Company``, ``cg:Company`` or the full IRI)."""
    if not values:
        return None
    names = set()
    for value in values:
        name = value.strip().removeprefix(CG_NAMESPACE).removeprefix("cg:")
        if name not in CLASS_NAMES:
            raise InvalidParameter(f"unknown type {value!r}; use one of {', '.join(sorted(CLASS_NAMES))}")
        names.add(name)
    return names


def predicate_iri(value: str) -> URIRef:
    """The IRI of an ontology property given as ``suppliesTo``, ``cg:suppliesTo`` or the full IRI."""
    name = value.strip().removeprefix(CG_NAMESPACE).removeprefix("cg:")
    if name not in PROPERTY_NAMES:
        raise InvalidParameter(f"unknown predicate {value!r}; use one of {', '.join(sorted(PROPERTY_NAMES))}")
    return URIRef(CG_NAMESPACE + name)
