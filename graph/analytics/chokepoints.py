"""Chokepoints: the entities a supply chain cannot route around.

For one target, :func:`target_chokepoints` returns the nodes **every** supply
path to it passes through: the dominators of the target in its upstream
graph, with a virtual root above all sources (entities with nothing upstream
of them; members of a source cycle count as sources). It also gives each
upstream entity its *path coverage*, the share of source-to-target paths
running through it (1.0 for dominators), counted on the graph with cycles
contracted.

Globally, :func:`rank_chokepoints` combines structure with concentration:
``score = betweenness / max betweenness * HHI``, where HHI (the
Herfindahl-Hirschman index, 0..1) measures how few countries provide the
entity: from ETO market shares (``cg:Provision``) where loaded, inherited
along ``typeOf`` from the broader input when the entity has none, and
otherwise from its direct suppliers, counted per country with equal shares.

>>> from graph.analytics.project import graph_from_facts
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic"), ("org/tel", "suppliesTo", "org/smic"),
...                       ("org/smic", "manufacturesFor", "org/huawei"), ("org/huawei", "makes", "product/mate")])
>>> [c.entity.label for c in target_chokepoints(G, "mate").dominators]
['huawei', 'smic']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.centrality import betweenness
from graph.analytics.paths import neighbours, shortest_path
from graph.analytics.project import LAYERS, PROVIDES, find_node, resolve_layers
from graph.analytics.results import DependencyPath, EntityRef, Result, entity_ref, path_from_nodes
from graph.errors import InvalidParameter

__all__ = [
    "Chokepoint",
    "ChokepointRanking",
    "RankedChokepoint",
    "TargetChokepoints",
    "country_shares",
    "rank_chokepoints",
    "target_chokepoints",
]

SUPPLY_LAYERS = ("supply",)
_ROOT = "\x00root"


@dataclass(frozen=True)
class Chokepoint(Result):
    """An upstream entity of a target with the share of supply paths through it."""

    entity: EntityRef
    coverage: float  # share of source -> target paths through the entity (1.0 for dominators)
    dominator: bool
    distance: int  # fewest hops to the target
    path: DependencyPath  # the shortest way from the entity to the target, with evidence


@dataclass(frozen=True)
class TargetChokepoints(Result):
    """The answer of :func:`target_chokepoints`."""

    target: EntityRef
    layers: tuple[str, ...]
    sources: int  # how many source entities feed the target
    paths: int  # how many source -> target paths (cycles contracted)
    dominators: tuple[Chokepoint, ...]  # nearest first
    coverage: tuple[Chokepoint, ...]  # the most-travelled upstream entities, dominators included


@dataclass(frozen=True)
class RankedChokepoint(Result):
    """An entity in the global chokepoint ranking."""

    entity: EntityRef
    score: float
    betweenness: float
    hhi: float
    top2_share: float
    basis: str  # "market share" (ETO provisions) or "suppliers" (equal shares of direct suppliers)
    providers: tuple[tuple[str, float], ...]  # (country IRI or supplier IRI, share in percent), largest first


@dataclass(frozen=True)
class ChokepointRanking(Result):
    """The answer of :func:`rank_chokepoints`."""

    layers: tuple[str, ...]
    approximate: bool
    samples: int | None
    ranking: tuple[RankedChokepoint, ...]


def _upstream_graph(G: nx.MultiDiGraph, target: str, layers: frozenset[str]) -> nx.DiGraph:
    pred = neighbours(G, layers, reverse=True)
    seen = {target}
    stack = [target]
    U = nx.DiGraph()
    U.add_node(target)
    while stack:
        node = stack.pop()
        for other in pred(node):
            U.add_edge(other, node)
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return U


def target_chokepoints(
    G: nx.MultiDiGraph,
    target: str,
    *,
    layers: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    top: int = 10,
) -> TargetChokepoints:
    """The entities every supply path to ``target`` passes through, and the most-travelled ones.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection.
    target : str
        IRI, local id or exact label.
    layers : iterable of str, optional
        Edge layers; default the supply layer only (home countries and
        locations are not supply routes).
    sources : iterable of str, optional
        Where supply paths start; default every entity with nothing upstream.
    top : int
        Most entries in ``coverage``.
    """
    chosen = resolve_layers(layers, SUPPLY_LAYERS)
    node = find_node(G, target)
    U = _upstream_graph(G, node, chosen)
    if sources is not None:
        starts = {find_node(G, s) for s in sources} & set(U)
        starts.discard(node)
        if not starts:
            raise InvalidParameter("none of the given sources is upstream of the target")
        for start in starts:  # paths start at the sources: nothing above them counts
            U.remove_edges_from(list(U.in_edges(start)))
        keep = nx.ancestors(U, node) | {node}
        U = U.subgraph(keep).copy()
        starts &= keep
    else:
        C = nx.condensation(U)
        starts = {m for c in C if C.in_degree(c) == 0 for m in C.nodes[c]["members"]}
        starts.discard(node)
    ordered = tuple(layer for layer in LAYERS if layer in chosen)
    if not starts:
        return TargetChokepoints(entity_ref(G, node), ordered, 0, 0, (), ())
    U.add_edges_from((_ROOT, s) for s in starts)
    idom = nx.immediate_dominators(U, _ROOT)
    chain = []
    current = idom.get(node)
    while current is not None and current != _ROOT:
        if sources is None or current not in starts:  # a chosen source trivially dominates
            chain.append(current)
        current = idom.get(current)

    # path coverage on the condensation (a DAG)
    C = nx.condensation(U)
    where = C.graph["mapping"]
    order = list(nx.topological_sort(C))
    from_root: dict[int, int] = defaultdict(int)
    from_root[where[_ROOT]] = 1
    for c in order:
        for d in C.successors(c):
            from_root[d] += from_root[c]
    to_target: dict[int, int] = defaultdict(int)
    to_target[where[node]] = 1
    for c in reversed(order):
        for d in C.successors(c):
            to_target[c] += to_target[d]
    total = from_root[where[node]]
    pred = neighbours(G, chosen, reverse=True)
    succ = neighbours(G, chosen)
    dominators = set(chain)

    def share(member: str) -> float:
        c = where[member]
        return 1.0 if member in dominators else (from_root[c] * to_target[c] / total if total else 0.0)

    upstream_nodes = [m for m in U if m not in (_ROOT, node)]
    ranked = sorted(upstream_nodes, key=lambda m: (-share(m), G.nodes[m].get("label", m).casefold()))

    def point(member: str) -> Chokepoint:
        hops = shortest_path(succ, pred, member, node, len(U)) or [member, node]
        return Chokepoint(
            entity_ref(G, member),
            round(share(member), 6),
            member in dominators,
            len(hops) - 1,
            path_from_nodes(G, hops, chosen),
        )

    return TargetChokepoints(
        target=entity_ref(G, node),
        layers=ordered,
        sources=len(starts),
        paths=total,
        dominators=tuple(point(m) for m in chain),
        coverage=tuple(point(m) for m in ranked[:top]),
    )


#: ETO names its aggregates of unnamed providers "Various countries" / "Various companies"
_AGGREGATE_PREFIX = "Various "


def is_aggregate_provider(G: nx.MultiDiGraph, node: str) -> bool:
    """Whether ``node`` stands for many unnamed providers (ETO's "Various ...")."""
    return str(G.nodes[node].get("label", "")).startswith(_AGGREGATE_PREFIX) if node in G else False


def _provision_shares(G: nx.MultiDiGraph, node: str) -> dict[str, float]:
    # ETO gives shares at two levels that each sum to about 100%: per country and
    # per company. Use the country level when there is one; otherwise add the
    # companies' shares up by their home country. Never add the two levels.
    by_country: dict[str, float] = defaultdict(float)
    by_company_home: dict[str, float] = defaultdict(float)
    for provider, _, key, data in G.in_edges(node, keys=True, data=True):
        if key != PROVIDES or data.get("share") is None:
            continue
        share = float(data["share"])
        attributes = G.nodes[provider]
        if "Country" in attributes.get("types", ()):
            by_country[provider] += share
        else:
            by_company_home[attributes.get("country") or provider] += share
    return dict(by_country or by_company_home)


def country_shares(G: nx.MultiDiGraph, node: str) -> tuple[dict[str, float], str]:
    """Who provides ``node``, in percent, and on what basis.

    Market shares of ETO provisions by provider country (companies counted
    under their home country) when the node or, following ``typeOf``, a
    broader input has them (basis ``"market share"``); else equal shares of
    its direct suppliers, per country where known (basis ``"suppliers"``);
    else ``({}, "none")``.
    """
    seen = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop(0)
        shares = _provision_shares(G, current)
        if shares:
            return shares, "market share"
        for _, broader, key in G.out_edges(current, keys=True):
            if key == "typeOf" and broader not in seen:
                seen.add(broader)
                frontier.append(broader)
    suppliers: set[str] = set()
    for supplier, _, key, data in G.in_edges(node, keys=True, data=True):
        if data["layer"] == "supply" and key not in ("originCountry", PROVIDES):
            suppliers.add(G.nodes[supplier].get("country") or supplier)
    if not suppliers:
        return {}, "none"
    return {s: 100.0 / len(suppliers) for s in suppliers}, "suppliers"


def rank_chokepoints(
    G: nx.MultiDiGraph,
    *,
    top: int = 20,
    layers: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    k: int | None = None,
    seed: int = 0,
) -> ChokepointRanking:
    """The global chokepoint ranking: central *and* concentrated entities first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection.
    top : int
        Entities returned.
    layers : iterable of str, optional
        Layers betweenness is computed on; default supply and structure.
    types : iterable of str, optional
        Only rank entities of these types (``Equipment``, ``Company``...).
    k : int, optional
        Betweenness sample size (exact on small graphs by default).
    seed : int
        Seed of the betweenness sampling.
    """
    if top < 1:
        raise InvalidParameter("top must be at least 1")
    chosen = resolve_layers(layers)
    between, samples = betweenness(G, chosen, k=k, seed=seed)
    peak = max(between.values(), default=0.0) or 1.0
    wanted = None if types is None else set(types)
    rows = []
    for node, data in G.nodes(data=True):
        node_types = set(data.get("types", ()))
        if "Country" in node_types or (wanted is not None and not node_types & wanted):
            continue
        shares, basis = country_shares(G, node)
        if not shares:
            continue
        # an aggregate of unnamed providers is many small ones: it adds nothing to concentration
        fractions = sorted((s / 100.0 for c, s in shares.items() if not is_aggregate_provider(G, c)), reverse=True)
        hhi = sum(f * f for f in fractions)
        structure = between.get(node, 0.0) / peak
        rows.append(
            RankedChokepoint(
                entity=entity_ref(G, node),
                score=round(structure * hhi, 6),
                betweenness=round(between.get(node, 0.0), 6),
                hhi=round(hhi, 6),
                top2_share=round(sum(fractions[:2]), 6),
                basis=basis,
                providers=tuple(sorted(((k_, round(v, 3)) for k_, v in shares.items()), key=lambda kv: -kv[1])),
            )
        )
    rows.sort(key=lambda r: (-r.score, -r.hhi, r.entity.label.casefold()))
    return ChokepointRanking(
        layers=tuple(layer for layer in LAYERS if layer in chosen),
        approximate=samples is not None,
        samples=samples,
        ranking=tuple(rows[:top]),
    )
