"""The benchmark harness itself (never timings): the synthetic corpus feeds the
extractor, the three stores agree on the benchmark queries, the report renders
with its plots."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import bench.corpus
import bench.stores
from bench import report
from graph.extract import Extractor, load_extractor
from graph.records import Article
from graph.settings import Settings


@pytest.mark.parametrize("module", [bench.corpus, bench.stores], ids=lambda m: m.__name__)
def test_doctests(module: object) -> None:
    failures, _ = doctest.testmod(module)  # type: ignore[arg-type]
    assert failures == 0


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(Settings(backend="memory"))


def test_synthetic_articles_are_deterministic_news_the_extractor_reads(extractor: Extractor) -> None:
    articles = bench.corpus.build_articles(5, seed=3)
    assert [a.text for a in articles] == [a.text for a in bench.corpus.build_articles(5, seed=3)]
    assert len({a.text for a in articles}) == 5
    assert all(len(a.text.split()) >= 600 for a in articles)
    names = bench.corpus.reference_names()
    for article in articles:
        extraction = extractor.extract(Article(id=article.id, text=article.text))
        # supply facts between reference companies and sanctions, as in the seed articles
        assert len(extraction.facts) >= 10 and extraction.sanctions
        labels = {e.label for e in extraction.entities}
        assert labels & set(names["Company"]) and labels & set(names["Country"])


def test_stores_agree_on_every_benchmark_query_and_the_report_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench.stores, "WORKDIR", tmp_path / "work")
    figures = bench.stores.run(["3k"], rdflib_max="3k", remote_max="3k", reps=2, budget_s=5.0)
    row = figures["sizes"]["3k"]
    for store in ("embedded", "rdflib", "remote"):
        assert "error" not in row[store], row[store]
        assert set(row[store]["queries"]) == set(bench.stores.QUERIES)
    for store in ("rdflib", "remote"):
        assert {name: q["same_answers"] for name, q in row[store]["queries"].items()} == dict.fromkeys(
            bench.stores.QUERIES, True
        )
    assert row["remote"]["uploaded"] == row["dataset"]["quads"]
    assert row["embedded"]["analytics"]["edges"] > 0

    results = {"machine": {"date": "today", "cores": 2}, "parts": {"stores": {"figures": figures, "seconds": 1.0}}}
    out = tmp_path / "docs" / "benchmarks.md"
    report.write_report(results, out)
    text = out.read_text()
    assert "## Stores by size" in text and "![cost vs size](benchmarks.png)" in text
    assert (tmp_path / "docs" / "benchmarks.png").stat().st_size > 10_000
    for label in bench.stores.QUERY_LABELS.values():
        assert label in text
