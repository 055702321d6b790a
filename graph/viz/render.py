"""Pages from views: the one module that imports pyvis.

pyvis builds the node and edge records and the physics options; the page
itself comes from chipgraph's own Jinja2 template, never from pyvis's, because
pyvis 0.3.2 loads its scripts from CDNs and writes names and titles into the
page unescaped. Here:

* every text from an article or dataset reaches the page either through
  autoescaped ``{{ }}`` or inside the JSON data block, serialised with ``<``,
  ``>`` and ``&`` as ``\\u003c``, ``\\u003e`` and ``\\u0026`` in a
  ``<script type="application/json">`` the browser never runs; the page's
  script builds tooltips and menus with ``textContent`` only;
* nothing loads from the network: a standalone page (``chipgraph viz``)
  inlines vis-network (shipped in pyvis's package) and the page script under
  a per-page nonce and a Content-Security-Policy ``<meta>`` that forbids any
  other script and any connection; a served page (``/viz/...``) loads the
  same files from ``/viz/static/`` under the API's CSP header;
* big pages (more than :data:`~graph.viz.layout.PHYSICS_NODE_LIMIT` nodes)
  get a precomputed layout with physics off; smaller ones run physics for a
  bounded number of stabilisation iterations, then stop it.

>>> from graph.analytics import graph_from_facts
>>> from graph.viz.views import overview_view
>>> G = graph_from_facts([("org/a", "suppliesTo", "org/b")], labels={"org/a": "<script>x</script>"})
>>> html = render_page(overview_view(G))
>>> "<script>x</script>" in html, "\\\\u003cscript\\\\u003ex" in html
(False, True)
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from graph.analytics.results import EdgeEvidence
from graph.errors import NotFound
from graph.ids import article_id_of, is_article_iri, local_id
from graph.viz.layout import PHYSICS_NODE_LIMIT, spring_layout
from graph.viz.looks import edge_look, legend, node_look
from graph.viz.model import View, VizFact
from graph.viz.styles import SOURCE_LABELS, STATUS_LABELS, STYLES, style_of

__all__ = [
    "ASSETS",
    "PageOptions",
    "asset_path",
    "embed_json",
    "page_csp",
    "page_data",
    "render_page",
]

HERE = Path(__file__).resolve().parent
VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
#: the only files a page loads, by the name it asks for
ASSETS: dict[str, Path] = {
    "vis-network.min.js": VIS_DIR / "vis-network.min.js",
    "vis-network.css": VIS_DIR / "vis-network.css",
    "viz.js": HERE / "static" / "viz.js",
    "viz.css": HERE / "static" / "viz.css",
}
MAX_EVIDENCE = 3  # per fact, in tooltips
MAX_SENTENCE = 600
MAX_LABEL = 36  # characters drawn under a node (the tooltip has the full name)
_ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")

_env = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class PageOptions:
    """How a page is written.

    ``standalone`` pages inline every asset (files from ``chipgraph viz``);
    served pages load them from ``asset_base``. Entity and article links are
    ``link_base`` + ``/id/<local id>`` and ``/articles/<id>``.
    """

    standalone: bool = True
    asset_base: str = "/viz/static/"
    link_base: str = ""
    physics_iterations: int = 300
    physics_node_limit: int = PHYSICS_NODE_LIMIT
    nav: bool = False  # links and forms to the other views (served pages)


def asset_path(name: str) -> Path:
    """The file behind an asset name; only the names in :data:`ASSETS` exist."""
    path = ASSETS.get(name)
    if path is None or not path.is_file():
        raise NotFound(f"no page asset {name!r}")
    return path


def embed_json(data: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">`` (no ``<``, ``>``, ``&`` left).

    >>> str(embed_json({"a": "</script><b>&"}))
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - every markup character is escaped above


_SCRIPT_BREAKERS = re.compile(r"<(?=/script|!--|script)", re.IGNORECASE)


def _inline_script(text: str) -> Markup:
    # the vendored library writes "<script>" inside a string literal; "\x3C" keeps the HTML
    # parser from reading it (or "</script", "<!--") as markup, and means "<" in a string
    return Markup(_SCRIPT_BREAKERS.sub(r"\\x3C", text))  # noqa: S704 - our own and vendored code, not data


def _inline_style(text: str) -> Markup:
    return Markup(re.sub(r"<(?=/style)", r"\\3C ", text, flags=re.IGNORECASE))  # noqa: S704 - vendored stylesheet


def page_csp(nonce: str | None = None) -> str:
    """The Content-Security-Policy of a page: nothing but this page's (or this server's) own code.

    With a ``nonce`` (standalone files, delivered in a ``<meta>``, where
    ``frame-ancestors`` is not allowed) only the page's own inline code runs;
    without, only scripts and styles from the server itself.
    """
    own = f"'nonce-{nonce}'" if nonce else "'self'"
    policy = (
        f"default-src 'none'; script-src {own}; style-src {own}; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'none'; form-action 'self'; base-uri 'none'"
    )
    return policy if nonce else policy + "; frame-ancestors 'none'"


# -- records ------------------------------------------------------------------------------


def _node_key(iri: str) -> str:
    return local_id(iri) or iri


def _entity_url(iri: str, options: PageOptions) -> str | None:
    local = local_id(iri)
    if local is None or not _LOCAL_ID.fullmatch(local):
        return None
    return f"{options.link_base}/id/{local}"


def _article_url(article: str | None, options: PageOptions) -> tuple[str | None, str | None]:
    if not article or not is_article_iri(article):
        return None, None
    ident = article_id_of(article)
    if not _ARTICLE_ID.fullmatch(ident):
        return ident, None
    return ident, f"{options.link_base}/articles/{ident}"


def _evidence(ev: EdgeEvidence, options: PageOptions) -> dict[str, Any]:
    article, url = _article_url(ev.article, options)
    sentence = ev.sentence
    if sentence and len(sentence) > MAX_SENTENCE:
        sentence = sentence[: MAX_SENTENCE - 1] + "\u2026"
    return {
        "sentence": sentence,
        "article": article,
        "articleUrl": url,
        "published": ev.published,
        "confidence": round(ev.confidence, 3),
        "source": SOURCE_LABELS.get(ev.source, ev.source),
        "row": ev.row,
        "rule": ev.rule,
    }


def _fact(fact: VizFact, options: PageOptions) -> dict[str, Any]:
    return {
        "label": fact.label,
        "predicate": fact.predicate,
        "layer": fact.layer,
        "confidence": round(fact.confidence, 3),
        "share": fact.share,
        "between": list(fact.between) if fact.between else None,
        "evidence": [_evidence(ev, options) for ev in fact.evidence[:MAX_EVIDENCE]],
        "more": max(0, len(fact.evidence) - MAX_EVIDENCE),
    }


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026"


def _filters(view: View, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The filter groups a page offers: type (nodes), source (arrows), status (sanctions)."""
    groups: list[dict[str, Any]] = []
    kinds = [s for s in STYLES if any(n.kind == s.kind for n in view.nodes)]
    if len(kinds) > 1:
        values = [
            {"value": s.kind, "label": s.label, "count": sum(1 for n in view.nodes if n.kind == s.kind)} for s in kinds
        ]
        groups.append({"name": "type", "label": "Type", "target": "node", "field": "kind", "values": values})
    counts = Counter(s for e in edges for s in e["sources"])
    if counts:
        values = [{"value": s, "label": SOURCE_LABELS.get(s, s), "count": counts[s]} for s in sorted(counts)]
        groups.append({"name": "source", "label": "Source", "target": "edge", "field": "sources", "values": values})
    statuses = Counter(n.status or "" for n in view.nodes if n.kind == "Sanction")
    if view.kind == "sanctions" and statuses:
        order = [*STATUS_LABELS, ""]
        values = [
            {"value": s, "label": STATUS_LABELS.get(s, "unknown"), "count": statuses[s]}
            for s in sorted(statuses, key=order.index)
        ]
        groups.append({"name": "status", "label": "Status", "target": "node", "field": "status", "values": values})
    return groups


def _vis_options(physics: bool, size: int, options: PageOptions) -> dict[str, Any]:
    net = Network(directed=True)
    net.force_atlas_2based(
        gravity=-90, central_gravity=0.01, spring_length=120, spring_strength=0.05, damping=0.5, overlap=0.4
    )
    vis: dict[str, Any] = json.loads(net.options.to_json())
    vis.pop("configure", None)
    vis["physics"]["enabled"] = physics
    vis["physics"]["minVelocity"] = 1.0
    vis["physics"]["stabilization"] = {
        "enabled": physics,
        "iterations": max(1, options.physics_iterations),
        "updateInterval": 25,
        "fit": True,
        "onlyDynamicEdges": False,
    }
    big = size > options.physics_node_limit
    vis["edges"] = {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
        "smooth": False if big else {"enabled": True, "type": "curvedCW", "roundness": 0.12},
        "font": {"size": 10, "align": "top", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "selectionWidth": 1.5,
        "hoverWidth": 1.0,
        "scaling": {"label": {"enabled": False}},
    }
    # big pages open zoomed far out: larger hubs and labels keep their names readable there
    vis["nodes"] = {
        "scaling": {
            "min": 8,
            "max": 56 if big else 30,
            "label": {"enabled": True, "min": 11, "max": 40 if big else 18, "drawThreshold": 5, "maxVisible": 24},
        },
        "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
    }
    vis["interaction"] = {
        "hover": True,
        "tooltipDelay": 3_600_000,  # the page draws its own text-only tooltips
        "hideEdgesOnDrag": big,
        "hideEdgesOnZoom": big,
        "keyboard": False,
        "navigationButtons": False,
        "multiselect": False,
    }
    vis["layout"] = {"improvedLayout": size <= 100, "randomSeed": 7}
    return vis


def page_data(view: View, options: PageOptions | None = None) -> dict[str, Any]:
    """The data block of a page: vis nodes and edges (built with pyvis), options, legend, filters."""
    options = options or PageOptions()
    net = Network(directed=True)
    size = len(view.nodes)
    physics = size <= options.physics_node_limit
    keys = {n.iri: _node_key(n.iri) for n in view.nodes}
    positions: dict[str, tuple[float, float]] = {}
    if not physics:
        positions = spring_layout(
            [keys[n.iri] for n in view.nodes], [(keys[e.source], keys[e.target]) for e in view.edges]
        )
    default_mode = view.modes[-1] if view.modes else None
    for node in view.nodes:
        style = style_of(node.kind)
        look = node_look(node, view, default_mode)
        extra: dict[str, Any] = {}
        if node.iri in keys and keys[node.iri] in positions:
            extra.update(x=positions[keys[node.iri]][0], y=positions[keys[node.iri]][1], physics=False)
        if view.modes:
            extra["modes"] = {mode: node_look(node, view, mode) for mode in view.modes}
        net.add_node(
            keys[node.iri],
            label=_short(node.caption or node.label),
            shape=style.shape,
            value=max(node.size, 0.5),
            name=node.label,
            kind=node.kind,
            role=node.role,
            status=node.status,
            sources=list(node.sources),
            url=_entity_url(node.iri, options),
            tip=[[k, v] for k, v in node.details],
            **look,
            **extra,
        )
    weights = [e.weight for e in view.edges] or [1.0]
    top = max(weights)
    for i, edge in enumerate(view.edges):
        width = 1.2 + (5.0 * edge.weight / top if top > 1 else 0.0)
        extra = {}
        if view.modes:
            extra["modes"] = {mode: edge_look(edge, view, mode, width) for mode in view.modes}
        net.add_edge(
            keys[edge.source],
            keys[edge.target],
            id=f"e{i}",
            role=edge.role,
            sources=list(edge.sources),
            facts=[_fact(f, options) for f in edge.facts],
            **edge_look(edge, view, default_mode, width),
            **extra,
        )
    edge_ids: dict[tuple[str, str], str] = {(e["from"], e["to"]): e["id"] for e in net.edges}
    paths = []
    for text, iris in view.paths:
        ids = [keys.get(i, _node_key(i)) for i in iris]
        pairs = list(itertools.pairwise(ids))
        paths.append(
            {
                "text": text,
                "nodes": ids,
                "edges": [
                    edge_ids.get(p) or edge_ids.get((p[1], p[0]))
                    for p in pairs
                    if p in edge_ids or (p[1], p[0]) in edge_ids
                ],
            }
        )
    return {
        "view": {"kind": view.kind, "title": view.title, "modes": list(view.modes), "mode": default_mode},
        "layout": {"physics": physics, "iterations": options.physics_iterations, "precomputed": not physics},
        "options": _vis_options(physics, size, options),
        "nodes": net.nodes,
        "edges": net.edges,
        "legend": legend(view),
        "filters": _filters(view, net.edges),
        "paths": paths,
    }


def _asset_text(name: str) -> str:
    return asset_path(name).read_text(encoding="utf-8")


def render_page(view: View, options: PageOptions | None = None) -> str:
    """The HTML page of a view (see the module docstring for how it stays safe and offline)."""
    options = options or PageOptions()
    nonce = secrets.token_urlsafe(18) if options.standalone else None
    context: dict[str, Any] = {
        "view": view,
        "options": options,
        "data_json": embed_json(page_data(view, options)),
        "nonce": nonce,
        "csp": page_csp(nonce) if options.standalone else None,
    }
    if options.standalone:
        context["inline"] = {
            "vis_css": _inline_style(_asset_text("vis-network.css")),
            "viz_css": _inline_style(_asset_text("viz.css")),
            "vis_js": _inline_script(_asset_text("vis-network.min.js")),
            "viz_js": _inline_script(_asset_text("viz.js")),
        }
    return _env.get_template("page.html").render(**context)
