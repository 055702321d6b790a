"""The KnowledgeGraph facade: the one object CLI, API, notebooks and
analytics use to read and write chipgraph's data.

>>> kg = KnowledgeGraph.open(Settings(backend="memory"))
>>> kg.stats()["articles"]
0
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.articles import article_from_file, article_from_text, find_article_files
from graph.bootstrap import ensure_ontology, ensure_reference
from graph.errors import ArticleNotFound, IngestError
from graph.extract.base import Extractor
from graph.ids import article_id_of, is_article_iri, mint_article
from graph.prefixes import SPARQL_PREFIXES
from graph.provenance import article_triples
from graph.records import Article, Extraction
from graph.settings import Settings
from graph.store import Store, open_store
from graph.store.sparql_text import check_update_allowed
from graph.store.terms import Term

__all__ = ["IngestResult", "KnowledgeGraph"]


@dataclass(frozen=True)
class IngestResult:
    """What ingesting one article did."""

    article_id: str
    iri: str
    status: str  # "added", "replaced", "unchanged" or "failed"
    triples: int = 0
    entities: int = 0
    facts: int = 0
    sanctions: int = 0
    error: str | None = None
    extraction: Extraction | None = field(default=None, repr=False, compare=False)


class KnowledgeGraph:
    """chipgraph's data: a store, the extractor that feeds it, and the reads on it."""

    def __init__(self, store: Store, settings: Settings | None = None, *, extractor: Extractor | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._extractor = extractor
        self._write_lock = threading.RLock()
        self._listeners: list[Callable[[], None]] = []

    @classmethod
    def open(
        cls, settings: Settings | None = None, *, extractor: Extractor | None = None, bootstrap: bool = True
    ) -> KnowledgeGraph:
        """Open the configured store and make sure the ontology and reference list are loaded."""
        settings = settings or Settings()
        kg = cls(open_store(settings), settings, extractor=extractor)
        if bootstrap:
            kg.bootstrap()
        return kg

    def bootstrap(self) -> None:
        """(Re)load the ontology and reference graphs when their files changed."""
        with self._write_lock:
            changed = ensure_ontology(self.store)
            changed = ensure_reference(self.store) or changed
        if changed:
            self._notify()

    def close(self) -> None:
        """Close the store (releases the embedded store's lock)."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- change notification ----------------------------------------------------

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every write (caches invalidate themselves here)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in self._listeners:
            listener()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The store, for a batch of writes (dataset imports) under the write lock.

        Listeners are told afterwards, also when the batch fails half-way.
        """
        try:
            with self._write_lock:
                yield self.store
        finally:
            self._notify()

    @property
    def generation(self) -> int:
        """Grows with every write through this object; caches compare it."""
        return self.store.generation

    # -- extraction and ingestion ------------------------------------------------

    @property
    def extractor(self) -> Extractor:
        """The extractor in use (the rule-based one unless another was given)."""
        if self._extractor is None:
            from graph.extract import load_extractor

            self._extractor = load_extractor(self.settings)
        return self._extractor

    def _stored_version(self, article: URIRef) -> tuple[str, str] | None:
        rows = self.store.select(
            SPARQL_PREFIXES + "SELECT ?sha ?ver WHERE { GRAPH ?a { ?a cg:sha256 ?sha ; cg:extractorVersion ?ver } }",
            {"a": article},
        )
        return (str(rows[0]["sha"]), str(rows[0]["ver"])) if rows else None

    def _prepare(self, article: Article, *, force: bool) -> tuple[IngestResult, list[Any] | None]:
        """Extract an article and build its graph, without writing: (result, triples or None if unchanged)."""
        extractor = self.extractor
        previous = self._stored_version(article.iri)
        if not force and previous == (article.sha256, extractor.name):
            return IngestResult(article.id, str(article.iri), "unchanged"), None
        extraction = extractor.extract(article)
        triples = article_triples(extraction, ingested_at=datetime.now(UTC))
        result = IngestResult(
            article.id,
            str(article.iri),
            "replaced" if previous else "added",
            triples=len(triples),
            entities=len(extraction.entities),
            facts=len(extraction.facts),
            sanctions=len(extraction.sanctions),
            extraction=extraction,
        )
        return result, triples

    def ingest_article(self, article: Article, *, force: bool = False) -> IngestResult:
        """Extract facts from an article and store them in its named graph.

        An unchanged article (same text, same extractor) is left alone; a
        changed one replaces its graph atomically.
        """
        with self._write_lock:
            result, triples = self._prepare(article, force=force)
            if triples is None:
                return result
            self.store.replace_graph(article.iri, triples)
        self._notify()
        return result

    def ingest_text(
        self,
        text: str,
        *,
        article_id: str | None = None,
        title: str | None = None,
        url: str | None = None,
        published: date | str | None = None,
        file_name: str | None = None,
    ) -> IngestResult:
        """Clean, extract and store one article given as text."""
        article = article_from_text(
            text,
            article_id=article_id,
            title=title,
            url=url,
            published=published,
            file_name=file_name,
            max_bytes=self.settings.max_article_bytes,
        )
        return self.ingest_article(article)

    def ingest_articles(
        self,
        articles: Iterable[Article | IngestResult],
        *,
        force: bool = False,
        progress: Callable[[IngestResult], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest many articles, each exactly as :meth:`ingest_article` would, in order.

        The store write of one article overlaps the extraction of the next: the
        engines write without holding the GIL, so on two cores a batch costs
        about max(extraction, write) per article instead of their sum. Every
        article's graph is still replaced in one atomic write, one at a time.
        An :class:`IngestResult` among the articles (a file that could not be
        read) is passed through in its place. ``progress`` is called once per
        article after its write. Listeners are told once, after the batch.
        """
        results: list[IngestResult] = []
        in_flight: tuple[Future[None], IngestResult] | None = None

        def settle() -> None:
            nonlocal in_flight
            if in_flight is not None:
                future, done = in_flight
                in_flight = None
                future.result()  # a failed write raises here, before anything later is reported
                report(done)

        def report(result: IngestResult) -> None:
            results.append(result)
            if progress is not None:
                progress(result)

        try:
            with self._write_lock, ThreadPoolExecutor(1, thread_name_prefix="chipgraph-write") as writer:
                try:
                    for item in articles:
                        if isinstance(item, IngestResult):
                            settle()
                            report(item)
                            continue
                        if in_flight is not None and in_flight[1].iri == str(item.iri):
                            settle()  # the same article twice: read its stored version after the write
                        result, triples = self._prepare(item, force=force)
                        settle()
                        if triples is None:
                            report(result)
                        else:
                            in_flight = (writer.submit(self.store.replace_graph, item.iri, triples), result)
                    settle()
                finally:
                    if in_flight is not None:  # an error elsewhere: let the write in flight finish
                        wait([in_flight[0]])
        finally:
            self._notify()
        return results

    def ingest_paths(
        self, paths: Iterable[Path], *, progress: Callable[[Path, IngestResult], None] | None = None
    ) -> list[IngestResult]:
        """Ingest files and folders of articles (see :meth:`ingest_articles`); a bad file is reported, not fatal."""
        files = find_article_files(list(paths))

        def read() -> Iterator[Article | IngestResult]:
            for path in files:
                try:
                    yield article_from_file(path, max_bytes=self.settings.max_article_bytes)
                except IngestError as exc:
                    yield IngestResult(path.stem, "", "failed", error=str(exc))

        in_order = iter(files)  # results are reported in input order, one per file

        def advance(result: IngestResult) -> None:
            path = next(in_order)
            if progress is not None:
                progress(path, result)

        return self.ingest_articles(read(), progress=advance)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update as one write (LOAD and SERVICE are refused)."""
        check_update_allowed(sparql)
        with self._write_lock:
            self.store.update(sparql)
        self._notify()

    def remove_article(self, article_id: str) -> None:
        """Remove an article and exactly the facts it contributed."""
        iri = self._article_iri(article_id)
        with self._write_lock:
            if not self.store.drop_graph(iri):
                raise ArticleNotFound(f"no article {article_id!r}")
        self._notify()

    @staticmethod
    def _article_iri(article_id: str) -> URIRef:
        if is_article_iri(article_id):
            article_id = article_id_of(article_id)
        try:
            return mint_article(article_id)
        except ValueError:
            raise ArticleNotFound(f"no article {article_id!r}") from None

    # -- reading -------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Term]]:
        """Rows of a SELECT query over the union of all graphs.

        The usual prefixes (cg:, id:, rdfs:, skos:, prov:, dcterms:, owl:, wd:...)
        are predeclared; a query may redeclare them.
        """
        return self.store.select(SPARQL_PREFIXES + sparql, bindings)

    def article_ids(self) -> list[str]:
        """Ids of the stored articles, sorted."""
        return sorted(article_id_of(str(g)) for g in self.store.graph_names() if is_article_iri(str(g)))

    def articles(self) -> list[dict[str, Any]]:
        """One summary per stored article (id, title, url, date, file, counts)."""
        rows = self.store.select(
            SPARQL_PREFIXES
            + """
            SELECT ?a ?title ?url ?issued ?file ?sha ?ver ?at ?n
                   (COUNT(DISTINCT ?e) AS ?mentions)
            WHERE { GRAPH ?a {
                ?a a cg:Article ; cg:sha256 ?sha ; cg:extractorVersion ?ver ; prov:generatedAtTime ?at ;
                   cg:statementCount ?n .
                OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:source ?url }
                OPTIONAL { ?a dcterms:issued ?issued } OPTIONAL { ?a cg:fileName ?file }
                OPTIONAL { ?a cg:mentions ?e }
            } }
            GROUP BY ?a ?title ?url ?issued ?file ?sha ?ver ?at ?n
            ORDER BY ?a
            """
        )
        return [_article_summary(row) for row in rows]

    def article(self, article_id: str) -> dict[str, Any]:
        """An article's metadata and text; :class:`ArticleNotFound` if absent."""
        iri = self._article_iri(article_id)
        rows = self.store.select(
            SPARQL_PREFIXES
            + """
            SELECT ?title ?url ?issued ?file ?sha ?ver ?at ?n ?text WHERE { GRAPH ?a {
                ?a a cg:Article ; cg:sha256 ?sha ; cg:extractorVersion ?ver ; prov:generatedAtTime ?at ;
                   cg:statementCount ?n ; cg:text ?text .
                OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:source ?url }
                OPTIONAL { ?a dcterms:issued ?issued } OPTIONAL { ?a cg:fileName ?file }
            } }""",
            {"a": iri},
        )
        if not rows:
            raise ArticleNotFound(f"no article {article_id!r}")
        row = dict(rows[0])
        row["a"] = iri
        summary = _article_summary(row)
        summary["text"] = str(row["text"])
        return summary

    def stats(self) -> dict[str, Any]:
        """Counts of graphs, triples, articles and entities per class and per source."""
        graphs = self.store.graph_names()
        per_graph = {str(g): self.store.count(g) for g in graphs}
        classes = self.store.select(
            SPARQL_PREFIXES
            + """
            SELECT ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE {
                GRAPH ?g { ?e a ?cls } FILTER(STRSTARTS(STR(?cls), STR(cg:)))
            } GROUP BY ?cls ORDER BY DESC(?n)"""
        )
        sources: dict[str, int] = {}
        for name, count in per_graph.items():
            key = "news" if is_article_iri(name) else name.rsplit("/", 1)[-1]
            sources[key] = sources.get(key, 0) + count
        return {
            "store": self.settings.store_label(),
            "triples": sum(per_graph.values()),
            "graphs": len(graphs),
            "articles": sum(1 for g in graphs if is_article_iri(str(g))),
            "triples_by_source": sources,
            "entities_by_class": {str(r["cls"]).rsplit("#", 1)[-1]: int(r["n"]) for r in classes},
        }

    def export(self, out: BinaryIO, fmt: str = "nquads", graph: URIRef | None = None) -> None:
        """Write the whole dataset (or one graph) in an RDF format."""
        self.store.dump(out, fmt, graph)


def _article_summary(row: Mapping[str, Any]) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = row.get(key)
        return None if value is None else str(value)

    out: dict[str, Any] = {
        "id": article_id_of(str(row["a"])),
        "iri": str(row["a"]),
        "title": text("title"),
        "url": text("url"),
        "published": text("issued"),
        "file_name": text("file"),
        "sha256": text("sha"),
        "extractor": text("ver"),
        "ingested_at": text("at"),
        "statements": int(row["n"]) if isinstance(row.get("n"), Literal) else None,
    }
    if "mentions" in row:
        out["mentions"] = int(row["mentions"])
    return out
