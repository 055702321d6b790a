"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and the update endpoint (``/sparql/update``).

Queries: GET ``?query=``, POST ``application/x-www-form-urlencoded`` or
``application/sparql-query``, with ``default-graph-uri`` / ``named-graph-uri``.
Without them the default graph is the union of all named graphs (the service
description says so with ``sd:UnionDefaultGraph``). Every query runs in the
:class:`~graph.sandbox.QuerySandbox` (time limit, row cap). A browser asking
for ``/sparql`` with no query gets the YASGUI page.

Updates need the bearer token and go to ``/sparql/update`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import KG, AppSettings, Sandbox, WriteAccess
from api.errors import NotAcceptable, UnsupportedMediaType
from api.pages import render_page
from graph.errors import InvalidQuery
from graph.store.results import RDF_MEDIA_TYPES, RESULT_MEDIA_TYPES, negotiate, rdf_format
from graph.store.sparql_text import apply_update_dataset, check_query_allowed, check_update_allowed
from graph.store.terms import check_iri, to_ntriples

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_MAX_FIELDS = 1000
VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"

_QUERY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            SPARQL_QUERY: {"schema": {"type": "string"}},
        },
    },
    "parameters": [
        {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    ],
}
_QUERY_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Query results (SELECT/ASK) or RDF (CONSTRUCT/DESCRIBE), as negotiated by Accept.",
        "content": {m: {} for m in [*RESULT_MEDIA_TYPES.values(), *RDF_MEDIA_TYPES.values()]},
    },
    400: {"description": "Malformed query, or an update sent to the query endpoint."},
    406: {"description": "No acceptable result format."},
    415: {"description": "Unsupported request media type."},
    503: {"description": "The query ran past the time limit and was cancelled."},
}
_UPDATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["update"],
                    "properties": {
                        "update": {"type": "string"},
                        "using-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "using-named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
            SPARQL_UPDATE: {"schema": {"type": "string"}},
        },
    },
    "parameters": [
        {"name": "using-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "using-named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    ],
}


# --------------------------------------------------------------------------- request parsing


def _media_type(request: Request) -> tuple[str, dict[str, str]]:
    header = request.headers.get("content-type", "")
    media, *params = [part.strip() for part in header.split(";")]
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"')
    return media.lower(), parsed


def _utf8(data: bytes, charset: str | None, what: str) -> str:
    if charset and charset.lower().replace("-", "") != "utf8":
        raise UnsupportedMediaType(f"the {what} must be UTF-8 encoded, not {charset}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidQuery(f"the {what} is not valid UTF-8 (byte {exc.start})") from exc


def _form(data: bytes, charset: str | None) -> list[tuple[str, str]]:
    text = _utf8(data, charset, "form body")
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS, errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidQuery(f"cannot read the form body: {exc}") from exc


def _iris(values: Iterable[str], parameter: str) -> list[str]:

    out = []
    for value in values:
        try:
            check_iri(value)
        except ValueError:
            raise InvalidQuery(f"{parameter} {value!r} is not a valid IRI") from None
        out.append(value)
    return out


def _exactly_one(values: list[str], name: str) -> str:
    if not values:
        raise InvalidQuery(f"the request has no '{name}' parameter")
    if len(values) > 1:
        raise InvalidQuery(f"the request has {len(values)} '{name}' parameters; exactly one is allowed")
    return values[0]


def _endpoint_url(request: Request, path: str) -> str:
    """This endpoint's URL, the base IRI of queries and updates.

    It is built from the Host header, which the client controls, so it is
    checked before it goes anywhere near SPARQL text.
    """
    from rdflib import URIRef

    url = str(request.base_url).rstrip("/") + path
    try:
        to_ntriples(URIRef(url))
    except ValueError:
        return "http://localhost" + path
    return url


# --------------------------------------------------------------------------- answering


async def _answer(
    request: Request,
    sandbox: Sandbox,
    query: str,
    default_graphs: list[str],
    named_graphs: list[str],
) -> Response:
    # tokenizing a request of up to max_request_bytes takes a while: not on the event loop
    kind = await run_in_threadpool(check_query_allowed, query)
    outcome_kind = "graph" if kind in ("construct", "describe") else kind
    media_type = negotiate(request.headers.get("accept"), outcome_kind)
    if media_type is None:
        offered = RESULT_MEDIA_TYPES.values() if outcome_kind != "graph" else RDF_MEDIA_TYPES.values()
        raise NotAcceptable(f"a {kind.upper()} result can be written as {', '.join(offered)}")
    result = await run_in_threadpool(
        sandbox.run,
        query,
        media_type,
        default_graphs=_iris(default_graphs, "default-graph-uri") or None,
        named_graphs=_iris(named_graphs, "named-graph-uri") or None,
        base_iri=_endpoint_url(request, "/sparql"),
    )
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["Chipgraph-Result-Truncated"] = str(sandbox.max_rows)
        headers["Warning"] = f'199 chipgraph "result truncated to {sandbox.max_rows} rows (CHIPGRAPH_MAX_ROWS)"'
    content_type = result.media_type
    if content_type.startswith("text/") or content_type in ("application/n-triples",):
        content_type += "; charset=utf-8"
    return Response(result.body, headers=headers, media_type=content_type)


def _wants_html(accept: str | None) -> bool:
    return bool(accept) and "text/html" in (accept or "").lower()


_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"


def _service_description(request: Request, settings: AppSettings) -> Response:
    media_type = negotiate(request.headers.get("accept"), "graph")
    if media_type is None:
        raise NotAcceptable("the service description can be written as " + ", ".join(RDF_MEDIA_TYPES.values()))
    endpoint = ox.NamedNode(_endpoint_url(request, "/sparql"))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + term)

    triples = [
        ox.Triple(endpoint, rdf_type, sd("Service")),
        ox.Triple(endpoint, sd("endpoint"), endpoint),
        ox.Triple(endpoint, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(endpoint, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(endpoint, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, sd("Graph")),
        ox.Triple(
            endpoint,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                "chipgraph SPARQL 1.1 endpoint (read-only). The default graph is the union of all named graphs "
                "unless default-graph-uri is given. Queries are cancelled after "
                f"{settings.query_timeout:g} s (503) and results capped at {settings.max_rows} rows "
                "(header Chipgraph-Result-Truncated). SERVICE is refused; FROM never fetches."
            ),
        ),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
        triples.append(ox.Triple(endpoint, sd("resultFormat"), ox.NamedNode(_FORMATS + name)))
    for name in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(endpoint, sd("resultFormat"), ox.NamedNode(_FORMATS + name)))
    body = ox.serialize(triples, format=rdf_format(media_type), prefixes={"sd": _SD}) or b""
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(
    "/sparql",
    summary="SPARQL query (GET)",
    responses=_QUERY_RESPONSES,  # type: ignore[arg-type]
    openapi_extra={
        "parameters": [
            {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "The SPARQL query."},
            *_QUERY_BODY["parameters"],  # type: ignore[misc]
        ]
    },
)
async def query_get(request: Request, sandbox: Sandbox, settings: AppSettings) -> Response:
    """Run a read-only SPARQL query given as ``?query=``.

    Without a query, a browser gets the YASGUI query page and other clients
    the SPARQL service description.
    """
    params = request.query_params
    if "update" in params:
        raise InvalidQuery("SPARQL Update is not accepted here: POST it to /sparql/update with the write token")
    queries = params.getlist("query")
    if not queries:
        if _wants_html(request.headers.get("accept")):
            return render_page(
                request,
                "sparql.html",
                {"assets": (VENDOR / "yasgui" / "yasgui.min.js").is_file(), "settings": settings},
            )
        return _service_description(request, settings)
    query = _exactly_one(queries, "query")
    return await _answer(
        request, sandbox, query, params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    )


@router.post(
    "/sparql",
    summary="SPARQL query (POST)",
    responses=_QUERY_RESPONSES,  # type: ignore[arg-type]
    openapi_extra=_QUERY_BODY,
)
async def query_post(request: Request, sandbox: Sandbox) -> Response:
    """Run a read-only SPARQL query sent as a form (``query=``) or as ``application/sparql-query``."""
    media, params = _media_type(request)
    url_params = request.query_params
    body = await request.body()
    default_graphs = url_params.getlist("default-graph-uri")
    named_graphs = url_params.getlist("named-graph-uri")
    if media == FORM:
        form = _form(body, params.get("charset"))
        if any(key == "update" for key, _ in form):
            raise InvalidQuery("SPARQL Update is not accepted here: POST it to /sparql/update with the write token")
        query = _exactly_one([v for k, v in form if k == "query"], "query")
        default_graphs += [v for k, v in form if k == "default-graph-uri"]
        named_graphs += [v for k, v in form if k == "named-graph-uri"]
    elif media == SPARQL_QUERY:
        if "query" in url_params:
            raise InvalidQuery("a direct POST carries the query in its body, not also in ?query=")
        query = _utf8(body, params.get("charset"), "query")
    elif media == SPARQL_UPDATE:
        raise InvalidQuery("SPARQL Update is not accepted here: POST it to /sparql/update with the write token")
    else:
        raise UnsupportedMediaType(f"POST a query as {FORM} or {SPARQL_QUERY}, not {media or 'no media type'}")
    return await _answer(request, sandbox, query, default_graphs, named_graphs)


@router.post(
    "/sparql/update",
    summary="SPARQL update (needs the write token)",
    status_code=204,
    responses={
        204: {"description": "The update was applied."},
        400: {"description": "Malformed update, or LOAD/SERVICE."},
        401: {"description": "Missing or wrong bearer token."},
        403: {"description": "Writes are disabled (no token configured)."},
    },
    openapi_extra=_UPDATE_BODY,
)
async def update_post(request: Request, kg: KG, _: WriteAccess) -> Response:
    """Run a SPARQL 1.1 update (``update=`` form or ``application/sparql-update``) as one transaction.

    ``using-graph-uri`` / ``using-named-graph-uri`` set the dataset of the
    update's WHERE clauses; relative IRIs resolve against this endpoint's URL.
    LOAD and SERVICE are refused.
    """
    media, params = _media_type(request)
    url_params = request.query_params
    body = await request.body()
    using = url_params.getlist("using-graph-uri")
    using_named = url_params.getlist("using-named-graph-uri")
    if media == FORM:
        form = _form(body, params.get("charset"))
        if any(key == "query" for key, _ in form):
            raise InvalidQuery("queries go to /sparql, not to the update endpoint")
        update = _exactly_one([v for k, v in form if k == "update"], "update")
        using += [v for k, v in form if k == "using-graph-uri"]
        using_named += [v for k, v in form if k == "using-named-graph-uri"]
    elif media == SPARQL_UPDATE:
        update = _utf8(body, params.get("charset"), "update")
    else:
        raise UnsupportedMediaType(f"POST an update as {FORM} or {SPARQL_UPDATE}, not {media or 'no media type'}")
    await run_in_threadpool(check_update_allowed, update)
    text = await run_in_threadpool(
        apply_update_dataset, update, _iris(using, "using-graph-uri"), _iris(using_named, "using-named-graph-uri")
    )
    text = f"BASE <{_endpoint_url(request, '/sparql/update')}>\n{text}"
    await run_in_threadpool(kg.update, text)
    return Response(status_code=204)
