"""Oxigraph backends: ``embedded`` (RocksDB on disk) and ``memory``.

The embedded store takes RocksDB's lock on its directory, so exactly one
process writes it; a second process gets :class:`~graph.errors.StoreLocked`.
Readers in other processes use :meth:`OxigraphStore.snapshot` copies (cheap
hard-linked checkpoints), which is how the SPARQL endpoint evaluates queries
in worker processes it can kill.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

from graph.errors import InvalidQuery, StoreError, StoreLocked
from graph.prefixes import PREFIXES
from graph.store.base import Quad, Store, Triple
from graph.store.results import AskOutcome, GraphOutcome, Outcome, SelectOutcome, rdf_format, tsv_rows
from graph.store.safety import check_rdf_input
from graph.store.sparql_text import bind_variables, has_dataset_clause
from graph.store.terms import from_ox, from_ox_graph, to_ntriples, to_ox, to_ox_graph, triples_to_ntriples

__all__ = ["EmbeddedStore", "MemoryStore", "OxigraphStore", "evaluate_on"]


def evaluate_on(
    store: Any,
    query: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    default_graphs: Sequence[URIRef] | None = None,
    named_graphs: Sequence[URIRef] | None = None,
    base_iri: str | None = None,
) -> Outcome:
    """Evaluate ``query`` on a pyoxigraph ``Store`` (shared with query workers).

    ``base_iri`` resolves relative IRIs in the query (the SPARQL endpoint
    passes its own URL, as the protocol suggests).
    """
    result = _query(
        store, query, bindings=bindings, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri
    )
    if isinstance(result, ox.QueryBoolean):
        return AskOutcome(bool(result))
    if isinstance(result, ox.QuerySolutions):
        return SelectOutcome([v.value for v in result.variables], (tuple(row) for row in result))
    return GraphOutcome(result)


def _query(
    store: Any,
    query: str,
    *,
    bindings: Mapping[str, Node] | None = None,
    default_graphs: Sequence[URIRef] | None = None,
    named_graphs: Sequence[URIRef] | None = None,
    base_iri: str | None = None,
) -> Any:
    kwargs: dict[str, Any] = {}
    if base_iri is not None:
        kwargs["base_iri"] = base_iri
    if default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(str(g)) for g in default_graphs]
    elif not has_dataset_clause(query):
        kwargs["use_default_graph_as_union"] = True
    if named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(str(g)) for g in named_graphs]
    # pyoxigraph's native substitution only accepts projected variables, so
    # bind by escaped text, the same way for every backend
    text = bind_variables(query, bindings) if bindings else query
    try:
        return store.query(text, **kwargs)
    except SyntaxError as exc:
        raise InvalidQuery(str(exc)) from exc
    except OSError as exc:
        raise StoreError(f"query failed: {exc}") from exc


#: bytes of serialised results past which a query is worth handing freed memory back for
_BIG_RESULT = 4 << 20


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


def _release_heap() -> None:
    """Return memory the engine freed to the OS.

    glibc keeps freed blocks for reuse by malloc, which Python objects mostly
    do not use; without this, the hash tables of a big join stay in the
    process's resident memory while the caller builds from the rows.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class OxigraphStore(Store):
    """A pyoxigraph ``Store``, on disk (``path``) or in memory (``path=None``)."""

    supports_snapshots: ClassVar[bool] = True

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        super().__init__()
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"the store at {path} is open for writing in another process "
                    "(one writer per embedded store; stop the other chipgraph process or use --store)"
                ) from exc
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    # -- reading -------------------------------------------------------------

    def evaluate(
        self,
        query: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[URIRef] | None = None,
        named_graphs: Sequence[URIRef] | None = None,
    ) -> Outcome:
        return evaluate_on(
            self._store, query, bindings=bindings, default_graphs=default_graphs, named_graphs=named_graphs
        )

    def select_values(self, query: str, bindings: Mapping[str, Node] | None = None) -> Iterator[tuple[str | None, ...]]:
        # one TSV serialisation in Rust, split in Python: a term object per value costs more
        result = _query(self._store, query, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select_values() needs a SELECT query")
        try:
            data = result.serialize(format=ox.QueryResultsFormat.TSV) or b""
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from exc
        del result  # the engine's working memory goes before the rows are read
        if len(data) > _BIG_RESULT:
            _release_heap()
        yield from tsv_rows(data)

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        s, p, o = (None if t is None else to_ox(t) for t in (subject, predicate, obj))
        ox_graph = None if graph is None else to_ox_graph(graph)
        for quad in self._store.quads_for_pattern(s, p, o, ox_graph):
            yield (
                from_ox(quad.subject),
                from_ox(quad.predicate),
                from_ox(quad.object),
                from_ox_graph(quad.graph_name),
            )

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return len(self._store)
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
        return int(rows[0]["n"]) if rows else 0

    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        rdf = rdf_format(fmt)
        if graph is not None:
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self._store.quads_for_pattern(None, None, None, to_ox_graph(graph))
            )
            ox.serialize(triples, out, rdf, prefixes=PREFIXES)
        elif rdf.supports_datasets:
            self._store.dump(out, rdf, prefixes=PREFIXES if rdf != ox.RdfFormat.N_QUADS else None)
        else:
            merged = (ox.Triple(q.subject, q.predicate, q.object) for q in self._store)
            ox.serialize(merged, out, rdf, prefixes=PREFIXES)

    # -- writing ---------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")

    def update(self, sparql: str) -> None:
        self._writable()
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise InvalidQuery(str(exc)) from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc
        finally:
            self._bump()

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        self._writable()
        triples = list(triples)
        target = to_ox_graph(graph)
        try:
            body = triples_to_ntriples(triples)
        except ValueError:
            if not any(isinstance(term, BNode) for triple in triples for term in triple):
                raise
            # blank nodes cannot be written as text with stable labels: two transactions
            self._store.remove_graph(target)
            self._store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in triples)
            self._bump()
            return
        if self._store.contains_named_graph(target):  # drop and insert in one transaction
            name = to_ntriples(graph)
            self.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}\n}} }}")
            return
        try:  # a new graph: parsing N-Triples is cheaper than an update; one transaction too
            self._store.load(body.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        except (SyntaxError, OSError) as exc:
            raise StoreError(f"write failed: {exc}") from exc
        finally:
            self._bump()

    def drop_graph(self, graph: URIRef) -> bool:
        self._writable()
        existed = self.has_graph(graph) or self._store.contains_named_graph(to_ox_graph(graph))
        if existed:
            self._store.remove_graph(to_ox_graph(graph))
            self._bump()
        return existed

    def load(self, source: bytes | Path, fmt: str, graph: URIRef | None = None) -> int:
        self._writable()
        check_rdf_input(source, fmt)
        rdf = rdf_format(fmt)
        target = None if (rdf.supports_datasets or graph is None) else to_ox_graph(graph)
        before = self.count(graph) if graph is not None else len(self._store)
        try:
            if isinstance(source, Path):
                self._store.bulk_load(path=str(source), format=rdf, to_graph=target)
            else:
                self._store.load(source, format=rdf, to_graph=target)
        except SyntaxError as exc:
            raise InvalidQuery(f"cannot parse {fmt}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"load failed: {exc}") from exc
        finally:
            self._bump()
        after = self.count(graph) if graph is not None else len(self._store)
        return after - before

    # -- snapshots and lifecycle ---------------------------------------------

    def snapshot(self, directory: Path) -> tuple[str, Path]:
        """Write a consistent copy other processes can open read-only.

        Returns ``("rocksdb", dir)`` for the embedded store (a hard-linked
        checkpoint) and ``("nquads", file)`` for the memory store.
        """
        directory.parent.mkdir(parents=True, exist_ok=True)
        if self.path is None:
            target = directory.with_suffix(".nq")
            with target.open("wb") as out:
                self._store.dump(out, ox.RdfFormat.N_QUADS)
            return "nquads", target
        self._store.flush()
        self._store.backup(str(directory))
        return "rocksdb", directory

    def optimize(self) -> None:
        """Compact the on-disk store (after large imports)."""
        self._store.optimize()

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
        # dropping the last reference releases RocksDB's lock
        self._store = None  # type: ignore[assignment]

    @property
    def closed(self) -> bool:
        return self._store is None

    def __repr__(self) -> str:
        where = self.path if self.path is not None else "memory"
        return f"<{type(self).__name__} {where} pid={os.getpid()}>"


class EmbeddedStore(OxigraphStore):
    """Oxigraph on disk in a data directory: survives restarts, one writer."""

    backend: ClassVar[str] = "embedded"

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        super().__init__(Path(path), read_only=read_only)


class MemoryStore(OxigraphStore):
    """Oxigraph in memory: for tests and notebooks, gone when closed."""

    backend: ClassVar[str] = "memory"

    def __init__(self) -> None:
        super().__init__(None)
