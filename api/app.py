"""The chipgraph web service: REST API, SPARQL 1.1 endpoint and linked-data pages.

``create_app`` is the factory ``chipgraph serve`` hands to uvicorn::

    uvicorn --factory api.app:create_app

Given no knowledge graph it opens the configured one in the lifespan and
closes it on shutdown; given one (tests, notebooks) it leaves it open.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from api.deps import GenerationCache, Services
from api.errors import document_problems, install_error_handlers
from api.limits import BodySizeLimit
from api.pages import render_page
from api.routers import analytics, articles, entities, health, linked_data, relations, sanctions, sparql
from graph.entities import EntityIndex
from graph.kg import KnowledgeGraph
from graph.sandbox import QuerySandbox
from graph.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("chipgraph.api")

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER = "/static/vendor/swagger-ui/"

DESCRIPTION = """
A knowledge graph of the global chip supply chain, built from news, with the evidence
(sentence, article, confidence) of every fact.

* **SPARQL 1.1** at `/sparql` (read-only, SPARQL 1.1 Protocol; the default graph is the union of
  all named graphs unless `default-graph-uri` is given) and `/sparql/update` (bearer token).
* **Linked data**: every entity IRI `https://w3id.org/chipgraph/id/...` dereferences at `/id/...`
  (HTML for browsers, Turtle / JSON-LD / N-Triples / RDF/XML for machines).
* Errors are RFC 9457 `application/problem+json`. Writes need `Authorization: Bearer <CHIPGRAPH_TOKEN>`.
"""

#: routers of this package, one per resource, in the order the docs list them
ROUTERS: tuple[APIRouter, ...] = (
    entities.router,
    relations.router,
    sanctions.router,
    analytics.router,
    articles.router,
    sparql.router,
    linked_data.router,
    health.router,
)

#: routers other packages may provide (the pyvis pages); included when importable
OPTIONAL_ROUTERS = ("api.routers.viz",)


def _include_optional_routers(app: FastAPI) -> None:
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        app.include_router(module.router)


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> FastAPI:
    """Build the FastAPI application (uvicorn factory)."""
    if settings is None:
        settings = kg.settings if kg is not None else Settings.model_validate({})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = kg is None
        graph = kg if kg is not None else await run_in_threadpool(KnowledgeGraph.open, settings)
        sandbox = QuerySandbox(
            graph, workers=settings.query_workers, timeout=settings.query_timeout, max_rows=settings.max_rows
        )
        app.state.services = Services(settings, graph, EntityIndex(graph.store), sandbox, GenerationCache(graph))
        log.info("serving %s", settings.store_label())
        try:
            yield
        finally:
            sandbox.close()
            if own:
                graph.close()

    app = FastAPI(
        title="chipgraph",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    generate_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    def body_limit(scope: Scope) -> int:
        return settings.max_request_bytes

    app.add_middleware(BodySizeLimit, limit=body_limit)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=["Chipgraph-Result-Truncated", "Warning", "Location"],
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _include_optional_routers(app)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="chipgraph API",
            swagger_js_url=SWAGGER + "swagger-ui-bundle.js",
            swagger_css_url=SWAGGER + "swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
        )

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        services: Services = request.app.state.services
        return render_page(request, "home.html", {"settings": settings, "backend": services.kg.store.backend})

    return app
