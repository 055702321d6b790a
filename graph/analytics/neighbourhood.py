"""Upstream and downstream: what an entity depends on, and what depends on it.

Both walk the projection breadth first up to ``depth`` hops (against the edge
direction for :func:`upstream`, along it for :func:`downstream`) and group the
entities found by type and by home country. Each member comes with its
shortest path to (or from) the entity, evidence per hop.

>>> from graph.analytics.project import graph_from_facts
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic"),
...                       ("org/smic", "manufacturesFor", "org/huawei"),
...                       ("org/asml", "headquarteredIn", "country/netherlands")])
>>> up = upstream(G, "huawei", depth=3)
>>> [(m.entity.label, m.distance) for m in up.members]
[('smic', 1), ('asml', 2), ('netherlands', 3)]
>>> [(g.label, g.members) for g in up.by_type]
[('Company', ('org/asml', 'org/smic')), ('Country', ('country/netherlands',))]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.paths import bfs_tree, chain_to, neighbours
from graph.analytics.project import LAYERS, find_node, resolve_layers
from graph.analytics.results import DependencyPath, EntityRef, Result, entity_ref, path_from_nodes
from graph.errors import InvalidParameter

__all__ = ["Group", "Neighbour", "Neighbourhood", "downstream", "upstream"]


@dataclass(frozen=True)
class Neighbour(Result):
    """An entity found within the depth, with how far it is and the way there."""

    entity: EntityRef
    distance: int
    path: DependencyPath  # always upstream -> downstream


@dataclass(frozen=True)
class Group(Result):
    """Members (local ids, or IRIs outside chipgraph's namespace) sharing a type or a home country."""

    key: str  # the type name, or the country IRI ("" when unknown)
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Neighbourhood(Result):
    """The answer of :func:`upstream` and :func:`downstream`."""

    entity: EntityRef
    direction: str  # "upstream" or "downstream"
    depth: int
    layers: tuple[str, ...]
    members: tuple[Neighbour, ...]
    by_type: tuple[Group, ...]
    by_country: tuple[Group, ...]


def _walk(G: nx.MultiDiGraph, entity: str, depth: int, layers: Iterable[str] | None, direction: str) -> Neighbourhood:
    if depth < 1:
        raise InvalidParameter("depth must be at least 1")
    chosen = resolve_layers(layers)
    start = find_node(G, entity)
    step = neighbours(G, chosen, reverse=direction == "upstream")
    distance, parent = bfs_tree(step, start, depth)
    members = []
    for node in sorted(distance, key=lambda n: (distance[n], G.nodes[n].get("label", n).casefold(), n)):
        if node == start:
            continue
        chain = chain_to(parent, node)
        if direction == "downstream":
            chain.reverse()
        members.append(Neighbour(entity_ref(G, node), distance[node], path_from_nodes(G, chain, chosen)))

    by_type: dict[str, set[str]] = defaultdict(set)
    by_country: dict[str, set[str]] = defaultdict(set)
    for member in members:
        ident = member.entity.id or member.entity.iri
        for kind in member.entity.types or ("Entity",):
            by_type[kind].add(ident)
        by_country[member.entity.country or ""].add(ident)

    def country_label(iri: str) -> str:
        return str(G.nodes[iri].get("label", iri)) if iri in G else "unknown"

    return Neighbourhood(
        entity=entity_ref(G, start),
        direction=direction,
        depth=depth,
        layers=tuple(layer for layer in LAYERS if layer in chosen),
        members=tuple(members),
        by_type=tuple(Group(k, k, tuple(sorted(v))) for k, v in sorted(by_type.items())),
        by_country=tuple(
            Group(k, country_label(k), tuple(sorted(v)))
            for k, v in sorted(by_country.items(), key=lambda kv: (-len(kv[1]), country_label(kv[0])))
        ),
    )


def upstream(G: nx.MultiDiGraph, entity: str, *, depth: int = 2, layers: Iterable[str] | None = None) -> Neighbourhood:
    """What ``entity`` depends on within ``depth`` hops (suppliers, inputs, home country...).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection.
    entity : str
        IRI, local id or exact label.
    depth : int
        Most hops walked.
    layers : iterable of str, optional
        Edge layers followed; default supply and structure.
    """
    return _walk(G, entity, depth, layers, "upstream")


def downstream(
    G: nx.MultiDiGraph, entity: str, *, depth: int = 2, layers: Iterable[str] | None = None
) -> Neighbourhood:
    """What depends on ``entity`` within ``depth`` hops (customers, products, users...).

    Same parameters as :func:`upstream`.
    """
    return _walk(G, entity, depth, layers, "downstream")
