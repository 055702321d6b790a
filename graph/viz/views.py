"""What each page shows: the nodes and edges a view selects from the projection.

Every view is a function of a projection (:mod:`graph.analytics.project`)
returning a :class:`View`: nodes with their kind and role, edges with the
facts (and evidence) they stand for, visible notices of what was left out,
and a short summary (the records are in :mod:`graph.viz.model`). Nothing
here draws; :mod:`graph.viz.render` turns a view into a page.

* :func:`overview_view`: the most connected ``max_nodes`` entities;
* :func:`entity_view`: everything within ``depth`` hops of an entity;
* :func:`path_view`: the ``k`` dependency paths between two entities on their neighbourhood;
* :func:`sanctions_view`: imposers -> sanctions -> targets and restricted items;
* :func:`whatif_view`: a scenario's cut edges, lost paths and the entities that lose inputs;
* :func:`countries_view`: countries sized by their role, edges weighted by supply links.

>>> from graph.analytics import graph_from_facts
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic"), ("org/smic", "manufacturesFor", "org/huawei"),
...                       ("org/asml", "headquarteredIn", "country/netherlands")])
>>> view = path_view(G, "netherlands", "huawei")
>>> view.paths[0][0]
'netherlands \u2192 asml \u2192 smic \u2192 huawei (home of, supplies to, manufactures for)'
>>> sorted(n.label for n in view.nodes if n.role == "path")
['asml', 'smic']
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Iterable

import networkx as nx

from graph.analytics.countries import country_matrix
from graph.analytics.paths import dependency_paths, neighbours
from graph.analytics.project import ATTRIBUTION_PREDICATES, LAYERS, PROVIDES, find_node, is_sanction, resolve_layers
from graph.analytics.results import DependencyPath
from graph.analytics.scenarios import what_if
from graph.errors import InvalidParameter
from graph.viz.model import (
    View,
    VizEdge,
    VizFact,
    VizNode,
    count_by_kind,
    degree,
    edges_among,
    filters_notice,
    focus_largest,
    node_label,
    ranked,
    viz_node,
)
from graph.viz.styles import STATUS_LABELS

__all__ = [
    "MAX_DEPTH",
    "View",
    "VizEdge",
    "VizFact",
    "VizNode",
    "countries_view",
    "entity_view",
    "overview_view",
    "path_view",
    "sanctions_view",
    "whatif_view",
]

MAX_DEPTH = 3


# -- the views --------------------------------------------------------------------------


def overview_view(G: nx.MultiDiGraph, *, max_nodes: int = 300, layers: Iterable[str] | None = None) -> View:
    """The ``max_nodes`` most connected entities (distinct neighbours) and the facts among them.

    A notice says how many entities and facts were left out, and of which kinds.
    """
    if max_nodes < 1:
        raise InvalidParameter("max_nodes must be at least 1")
    chosen = resolve_layers(layers, LAYERS)
    connected = [n for n in ranked(G, G) if degree(G, n) > 0]
    kept = connected[:max_nodes]
    nodes = [viz_node(G, n) for n in kept]
    edges = edges_among(G, kept, chosen)
    total_nodes, total_edges = G.number_of_nodes(), G.number_of_edges()
    shown_facts = sum(len(e.facts) for e in edges)
    notices = filters_notice(G)
    left = len(connected) - len(kept)
    if left > 0:
        notices.append(
            f"Showing the {len(kept):,} most connected of {total_nodes:,} entities. Left out: {left:,} connected "
            f"entities ({count_by_kind(G, connected[max_nodes:])}) and {total_edges - shown_facts:,} of "
            f"{total_edges:,} facts. Open an entity's neighbourhood to see around any of them."
        )
    else:
        notices.append(f"All {len(kept):,} connected entities and their {shown_facts:,} facts.")
    isolated = total_nodes - len(connected)
    if isolated:
        notices.append(f"{isolated:,} entities without any fact are not drawn.")
    return View(
        kind="overview",
        title="Overview",
        description="The most connected entities of the chip supply chain.",
        nodes=tuple(nodes),
        edges=tuple(edges),
        notices=tuple(notices),
        summary=(("Entities", f"{total_nodes:,}"), ("Facts", f"{total_edges:,}"), ("Shown", f"{len(kept):,}")),
    )


def entity_view(
    G: nx.MultiDiGraph,
    entity: str,
    *,
    depth: int = 1,
    max_nodes: int = 300,
    layers: Iterable[str] | None = None,
) -> View:
    """Everything within ``depth`` (1-3) hops of ``entity``, in either direction, over all layers.

    When the neighbourhood is larger than ``max_nodes``, the nearest are kept
    (the most connected first at each distance) and a notice says so.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidParameter(f"depth must be between 1 and {MAX_DEPTH}")
    if max_nodes < 2:
        raise InvalidParameter("max_nodes must be at least 2")
    chosen = resolve_layers(layers, LAYERS)
    start = find_node(G, entity)
    forward, backward = neighbours(G, chosen), neighbours(G, chosen, reverse=True)
    distance = {start: 0}
    frontier = [start]
    for level in range(1, depth + 1):
        found = {o for n in frontier for o in (*forward(n), *backward(n)) if o not in distance}
        frontier = ranked(G, found)
        distance.update(dict.fromkeys(frontier, level))
    kept = sorted(distance, key=lambda n: (distance[n], -degree(G, n), node_label(G, n).casefold(), n))[:max_nodes]
    label = node_label(G, start)
    nodes = focus_largest([viz_node(G, n, role="focus" if n == start else None) for n in kept])
    notices = filters_notice(G)
    if len(kept) < len(distance):
        notices.append(
            f"{len(distance) - 1:,} entities lie within {depth} hop(s) of {label}; the {len(kept) - 1:,} nearest "
            f"(most connected first) are shown."
        )
    return View(
        kind="entity",
        title=label,
        description=f"Everything within {depth} hop(s) of {label}, upstream and downstream, sanctions included.",
        nodes=tuple(nodes),
        edges=tuple(edges_among(G, kept, chosen)),
        notices=tuple(notices),
        summary=(("Depth", str(depth)), ("Entities", f"{len(kept) - 1:,}")),
    )


def _describe(path: DependencyPath) -> str:
    """``A → B → C (home of, supplies to)``: the entities, then the relations."""
    if not path.hops:
        return ""
    names = [path.hops[0].source.label, *(h.target.label for h in path.hops)]
    relations = [
        ("" if h.forward else "\u2190 ") + " / ".join(dict.fromkeys(e.label for e in h.edges)) for h in path.hops
    ]
    return " \u2192 ".join(names) + " (" + ", ".join(relations) + ")"


def _path_pairs(path: DependencyPath) -> list[tuple[str, str]]:
    return [(h.source.iri, h.target.iri) if h.forward else (h.target.iri, h.source.iri) for h in path.hops]


def path_view(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    k: int = 3,
    max_hops: int = 6,
    layers: Iterable[str] | None = None,
    context: int = 40,
) -> View:
    """The ``k`` dependency paths from ``source`` to ``target`` highlighted on their neighbourhood.

    The neighbourhood is up to ``context`` direct neighbours of the path's
    entities (the most connected first), drawn faintly. With no directed
    path, the nearest connection regardless of direction is shown instead.
    """
    result = dependency_paths(G, source, target, k=k, max_hops=max_hops, layers=layers)
    paths = result.paths or ((result.nearest,) if result.nearest is not None else ())
    role = "path" if result.paths else "nearest"
    on_path: dict[str, None] = {}
    pairs: dict[tuple[str, str], str] = {}
    for path in paths:
        on_path.update(dict.fromkeys(path.nodes))
        pairs.update(dict.fromkeys(_path_pairs(path), role))
    ends = {result.source.iri, result.target.iri}
    on_path.update(dict.fromkeys(ends))
    around = ranked(G, {o for n in on_path for o in (*G._succ[n], *G._pred[n]) if o not in on_path})
    kept = [*on_path, *around[: max(context, 0)]]
    nodes = focus_largest([viz_node(G, n, role="focus" if n in ends else role if n in on_path else None) for n in kept])
    # the path's own arrows follow its layers; the context shows every fact
    edges = edges_among(G, kept, None, pairs)
    notices = filters_notice(G)
    notices.append(result.message + ".")
    if len(around) > context:
        notices.append(f"{context:,} of the {len(around):,} neighbours of the path are shown around it.")
    a, b = result.source.label, result.target.label
    return View(
        kind="path",
        title=f"{a} \u2192 {b}",
        description=f"How {b} depends on {a}: the shortest dependency paths, with the evidence of every hop.",
        nodes=tuple(nodes),
        edges=tuple(edges),
        notices=tuple(notices),
        summary=(("Paths", str(len(result.paths))), ("Max hops", str(max_hops))),
        paths=tuple((_describe(p), p.nodes) for p in paths),
        dim_others=True,
    )


def sanctions_view(G: nx.MultiDiGraph, *, statuses: Iterable[str] | None = None) -> View:
    """Imposers -> sanctions -> targets and restricted items (and exempted entities).

    ``statuses`` keeps sanctions with these statuses (``InForce``,
    ``Proposed``...); the date filter is the projection's ``as_of``.
    """
    wanted = None if statuses is None else set(statuses)
    for status in wanted or ():
        if status not in STATUS_LABELS:
            raise InvalidParameter(f"unknown status {status!r}; use {', '.join(STATUS_LABELS)}")
    sanctions = [n for n in G if is_sanction(G, n) and (wanted is None or (G.nodes[n].get("status") or "") in wanted)]
    kept: dict[str, None] = dict.fromkeys(sanctions)
    roles: dict[tuple[str, str], str] = {}
    exempt: list[VizEdge] = []
    for s in sanctions:
        for u, _, layer in G.in_edges(s, data="layer"):
            if layer == "sanction":
                kept[u] = None
        for _, v, layer in G.out_edges(s, data="layer"):
            if layer == "sanction":
                kept[v] = None
        for other in G.nodes[s].get("exempts", ()):
            if other in G:
                kept[other] = None
                fact = VizFact("exempts", "exempts", "sanction", 1.0, ())
                exempt.append(VizEdge(s, other, (fact,), "exempt"))
    nodes = [viz_node(G, n) for n in kept]
    edges = edges_among(G, kept, frozenset({"sanction"}), roles) + exempt
    notices = filters_notice(G)
    if wanted is not None:
        notices.append("Statuses: " + ", ".join(STATUS_LABELS[s] for s in sorted(wanted)) + ".")
    if not sanctions:
        notices.append("No sanction matches.")
    counts = Counter(STATUS_LABELS.get(G.nodes[s].get("status") or "", "unknown") for s in sanctions)
    return View(
        kind="sanctions",
        title="Sanctions",
        description="Who imposes which measure on whom, and which items it restricts.",
        nodes=tuple(nodes),
        edges=tuple(edges),
        notices=tuple(notices),
        summary=(("Sanctions", str(len(sanctions))), *((k.capitalize(), str(v)) for k, v in sorted(counts.items()))),
    )


def whatif_view(
    G: nx.MultiDiGraph,
    *,
    remove: Iterable[str] = (),
    cut: Iterable[tuple[str, str]] = (),
    input_class: str = "Equipment",
    max_entities: int = 40,
) -> View:
    """A scenario before and after: cut edges, lost paths and the entities that lose inputs.

    Shows the removed entities and cut edges, and for up to ``max_entities``
    entities that lose every input (or some), the path they had (marked lost)
    or the one that survives.
    """
    result = what_if(G, remove=list(remove), cut=list(cut), input_class=input_class)
    kept: dict[str, None] = {}
    node_roles: dict[str, str] = {}
    edge_roles: dict[tuple[str, str], str] = {}
    inputs = {ref.iri for ref in result.inputs}
    for action in result.actions:
        if action.entity is not None:
            kept[action.entity.iri] = None
            node_roles[action.entity.iri] = "removed"
    for ref in result.removed:
        kept[ref.iri] = None
        node_roles[ref.iri] = "removed"
    for hop in result.cut_edges:
        u, v = (hop.source.iri, hop.target.iri) if hop.forward else (hop.target.iri, hop.source.iri)
        kept.update({u: None, v: None})
        edge_roles[(u, v)] = "cut"

    def add_path(path: DependencyPath | None, role: str) -> None:
        if path is None:
            return
        kept.update(dict.fromkeys(path.nodes))
        for pair in _path_pairs(path):
            edge_roles.setdefault(pair, role)

    for impact in result.lost_all[:max_entities]:
        node_roles.setdefault(impact.entity.iri, "lost")
        add_path(impact.path_before, "lost")
    for impact in result.lost_some[:max_entities]:
        node_roles.setdefault(impact.entity.iri, "lost-some")
        add_path(impact.path_after, "surviving")
    for node in kept:
        if node in inputs:
            node_roles.setdefault(node, "input")
    removed = {ref.iri for ref in result.removed}
    for u in kept:
        for v in G._succ[u]:
            if v in kept and (u in removed or v in removed):
                edge_roles.setdefault((u, v), "cut")
    nodes = [viz_node(G, n, role=node_roles.get(n)) for n in kept]
    edges = edges_among(G, kept, None, edge_roles)
    notices = filters_notice(G)
    for group, items in (("lose every input", result.lost_all), ("lose some inputs", result.lost_some)):
        if len(items) > max_entities:
            notices.append(f"{len(items):,} entities {group}; the paths of the first {max_entities} are shown.")
    if result.cut_edges_total > len(result.cut_edges):
        notices.append(f"{result.cut_edges_total:,} edges are cut; the first {len(result.cut_edges):,} are shown.")
    if not result.lost_all and not result.lost_some:
        notices.append("No entity loses access to any input of this class.")
    what = ", ".join(f"{a.detail} ({a.kind}, {a.edges_cut} edges)" for a in result.actions)
    return View(
        kind="whatif",
        title="What if: " + ", ".join(f"{a.entity.label if a.entity else a.detail} ({a.kind})" for a in result.actions),
        description=f"Access to {input_class} before and after: {what}.",
        nodes=tuple(nodes),
        edges=tuple(edges),
        notices=tuple(notices),
        summary=(
            ("Inputs", str(len(result.inputs))),
            ("Supplied before", str(result.dependents_before)),
            ("Supplied after", str(result.dependents_after)),
            ("Lose every input", str(len(result.lost_all))),
            ("Lose some", str(len(result.lost_some)) if result.detailed else "not computed"),
            ("Edges cut", str(result.cut_edges_total)),
        ),
        modes=("before", "after"),
    )


def _country_examples(
    G: nx.MultiDiGraph, layers: frozenset[str], per_cell: int
) -> dict[tuple[str, str], list[VizFact]]:
    examples: dict[tuple[str, str], list[VizFact]] = defaultdict(list)
    for u, v, key, data in G.edges(keys=True, data=True):
        if data["layer"] not in layers or key in ATTRIBUTION_PREDICATES or key == PROVIDES:
            continue
        for a in G.nodes[u].get("countries") or ():
            for b in G.nodes[v].get("countries") or ():
                if a != b and len(examples[(a, b)]) < per_cell:
                    examples[(a, b)].append(
                        VizFact(
                            key,
                            data["label"],
                            data["layer"],
                            data["confidence"],
                            tuple(data["evidence"]),
                            data.get("share"),
                            (node_label(G, u), node_label(G, v)),
                        )
                    )
    return examples


def countries_view(G: nx.MultiDiGraph, *, top: int = 40, layers: Iterable[str] | None = None) -> View:
    """Countries sized by how much they supply and depend on others, arrows weighted by supply links.

    A country is marked a supplier when it supplies more than it depends,
    a dependent when the reverse. Each arrow's tooltip shows a few of the
    supply facts behind it, with their evidence.
    """
    if top < 2:
        raise InvalidParameter("top must be at least 2")
    chosen = resolve_layers(layers, ("supply",))
    matrix = country_matrix(G, layers=chosen)
    totals = [t for t in matrix.countries if t.supplies + t.depends > 0]
    totals.sort(key=lambda t: (-(t.supplies + t.depends), t.label.casefold()))
    shown = {t.country.iri: t for t in totals[:top]}
    examples = _country_examples(G, chosen, 3)
    nodes = []
    for iri, t in shown.items():
        role = "supplier" if t.supplies > t.depends else "dependent" if t.depends > t.supplies else "balanced"
        node = viz_node(G, iri, role=role, size=math.sqrt(t.supplies + t.depends) + 1.0)
        extra = (("Supplies others", f"{t.supplies} link(s)"), ("Depends on others", f"{t.depends} link(s)"))
        nodes.append(dataclasses.replace(node, details=node.details + extra))
    edges = []
    for cell in matrix.cells:
        if cell.supplier == cell.dependent or cell.supplier not in shown or cell.dependent not in shown:
            continue
        parts = [f"{cell.count} link{'s' if cell.count != 1 else ''}"] if cell.count else []
        if cell.weight:
            parts.append(f"share {cell.weight:.2f}")
        caption = " \u00b7 ".join(parts)
        facts = tuple(examples.get((cell.supplier, cell.dependent), ()))
        weight = float(cell.count) + (cell.weight or 0.0)
        edges.append(VizEdge(cell.supplier, cell.dependent, facts, None, weight, caption))
    notices = filters_notice(G)
    if len(totals) > top:
        notices.append(f"The {top} most involved of {len(totals)} countries are shown.")
    if not totals:
        notices.append("No supply fact joins entities of two countries yet.")
    domestic = sum(c.count for c in matrix.cells if c.supplier == c.dependent)
    return View(
        kind="countries",
        title="Countries",
        description="Which countries' entities supply which others': arrows run from supplier to dependent.",
        nodes=tuple(nodes),
        edges=tuple(edges),
        notices=tuple(notices),
        summary=(
            ("Countries", str(len(totals))),
            ("Cross-border links", str(sum(c.count for c in matrix.cells) - domestic)),
            ("Domestic links", str(domestic)),
            ("Market-share weights", "yes" if matrix.weighted else "no"),
        ),
    )
