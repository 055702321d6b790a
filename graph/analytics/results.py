"""The records analytics answers are made of: entities, hops, paths, evidence.

Every answer of :mod:`graph.analytics` is a small frozen dataclass built from
these, so the API can return it as JSON (``to_dict()``) and the pages can draw
it. A :class:`Hop` always carries the evidence of the edges it crosses: the
sentence and article for news, the dataset row for reference data.

>>> G = nx.MultiDiGraph()
>>> G.add_node("https://w3id.org/chipgraph/id/org/smic", label="SMIC", types=("Company",), country=None)
>>> entity_ref(G, "https://w3id.org/chipgraph/id/org/smic").to_dict()["id"]
'org/smic'
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import networkx as nx

from graph.ids import local_id

__all__ = [
    "DependencyPath",
    "EdgeEvidence",
    "EntityRef",
    "Hop",
    "HopEdge",
    "Result",
    "entity_ref",
    "hop_between",
    "load_path_evidence",
    "path_from_nodes",
]


class Result:
    """Mixin: ``to_dict()`` turns a frozen dataclass answer into plain JSON data."""

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-serialisable dicts, lists, strings and numbers (evidence read first)."""
        return _jsonable(self.load_evidence())  # type: ignore[no-any-return]

    def load_evidence(self) -> Self:
        """Read now, for the whole answer at once, the evidence its hops show; returns the answer.

        Hops read their edges' sentences and rows from the store when first
        shown (see :mod:`graph.analytics.evidence`); call this while the store
        is still open when the answer is shown after it is closed.
        """
        from graph.analytics.evidence import LazyEvidence, load_evidence

        pending: list[LazyEvidence] = []

        def collect(item: object) -> None:
            if isinstance(item, LazyEvidence) and not item.loaded:
                pending.append(item)

        _walk(self, collect)
        load_evidence(pending)
        return self


def _walk(value: Any, visit: Callable[[object], None]) -> None:
    visit(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _walk(getattr(value, field.name), visit)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, visit)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _walk(item, visit)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, tuple) else "|".join(map(str, k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset) and not isinstance(value, str | bytes):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class EdgeEvidence(Result):
    """One reason the projection holds an edge: a sentence of an article or a dataset row."""

    graph: str
    source: str  # "news", "reference", "eto", "supplybench" or another dataset kind
    confidence: float
    article: str | None = None
    published: str | None = None  # the article's publication date (ISO), if known
    sentence: str | None = None
    rule: str | None = None
    row: str | None = None  # "provision.csv#12" for dataset facts


@dataclass(frozen=True)
class EntityRef(Result):
    """An entity as answers show it."""

    iri: str
    id: str | None
    label: str
    types: tuple[str, ...]
    country: str | None = None  # IRI of its home country (headquarters, location or origin)


@dataclass(frozen=True)
class HopEdge(Result):
    """One projected edge crossed by a hop (several when facts run in parallel)."""

    predicate: str  # local name of the cg: property ("suppliesTo"); "provides" for market-share provisions
    label: str  # how the edge reads from upstream to downstream ("supplies to", "home of")
    layer: str  # "supply", "structure" or "sanction"
    confidence: float
    #: most confident first; read from the store when first shown (see :mod:`graph.analytics.evidence`)
    evidence: Sequence[EdgeEvidence]
    share: float | None = None  # market share in percent, for provisions


@dataclass(frozen=True)
class Hop(Result):
    """A step from one entity to the next; ``forward`` is False when the step goes upstream."""

    source: EntityRef
    target: EntityRef
    forward: bool
    edges: tuple[HopEdge, ...]


@dataclass(frozen=True)
class DependencyPath(Result):
    """A chain of hops; ``confidence`` is the weakest hop's best confidence."""

    hops: tuple[Hop, ...]
    length: int
    confidence: float

    @property
    def nodes(self) -> tuple[str, ...]:
        """IRIs along the path, first to last."""
        if not self.hops:
            return ()
        return (self.hops[0].source.iri, *(h.target.iri for h in self.hops))

    def describe(self) -> str:
        """One line: ``A -(label)-> B -(label)-> C`` (``<-`` for steps against the direction)."""
        if not self.hops:
            return ""
        parts = [self.hops[0].source.label]
        for hop in self.hops:
            label = " / ".join(dict.fromkeys(e.label for e in hop.edges))
            parts.append(f"-({label})->" if hop.forward else f"<-({label})-")
            parts.append(hop.target.label)
        return " ".join(parts)


def entity_ref(G: nx.MultiDiGraph, node: str) -> EntityRef:
    """The :class:`EntityRef` of a projected node."""
    data = G.nodes[node] if node in G else {}
    return EntityRef(
        iri=node,
        id=local_id(node),
        label=str(data.get("label") or node.rsplit("/", 1)[-1]),
        types=tuple(data.get("types", ())),
        country=data.get("country"),
    )


def _hop_edges(G: nx.MultiDiGraph, u: str, v: str, layers: frozenset[str] | None) -> tuple[HopEdge, ...]:
    edges = []
    for _key, data in sorted(G[u][v].items()):
        if layers is not None and data["layer"] not in layers:
            continue
        edges.append(
            HopEdge(
                predicate=data["name"],
                label=data["label"],
                layer=data["layer"],
                confidence=data["confidence"],
                evidence=data["evidence"],
                share=data.get("share"),
            )
        )
    return tuple(edges)


def hop_between(G: nx.MultiDiGraph, u: str, v: str, layers: frozenset[str] | None = None) -> Hop:
    """The hop from ``u`` to ``v``: forward along edges u->v, else backward along v->u."""
    if G.has_edge(u, v) and (edges := _hop_edges(G, u, v, layers)):
        return Hop(entity_ref(G, u), entity_ref(G, v), True, edges)
    return Hop(entity_ref(G, u), entity_ref(G, v), False, _hop_edges(G, v, u, layers))


def load_path_evidence(G: nx.MultiDiGraph, paths: Iterable[Sequence[str]]) -> None:
    """Read the evidence of every edge between consecutive nodes of ``paths`` at once.

    The projection reads sentences and rows from the store only for the edges
    an answer shows (see :mod:`graph.analytics.evidence`), one edge at a time
    when it is first shown; call this before showing many paths of a remote
    store, which is then asked in batches.
    """
    from graph.analytics.evidence import load_evidence

    succ = G._succ
    found: list[Any] = []
    for nodes in paths:
        for u, v in itertools.pairwise(nodes):
            for a, b in ((u, v), (v, u)):
                keyed = succ.get(a, {}).get(b)
                if keyed:
                    found.extend(data["evidence"] for data in keyed.values())
    load_evidence(found)


def path_from_nodes(G: nx.MultiDiGraph, nodes: list[str], layers: frozenset[str] | None = None) -> DependencyPath:
    """A :class:`DependencyPath` with evidence for a list of consecutive nodes."""
    hops = tuple(hop_between(G, u, v, layers) for u, v in itertools.pairwise(nodes))
    confidence = min((max((e.confidence for e in h.edges), default=0.0) for h in hops), default=1.0)
    return DependencyPath(hops=hops, length=len(hops), confidence=confidence)
