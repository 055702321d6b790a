"""The ``remote`` backend: any SPARQL 1.1 endpoint with query, update and
Graph Store Protocol URLs (Oxigraph server, Apache Jena Fuseki, GraphDB,
Virtuoso, Amazon Neptune).

Queries ask for the union of all named graphs as default graph the way each
server understands it (``remote_flavour``); big uploads go through the Graph
Store Protocol in batches of ``remote_batch_triples``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, ClassVar
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from graph.errors import ConfigError, InvalidQuery, QueryTimeout, RemoteStoreError
from graph.store.base import Quad, Store, Triple
from graph.store.results import AskOutcome, GraphOutcome, Outcome, SelectOutcome, rdf_format, tsv_rows
from graph.store.safety import check_rdf_input
from graph.store.sparql_text import bind_variables, has_dataset_clause, request_kind
from graph.store.terms import to_ntriples, to_ox

__all__ = ["DATASET_UPLOADS", "UNION_DEFAULT_GRAPH", "RemoteStore"]

#: how each server is asked to use the union of named graphs as default graph:
#: (extra query-string parameters, default-graph-uri to send)
UNION_DEFAULT_GRAPH: dict[str, tuple[dict[str, str], str | None]] = {
    "oxigraph": ({"union-default-graph": ""}, None),
    "fuseki": ({}, "urn:x-arq:UnionGraph"),
    "graphdb": ({}, None),  # GraphDB's default graph is the union of all graphs
    "virtuoso": ({}, None),  # Virtuoso queries all graphs when none is named
    "neptune": ({}, None),  # Neptune's default graph is the union of all graphs
    "generic": ({}, None),
}

#: flavours whose Graph Store Protocol endpoint also takes N-Quads without ``?graph`` (added to the
#: dataset, each quad into its own graph), so a bulk load sends batches across graphs instead of one
#: request per named graph; checked against ``oxigraph serve`` in tests/test_remote_backend.py
DATASET_UPLOADS = frozenset({"oxigraph"})


class RemoteStore(Store):
    """A store reached over HTTP with the SPARQL 1.1 protocols."""

    backend: ClassVar[str] = "remote"

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        *,
        flavour: str = "generic",
        auth: tuple[str, str] | None = None,
        timeout: float = 60.0,
        batch_triples: int = 20_000,
    ) -> None:
        super().__init__()
        if not query_url:
            raise ConfigError("the remote backend needs CHIPGRAPH_REMOTE_QUERY_URL")
        if flavour not in UNION_DEFAULT_GRAPH:
            raise ConfigError(f"unknown remote flavour {flavour!r}; use one of {', '.join(UNION_DEFAULT_GRAPH)}")
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.flavour = flavour
        self.timeout = timeout
        self.batch_triples = batch_triples
        # trust_env=False: never route through a proxy picked up from the environment
        self._client = httpx.Client(auth=auth, timeout=timeout, trust_env=False, follow_redirects=False)

    # -- HTTP ----------------------------------------------------------------

    def _send(self, method: str, url: str | None, *, timeout: float | None = None, **kwargs: Any) -> httpx.Response:
        if url is None:
            raise ConfigError("this operation needs CHIPGRAPH_REMOTE_UPDATE_URL / CHIPGRAPH_REMOTE_GSP_URL")
        try:
            response = self._client.request(method, url, timeout=timeout or self.timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise QueryTimeout(f"the remote endpoint did not answer within {timeout or self.timeout} s") from exc
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"cannot reach {url}: {exc}") from exc
        if response.status_code == 400:
            raise InvalidQuery(response.text.strip()[:2000] or "the remote endpoint refused the request")
        if response.status_code >= 400:
            raise RemoteStoreError(f"{method} {url} answered {response.status_code}: {response.text.strip()[:500]}")
        return response

    def _gsp_params(self, graph: URIRef) -> dict[str, str]:
        to_ntriples(graph)  # refuse IRIs that are not valid
        return {"graph": str(graph)}

    # -- reading -------------------------------------------------------------

    def evaluate(
        self,
        query: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[URIRef] | None = None,
        named_graphs: Sequence[URIRef] | None = None,
        timeout: float | None = None,
    ) -> Outcome:
        kind = request_kind(query)
        if kind == "update":
            raise InvalidQuery("evaluate() needs a query, not an update")
        accept = "application/n-triples" if kind in ("construct", "describe") else "application/sparql-results+json"
        response = self._post_query(query, bindings, default_graphs, named_graphs, accept, timeout)
        if kind in ("construct", "describe"):
            quads = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
            return GraphOutcome([ox.Triple(q.subject, q.predicate, q.object) for q in quads])
        return self._parse_results(response.content, ox.QueryResultsFormat.JSON)

    def _post_query(
        self,
        query: str,
        bindings: Mapping[str, Node] | None,
        default_graphs: Sequence[URIRef] | None,
        named_graphs: Sequence[URIRef] | None,
        accept: str,
        timeout: float | None,
    ) -> httpx.Response:
        text = bind_variables(query, bindings or {})
        form: list[tuple[str, str]] = [("query", text)]
        params: dict[str, str] = {}
        if default_graphs is not None:
            form += [("default-graph-uri", str(g)) for g in default_graphs]
        elif not has_dataset_clause(query):
            extra, union_graph = UNION_DEFAULT_GRAPH[self.flavour]
            params.update(extra)
            if union_graph:
                form.append(("default-graph-uri", union_graph))
        form += [("named-graph-uri", str(g)) for g in named_graphs or ()]
        return self._send(
            "POST",
            self.query_url,
            params=params,
            content=urlencode(form).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=timeout,
        )

    @staticmethod
    def _parse_results(content: bytes, fmt: Any) -> Outcome:
        try:
            parsed = ox.parse_query_results(content, format=fmt)
        except SyntaxError as exc:
            raise RemoteStoreError(f"the remote endpoint sent unreadable results: {exc}") from exc
        if isinstance(parsed, ox.QueryBoolean):
            return AskOutcome(bool(parsed))
        return SelectOutcome([v.value for v in parsed.variables], [tuple(row) for row in parsed])

    def select_values(self, query: str, bindings: Mapping[str, Node] | None = None) -> Iterator[tuple[str | None, ...]]:
        if request_kind(query) != "select":
            raise TypeError("select_values() needs a SELECT query")
        accept = "text/tab-separated-values, application/sparql-results+json;q=0.5"
        response = self._post_query(query, bindings, None, None, accept, None)
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == "text/tab-separated-values":
            yield from tsv_rows(response.content)
            return
        # an endpoint that does not write TSV: read its JSON the standard way
        outcome = self._parse_results(response.content, ox.QueryResultsFormat.JSON)
        if not isinstance(outcome, SelectOutcome):
            raise TypeError("select_values() needs a SELECT query")
        yield from self._values_of(outcome)

    def graph_names(self) -> list[URIRef]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(URIRef(str(r["g"])) for r in rows)

    def quads(
        self,
        subject: Node | None = None,
        predicate: Node | None = None,
        obj: Node | None = None,
        graph: URIRef | None = None,
    ) -> Iterator[Quad]:
        bindings = {k: v for k, v in (("s", subject), ("p", predicate), ("o", obj), ("g", graph)) if v is not None}
        fixed: dict[str, Node] = dict(bindings)
        for row in self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", bindings):
            values = {**fixed, **row}
            yield (values["s"], values["p"], values["o"], URIRef(str(values["g"])))  # type: ignore[misc]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
        return int(rows[0]["n"]) if rows else 0

    def dump(self, out: BinaryIO, fmt: str, graph: URIRef | None = None) -> None:
        rdf = rdf_format(fmt)
        graphs = [graph] if graph is not None else self.graph_names()
        quads: list[Any] = []
        for name in graphs:
            outcome = self.evaluate("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", bindings={"g": name})
            assert isinstance(outcome, GraphOutcome)
            target = ox.NamedNode(str(name))
            quads += [ox.Quad(t.subject, t.predicate, t.object, target) for t in outcome.triples]
        if rdf.supports_datasets and graph is None:
            ox.serialize(quads, out, rdf)
        else:
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), out, rdf)

    # -- writing ---------------------------------------------------------------

    def update(self, sparql: str) -> None:
        try:
            self._send("POST", self.update_url, data={"update": sparql})
        finally:
            self._bump()

    def _ntriples_batches(self, triples: Iterable[Any]) -> Iterator[bytes]:
        batch: list[Any] = []
        for triple in triples:
            batch.append(triple)
            if len(batch) >= self.batch_triples:
                yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
                batch = []
        if batch:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""

    def _upload(self, graph: URIRef, triples: Iterable[Any], *, replace: bool) -> None:
        headers = {"Content-Type": "application/n-triples"}
        first = True
        for body in self._ntriples_batches(triples):
            method = "PUT" if (replace and first) else "POST"
            self._send(method, self.gsp_url, params=self._gsp_params(graph), content=body, headers=headers)
            first = False
        if first and replace:
            self.drop_graph(graph)

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        ox_triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
        try:
            if self.gsp_url is not None:
                # a single PUT (graphs up to remote_batch_triples) is replaced atomically by the server
                self._upload(graph, ox_triples, replace=True)
            else:
                body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in ox_triples)
                target = to_ntriples(graph)
                self.update(f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{body}\n}} }}")
        finally:
            self._bump()

    def drop_graph(self, graph: URIRef) -> bool:
        existed = self.has_graph(graph)
        if existed:
            self.update(f"DROP SILENT GRAPH {to_ntriples(graph)}")
        return existed

    def load(self, source: bytes | Path, fmt: str, graph: URIRef | None = None) -> int:
        """Upload RDF through the Graph Store Protocol, at most ``batch_triples`` per request.

        Memory stays bounded by one batch however large the input. Dataset
        formats go up as N-Quads batches across graphs where the server takes
        them (:data:`DATASET_UPLOADS`), else as one ``POST`` per named graph
        and batch. Each request is its own transaction on the server.
        """
        check_rdf_input(source, fmt)
        rdf = rdf_format(fmt)
        data: Any = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
        by_graph: dict[URIRef, list[Any]] = defaultdict(list)
        quads: list[Any] = []
        buffered = added = 0
        per_dataset = rdf.supports_datasets and self.flavour in DATASET_UPLOADS
        try:
            for quad in ox.parse(data, format=rdf):
                name = (
                    graph
                    if (graph is not None and not rdf.supports_datasets)
                    else (URIRef(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else graph)
                )
                if name is None:
                    raise InvalidQuery("triples outside a named graph: pass a target graph")
                added += 1
                if per_dataset:
                    if not isinstance(quad.graph_name, ox.NamedNode):
                        quad = ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(str(name)))
                    quads.append(quad)
                    if len(quads) >= self.batch_triples:
                        self._upload_quads(quads)
                        quads = []
                    continue
                by_graph[name].append(ox.Triple(quad.subject, quad.predicate, quad.object))
                buffered += 1
                if buffered >= self.batch_triples:  # many small graphs: flush them all
                    for pending, triples in by_graph.items():
                        self._upload(pending, triples, replace=False)
                    by_graph.clear()
                    buffered = 0
            for name, triples in by_graph.items():
                self._upload(name, triples, replace=False)
            if quads:
                self._upload_quads(quads)
        except SyntaxError as exc:
            raise InvalidQuery(f"cannot parse {fmt}: {exc}") from exc
        finally:
            if isinstance(source, Path):
                data.close()
            self._bump()
        return added

    def _upload_quads(self, quads: list[Any]) -> None:
        body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        self._send("POST", self.gsp_url, content=body, headers={"Content-Type": "application/n-quads"})

    def close(self) -> None:
        self._client.close()

    @property
    def closed(self) -> bool:
        return self._client.is_closed

    def __repr__(self) -> str:
        return f"<RemoteStore {self.query_url} ({self.flavour})>"
