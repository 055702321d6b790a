"""Batch ingestion (``ingest_articles`` / ``ingest_paths``): the store write of one
article overlaps the extraction of the next, with the same outcome as ingesting
the articles one by one (every backend)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode
from rdflib.namespace import PROV

from graph.errors import ArticleNotFound
from graph.kg import IngestResult, KnowledgeGraph
from graph.provenance import graph_is_whole
from graph.records import Article, Extraction
from graph.settings import Settings
from tests.support import KeywordExtractor

TEXTS = [
    f"Initech Tools supplies Acme {n}. Acme {n} makes 5nm chips.\n\nRuritania bans exports to Globex {n}."
    for n in range(12)
]


@pytest.fixture
def kg(settings: Settings) -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.open(settings, extractor=KeywordExtractor())
    try:
        yield graph
    finally:
        graph.close()


def articles() -> list[Article]:
    return [Article(id=f"batch-{n}", text=text) for n, text in enumerate(TEXTS)]


def stored(kg: KnowledgeGraph) -> set[tuple[object, ...]]:
    """Every quad but ingestion timestamps and blank nodes (both differ between two runs)."""
    return {q for q in kg.store.quads() if q[1] != PROV.generatedAtTime and not any(isinstance(t, BNode) for t in q)}


def test_a_batch_stores_what_one_by_one_stores(kg: KnowledgeGraph, tmp_path: Path) -> None:
    reported: list[str] = []
    results = kg.ingest_articles(articles(), progress=lambda r: reported.append(r.article_id))
    assert [r.article_id for r in results] == reported == [a.id for a in articles()]
    assert {r.status for r in results} == {"added"}
    with KnowledgeGraph.open(Settings(backend="memory"), extractor=KeywordExtractor()) as one_by_one:
        for article in articles():
            one_by_one.ingest_article(article)
        assert stored(kg) == stored(one_by_one)
    # again: nothing to do; forced: every graph replaced
    assert {r.status for r in kg.ingest_articles(articles())} == {"unchanged"}
    assert {r.status for r in kg.ingest_articles(articles(), force=True)} == {"replaced"}


def test_the_same_article_twice_in_a_batch(kg: KnowledgeGraph) -> None:
    first, again = articles()[0], Article(id="batch-0", text=TEXTS[0])
    changed = Article(id="batch-0", text=TEXTS[1])
    results = kg.ingest_articles([first, again, changed])
    assert [r.status for r in results] == ["added", "unchanged", "replaced"]
    assert kg.article("batch-0")["text"] == TEXTS[1]


def test_ingest_paths_reports_a_bad_file_in_its_place(kg: KnowledgeGraph, tmp_path: Path) -> None:
    for n, text in enumerate(TEXTS[:4]):
        (tmp_path / f"{n}-ok.txt").write_text(text, encoding="utf-8")
    (tmp_path / "2-bad.txt").write_text("   \n", encoding="utf-8")
    seen: list[tuple[str, str]] = []
    results = kg.ingest_paths([tmp_path], progress=lambda path, r: seen.append((path.name, r.status)))
    assert seen == [
        ("0-ok.txt", "added"),
        ("1-ok.txt", "added"),
        ("2-bad.txt", "failed"),
        ("2-ok.txt", "added"),
        ("3-ok.txt", "added"),
    ]
    assert [r.status for r in results] == [status for _, status in seen]
    assert kg.article_ids() == ["0-ok", "1-ok", "2-ok", "3-ok"]


class FailingOn(KeywordExtractor):
    def __init__(self, article_id: str) -> None:
        self.article_id = article_id

    def extract(self, article: Article) -> Extraction:
        if article.id == self.article_id:
            raise RuntimeError("extractor broke")
        return super().extract(article)


def test_an_error_mid_batch_leaves_earlier_articles_whole(settings: Settings) -> None:
    told: list[int] = []
    with KnowledgeGraph.open(settings, extractor=FailingOn("batch-5")) as kg:
        kg.on_change(lambda: told.append(kg.generation))
        with pytest.raises(RuntimeError, match="extractor broke"):
            kg.ingest_articles(articles())
        # the write in flight when extraction failed finished; nothing after it was written
        assert kg.article_ids() == [f"batch-{n}" for n in range(5)]
        with pytest.raises(ArticleNotFound):
            kg.article("batch-5")
        assert told  # listeners were told about the writes that happened


def test_read_failures_pass_through(kg: KnowledgeGraph) -> None:
    failed = IngestResult("broken", "", "failed", error="cannot decode")
    results = kg.ingest_articles([articles()[0], failed, articles()[1]])
    assert [r.status for r in results] == ["added", "failed", "added"]
    assert results[1] is failed


def test_every_batch_written_graph_is_whole(kg: KnowledgeGraph) -> None:
    kg.ingest_articles(articles())
    for article in articles():
        triples = [(s, p, o) for s, p, o, _ in kg.store.quads(graph=article.iri)]
        assert graph_is_whole(triples, article.iri)
