"""The one table turning chipgraph errors into RFC 9457 problem details.

The domain raises :mod:`graph.errors` exceptions and knows nothing of HTTP;
:func:`install_error_handlers` (called once by ``create_app``) maps each class
to a status code and writes an ``application/problem+json`` body with
``type``, ``title``, ``status``, ``detail`` and ``instance``. The few errors
that only exist at the HTTP edge (406, 413, 415, 401) are declared here as
:class:`~graph.errors.ChipGraphError` subclasses so they go through the same
table.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    ArticleNotFound,
    ArticleTooLarge,
    ChipGraphError,
    ConfigError,
    EmptyArticle,
    EntityNotFound,
    IngestError,
    InvalidParameter,
    InvalidQuery,
    NotFound,
    QueryTimeout,
    RemoteStoreError,
    StoreError,
    StoreLocked,
    UnsafeInput,
    UnsupportedEncoding,
    WritesDisabled,
)

__all__ = [
    "PROBLEM_JSON",
    "PROBLEM_TYPE_BASE",
    "NotAcceptable",
    "RequestTooLarge",
    "Unauthorized",
    "UnsupportedMediaType",
    "document_problems",
    "install_error_handlers",
    "problem_response",
    "status_of",
]

log = logging.getLogger("chipgraph.api")

PROBLEM_JSON = "application/problem+json"
#: problem ``type`` IRIs are this base plus the error's ``kind``
PROBLEM_TYPE_BASE = "https://w3id.org/chipgraph/problems/"


class Unauthorized(WritesDisabled):
    """A write came without the right bearer token."""

    kind = "unauthorized"


class NotAcceptable(ChipGraphError):
    """The client accepts no media type this resource can be written in."""

    kind = "not-acceptable"


class UnsupportedMediaType(ChipGraphError):
    """The request body has a media type this endpoint does not read."""

    kind = "unsupported-media-type"


class RequestTooLarge(ChipGraphError):
    """The request body is larger than ``max_request_bytes``."""

    kind = "request-too-large"


#: error class -> HTTP status; the most specific class in an error's MRO wins
STATUS_BY_ERROR: Mapping[type[ChipGraphError], int] = {
    EntityNotFound: 404,
    ArticleNotFound: 404,
    NotFound: 404,
    InvalidQuery: 400,
    InvalidParameter: 400,
    EmptyArticle: 422,
    ArticleTooLarge: 413,
    UnsupportedEncoding: 415,
    UnsafeInput: 422,
    IngestError: 422,
    QueryTimeout: 503,
    Unauthorized: 401,
    WritesDisabled: 403,
    StoreLocked: 503,
    RemoteStoreError: 502,
    StoreError: 500,
    ConfigError: 500,
    NotAcceptable: 406,
    UnsupportedMediaType: 415,
    RequestTooLarge: 413,
    ChipGraphError: 500,
}


def status_of(exc: ChipGraphError) -> int:
    """HTTP status for a chipgraph error."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """An ``application/problem+json`` response (RFC 9457)."""
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + kind if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON)


async def _chipgraph_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChipGraphError)
    status = status_of(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="chipgraph"'
    if status in (503,):
        headers["Retry-After"] = "5"
    detail = str(exc) or exc.__doc__ or type(exc).__name__
    if status >= 500 and not isinstance(exc, QueryTimeout | StoreLocked | RemoteStoreError):
        log.exception("internal error on %s", request.url.path, exc_info=exc)
    return problem_response(request, status, detail, kind=exc.kind, headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(request, exc.status_code, detail, kind=kind, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(p['loc'])}: {p['msg']}" for p in problems) or "invalid request"
    return problem_response(request, 422, detail, kind="invalid-request", extra={"errors": problems})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem_response(request, 500, "internal server error", kind="internal-error")


_PROBLEM_REF = "#/components/schemas/ProblemOut"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def document_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document say what the handlers above send.

    Every error response (4xx, 5xx) is ``application/problem+json`` with the
    ``ProblemOut`` schema, the 422 of request validation included (FastAPI
    documents its own ``HTTPValidationError`` shape, which this API never
    sends); an operation with a request body also documents 413 (the body
    limit) and 415 (its media type).
    """
    from api.schemas import ProblemOut

    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ProblemOut", ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    problem = {PROBLEM_JSON: {"schema": {"$ref": _PROBLEM_REF}}}
    for operations in spec.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": "The request body is over the size limit."})
                responses.setdefault("415", {"description": "The request body has an unsupported media type."})
            for status, response in responses.items():
                if status[:1] in ("4", "5"):
                    response["content"] = dict(problem)
                    if status == "422" and response.get("description") == "Validation Error":
                        response["description"] = "A parameter or the body does not validate."
    for unused in ("HTTPValidationError", "ValidationError"):
        if not any(unused in str(path) for path in spec.get("paths", {}).values()):
            schemas.pop(unused, None)
    return spec


def install_error_handlers(app: FastAPI) -> None:
    """Register the handler table on an app (once, in ``create_app``)."""
    app.add_exception_handler(ChipGraphError, _chipgraph_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
