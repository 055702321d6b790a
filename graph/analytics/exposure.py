"""Sanction exposure: which measures reach an entity, and what a measure reaches.

:func:`sanction_exposure` lists every sanction that targets or restricts the
entity itself, anything upstream of it (suppliers, inputs, its home country)
or anything downstream of it (customers, products) within ``hops``, with the
path from the sanction to the entity, the imposers, status and date.

:func:`sanction_reach` goes the other way: what a sanction touches directly
(its targets and restricted items) and indirectly (everything downstream of
those within ``hops``: the companies of a targeted country, the users of a
restricted tool, their customers...), noting the entities it exempts.

>>> from graph.analytics.project import graph_from_facts
>>> G = graph_from_facts([("org/smic", "manufacturesFor", "org/huawei"),
...                       ("sanction/ban", "targets", "org/smic"),
...                       ("sanction/ban", "imposedBy", "country/us")])
>>> hit = sanction_exposure(G, "huawei").exposures[0]
>>> hit.sanction.label, hit.relation, hit.path.describe()
('ban', 'upstream', 'ban -(targets)-> smic -(manufactures for)-> huawei')
>>> [r.entity.label for r in sanction_reach(G, "ban").indirect]
['huawei']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.paths import bfs_tree, chain_to, neighbours
from graph.analytics.project import LAYERS, find_node, is_sanction, resolve_layers
from graph.analytics.results import DependencyPath, EntityRef, Result, entity_ref, path_from_nodes
from graph.errors import InvalidParameter

__all__ = [
    "Exposure",
    "ExposureResult",
    "Reached",
    "SanctionInfo",
    "SanctionReach",
    "sanction_exposure",
    "sanction_info",
    "sanction_reach",
]

#: how a sanction touches an entity
TOUCH_ROLES = ("targets", "restricts")


@dataclass(frozen=True)
class SanctionInfo(Result):
    """A sanction with who imposed it, where it stands and when."""

    sanction: EntityRef
    imposers: tuple[EntityRef, ...]
    status: str | None  # InForce, Proposed, Considered, Threatened, Extended, Lifted
    date: str | None
    end_date: str | None
    threshold_nm: float | None
    exempts: tuple[EntityRef, ...]


@dataclass(frozen=True)
class Exposure(Result):
    """One way a sanction reaches the entity."""

    sanction: EntityRef
    role: str  # "targets" or "restricts"
    touched: EntityRef
    relation: str  # "self", "upstream" or "downstream"
    distance: int  # hops between the touched entity and the entity
    path: DependencyPath  # sanction -> touched -> ... -> entity (or entity -> ... -> touched <- sanction)


@dataclass(frozen=True)
class ExposureResult(Result):
    """The answer of :func:`sanction_exposure`."""

    entity: EntityRef
    hops: int
    layers: tuple[str, ...]
    sanctions: tuple[SanctionInfo, ...]  # each sanction once, closest first
    exposures: tuple[Exposure, ...]


@dataclass(frozen=True)
class Reached(Result):
    """An entity a sanction touches."""

    entity: EntityRef
    role: str  # role of the directly touched entity this one is reached through
    distance: int  # 0 for direct targets and restricted items
    exempt: bool
    path: DependencyPath  # sanction -> ... -> entity


@dataclass(frozen=True)
class SanctionReach(Result):
    """The answer of :func:`sanction_reach`."""

    sanction: SanctionInfo
    hops: int
    layers: tuple[str, ...]
    direct: tuple[Reached, ...]
    indirect: tuple[Reached, ...]


def sanction_info(G: nx.MultiDiGraph, sanction: str) -> SanctionInfo:
    """Imposers, status, dates and exemptions of a projected sanction."""
    data = G.nodes[sanction]
    imposers = sorted(
        (u for u, _, key in G.in_edges(sanction, keys=True) if key == "imposedBy"),
        key=lambda n: G.nodes[n].get("label", n),
    )
    return SanctionInfo(
        sanction=entity_ref(G, sanction),
        imposers=tuple(entity_ref(G, u) for u in imposers),
        status=data.get("status"),
        date=data.get("date"),
        end_date=data.get("end_date"),
        threshold_nm=data.get("threshold_nm"),
        exempts=tuple(entity_ref(G, e) for e in data.get("exempts", ())),
    )


def _touches(G: nx.MultiDiGraph) -> dict[str, list[tuple[str, str]]]:
    """Touched entity -> [(sanction, role)], memoised on the projection."""
    memo = G.graph.setdefault("_memo", {})
    if "touches" not in memo:
        table: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for u, v, key, layer in G.edges(keys=True, data="layer"):
            if layer == "sanction" and key in TOUCH_ROLES and is_sanction(G, u):
                table[v].append((u, key))
        memo["touches"] = dict(table)
    return memo["touches"]  # type: ignore[no-any-return]


def _check(G: nx.MultiDiGraph, hops: int, statuses: Iterable[str] | None) -> frozenset[str] | None:
    if hops < 0:
        raise InvalidParameter("hops must be 0 or more")
    return None if statuses is None else frozenset(statuses)


def sanction_exposure(
    G: nx.MultiDiGraph,
    entity: str,
    *,
    hops: int = 2,
    layers: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
) -> ExposureResult:
    """Every sanction reaching ``entity``, its suppliers or its customers within ``hops``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (filter it with ``as_of`` for the sanctions in force at a date).
    entity : str
        IRI, local id or exact label.
    hops : int
        How far up and down the chain to look (0: the entity only).
    layers : iterable of str, optional
        Layers walked; default supply and structure (so a sanction on a
        country reaches the companies it is home of).
    statuses : iterable of str, optional
        Keep only sanctions with these statuses (``InForce``, ``Proposed``...).
    """
    wanted = _check(G, hops, statuses)
    chosen = resolve_layers(layers)
    node = find_node(G, entity)
    walk_layers = chosen | {"sanction"}
    touches = _touches(G)
    up_dist, up_parent = bfs_tree(neighbours(G, chosen, reverse=True), node, hops)
    down_dist, down_parent = bfs_tree(neighbours(G, chosen), node, hops)
    found: list[Exposure] = []
    seen: set[tuple[str, str, str]] = set()
    for relation, dist, parent in (("upstream", up_dist, up_parent), ("downstream", down_dist, down_parent)):
        for touched, distance in dist.items():
            for sanction, role in touches.get(touched, ()):
                if touched == sanction or (wanted is not None and G.nodes[sanction].get("status") not in wanted):
                    continue
                if (sanction, role, touched) in seen:
                    continue
                seen.add((sanction, role, touched))
                chain = chain_to(parent, touched)  # touched ... entity
                nodes = [sanction, *chain] if relation == "upstream" or distance == 0 else [*reversed(chain), sanction]
                found.append(
                    Exposure(
                        sanction=entity_ref(G, sanction),
                        role=role,
                        touched=entity_ref(G, touched),
                        relation="self" if distance == 0 else relation,
                        distance=distance,
                        path=path_from_nodes(G, nodes, walk_layers),
                    )
                )
    found.sort(key=lambda e: (e.distance, e.sanction.label.casefold(), e.touched.label.casefold(), e.relation))
    order: dict[str, None] = {}
    for item in found:
        order.setdefault(item.sanction.iri, None)
    return ExposureResult(
        entity=entity_ref(G, node),
        hops=hops,
        layers=tuple(layer for layer in LAYERS if layer in chosen),
        sanctions=tuple(sanction_info(G, s) for s in order),
        exposures=tuple(found),
    )


def sanction_reach(
    G: nx.MultiDiGraph,
    sanction: str,
    *,
    hops: int = 2,
    layers: Iterable[str] | None = None,
) -> SanctionReach:
    """What a sanction touches: its targets and restricted items, then everything downstream of them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection.
    sanction : str
        IRI, local id or exact label of a sanction.
    hops : int
        How far downstream of the directly touched entities to go.
    layers : iterable of str, optional
        Layers walked downstream; default supply and structure.
    """
    _check(G, hops, None)
    chosen = resolve_layers(layers)
    node = find_node(G, sanction)
    if not is_sanction(G, node):
        raise InvalidParameter(f"{G.nodes[node].get('label', node)} is not a sanction")
    info = sanction_info(G, node)
    exempt = {e.iri for e in info.exempts}
    walk_layers = chosen | {"sanction"}
    direct: list[Reached] = []
    roles: dict[str, str] = {}
    for _, touched, key in sorted(G.out_edges(node, keys=True), key=lambda e: (e[2], e[1])):
        if key in TOUCH_ROLES and touched not in roles:
            roles[touched] = key
            direct.append(
                Reached(
                    entity_ref(G, touched), key, 0, touched in exempt, path_from_nodes(G, [node, touched], walk_layers)
                )
            )
    # one BFS from all directly touched entities at once: each entity reached the shortest way
    distance: dict[str, int] = {t: 0 for t in roles}
    parent: dict[str, str] = {}
    frontier = sorted(roles)
    step = neighbours(G, chosen)
    for level in range(1, hops + 1):
        nxt = []
        for current in frontier:
            for other in sorted(step(current)):
                if other not in distance and other != node:
                    distance[other] = level
                    parent[other] = current
                    nxt.append(other)
        frontier = nxt
    indirect = []
    for other, dist in distance.items():
        if dist == 0:
            continue
        chain = list(reversed(chain_to(parent, other)))
        indirect.append(
            Reached(
                entity_ref(G, other),
                roles[chain[0]],
                dist,
                other in exempt,
                path_from_nodes(G, [node, *chain], walk_layers),
            )
        )
    indirect.sort(key=lambda r: (r.distance, r.entity.label.casefold()))
    return SanctionReach(
        sanction=info,
        hops=hops,
        layers=tuple(layer for layer in LAYERS if layer in chosen),
        direct=tuple(direct),
        indirect=tuple(indirect),
    )
