"""How nodes and arrows look on a page, by kind, role and scenario mode, and the legend saying so.

Views give nodes and arrows *roles* (``focus``, ``path``, ``cut``, ``lost``...,
see :data:`graph.viz.styles.ROLE_STYLES`); this module turns a node or an
arrow into vis-network options: fill from the kind (or the role, for the
country view), outline for marked roles, dashes for cuts and lost paths,
faint colours for context. Scenario pages get options per mode: in
``before`` the scenario's marks are not shown.

>>> from graph.viz.model import View, VizNode
>>> node = VizNode("x", "X", "Company", ("Company",), (), role="lost")
>>> view = View("whatif", "t", "d", (node,), (), modes=("before", "after"))
>>> node_look(node, view, "after")["borderWidth"], node_look(node, view, "before")["borderWidth"]
(4, 1.2)
"""

from __future__ import annotations

from typing import Any

from graph.viz.model import View, VizEdge, VizNode
from graph.viz.styles import FILL_ROLES, ROLE_STYLES, STYLES, style_of

__all__ = ["dashed_status", "edge_look", "legend", "node_look", "rgba"]


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` with an alpha, as CSS ``rgba()``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


_ROLE = {r.role: r for r in ROLE_STYLES}
_NODE_MARKS = frozenset(r.role for r in ROLE_STYLES if r.node and r.role not in FILL_ROLES)
_LINE_DASHES: dict[str, Any] = {"solid": False, "dashed": [8, 5], "dotted": [2, 5]}
#: roles that only show after a scenario is applied
_AFTER_ONLY = frozenset({"removed", "lost", "lost-some", "cut", "surviving"})


def node_look(node: VizNode, view: View, mode: str | None) -> dict[str, Any]:
    """vis options of a node in a mode (``None``: the view has no modes)."""
    base = _ROLE[node.role].colour if node.role in FILL_ROLES else style_of(node.kind).colour
    faint = view.dim_others and node.role is None
    role = None if mode == "before" and node.role in _AFTER_ONLY else node.role
    marked = role in _NODE_MARKS
    fill = rgba(base, 0.35) if faint or (mode == "after" and role == "removed") else base
    border = _ROLE[role].colour if marked and role else rgba("#000000", 0.35)
    return {
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": base, "border": "#111111"},
            "hover": {"background": base, "border": "#111111"},
        },
        "borderWidth": 4 if marked else 1.2,
        "font": {"color": "#9aa3b2" if faint else "#1d2330"},
        "shapeProperties": {"borderDashes": [6, 4] if role == "removed" or dashed_status(node) else False},
    }


def dashed_status(node: VizNode) -> bool:
    """Whether a sanction is drawn with a dashed outline (not in force)."""
    return node.kind == "Sanction" and (node.status or "") not in ("InForce", "Extended")


def edge_look(edge: VizEdge, view: View, mode: str | None, width: float) -> dict[str, Any]:
    """vis options of an arrow in a mode."""
    role = None if mode == "before" and edge.role in _AFTER_ONLY else edge.role
    faint = view.dim_others and edge.role is None
    colour = "#c3c8d2" if faint else "#8a93a6"
    label = edge.label
    dashes: Any = False
    if role is not None:
        style = _ROLE[role]
        colour, dashes = style.colour, _LINE_DASHES[style.line]
        if role in ("path", "lost", "surviving", "nearest"):
            width += 2.5
    if mode == "before" and edge.role == "lost":
        colour, width = rgba(_ROLE["lost"].colour, 0.55), width + 1.5  # a working path, about to be lost
    if role == "cut":
        label = "\u2715 " + label
    return {
        "label": label,
        "width": width,
        "dashes": dashes,
        "color": {"color": colour, "highlight": "#111111", "hover": "#1d2330", "inherit": False},
        "font": {"color": "#b0b6c2" if faint else "#4a5468"},
    }


def legend(view: View) -> list[dict[str, Any]]:
    """Legend entries: kinds (shape and colour), then node marks, then arrow marks."""
    items: list[dict[str, Any]] = []
    kinds = {n.kind for n in view.nodes}
    filled = {n.kind for n in view.nodes if n.role in FILL_ROLES}
    for style in STYLES:
        if style.kind in kinds:
            colour = "#dde2ea" if style.kind in filled else style.colour
            items.append({"mark": style.shape, "fill": colour, "stroke": "#555555", "label": style.label})
    node_roles = {n.role for n in view.nodes}
    edge_roles = {e.role for e in view.edges}
    for role in ROLE_STYLES:
        if role.node and role.role in node_roles:
            if role.role in FILL_ROLES:
                items.append({"mark": "dot", "fill": role.colour, "stroke": role.colour, "label": role.node})
            else:
                dash = "dashed" if role.role == "removed" else "solid"
                items.append(
                    {"mark": "ring", "fill": "#ffffff", "stroke": role.colour, "dash": dash, "label": role.node}
                )
    if any(dashed_status(n) for n in view.nodes):
        items.append(
            {
                "mark": "ring",
                "fill": "#ffffff",
                "stroke": "#555555",
                "dash": "dashed",
                "label": "sanction not (or no longer) in force",
            }
        )
    for role in ROLE_STYLES:
        if role.edge and role.role in edge_roles:
            items.append({"mark": "line", "stroke": role.colour, "dash": role.line, "label": role.edge})
    items.append({"mark": "line", "stroke": "#8a93a6", "dash": "solid", "label": _ARROWS.get(view.kind, _ARROWS[""])})
    return items


_ARROWS = {
    "countries": "arrow: supplier country \u2192 dependent country, wider with more supply links",
    "sanctions": "arrow: imposer \u2192 sanction \u2192 target or restricted item",
    "": "arrow: upstream \u2192 downstream (what depends on it), labelled by relation",
}
