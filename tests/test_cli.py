"""The ``chipgraph`` command line end to end, as a user runs it (real processes,
real embedded store, the real extractor on the seed articles)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def chipgraph(*args: str, store: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph", *args, "--store", str(store)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": str(store.parent)},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = chipgraph("build", store=store)
    assert result.returncode == 0, result.stderr
    assert "built 5 articles" in result.stdout
    return store


def test_stats_counts_articles_and_sources(built: Path) -> None:
    result = chipgraph("stats", "--json", store=built)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["articles"] == len(SEEDS)
    assert stats["triples_by_source"]["news"] > 1000
    assert stats["entities_by_class"]["Company"] > 10


def test_export_nquads_has_one_named_graph_per_seed_article(built: Path) -> None:
    result = chipgraph("export", "--format", "nquads", store=built)
    assert result.returncode == 0, result.stderr
    graphs = {line.rsplit(" ", 2)[-2] for line in result.stdout.splitlines() if line.strip()}
    article_graphs = {g for g in graphs if "/id/article/" in g}
    assert article_graphs == {f"<https://w3id.org/chipgraph/id/article/{p.stem}>" for p in SEEDS}


@pytest.mark.parametrize("fmt", ["trig", "turtle", "jsonld"])
def test_export_other_formats_to_a_file(built: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = chipgraph("export", "--format", fmt, "-o", str(out), store=built)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000


def test_query_outputs(built: Path) -> None:
    sparql = "SELECT ?label WHERE { ?e a cg:Company ; rdfs:label ?label } ORDER BY ?label"
    as_json = chipgraph("query", sparql, "--format", "json", store=built)
    assert as_json.returncode == 0, as_json.stderr
    labels = {row["label"] for row in json.loads(as_json.stdout)}
    assert {"SMIC", "Huawei", "ASML", "TSMC"} <= labels
    as_csv = chipgraph("query", sparql, "--format", "csv", store=built)
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["label"] and ["SMIC"] in rows
    as_table = chipgraph("query", sparql, store=built)
    assert "SMIC" in as_table.stdout
    from_stdin = chipgraph("query", "-", "--format", "json", store=built, stdin="ASK { ?s cg:manufacturesFor ?o }")
    assert json.loads(from_stdin.stdout) == {"boolean": True}


def test_query_errors_are_clear(built: Path) -> None:
    malformed = chipgraph("query", "SELECT ?x WHERE { ?x ", store=built)
    assert malformed.returncode == 2 and "error" in malformed.stderr and "Traceback" not in malformed.stderr
    update = chipgraph("query", "DROP ALL", store=built)
    assert update.returncode == 2 and "Update" in update.stderr


def test_validate_reports_zero_violations(built: Path) -> None:
    result = chipgraph("validate", store=built)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violations" in result.stdout


def test_ingest_and_remove_an_article(built: Path, tmp_path: Path) -> None:
    article = tmp_path / "new_article.txt"
    article.write_text("Dutch supplier ASML sells lithography machines to Intel.", encoding="utf-8")
    added = chipgraph("ingest", str(article), store=built)
    assert added.returncode == 0, added.stderr
    assert "added" in added.stdout
    again = chipgraph("ingest", str(article), store=built)
    assert "unchanged" in again.stdout
    removed = chipgraph("remove", "new_article", store=built)
    assert removed.returncode == 0, removed.stderr
    missing = chipgraph("remove", "new_article", store=built)
    assert missing.returncode == 3 and "no article" in missing.stderr


def test_bad_input_files(built: Path, tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    result = chipgraph("ingest", str(binary), store=built)
    assert result.returncode == 1 and "failed" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    nowhere = chipgraph("ingest", str(tmp_path / "missing.txt"), store=built)
    assert nowhere.returncode != 0 and "no such file" in nowhere.stderr


def test_second_process_gets_a_clear_lock_error(built: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from graph.store import EmbeddedStore; s = EmbeddedStore({str(built)!r}); print('ready', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = chipgraph("stats", store=built)
        assert result.returncode == 1 and "another process" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.communicate("\n", timeout=30)
