"""How each kind of entity looks on a page: colour, shape and legend label.

A node's *kind* is the first entry of :data:`STYLES` that one of its cg:
classes is, or descends from, so a ``Company`` (also an ``Organization``) is
drawn as a company and every kind of sanction as a sanction. Colours follow
the Okabe-Ito and Tableau palettes, which stay distinct for colour-blind
readers; shapes tell the kinds apart without colour.

>>> kind_of(("Company", "Organization")), kind_of(("ExportControl",)), kind_of(())
('Company', 'Sanction', 'Entity')
>>> style_of("Country").shape
'hexagon'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from graph.ontology import CG_NAMESPACE, class_ancestors

__all__ = [
    "FILL_ROLES",
    "ROLE_STYLES",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "STYLES",
    "RoleStyle",
    "Style",
    "kind_of",
    "style_of",
]


@dataclass(frozen=True, slots=True)
class Style:
    """The look of one kind of entity."""

    kind: str
    label: str  # legend text
    colour: str
    shape: str  # a vis-network shape whose label sits below it


#: kinds in order of preference (the most specific first)
STYLES: tuple[Style, ...] = (
    Style("Sanction", "Sanction / export control", "#d62728", "diamond"),
    Style("Country", "Country", "#0072b2", "hexagon"),
    Style("GovernmentBody", "Government body", "#56b4e9", "square"),
    Style("Company", "Company", "#e69f00", "dot"),
    Style("Organization", "Organisation", "#9ecae1", "square"),
    Style("Equipment", "Equipment", "#009e73", "triangle"),
    Style("Material", "Material", "#8c564b", "triangle"),
    Style("DesignResource", "Design resource", "#bcbd22", "star"),
    Style("Product", "Product", "#cc79a7", "star"),
    Style("ProcessNode", "Process node", "#7f7f7f", "triangleDown"),
    Style("ProductionProcess", "Production process", "#17becf", "triangleDown"),
    Style("Technology", "Technology", "#2ca02c", "triangleDown"),
    Style("Facility", "Facility", "#b07aa1", "square"),
    Style("Person", "Person", "#9467bd", "dot"),
    Style("Entity", "Other", "#a0a0a0", "dot"),
)
_BY_KIND = {style.kind: style for style in STYLES}
_ORDER = {style.kind: i for i, style in enumerate(STYLES)}


@dataclass(frozen=True, slots=True)
class RoleStyle:
    """How a node or an arrow with a role in a view is marked, and what the legend says of it."""

    role: str
    colour: str
    node: str | None  # legend text for a node with this role (outlined, or filled for country roles)
    edge: str | None  # legend text for an arrow with this role
    line: str = "solid"  # how the arrow is drawn: solid, dashed or dotted


#: roles views give nodes and arrows, with their marks
ROLE_STYLES: tuple[RoleStyle, ...] = (
    RoleStyle("focus", "#111111", "the entity asked about", None),
    RoleStyle("path", "#d62728", "on a dependency path", "a hop of a dependency path"),
    RoleStyle("nearest", "#ff7f0e", "on the nearest connection", "nearest connection (no directed path)", "dashed"),
    RoleStyle("removed", "#d62728", "removed, or stops exporting", None),
    RoleStyle("cut", "#d62728", None, "cut by the scenario", "dashed"),
    RoleStyle("lost", "#d62728", "loses every input", "on a supply path that is lost", "dotted"),
    RoleStyle("lost-some", "#ff7f0e", "loses some inputs", None),
    RoleStyle("surviving", "#2ca02c", None, "on a supply path that survives"),
    RoleStyle("input", "#009e73", "an input of the scenario's class", None),
    RoleStyle("exempt", "#2ca02c", None, "exempted from the sanction", "dashed"),
    RoleStyle("supplier", "#0072b2", "supplies more than it depends on others", None),
    RoleStyle("dependent", "#e69f00", "depends on others more than it supplies", None),
    RoleStyle("balanced", "#7f7f7f", "supplies and depends alike", None),
)
#: roles that colour a node instead of outlining it
FILL_ROLES = frozenset({"supplier", "dependent", "balanced"})

SOURCE_LABELS = {"news": "News", "reference": "Reference", "eto": "ETO", "supplybench": "SupplyBench"}
STATUS_LABELS = {
    "InForce": "in force",
    "Extended": "extended",
    "Proposed": "proposed",
    "Considered": "considered",
    "Threatened": "threatened",
    "Lifted": "lifted",
}


@functools.cache
def _kind_of_type(name: str) -> str:
    ancestors = class_ancestors(URIRef(CG_NAMESPACE + name))
    names = {str(a).rsplit("#", 1)[-1] for a in ancestors} | {name}
    found = [kind for kind in names if kind in _ORDER]
    return min(found, key=_ORDER.__getitem__) if found else "Entity"


def kind_of(types: Iterable[str]) -> str:
    """The kind a node with these cg: classes is drawn as."""
    kinds = [_kind_of_type(t) for t in types]
    return min(kinds, key=_ORDER.__getitem__) if kinds else "Entity"


def style_of(kind: str) -> Style:
    """The style of a kind (``Entity``'s for unknown kinds)."""
    return _BY_KIND.get(kind, _BY_KIND["Entity"])
