"""HTML pages: one Jinja2 environment with autoescaping, one way to render.

Everything that came from an article (names, sentences, titles) reaches a
page only through ``{{ ... }}`` with autoescaping on, and pages forbid inline
scripts through a Content-Security-Policy, so a name like
``<img onerror=...>`` shows as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.ids import ID_BASE, local_id

__all__ = ["CSP", "TEMPLATES_DIR", "entity_url", "prefers_html", "render_page"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

#: pages load scripts and styles only from this server; no inline scripts
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def entity_url(iri: str) -> str | None:
    """Path of an entity's page on this server (``/id/org/smic``), None for foreign IRIs."""
    local = local_id(iri)
    return None if local is None else "/id/" + local


def _short(iri: str) -> str:
    if iri.startswith(ID_BASE):
        return iri[len(ID_BASE) :]
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def _safe_url(url: str | None) -> str:
    """Only http(s) links from data reach an href (no ``javascript:`` or ``data:``)."""
    text = (url or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


_env.globals["entity_url"] = entity_url
_env.filters["short"] = _short
_env.filters["safe_url"] = _safe_url


def render_page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a template into an HTML response with the security headers pages need."""
    html = _env.get_template(template).render(request=request, **context)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Vary": "Accept",
        },
    )


def prefers_html(request: Request) -> bool:
    """Whether the client (a browser) asks for HTML before JSON or RDF."""
    accept = (request.headers.get("accept") or "").lower()
    if "text/html" not in accept:
        return False
    html = accept.find("text/html")
    others = [accept.find(m) for m in ("application/json", "text/turtle", "application/ld+json") if m in accept]
    return not others or html < min(others)
