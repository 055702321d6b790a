"""The records a page is made of, and how they are built from the projection.

A :class:`View` holds :class:`VizNode` entities (kind, role, tooltip lines),
:class:`VizEdge` arrows standing for one or more projected facts
(:class:`VizFact`, with their evidence), visible notices and a summary. The
builders here turn projected nodes and edges into those records; the views
themselves are in :mod:`graph.viz.views`.

>>> from graph.analytics import graph_from_facts
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic")])
>>> [(e.label, e.sources) for e in edges_among(G, G)]
[('supplies to', ('reference',))]
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.project import is_sanction
from graph.analytics.results import EdgeEvidence
from graph.viz.styles import SOURCE_LABELS, STATUS_LABELS, kind_of, style_of

__all__ = [
    "View",
    "VizEdge",
    "VizFact",
    "VizNode",
    "count_by_kind",
    "degree",
    "edge_facts",
    "edges_among",
    "filters_notice",
    "focus_largest",
    "node_label",
    "ranked",
    "viz_node",
]


@dataclass(frozen=True, slots=True)
class VizNode:
    """An entity on a page."""

    iri: str
    label: str  # the full name (tooltips, search)
    kind: str  # style kind (graph.viz.styles)
    types: tuple[str, ...]
    sources: tuple[str, ...]
    size: float = 1.0  # relative; drawn between the page's smallest and largest node
    role: str | None = None  # focus, path, removed, lost, ... (graph.viz.styles.ROLE_STYLES)
    status: str | None = None  # for sanctions
    details: tuple[tuple[str, str], ...] = ()  # lines of the tooltip
    caption: str | None = None  # drawn under the node instead of the name (a sanction named by its sentence)


@dataclass(frozen=True, slots=True)
class VizFact:
    """One projected edge (predicate) an arrow on the page stands for."""

    predicate: str
    label: str
    layer: str
    confidence: float
    evidence: tuple[EdgeEvidence, ...]
    share: float | None = None
    between: tuple[str, str] | None = None  # the entities it joins, when the arrow aggregates (country view)


@dataclass(frozen=True, slots=True)
class VizEdge:
    """An arrow from ``source`` to ``target`` (IRIs) standing for one or more facts."""

    source: str
    target: str
    facts: tuple[VizFact, ...]
    role: str | None = None  # path, nearest, cut, lost, surviving, exempt
    weight: float = 1.0
    caption: str | None = None  # label drawn on the arrow; default the facts' labels

    @property
    def label(self) -> str:
        """What the arrow reads, e.g. ``supplies to / uses``."""
        return self.caption or " / ".join(dict.fromkeys(f.label for f in self.facts))

    @property
    def sources(self) -> tuple[str, ...]:
        """Kinds of source behind the arrow (news, reference, eto, supplybench)."""
        return tuple(sorted({e.source for f in self.facts for e in f.evidence}))


@dataclass(frozen=True)
class View:
    """Everything a page shows."""

    kind: str  # overview, entity, path, sanctions, whatif, countries
    title: str
    description: str
    nodes: tuple[VizNode, ...]
    edges: tuple[VizEdge, ...]
    notices: tuple[str, ...] = ()  # what was left out, filters applied, nothing found...
    summary: tuple[tuple[str, str], ...] = ()
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (description, node IRIs) the page can highlight
    modes: tuple[str, ...] = ()  # e.g. ("before", "after") for scenarios
    dim_others: bool = False  # draw nodes and edges without a role faintly


# -- builders ---------------------------------------------------------------------------


def node_label(G: nx.MultiDiGraph, node: str) -> str:
    """The name of a projected node."""
    return str(G.nodes[node].get("label") or node.rsplit("/", 1)[-1])


def degree(G: nx.MultiDiGraph, node: str) -> int:
    """Distinct neighbours of a node, in either direction."""
    return len(set(G._succ[node]) | set(G._pred[node]))


def _details(G: nx.MultiDiGraph, node: str) -> tuple[tuple[str, str], ...]:
    data = G.nodes[node]
    lines = [("Types", ", ".join(data.get("types", ())) or "Entity")]
    country = data.get("country")
    if country and country != node and country in G:
        lines.append(("Country", node_label(G, country)))
    if data.get("sources"):
        lines.append(("Sources", ", ".join(SOURCE_LABELS.get(s, s) for s in data["sources"])))
    if is_sanction(G, node):
        lines.append(("Status", STATUS_LABELS.get(data.get("status") or "", "unknown")))
        for key, name in (("date", "Date"), ("end_date", "Ended"), ("node_threshold", "Node threshold")):
            if data.get(key):
                lines.append((name, str(data[key])))
        if data.get("threshold_nm") is not None:
            lines.append(("Threshold", f"{data['threshold_nm']:g} nm"))
    lines.append(("Connections", str(degree(G, node))))
    return tuple(lines)


#: how the extractor names a sanction it only knows by its sentence ("export control: In 2022, ...")
_SENTENCE_NAME = re.compile(r"^(sanction|export control|entity listing|tariff|exemption|counter-sanction): ")


def _sanction_caption(G: nx.MultiDiGraph, node: str) -> str | None:
    """``United States export control 2022-10`` for a sanction named by its sentence, else None."""
    found = _SENTENCE_NAME.match(node_label(G, node))
    if not found:
        return None
    imposers = sorted(node_label(G, u) for u, _, key in G.in_edges(node, keys=True) if key == "imposedBy")
    who = " & ".join(imposers[:2]) + (" & others" if len(imposers) > 2 else "")
    when = str(G.nodes[node].get("date") or "")[:7]
    return " ".join(part for part in (who, found.group(1), when) if part)


def viz_node(G: nx.MultiDiGraph, node: str, *, role: str | None = None, size: float | None = None) -> VizNode:
    """A projected node as a page draws it (size from its degree unless given)."""
    data = G.nodes[node]
    types = tuple(data.get("types", ()))
    sanction = is_sanction(G, node)
    return VizNode(
        iri=node,
        label=node_label(G, node),
        kind=kind_of(types),
        types=types,
        sources=tuple(data.get("sources", ())),
        size=math.sqrt(degree(G, node)) + 1.0 if size is None else size,
        role=role,
        status=data.get("status") if sanction else None,
        details=_details(G, node),
        caption=_sanction_caption(G, node) if sanction else None,
    )


def edge_facts(G: nx.MultiDiGraph, u: str, v: str, layers: frozenset[str] | None = None) -> tuple[VizFact, ...]:
    """The facts of every projected edge from ``u`` to ``v`` (of ``layers``, if given)."""
    facts = []
    for key, data in sorted(G[u][v].items()):
        if layers is not None and data["layer"] not in layers:
            continue
        facts.append(
            VizFact(key, data["label"], data["layer"], data["confidence"], tuple(data["evidence"]), data.get("share"))
        )
    return tuple(facts)


def edges_among(
    G: nx.MultiDiGraph,
    nodes: Iterable[str],
    layers: frozenset[str] | None = None,
    roles: dict[tuple[str, str], str] | None = None,
) -> list[VizEdge]:
    """Every arrow between two of ``nodes`` (parallel facts merged into one arrow)."""
    kept = set(nodes)
    roles = roles or {}
    edges = []
    for u in sorted(kept):
        for v in sorted(G._succ[u]):
            if v in kept and (facts := edge_facts(G, u, v, layers)):
                edges.append(VizEdge(u, v, facts, roles.get((u, v))))
    return edges


def count_by_kind(G: nx.MultiDiGraph, nodes: Iterable[str], top: int = 5) -> str:
    """``120 company, 40 product, ...``: the commonest kinds among ``nodes``."""
    counts = Counter(kind_of(G.nodes[n].get("types", ())) for n in nodes)
    parts = [f"{n:,} {style_of(kind).label.lower()}" for kind, n in counts.most_common(top)]
    if len(counts) > top:
        parts.append("...")
    return ", ".join(parts)


def filters_notice(G: nx.MultiDiGraph) -> list[str]:
    """A notice of the projection's filters (date, confidence, sources), if any."""
    filters = G.graph.get("filters") or {}
    parts = []
    if filters.get("as_of"):
        parts.append(f"facts known and sanctions in force on {filters['as_of']}")
    if filters.get("min_confidence"):
        parts.append(f"evidence with confidence of at least {filters['min_confidence']:g}")
    if filters.get("sources"):
        parts.append("sources: " + ", ".join(SOURCE_LABELS.get(s, s) for s in filters["sources"]))
    return ["Filtered to " + "; ".join(parts) + "."] if parts else []


def focus_largest(nodes: list[VizNode]) -> list[VizNode]:
    """Draw the entities asked about as large as the largest node of the page."""
    top = max((n.size for n in nodes), default=1.0)
    return [dataclasses.replace(n, size=top) if n.role == "focus" else n for n in nodes]


def ranked(G: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    """``nodes``, most connected first (then by name)."""
    return sorted(nodes, key=lambda n: (-degree(G, n), node_label(G, n).casefold(), n))
