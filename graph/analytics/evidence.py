"""The evidence of projected edges, read from the store when an answer needs it.

The projection keeps, for every edge, the graphs stating it and the best
confidence in each; sentences, rules and dataset rows stay in the store until
a result shows the edge. ``data["evidence"]`` of a projected edge is then a
:class:`LazyEvidence`: a read-only sequence of :class:`EdgeEvidence` that reads
the evidence of its facts on first use. Functions that build many paths call
:func:`load_evidence` first, so all their edges are read with a few queries
instead of one each.

The store is held weakly (the projection cache is keyed by the store) and must
still be open when evidence is read: answers shown after their store closes
call :meth:`graph.analytics.results.Result.load_evidence` first. If the store
changed since the projection, an edge whose evidence is gone shows what the
projection knew (graph, source, confidence, article and date).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from graph.analytics.results import EdgeEvidence
from graph.analytics.tables import kind_of
from graph.errors import StoreError
from graph.ids import is_article_iri
from graph.store import Store

__all__ = ["EvidenceSource", "LazyEvidence", "evidence_order", "load_evidence"]

#: facts per query when a remote store is asked for evidence
BATCH = 50

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_CG = "https://w3id.org/chipgraph/ontology#"
_ATTRIBUTES = (
    f"OPTIONAL {{ ?ev <{_CG}confidence> ?conf }} OPTIONAL {{ ?ev <{_CG}rule> ?rule }} "
    f"OPTIONAL {{ ?ev <{_CG}sentence> ?sentence }} OPTIONAL {{ ?ev <{_CG}sourceRow> ?row }} "
    f"OPTIONAL {{ ?ev <{_CG}sourceKind> ?kind }}"
)
_STATEMENT = "GRAPH <%s> { ?ev <" + _RDF + "subject> <%s> ; <" + _RDF + "predicate> <%s> ; <" + _RDF + "object> <%s> }"


def evidence_order(e: EdgeEvidence) -> tuple[float, str, str, str]:
    """Most confident first, then by graph, sentence and row."""
    return (-e.confidence, e.graph, e.sentence or "", e.row or "")


class EvidenceSource:
    """What a projection's evidence is read from: its store and the graphs' kinds and dates."""

    __slots__ = ("__weakref__", "_ref", "_strong", "kinds", "published")

    def __init__(
        self, store: Store, kinds: dict[str, str], published: dict[str, str | None], *, keep: bool = False
    ) -> None:
        self._ref = weakref.ref(store)
        self._strong = store if keep else None  # a private store (graph_from_facts) lives with its graph
        self.kinds = kinds
        self.published = published

    @property
    def store(self) -> Store | None:
        return self._ref()

    def light(self, graph: str, confidence: float = 1.0) -> EdgeEvidence:
        """What is known of a fact in ``graph`` without its evidence nodes (all a fact without any has)."""
        article = graph if is_article_iri(graph) else None
        return EdgeEvidence(
            graph=graph,
            source=kind_of(graph, self.kinds),
            confidence=confidence,
            article=article,
            published=self.published.get(graph),
        )


class LazyEvidence(Sequence[EdgeEvidence]):
    """The evidence of one projected edge (most confident first), read on first use.

    Knows the edge's statement (``subject``, ``predicate``, ``object`` as
    stored), the ``graphs`` stating it with the best ``confidences`` there, and
    the lowest confidence a filtered projection keeps.
    """

    __slots__ = ("_items", "_source", "confidences", "graphs", "min_confidence", "object", "predicate", "subject")

    def __init__(
        self,
        source: EvidenceSource,
        subject: str,
        predicate: str,
        obj: str,
        graphs: tuple[str, ...],
        confidences: tuple[float, ...],
        min_confidence: float = 0.0,
    ) -> None:
        self._source = source
        self.subject = subject
        self.predicate = predicate
        self.object = obj
        self.graphs = graphs
        self.confidences = confidences
        self.min_confidence = min_confidence
        self._items: tuple[EdgeEvidence, ...] | None = None

    def restricted(
        self, graphs: tuple[str, ...], confidences: tuple[float, ...], min_confidence: float
    ) -> LazyEvidence:
        """The same edge's evidence in fewer graphs, above a confidence (for filtered projections)."""
        narrowed = LazyEvidence(
            self._source, self.subject, self.predicate, self.object, graphs, confidences, min_confidence
        )
        if self._items is not None:
            kept = set(graphs)
            narrowed._items = tuple(e for e in self._items if e.graph in kept and e.confidence >= min_confidence)
        return narrowed

    @property
    def source(self) -> EvidenceSource:
        return self._source

    @property
    def loaded(self) -> bool:
        return self._items is not None

    def _all(self) -> tuple[EdgeEvidence, ...]:
        if self._items is None:
            load_evidence([self])
        assert self._items is not None
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> EdgeEvidence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[EdgeEvidence, ...]: ...

    def __getitem__(self, index: int | slice) -> EdgeEvidence | tuple[EdgeEvidence, ...]:
        return self._all()[index]

    def __iter__(self) -> Iterator[EdgeEvidence]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyEvidence | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        state = f"{len(self._items)} loaded" if self._items is not None else "not loaded"
        return f"<LazyEvidence {self.subject} {self.predicate} {self.object} in {len(self.graphs)} graph(s), {state}>"

    def _settle(self, found: dict[tuple[str, str, str, str], list[EdgeEvidence]]) -> None:
        items: list[EdgeEvidence] = []
        for graph, confidence in zip(self.graphs, self.confidences, strict=True):
            stated = found.get((graph, self.subject, self.predicate, self.object))
            items.extend(stated if stated else (self._source.light(graph, confidence),))
        kept = [e for e in items if e.confidence >= self.min_confidence]
        if not kept:  # the store changed since the projection: show what the projection knew
            kept = [self._source.light(g, c) for g, c in zip(self.graphs, self.confidences, strict=True)]
        self._items = tuple(sorted(dict.fromkeys(kept), key=evidence_order)) if len(kept) > 1 else tuple(kept)


def load_evidence(edges: Iterable[Any]) -> None:
    """Read the evidence of every :class:`LazyEvidence` among ``edges`` not read yet, in batches."""
    pending: dict[EvidenceSource, list[LazyEvidence]] = defaultdict(list)
    for item in edges:
        if isinstance(item, LazyEvidence) and item._items is None:
            pending[item._source].append(item)
    for source, items in pending.items():
        store = source.store
        if store is None or store.closed:
            state = "closed" if store is not None else "gone (no longer referenced by your code)"
            raise StoreError(
                f"the store this projection was read from is {state}: keep it open while answers are shown, "
                "or read the evidence an answer shows (Result.load_evidence()) before closing it"
            )
        facts = list(dict.fromkeys((g, e.subject, e.predicate, e.object) for e in items for g in e.graphs))
        found: dict[tuple[str, str, str, str], list[EdgeEvidence]] = defaultdict(list)
        _read(store, source, facts, found)
        for item in items:
            item._settle(found)


def _read(
    store: Store,
    source: EvidenceSource,
    facts: Sequence[tuple[str, str, str, str]],
    found: dict[tuple[str, str, str, str], list[EdgeEvidence]],
) -> None:
    # Oxigraph answers one statement with constants in well under a millisecond, but joins a
    # VALUES table of statements against all the evidence; a remote store gets UNIONs instead
    # of a round trip per statement
    if getattr(store, "backend", None) == "remote":
        for start in range(0, len(facts), BATCH):
            batch = facts[start : start + BATCH]
            union = " UNION ".join(f"{{ {_STATEMENT % fact} BIND({n} AS ?n) }}" for n, fact in enumerate(batch))
            query = f"SELECT ?n ?conf ?rule ?sentence ?row ?kind WHERE {{ {{ {union} }} {_ATTRIBUTES} }}"
            for row in store.select_values(query):
                if row[0] is not None:
                    _found(source, batch[int(row[0])], row[1:], found)
    else:
        for fact in facts:
            query = f"SELECT ?conf ?rule ?sentence ?row ?kind WHERE {{ {_STATEMENT % fact} {_ATTRIBUTES} }}"
            for row in store.select_values(query):
                _found(source, fact, row, found)


def _found(
    source: EvidenceSource,
    fact: tuple[str, str, str, str],
    values: tuple[str | None, ...],
    found: dict[tuple[str, str, str, str], list[EdgeEvidence]],
) -> None:
    conf, rule, sentence, row, kind = values
    g = fact[0]
    article = g if is_article_iri(g) else None
    found[fact].append(
        EdgeEvidence(
            graph=g,
            source=kind or kind_of(g, source.kinds),
            confidence=float(conf) if conf is not None else 1.0,
            article=article,
            published=source.published.get(g) if article else None,
            sentence=sentence,
            rule=rule,
            row=row,
        )
    )
