"""What-if: cut part of the supply chain and see who loses access to a class of input.

:func:`what_if` applies a set of interventions to the projection (without
changing it) and compares, before and after, which entities can still be
reached along the supply layer from any *input* of a class.

Interventions
-------------
* **a country** (``remove=["Netherlands"]``): its exports stop. Every
  supply edge leaving the country itself, an entity headquartered, located
  or made there (``originCountry``) is cut, unless it ends at an entity of
  the same country (domestic trade continues). An item made in several
  countries stops when any of them stops exporting it.
* **a sanction** (``remove=["US October 2022 export controls"]``): it takes
  effect. Its targets are the targeted entities plus, for a targeted
  country, every entity of that country (minus exemptions). If it restricts
  items, supply edges into the targets are cut from those items (and their
  narrower ``typeOf`` variants) and from any entity of an imposing country
  that shares a class with them; otherwise every supply edge into the
  targets from an imposing country's entities is cut.
* **anything else** (a company, a product): the entity disappears.
* **a cut** (``cut=[("ASML", "SMIC")]``): the edges between the two go.

Inputs
------
``input_class`` is a cg: class name (``Equipment``, ``Material``: subclasses
included) or, failing that, text matched against labels (``lithography``),
together with everything that is a ``typeOf`` a matched input.

>>> from graph.analytics.project import graph_from_facts
>>> G = graph_from_facts([("equipment/duv", "originCountry", "country/netherlands"),
...                       ("org/smic", "uses", "equipment/duv"), ("org/smic", "manufacturesFor", "org/huawei")])
>>> result = what_if(G, remove=["netherlands"], input_class="Equipment")
>>> [impact.entity.label for impact in result.lost_all]
['huawei', 'smic']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from graph.analytics.paths import Neighbours, chain_to, neighbours
from graph.analytics.project import LAYERS, find_node, is_sanction, resolve_layers
from graph.analytics.results import DependencyPath, EntityRef, Hop, Result, entity_ref, hop_between, path_from_nodes
from graph.errors import InvalidParameter
from graph.ontology import CG_NAMESPACE, class_ancestors

__all__ = ["Action", "EntityImpact", "ScenarioResult", "input_nodes", "what_if"]

SUPPLY_LAYERS = ("supply",)
#: with more inputs than this, only the "loses every input" answer is computed
DETAIL_LIMIT = 64
MAX_LISTED_CUTS = 200


@dataclass(frozen=True)
class Action(Result):
    """One intervention and how many connections it cut."""

    entity: EntityRef | None
    kind: str  # "exports stopped", "sanction applied", "removed" or "cut"
    detail: str
    edges_cut: int


@dataclass(frozen=True)
class EntityImpact(Result):
    """How one entity's access to the inputs changes."""

    entity: EntityRef
    inputs_before: int
    inputs_after: int
    lost_inputs: tuple[EntityRef, ...]
    path_before: DependencyPath | None  # a shortest input -> entity path before the cut
    path_after: DependencyPath | None  # one that survives, if any


@dataclass(frozen=True)
class ScenarioResult(Result):
    """The answer of :func:`what_if`: a before/after diff."""

    input_class: str
    inputs: tuple[EntityRef, ...]
    layers: tuple[str, ...]
    actions: tuple[Action, ...]
    removed: tuple[EntityRef, ...]
    cut_edges: tuple[Hop, ...]  # the first MAX_LISTED_CUTS, with evidence
    cut_edges_total: int
    dependents_before: int  # entities reached from some input before
    dependents_after: int
    lost_all: tuple[EntityImpact, ...]  # reached some input before, none after
    lost_some: tuple[EntityImpact, ...]  # still reach some, but fewer (only when detailed)
    focus: tuple[EntityImpact, ...]  # the entities asked about
    detailed: bool


def _class_names(node_types: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for name in node_types:
        names.update(str(c).rsplit("#", 1)[-1] for c in class_ancestors(URIRef(CG_NAMESPACE + name)))
    return names


def input_nodes(G: nx.MultiDiGraph, input_class: str) -> list[str]:
    """The inputs an ``input_class`` names (see the module docstring), sorted.

    >>> from graph.analytics.project import graph_from_facts
    >>> G = graph_from_facts([("equipment/euv", "typeOf", "equipment/lithography-tools")])
    >>> [G.nodes[n]["label"] for n in input_nodes(G, "lithography")]
    ['euv', 'lithography-tools']
    """
    by_class = [n for n, types in G.nodes(data="types") if input_class in _class_names(types or ())]
    if by_class:
        return sorted(by_class)
    needle = input_class.casefold().strip()
    if not needle:
        raise InvalidParameter("an input class or name is needed")
    matched = {n for n, label in G.nodes(data="label") if needle in str(label).casefold()}
    matched = {n for n in matched if not is_sanction(G, n) and "Country" not in G.nodes[n].get("types", ())}
    frontier = list(matched)
    while frontier:
        node = frontier.pop()
        for narrower, _, key in G.in_edges(node, keys=True):
            if key == "typeOf" and narrower not in matched:
                matched.add(narrower)
                frontier.append(narrower)
    return sorted(matched)


def _attributed(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for node, countries in G.nodes(data="countries"):
        for country in countries or ():
            index[country].add(node)
    return index


def _supply_edges_from(G: nx.MultiDiGraph, nodes: Iterable[str], layers: frozenset[str]) -> Iterable[tuple[str, str]]:
    for u in nodes:
        for v, keyed in G._succ[u].items():
            if any(d["layer"] in layers for d in keyed.values()):
                yield u, v


def _narrower(G: nx.MultiDiGraph, items: set[str]) -> set[str]:
    found = set(items)
    frontier = list(items)
    while frontier:
        node = frontier.pop()
        for narrower, _, key in G.in_edges(node, keys=True):
            if key == "typeOf" and narrower not in found:
                found.add(narrower)
                frontier.append(narrower)
    return found


def _sanction_cuts(
    G: nx.MultiDiGraph, sanction: str, layers: frozenset[str], by_country: dict[str, set[str]]
) -> set[tuple[str, str]]:
    data = G.nodes[sanction]
    imposers = {u for u, _, key in G.in_edges(sanction, keys=True) if key == "imposedBy"}
    imposer_countries = {c for u in imposers for c in (G.nodes[u].get("countries") or ())}
    targets: set[str] = set()
    items: set[str] = set()
    for _, v, key in G.out_edges(sanction, keys=True):
        if key == "targets":
            targets.add(v)
            if "Country" in G.nodes[v].get("types", ()):
                targets |= by_country.get(v, set())
        elif key == "restricts":
            items.add(v)
    targets -= set(data.get("exempts", ()))
    imposer_nodes = set(imposers) | {n for c in imposer_countries for n in by_country.get(c, ())}
    if items:
        restricted = _narrower(G, items)
        item_types = {t for i in restricted for t in G.nodes[i].get("types", ())}
        sources = restricted | {n for n in imposer_nodes if set(G.nodes[n].get("types", ())) & item_types}
    else:
        sources = imposer_nodes
    cuts = set()
    for v in targets:
        for u, keyed in G._pred[v].items():
            if u in sources and any(d["layer"] in layers for d in keyed.values()):
                cuts.add((u, v))
    return cuts


def _reach(starts: Iterable[str], step: Neighbours) -> tuple[dict[str, int], dict[str, str]]:
    distance = {s: 0 for s in starts}
    parent: dict[str, str] = {}
    frontier = sorted(distance)
    level = 0
    while frontier:
        level += 1
        nxt = []
        for node in frontier:
            for other in sorted(step(node)):
                if other not in distance:
                    distance[other] = level
                    parent[other] = node
                    nxt.append(other)
        frontier = nxt
    return distance, parent


def what_if(
    G: nx.MultiDiGraph,
    *,
    remove: Iterable[str] = (),
    cut: Iterable[tuple[str, str]] = (),
    input_class: str = "Equipment",
    entities: Iterable[str] | None = None,
    layers: Iterable[str] | None = None,
) -> ScenarioResult:
    """Before/after access to a class of input when entities or edges are cut.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (left unchanged).
    remove : iterable of str
        Countries (exports stop), sanctions (take effect) or other entities (vanish).
    cut : iterable of (str, str)
        Pairs of entities whose connecting edges are cut.
    input_class : str
        A cg: class (``Equipment``) or label text (``lithography``).
    entities : iterable of str, optional
        Entities to report on in ``focus`` whatever happens to them.
    layers : iterable of str, optional
        Layers supply flows along; default the supply layer.
    """
    chosen = resolve_layers(layers, SUPPLY_LAYERS)
    removals = [find_node(G, r) for r in remove]
    pairs = [(find_node(G, a), find_node(G, b)) for a, b in cut]
    if not removals and not pairs:
        raise InvalidParameter("say what to remove or cut")
    inputs = input_nodes(G, input_class)
    if not inputs:
        raise InvalidParameter(f"no inputs of class or name {input_class!r}")
    by_country = _attributed(G)
    removed: set[str] = set()
    cuts: set[tuple[str, str]] = set()
    actions = []
    for node in removals:
        types = G.nodes[node].get("types", ())
        label = G.nodes[node].get("label", node)
        if "Country" in types:
            members = by_country.get(node, set()) | {node}
            new = {
                (u, v)
                for u, v in _supply_edges_from(G, members, chosen)
                if node not in (G.nodes[v].get("countries") or ())
            }
            actions.append(
                Action(
                    entity_ref(G, node),
                    "exports stopped",
                    f"supply edges leaving {label} and its entities",
                    len(new - cuts),
                )
            )
        elif is_sanction(G, node):
            new = _sanction_cuts(G, node, chosen, by_country)
            actions.append(Action(entity_ref(G, node), "sanction applied", f"{label} takes effect", len(new - cuts)))
        else:
            removed.add(node)
            new = set()
            degree = sum(1 for _ in _supply_edges_from(G, [node], chosen)) + sum(
                1 for u in G._pred[node] if any(d["layer"] in chosen for d in G._pred[node][u].values())
            )
            actions.append(Action(entity_ref(G, node), "removed", f"{label} and its connections", degree))
        cuts |= new
    for a, b in pairs:
        new = {(u, v) for u, v in ((a, b), (b, a)) if G.has_edge(u, v)}
        if not new:
            raise InvalidParameter(f"no edge between {G.nodes[a].get('label', a)} and {G.nodes[b].get('label', b)}")
        actions.append(
            Action(None, "cut", f"{G.nodes[a].get('label', a)} - {G.nodes[b].get('label', b)}", len(new - cuts))
        )
        cuts |= new

    step = neighbours(G, chosen)

    def step_after(node: str) -> Iterator[str]:
        return (v for v in step(node) if v not in removed and (node, v) not in cuts)

    live_inputs = [i for i in inputs if i not in removed]
    before, parent_before = _reach(inputs, step)
    after, parent_after = _reach(live_inputs, step_after)
    input_set = set(inputs)

    def is_dependent(node: str) -> bool:
        types = G.nodes[node].get("types", ())
        return node not in input_set and "Country" not in types and not is_sanction(G, node)

    dependents_before = {n for n in before if is_dependent(n)}
    dependents_after = {n for n in after if is_dependent(n)}
    detailed = len(inputs) <= DETAIL_LIMIT
    per_before: dict[str, set[str]] = defaultdict(set)
    per_after: dict[str, set[str]] = defaultdict(set)
    if detailed:
        for item in inputs:
            for node in _reach([item], step)[0]:
                per_before[node].add(item)
            if item not in removed:
                for node in _reach([item], step_after)[0]:
                    per_after[node].add(item)

    def path(parent: dict[str, str], node: str, reached: dict[str, int]) -> DependencyPath | None:
        if node not in reached:
            return None
        return path_from_nodes(G, list(reversed(chain_to(parent, node))), chosen)

    def impact(node: str) -> EntityImpact:
        lost = sorted(per_before[node] - per_after[node], key=lambda n: G.nodes[n].get("label", n).casefold())
        return EntityImpact(
            entity=entity_ref(G, node),
            inputs_before=len(per_before[node]) if detailed else int(node in before),
            inputs_after=len(per_after[node]) if detailed else int(node in after),
            lost_inputs=tuple(entity_ref(G, n) for n in lost),
            path_before=path(parent_before, node, before),
            path_after=path(parent_after, node, after),
        )

    def by_label(nodes: Iterable[str]) -> list[str]:
        return sorted(nodes, key=lambda n: (G.nodes[n].get("label", n).casefold(), n))

    lost_all = by_label(dependents_before - dependents_after - removed)
    lost_some = by_label(n for n in dependents_after if per_after[n] < per_before[n]) if detailed else []
    focus = [find_node(G, e) for e in entities or ()]
    listed = sorted(
        cuts, key=lambda e: (G.nodes[e[0]].get("label", e[0]).casefold(), G.nodes[e[1]].get("label", e[1]).casefold())
    )
    return ScenarioResult(
        input_class=input_class,
        inputs=tuple(entity_ref(G, i) for i in inputs),
        layers=tuple(layer for layer in LAYERS if layer in chosen),
        actions=tuple(actions),
        removed=tuple(entity_ref(G, n) for n in by_label(removed)),
        cut_edges=tuple(hop_between(G, u, v, chosen) for u, v in listed[:MAX_LISTED_CUTS]),
        cut_edges_total=len(cuts),
        dependents_before=len(dependents_before),
        dependents_after=len(dependents_after),
        lost_all=tuple(impact(n) for n in lost_all),
        lost_some=tuple(impact(n) for n in lost_some),
        focus=tuple(impact(n) for n in focus),
        detailed=detailed,
    )
