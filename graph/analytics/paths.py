"""Dependency paths: how one entity depends on another, hop by hop, with evidence.

:func:`dependency_paths` finds the ``k`` shortest simple paths from an
upstream entity to a downstream one along the projection's edges (see
:mod:`graph.analytics.project` for the direction), at most ``max_hops`` long.
When there is none it says so and returns the nearest *undirected*
connection over every layer, sanctions included, so the user sees how the
two are related at all.

>>> from graph.analytics.project import graph_from_facts
>>> G = graph_from_facts([
...     ("equipment/duv", "originCountry", "country/netherlands"),
...     ("org/smic", "uses", "equipment/duv"),
...     ("org/smic", "manufacturesFor", "org/huawei")])
>>> result = dependency_paths(G, "netherlands", "huawei")
>>> result.found, result.paths[0].describe()
(True, 'netherlands -(origin of)-> duv -(used by)-> smic -(manufactures for)-> huawei')
>>> back = dependency_paths(G, "huawei", "netherlands")
>>> back.found, back.nearest.describe()
(False, 'huawei <-(manufactures for)- smic <-(used by)- duv <-(origin of)- netherlands')
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from graph.analytics.project import LAYERS, find_node, resolve_layers
from graph.analytics.results import DependencyPath, EntityRef, Result, entity_ref, path_from_nodes
from graph.errors import InvalidParameter

__all__ = ["PathsResult", "bfs_tree", "chain_to", "dependency_paths", "neighbours", "shortest_path", "simple_paths"]

Neighbours = Callable[[str], Iterator[str]]


@dataclass(frozen=True)
class PathsResult(Result):
    """The answer of :func:`dependency_paths`."""

    source: EntityRef
    target: EntityRef
    k: int
    max_hops: int
    layers: tuple[str, ...]
    paths: tuple[DependencyPath, ...]
    nearest: DependencyPath | None  # undirected connection, when no directed path exists
    message: str

    @property
    def found(self) -> bool:
        """Whether at least one directed path was found."""
        return bool(self.paths)


def neighbours(G: nx.MultiDiGraph, layers: Iterable[str] | None, *, reverse: bool = False) -> Neighbours:
    """A function giving a node's successors (predecessors if ``reverse``) over ``layers``."""
    chosen = resolve_layers(layers)
    adjacency = G._pred if reverse else G._succ
    if chosen >= set(LAYERS):
        return lambda node: iter(adjacency[node])

    def step(node: str) -> Iterator[str]:
        for other, keyed in adjacency[node].items():
            if any(data["layer"] in chosen for data in keyed.values()):
                yield other

    return step


def bfs_tree(step: Neighbours, start: str, depth: int) -> tuple[dict[str, int], dict[str, str]]:
    """Distances and BFS parents of everything within ``depth`` steps of ``start``.

    Neighbours are visited in sorted order, so the tree is the same on every run.
    """
    distance = {start: 0}
    parent: dict[str, str] = {}
    frontier = [start]
    for level in range(1, depth + 1):
        nxt = []
        for node in frontier:
            for other in sorted(step(node)):
                if other not in distance:
                    distance[other] = level
                    parent[other] = node
                    nxt.append(other)
        if not nxt:
            break
        frontier = nxt
    return distance, parent


def chain_to(parent: dict[str, str], node: str) -> list[str]:
    """The BFS-tree chain from ``node`` back to the start (``node`` first)."""
    chain = [node]
    while chain[-1] in parent:
        chain.append(parent[chain[-1]])
    return chain


def _undirected(G: nx.MultiDiGraph, layers: Iterable[str] | None) -> Neighbours:
    forward, backward = neighbours(G, layers), neighbours(G, layers, reverse=True)

    def step(node: str) -> Iterator[str]:
        seen = set()
        for other in (*forward(node), *backward(node)):
            if other not in seen:
                seen.add(other)
                yield other

    return step


def shortest_path(
    succ: Neighbours,
    pred: Neighbours,
    source: str,
    target: str,
    max_hops: int,
    *,
    banned_nodes: frozenset[str] | set[str] = frozenset(),
    banned_edges: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> list[str] | None:
    """Fewest-hop path by bidirectional breadth-first search, at most ``max_hops`` long.

    Grows the smaller frontier first, so a query touches little of a large
    graph when the two ends are close.
    """
    if source == target:
        return [source]
    if source in banned_nodes or target in banned_nodes:
        return None
    parents: dict[str, str | None] = {source: None}
    children: dict[str, str | None] = {target: None}
    front, back = [source], [target]
    depth = 0
    while front and back and depth < max_hops:
        depth += 1
        forward = len(front) <= len(back)
        frontier, seen, other = (front, parents, children) if forward else (back, children, parents)
        step = succ if forward else pred
        nxt: list[str] = []
        for node in frontier:
            for nb in step(node):
                if nb in seen or nb in banned_nodes:
                    continue
                if ((node, nb) if forward else (nb, node)) in banned_edges:
                    continue
                seen[nb] = node
                if nb in other:
                    return _join(nb, parents, children)
                nxt.append(nb)
        nxt.sort()  # deterministic whatever order the store returned rows in
        if forward:
            front = nxt
        else:
            back = nxt
    return None


def _join(meet: str, parents: dict[str, str | None], children: dict[str, str | None]) -> list[str]:
    head: list[str] = []
    node: str | None = meet
    while node is not None:
        head.append(node)
        node = parents[node]
    head.reverse()
    node = children[meet]
    while node is not None:
        head.append(node)
        node = children[node]
    return head


def simple_paths(
    succ: Neighbours,
    pred: Neighbours,
    source: str,
    target: str,
    k: int,
    max_hops: int,
    score: Callable[[tuple[str, ...]], float] | None = None,
) -> list[list[str]]:
    """Up to ``k`` shortest simple paths (Yen's algorithm over bounded bidirectional BFS).

    Among candidates of equal length the highest ``score`` is taken first.
    """
    first = shortest_path(succ, pred, source, target, max_hops)
    if first is None:
        return []
    found = [first]
    candidates: list[tuple[int, float, tuple[str, ...]]] = []
    seen = {tuple(first)}
    while len(found) < k:
        last = found[-1]
        for i in range(len(last) - 1):
            root = last[: i + 1]
            banned_edges = {(p[i], p[i + 1]) for p in found if p[: i + 1] == root}
            spur = shortest_path(
                succ,
                pred,
                last[i],
                target,
                max_hops - i,
                banned_nodes=set(root[:-1]),
                banned_edges=banned_edges,
            )
            if spur is None:
                continue
            path = tuple(root[:-1] + spur)
            if path not in seen and len(path) - 1 <= max_hops:
                seen.add(path)
                heapq.heappush(candidates, (len(path), -score(path) if score else 0.0, path))
        if not candidates:
            break
        found.append(list(heapq.heappop(candidates)[2]))
    return found


def dependency_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    k: int = 5,
    max_hops: int = 6,
    layers: Iterable[str] | None = None,
) -> PathsResult:
    """The ``k`` shortest dependency paths from ``source`` (upstream) to ``target``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`graph.analytics.project.projection`).
    source, target : str
        IRIs, local ids (``org/smic``) or exact labels.
    k : int
        Most paths returned, shortest first (ties: most confident first).
    max_hops : int
        Longest path considered.
    layers : iterable of str, optional
        Edge layers to follow; default supply and structure.

    Returns
    -------
    PathsResult
        The paths with evidence per hop, or an empty ``paths`` with the
        nearest undirected connection in ``nearest`` (None if unconnected).
    """
    if k < 1 or max_hops < 1:
        raise InvalidParameter("k and max_hops must be at least 1")
    chosen = resolve_layers(layers)
    src, dst = find_node(G, source), find_node(G, target)
    if src == dst:
        raise InvalidParameter("source and target are the same entity")
    ordered_layers = tuple(layer for layer in LAYERS if layer in chosen)

    def score(path: tuple[str, ...]) -> float:
        return min(
            max((d["confidence"] for d in G[u][v].values() if d["layer"] in chosen), default=0.0)
            for u, v in itertools.pairwise(path)
        )

    succ, pred = neighbours(G, chosen), neighbours(G, chosen, reverse=True)
    # look a little further than k so that among equally short paths the most confident win
    nodes = simple_paths(succ, pred, src, dst, k + min(k, 10), max_hops, score)
    # rank the node lists (as the paths would rank: length, weakest hop, nodes) and build only k
    best = sorted(nodes, key=lambda p: (len(p) - 1, -score(tuple(p)), tuple(p)))[:k]
    paths = [path_from_nodes(G, p, chosen) for p in best]
    nearest = None
    a, b = entity_ref(G, src), entity_ref(G, dst)
    if paths:
        message = f"{len(paths)} path(s) from {a.label} to {b.label}"
    else:
        walk = _undirected(G, LAYERS)
        hops = shortest_path(walk, walk, src, dst, max(2 * max_hops, 12))
        if hops is not None:
            nearest = path_from_nodes(G, hops)
            message = (
                f"no dependency path from {a.label} to {b.label} within {max_hops} hops; "
                f"they are connected in {nearest.length} hops regardless of direction"
            )
        else:
            message = f"no dependency path from {a.label} to {b.label}, and they are not connected"
    return PathsResult(a, b, k, max_hops, ordered_layers, tuple(paths), nearest, message)
