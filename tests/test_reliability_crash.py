"""Faults: ``kill -9`` of ``chipgraph serve`` in the middle of ingesting, several times at
random points, and two writers on one embedded store.

After each kill the store must open cleanly, every article must be whole (its triple
count equal to its ``cg:statementCount``) or absent, every article the server
acknowledged must be there, SHACL must find no violation, and the articles lost in
flight must ingest again. The library case of two writers is tests/test_persistence.py;
here it is the command line and the server.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from reliability_results import record
from reliability_support import CHIPGRAPH, ROOT, ServeProcess, audit_store, synthetic_article

from graph.store import EmbeddedStore
from graph.validate import validate_store

pytestmark = pytest.mark.slow

KILLS = 5
SEED = 90_210
ONE_WORKER = {"CHIPGRAPH_QUERY_WORKERS": "1"}  # starts faster; queries are not what is tested here


class Ingester:
    """Posts synthetic articles one after the other until the connection breaks."""

    def __init__(self, url: str, token: str, first_index: int) -> None:
        self.url, self.token, self.index = url, token, first_index
        self.acknowledged: list[str] = []
        self.in_flight: str | None = None
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, trust_env=False, timeout=30) as client:
            while True:
                article_id = f"crash-{self.index:04d}"
                self.in_flight = article_id
                try:
                    response = client.post(
                        "/articles",
                        content=synthetic_article(self.index, SEED + self.index % 3),
                        params={"id": article_id},
                        headers={"Content-Type": "text/plain", "Authorization": f"Bearer {self.token}"},
                    )
                except httpx.HTTPError:
                    return  # the server is gone; in_flight may or may not have been written
                assert response.status_code == 201, response.text
                self.acknowledged.append(article_id)
                self.in_flight = None
                self.index += 1
                self.started.set()


def test_kill_9_while_ingesting_leaves_every_article_whole_or_absent(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    store = tmp_path / "store"
    acknowledged: list[str] = []
    attempted: set[str] = set()
    rounds = []
    next_index = 0
    for kill in range(KILLS):
        served = ServeProcess(store, env=ONE_WORKER, log=tmp_path / f"serve-{kill}.log").start()
        ingester = Ingester(served.url, served.token or "", next_index)
        ingester.thread.start()
        assert ingester.started.wait(60), served.tail()
        time.sleep(rng.uniform(0.02, 0.6))  # a random point in the stream of writes
        in_flight_at_kill = ingester.in_flight
        served.kill()
        ingester.thread.join(timeout=30)
        assert not ingester.thread.is_alive()
        acknowledged += ingester.acknowledged
        attempted |= set(ingester.acknowledged) | ({ingester.in_flight} if ingester.in_flight else set())
        next_index = ingester.index + 1

        # offline, straight after the kill: the store opens, nothing is half written, nothing acknowledged is lost
        audit = audit_store(store)
        assert audit.broken == {}, audit.broken
        assert set(acknowledged) <= audit.whole
        assert audit.whole <= attempted
        rounds.append(
            {
                "acknowledged": len(ingester.acknowledged),
                "in_flight": in_flight_at_kill is not None,
                "in_flight_written": bool(ingester.in_flight and ingester.in_flight in audit.whole),
            }
        )

    # after the last kill: a clean restart serves everything, SHACL finds nothing, lost ones ingest again
    audit = audit_store(store)
    missing = sorted(attempted - audit.whole)
    with (
        ServeProcess(store, env=ONE_WORKER, log=tmp_path / "serve-final.log") as served,
        httpx.Client(base_url=served.url, trust_env=False, timeout=30) as client,
    ):
        listed = {item["id"] for item in client.get("/articles").json()["items"]}
        assert listed == audit.whole
        for article_id in missing:
            index = int(article_id.rsplit("-", 1)[1])
            response = client.post(
                "/articles",
                content=synthetic_article(index, SEED + index % 3),
                params={"id": article_id},
                headers={"Content-Type": "text/plain", "Authorization": f"Bearer {served.token}"},
            )
            assert response.status_code == 201, response.text
        count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        assert count.status_code == 200
    final = audit_store(store)
    assert final.broken == {} and final.whole == attempted
    opened = EmbeddedStore(store)
    try:
        report = validate_store(opened)
    finally:
        opened.close()
    assert report.conforms and report.violations == 0, report.results[:5]

    in_flight = sum(r["in_flight"] for r in rounds)
    written = sum(r["in_flight_written"] for r in rounds)
    record(
        "crash-kill-9",
        f"{KILLS} kill -9 at random points while ingesting ({in_flight} with a request in flight: "
        f"{written} of those written whole, {in_flight - written} absent); after each: the store opened, "
        f"0 half-written articles, all {len(acknowledged)} acknowledged articles whole; "
        f"{len(missing)} lost in flight re-ingested; {len(final.whole)} articles whole at the end; "
        f"SHACL: {report.violations} violations over {report.triples} triples",
        kills=KILLS,
        in_flight_at_kill=in_flight,
        in_flight_written=written,
        acknowledged=len(acknowledged),
        half_written=0,
        reingested=len(missing),
        articles_at_end=len(final.whole),
        shacl_violations=report.violations,
        shacl_triples=report.triples,
        rounds=rounds,
    )


# --------------------------------------------------------------------------- two writers


def test_a_second_server_on_a_held_store_exits_with_a_clear_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with ServeProcess(store, env=ONE_WORKER, log=tmp_path / "first.log") as first:
        with httpx.Client(base_url=first.url, trust_env=False, timeout=30) as client:
            created = client.post(
                "/articles",
                content=synthetic_article(1, SEED),
                params={"id": "held"},
                headers={"Content-Type": "text/plain", "Authorization": f"Bearer {first.token}"},
            )
            assert created.status_code == 201
            before = client.get("/health").json()["generation"]
        outcomes = {}
        for name, args in {
            "serve": ["serve", "--store", str(store), "--port", "9"],
            "ingest": ["ingest", "--store", str(store), str(ROOT / "seeds")],
        }.items():
            done = subprocess.run([str(CHIPGRAPH), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
            output = done.stdout + done.stderr
            assert done.returncode == 1, output
            assert "open for writing in another process" in " ".join(output.split()), output
            assert "Traceback" not in output, output
            outcomes[name] = done.returncode
        with httpx.Client(base_url=first.url, trust_env=False, timeout=30) as client:
            assert client.get("/articles/held").status_code == 200
            assert client.get("/health").json()["generation"] == before  # untouched by the others
    assert audit_store(store).whole == {"held"}
    record(
        "crash-two-writers",
        "while chipgraph serve holds the store: "
        + ", ".join(f"chipgraph {name} -> exit {code}" for name, code in outcomes.items())
        + " with 'open for writing in another process', no traceback; the first server and its data untouched",
    )


def test_a_library_writer_gets_store_locked_while_the_server_runs(tmp_path: Path) -> None:
    """The library view of the same: the exception a program sees (tests/test_persistence.py has two libraries)."""
    store = tmp_path / "store"
    with ServeProcess(store, env=ONE_WORKER, log=tmp_path / "serve.log"):
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "from graph.errors import StoreLocked\n"
                "from graph.kg import KnowledgeGraph\n"
                "from graph.settings import Settings\n"
                f"try:\n    KnowledgeGraph.open(Settings(backend='embedded', store={str(store)!r}))\n"
                "except StoreLocked as exc:\n    print('StoreLocked', exc)\n",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert probe.returncode == 0 and probe.stdout.startswith("StoreLocked"), probe.stdout + probe.stderr
    record("crash-two-writers-library", "KnowledgeGraph.open on a served store raises StoreLocked")
