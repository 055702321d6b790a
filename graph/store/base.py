"""The store interface every backend implements.

Backends implement a handful of primitives (evaluate, update, replace_graph,
drop_graph, graph_names, quads, count, load, dump); the conveniences that
chipgraph code uses (``select``, ``ask``, ``construct``, ``run_query``) are
written once here on top of them. Queries see the *union* of all named graphs
as their default graph unless a dataset is given explicitly.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, ClassVar

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from graph.store.results import (
    AskOutcome,
    GraphOutcome,
    Outcome,
    SelectOutcome,
    SerializedResult,
    serialize_outcome,
)
from graph.store.sparql_text import check_query_allowed
from graph.store.terms import Term, from_ox

__all__ = ["Quad", "Store", "Triple"]

Triple = tuple[Node, Node, Node]
Quad = tuple[Term, Term, Term, URIRef | None]


class Store(ABC):
    """An RDF dataset of named graphs with SPARQL 1.1 query and update."""

    #: registry name of the backend ("embedded", "memory", "remote")
    backend: ClassVar[str]
    #: whether a separate process can evaluate queries on a snapshot of this store
    supports_snapshots: ClassVar[bool] = False

    def __init__(self) -> None:
        self._generation = 0
        self._generation_lock = threading.Lock()

    # -- write accounting ----------------------------------------------------

    @property
    def generation(self) -> int:
        """A counter that grows with every write made through this object.

        Caches (the analytics projection, query snapshots) compare it to know
        when they are stale.
        """
        return self._generation

    def _bump(self) -> None:
        with self._generation_lock:
            self._generation += 1

    # -- primitives ------------------------------------------------------------

    @abstractmethod
    def evaluate(
        self,
        query: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[URIRef] | None = None,
        named_graphs: Sequence[URIRef] | None = None,
    ) -> Outcome:
        """Evaluate a SPARQL query; terms in the outcome are pyoxigraph terms.

        Without ``default_graphs`` the default graph is the union of all graphs.
        ``bindings`` pre-bind variables to terms (never spliced as text unless
        escaped). Raises :class:`~graph.errors.InvalidQuery` on syntax errors.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update as one transaction (where the engine allows)."""

    @abstractmethod
    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically where the engine allows."""

    @abstractmethod
    def drop_graph(self, graph: URIRef) -> bool:
        """Remove a named graph and its triples; False if it did not exist."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """Names of the non-empty named graphs."""

    @abstractmethod
    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        """Quads matching a pattern (None matches anything; graph None = all graphs)."""

    @abstractmethod
    def count(self, graph: URIRef | None = None) -> int:
        """Number of quads in ``graph`` (or in the whole dataset)."""

    @abstractmethod
    def load(self, source: bytes | Path, fmt: str, graph: URIRef | None = None) -> int:
        """Bulk-load RDF (checked by :mod:`graph.store.safety` first); returns quads added.

        Triple formats go into ``graph``; dataset formats keep their own graphs.
        """

    @abstractmethod
    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        """Write the dataset (or one graph) in an RDF format (``nquads``, ``trig``...)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store's resources."""

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (reads fail from then on)."""
        return False

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- conveniences ----------------------------------------------------------

    def has_graph(self, graph: URIRef) -> bool:
        """Whether a named graph exists (holds at least one triple)."""
        return self.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": graph})

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Term]]:
        """Rows of a SELECT query as dicts of rdflib terms (unbound variables absent)."""
        outcome = self.evaluate(query, bindings=bindings)
        if not isinstance(outcome, SelectOutcome):
            raise TypeError("select() needs a SELECT query")
        names = outcome.variables
        return [
            {name: from_ox(value) for name, value in zip(names, row, strict=True) if value is not None}
            for row in outcome.rows
        ]

    def select_values(self, query: str, bindings: Mapping[str, Node] | None = None) -> Iterator[tuple[str | None, ...]]:
        """Rows of a SELECT query as plain values, in the order of its variables.

        IRIs come back as their text, blank nodes as ``_:id``, literals as their
        lexical form (datatype and language dropped) and unbound variables as
        None. Meant for bulk reads: backends override it to skip building a term
        object per value (the embedded and memory stores read their own TSV
        serialisation, the remote store asks the endpoint for TSV).
        """
        outcome = self.evaluate(query, bindings=bindings)
        if not isinstance(outcome, SelectOutcome):
            raise TypeError("select_values() needs a SELECT query")
        yield from self._values_of(outcome)

    @staticmethod
    def _values_of(outcome: SelectOutcome) -> Iterator[tuple[str | None, ...]]:
        for row in outcome.rows:
            yield tuple(_plain(term) for term in row)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        """Answer of an ASK query."""
        outcome = self.evaluate(query, bindings=bindings)
        if not isinstance(outcome, AskOutcome):
            raise TypeError("ask() needs an ASK query")
        return outcome.value

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[tuple[Term, Term, Term]]:
        """Triples of a CONSTRUCT or DESCRIBE query as rdflib terms."""
        outcome = self.evaluate(query, bindings=bindings)
        if not isinstance(outcome, GraphOutcome):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in outcome.triples]

    def run_query(
        self,
        query: str,
        media_type: str,
        *,
        row_limit: int | None = None,
        default_graphs: Sequence[URIRef] | None = None,
        named_graphs: Sequence[URIRef] | None = None,
    ) -> SerializedResult:
        """Check, evaluate and serialise a user's read-only query (no time limit)."""
        check_query_allowed(query)
        outcome = self.evaluate(query, default_graphs=default_graphs, named_graphs=named_graphs)
        return serialize_outcome(outcome, media_type, row_limit=row_limit)


def _plain(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)  # an RDF 1.2 triple term, in N-Triples syntax
