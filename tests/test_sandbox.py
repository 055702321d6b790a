"""The query sandbox: hard time limits on real pyoxigraph evaluation in worker processes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph.errors import InvalidQuery, QueryTimeout
from graph.kg import KnowledgeGraph
from graph.sandbox import QuerySandbox
from graph.settings import Settings
from graph.store import EmbeddedStore, MemoryStore

JSON = "application/sparql-results+json"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GRAPH = URIRef("http://example.org/g")


def _fill(kg: KnowledgeGraph, n: int = 3000) -> None:
    triples = [
        (URIRef(f"http://example.org/s{i}"), URIRef(f"http://example.org/p{i % 7}"), Literal(i)) for i in range(n)
    ]
    kg.store.replace_graph(GRAPH, triples)


@pytest.fixture(params=["memory", "embedded"])
def kg(request: pytest.FixtureRequest, tmp_path: Path) -> KnowledgeGraph:
    if request.param == "memory":
        graph = KnowledgeGraph(MemoryStore(), Settings(backend="memory"))
    else:
        graph = KnowledgeGraph(
            EmbeddedStore(tmp_path / "store"), Settings(backend="embedded", store=tmp_path / "store")
        )
    _fill(graph)
    yield graph
    graph.close()


def _count(sandbox: QuerySandbox, query: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") -> int:
    result = sandbox.run(query, JSON)
    return int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])


def _wait_for_workers(sandbox: QuerySandbox, n: int, seconds: float = 30.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = sandbox.worker_pids()
        if len(pids) == n:
            return pids
        time.sleep(0.05)
    raise AssertionError(f"expected {n} workers, have {sandbox.worker_pids()}")


def test_cartesian_query_is_cancelled_while_another_query_answers(kg: KnowledgeGraph) -> None:
    with QuerySandbox(kg, workers=2, timeout=1.5) as sandbox:
        before = _wait_for_workers(sandbox, 2)
        assert _count(sandbox) == 3000  # warm both snapshot and a worker
        outcome: dict[str, object] = {}

        def slow() -> None:
            started = time.monotonic()
            try:
                sandbox.run(CARTESIAN, JSON)
            except QueryTimeout as exc:
                outcome["error"] = exc
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.3)
        # the other worker keeps answering while the first one is stuck
        assert _count(sandbox) == 3000
        thread.join(timeout=20)
        assert isinstance(outcome.get("error"), QueryTimeout)
        assert 1.0 <= float(outcome["seconds"]) < 10  # type: ignore[arg-type]
        after = _wait_for_workers(sandbox, 2)
        assert len(set(before) - set(after)) == 1  # exactly the stuck worker was replaced
        assert sandbox.stats.timeouts == 1
        assert _count(sandbox) == 3000


def test_pool_size_stays_constant_after_repeated_kills(kg: KnowledgeGraph) -> None:
    with QuerySandbox(kg, workers=2, timeout=1.0) as sandbox:
        for _ in range(2):
            with pytest.raises(QueryTimeout):
                sandbox.run(CARTESIAN, JSON)
            _wait_for_workers(sandbox, 2)
        assert _count(sandbox) == 3000


def test_snapshot_follows_writes_and_old_snapshots_are_removed(kg: KnowledgeGraph) -> None:
    with QuerySandbox(kg, workers=1, timeout=10) as sandbox:
        assert _count(sandbox) == 3000
        first = sandbox.snapshot_paths()
        assert len(first) == 1
        assert _count(sandbox) == 3000
        assert sandbox.stats.snapshots == 1  # unchanged store: no new snapshot
        kg.store.replace_graph(URIRef("http://example.org/h"), [(GRAPH, GRAPH, Literal("x"))])
        assert _count(sandbox) == 3001
        second = sandbox.snapshot_paths()
        assert len(second) == 1 and second != first


def test_syntax_errors_and_updates_are_refused(kg: KnowledgeGraph) -> None:
    with QuerySandbox(kg, workers=1, timeout=10) as sandbox:
        with pytest.raises(InvalidQuery, match=r"(?i)expected|error|unexpected"):
            sandbox.run("SELECT * WHERE { ?s ?p ", JSON)
        with pytest.raises(InvalidQuery, match="Update"):
            sandbox.run("DELETE WHERE { ?s ?p ?o }", JSON)
        assert _count(sandbox) == 3000  # the worker survived the error


def test_rows_are_capped_and_the_cap_reported(kg: KnowledgeGraph) -> None:
    with QuerySandbox(kg, workers=1, timeout=10, max_rows=10) as sandbox:
        result = sandbox.run("SELECT ?s WHERE { ?s ?p ?o }", JSON)
        assert result.truncated and result.rows == 10
        assert len(json.loads(result.body)["results"]["bindings"]) == 10


def test_close_removes_snapshots(tmp_path: Path) -> None:
    kg = KnowledgeGraph(EmbeddedStore(tmp_path / "s"), Settings(backend="embedded", store=tmp_path / "s"))
    _fill(kg, 10)
    sandbox = QuerySandbox(kg, workers=1, timeout=10)
    assert _count(sandbox) == 10
    assert (tmp_path / "s.snapshots").is_dir()
    sandbox.close()
    assert not (tmp_path / "s.snapshots").exists()
    kg.close()
