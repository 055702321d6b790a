"""``/articles``: list, read (JSON or a page with highlighted mentions), ingest and remove articles."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from rdflib import URIRef

from api.deps import KG, AppSettings, ServicesDep, WriteAccess
from api.errors import UnsupportedMediaType
from api.pages import prefers_html, render_page
from api.presenters import dump_json
from api.schemas import ArticleIn, ArticleOut, ArticlesOut, IngestOut, ProblemOut
from graph.articles import decode_text
from graph.errors import ArticleNotFound, ArticleTooLarge, InvalidParameter
from graph.ids import local_id, mint_article
from graph.kg import IngestResult
from graph.prefixes import SPARQL_PREFIXES
from graph.records import Extraction
from graph.store import Store
from graph.store.terms import check_iri

__all__ = ["router"]

router = APIRouter(tags=["articles"])

_ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

_MENTIONS = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?label ?type ?alias WHERE { GRAPH ?a {
  ?a cg:mentions ?e .
  OPTIONAL { ?e rdfs:label ?label }
  OPTIONAL { ?e a ?type }
  OPTIONAL { ?e skos:altLabel ?alias }
} }"""
)
_FACTS = (
    SPARQL_PREFIXES
    + """
SELECT ?s ?p ?o ?sentence ?start ?end ?confidence ?rule WHERE { GRAPH ?a {
  ?ev a cg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      cg:sentence ?sentence ; cg:charStart ?start ; cg:charEnd ?end ; cg:confidence ?confidence ; cg:rule ?rule .
  FILTER(?p != rdf:type)
} } ORDER BY ?start ?s ?p ?o"""
)


# --------------------------------------------------------------------------- reading


def _find_spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    spans = []
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            before = text[start - 1] if start > 0 else " "
            after = text[end] if end < len(text) else " "
            # whole words only for names that start/end with a letter or digit
            if not (name[0].isalnum() and before.isalnum()) and not (name[-1].isalnum() and after.isalnum()):
                spans.append((start, end))
            start = text.find(name, end)
    return spans


def _mentions(store: Store, iri: URIRef, text: str) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(_MENTIONS, {"a": iri}):
        entity = str(row["e"])
        item = found.setdefault(entity, {"iri": entity, "label": "", "types": set(), "names": set()})
        if "label" in row:
            item["label"] = item["label"] or str(row["label"])
            item["names"].add(str(row["label"]))
        if "type" in row and str(row["type"]).startswith("https://w3id.org/chipgraph/ontology#"):
            item["types"].add(str(row["type"]).rsplit("#", 1)[-1])
        if "alias" in row:
            item["names"].add(str(row["alias"]))
    out = []
    for item in found.values():
        out.append(
            {
                "iri": item["iri"],
                "id": local_id(item["iri"]),
                "label": item["label"] or item["iri"].rsplit("/", 1)[-1],
                "types": sorted(item["types"]),
                "spans": sorted(_find_spans(text, list(item["names"]))),
            }
        )
    return sorted(out, key=lambda m: (m["spans"][0][0] if m["spans"] else len(text), m["label"]))


def _facts(store: Store, iri: URIRef, labels: dict[str, str]) -> list[dict[str, Any]]:
    facts = []
    for row in store.select(_FACTS, {"a": iri}):
        s, o = str(row["s"]), str(row["o"])
        facts.append(
            {
                "subject": s,
                "subject_label": labels.get(s, s.rsplit("/", 1)[-1]),
                "predicate": str(row["p"]).rsplit("#", 1)[-1],
                "object": o,
                "object_label": labels.get(o, o.rsplit("/", 1)[-1] if isinstance(row["o"], URIRef) else o),
                "sentence": str(row["sentence"]),
                "start": int(row["start"]),
                "end": int(row["end"]),
                "confidence": float(row["confidence"]),
                "rule": str(row["rule"]),
            }
        )
    return facts


def _read_article(kg: KG, article_id: str) -> dict[str, Any]:
    article = kg.article(article_id)
    iri = URIRef(article["iri"])
    mentions = _mentions(kg.store, iri, article["text"])
    labels = {m["iri"]: m["label"] for m in mentions}
    article["entities"] = mentions
    article["facts"] = _facts(kg.store, iri, labels)
    return article


def _segments(text: str, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut into plain and highlighted pieces (non-overlapping, longest names first)."""
    marks = sorted(
        ((start, end, m) for m in mentions for start, end in m["spans"]), key=lambda x: (x[0], -(x[1] - x[0]))
    )
    segments: list[dict[str, Any]] = []
    position = 0
    for start, end, mention in marks:
        if start < position:
            continue
        if start > position:
            segments.append({"text": text[position:start]})
        segments.append({"text": text[start:end], "iri": mention["iri"], "label": mention["label"]})
        position = end
    if position < len(text):
        segments.append({"text": text[position:]})
    return segments


@router.get("/articles", response_model=ArticlesOut, summary="List the stored articles")
async def list_articles(request: Request, kg: KG) -> Response:
    """Every stored article with its title, source, date and counts (browsers get a page)."""
    items = await run_in_threadpool(kg.articles)
    if prefers_html(request):
        return render_page(request, "articles.html", {"items": items})
    return Response(dump_json({"total": len(items), "items": items}), media_type="application/json")


@router.get(
    "/articles/{article_id}",
    response_model=ArticleOut,
    summary="One article: text, mentions and facts",
    responses={404: {"model": ProblemOut}},
)
async def get_article(article_id: str, request: Request, kg: KG) -> Response:
    """The article's text, the entities it mentions (with character spans) and the facts
    found in it. Browsers get the text with the mentions highlighted and linked."""
    article = await run_in_threadpool(_read_article, kg, article_id)
    if prefers_html(request):
        return render_page(
            request,
            "article.html",
            {"article": article, "segments": _segments(article["text"], article["entities"])},
        )
    return Response(dump_json(article), media_type="application/json")


# --------------------------------------------------------------------------- writing


def _check_metadata(article_id: str | None, url: str | None) -> None:
    if article_id is not None and not _ARTICLE_ID.fullmatch(article_id):
        raise InvalidParameter(
            "an article id is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    if url is not None:
        try:
            check_iri(url)
        except ValueError:
            raise InvalidParameter(f"url {url!r} is not a valid absolute URL") from None
        if not re.match(r"(?i)https?://[^/]", url):
            raise InvalidParameter("url must be an http(s) URL")


async def _read_text_body(request: Request, limit: int) -> str:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ArticleTooLarge(
            f"the article is {declared} bytes, over the limit of {limit} (CHIPGRAPH_MAX_ARTICLE_BYTES)"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ArticleTooLarge(f"the article is over the limit of {limit} bytes (CHIPGRAPH_MAX_ARTICLE_BYTES)")
        chunks.append(chunk)
    return decode_text(b"".join(chunks))


def _found(result: IngestResult, kg: KG) -> dict[str, Any]:
    extraction: Extraction | None = result.extraction
    if extraction is None:  # unchanged: report what the stored article holds
        stored = _read_article(kg, result.article_id)
        return {"entities": stored["entities"], "facts": stored["facts"], "sanctions": [], "warnings": []}
    text = extraction.article.text
    labels = {str(e.iri): e.label for e in extraction.entities}
    labels.update({str(s.iri): s.label for s in extraction.sanctions})
    entities = [
        {
            "iri": str(e.iri),
            "id": local_id(str(e.iri)),
            "label": e.label,
            "types": [str(e.cls).rsplit("#", 1)[-1]],
            "spans": sorted(set(e.spans)) or sorted(_find_spans(text, [e.label, *e.aliases])),
        }
        for e in extraction.entities
    ]
    facts = [
        {
            "subject": str(f.subject),
            "subject_label": labels.get(str(f.subject), str(f.subject).rsplit("/", 1)[-1]),
            "predicate": str(f.predicate).rsplit("#", 1)[-1],
            "object": str(f.object),
            "object_label": labels.get(str(f.object), str(f.object).rsplit("/", 1)[-1]),
            "sentence": f.evidence.sentence,
            "start": f.evidence.start,
            "end": f.evidence.end,
            "confidence": f.evidence.confidence,
            "rule": f.evidence.rule,
        }
        for f in extraction.facts
    ]
    sanctions = [
        {
            "iri": str(s.iri),
            "label": s.label,
            "kind": str(s.kind).rsplit("#", 1)[-1],
            "status": None if s.status is None else str(s.status).rsplit("#", 1)[-1],
            "date": None if s.date is None else str(s.date),
            "sentence": s.evidence.sentence,
        }
        for s in extraction.sanctions
    ]
    return {"entities": entities, "facts": facts, "sanctions": sanctions, "warnings": list(extraction.warnings)}


_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/json": {"schema": ArticleIn.model_json_schema()},
        },
    }
}


@router.post(
    "/articles",
    response_model=IngestOut,
    status_code=201,
    summary="Ingest an article (needs the write token)",
    openapi_extra=_INGEST_BODY,
    responses={
        200: {"model": IngestOut, "description": "Replaced an earlier version, or unchanged."},
        400: {"model": ProblemOut, "description": "Malformed JSON, or a bad id or url."},
        401: {"model": ProblemOut},
        403: {"model": ProblemOut},
        413: {"model": ProblemOut},
        415: {"model": ProblemOut},
        422: {"model": ProblemOut},
    },
)
async def ingest_article(
    request: Request,
    services: ServicesDep,
    settings: AppSettings,
    _: WriteAccess,
    title: Annotated[str | None, Query(max_length=1000, description="Title (text/plain bodies).")] = None,
    url: Annotated[str | None, Query(max_length=2000, description="Source URL (text/plain bodies).")] = None,
    published: Annotated[date | None, Query(alias="date", description="Publication date (text/plain).")] = None,
    article_id: Annotated[str | None, Query(alias="id", max_length=128, description="Article id (text/plain).")] = None,
) -> Response:
    """Extract entities, facts and sanctions from an article and store them in its own named graph.

    Send ``text/plain`` (metadata in the query string) or JSON ``{text, title, url, date, id}``.
    The same text again is left unchanged; a changed text under the same id replaces the old version.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "text/plain":
        text = await _read_text_body(request, settings.max_article_bytes)
        meta: dict[str, Any] = {"title": title, "url": url, "published": published, "article_id": article_id}
    elif media == "application/json":
        raw = await request.body()
        try:
            document = ArticleIn.model_validate(json.loads(raw))
        except (ValueError, UnicodeDecodeError) as exc:
            if isinstance(exc, ValidationError):
                raise RequestValidationError(exc.errors()) from exc
            raise InvalidParameter(f"the body is not valid JSON: {exc}") from exc
        text = decode_text(document.text.encode("utf-8", "surrogatepass"))
        meta = {"title": document.title, "url": document.url, "published": document.date, "article_id": document.id}
    else:
        raise UnsupportedMediaType(f"send the article as text/plain or application/json, not {media or 'nothing'}")
    _check_metadata(meta["article_id"], meta["url"])
    if meta["title"] is not None:
        meta["title"] = decode_text(str(meta["title"]).encode("utf-8", "surrogatepass"))
    kg = services.kg
    result = await run_in_threadpool(lambda: kg.ingest_text(text, **meta))
    found = await run_in_threadpool(_found, result, kg)
    body = {
        "article_id": result.article_id,
        "iri": result.iri,
        "url": f"/articles/{result.article_id}",
        "status": result.status,
        "triples": result.triples,
        **found,
    }
    status = 201 if result.status == "added" else 200
    headers = {"Location": f"/articles/{result.article_id}"}
    return Response(dump_json(body), status_code=status, media_type="application/json", headers=headers)


@router.delete(
    "/articles/{article_id}",
    status_code=204,
    summary="Remove an article and exactly the facts it contributed (needs the write token)",
    responses={401: {"model": ProblemOut}, 403: {"model": ProblemOut}, 404: {"model": ProblemOut}},
)
async def delete_article(article_id: str, kg: KG, _: WriteAccess) -> Response:
    """Drop the article's named graph: its facts disappear, the facts other articles support stay."""
    if not _ARTICLE_ID.fullmatch(article_id):
        raise ArticleNotFound(f"no article {article_id!r}")
    mint_article(article_id)
    await run_in_threadpool(kg.remove_article, article_id)
    return Response(status_code=204)
