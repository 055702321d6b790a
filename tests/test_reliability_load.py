"""Load: 8 query clients and one client ingesting 200 articles at the same time, against
``chipgraph serve`` on an embedded store over loopback. Nothing may fail, nothing may be
lost or half written, and the latencies are reported (docs/reliability.md).
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from reliability_results import record
from reliability_support import ServeProcess, audit_store, percentile, synthetic_article

from graph.kg import KnowledgeGraph
from graph.settings import Settings

pytestmark = pytest.mark.slow

QUERY_CLIENTS = 8
ARTICLES = 200
SEEDS = (11, 23, 37, 41, 53)
DEADLINE = 240.0  # seconds: the test fails rather than run longer

COMPANIES_QUERY = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c ?name WHERE { ?c a cg:Company ; rdfs:label ?name } ORDER BY ?name LIMIT 50"""
TWO_HOPS = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
SELECT ?a ?b ?c WHERE { ?a cg:suppliesTo ?b . ?b cg:suppliesTo ?c } LIMIT 100"""
ARTICLE_COUNT = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?a { ?a a cg:Article } }"""


@dataclass
class Tally:
    """Latencies and failures per kind of request, shared by the client threads."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.seconds[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def _query_requests(acknowledged: list[str]) -> list[tuple[str, Callable[[httpx.Client], httpx.Response]]]:
    def recent_article(client: httpx.Client) -> httpx.Response:
        """The last article the server acknowledged must be readable at once."""
        if not acknowledged:
            return client.get("/health")
        return client.get(f"/articles/{acknowledged[-1]}")

    return [
        ("sparql select", lambda c: c.get("/sparql", params={"query": COMPANIES_QUERY})),
        ("sparql 2-hop", lambda c: c.post("/sparql", data={"query": TWO_HOPS})),
        ("sparql count", lambda c: c.get("/sparql", params={"query": ARTICLE_COUNT})),
        ("entity search", lambda c: c.get("/entities", params={"q": "Samsung"})),
        ("entity", lambda c: c.get("/entities/org/smic")),
        ("relations", lambda c: c.get("/relations", params={"subject": "ASML"})),
        ("articles list", lambda c: c.get("/articles")),
        ("read own write", recent_article),
    ]


def test_eight_query_clients_and_an_ingest_client_lose_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    kg = KnowledgeGraph.open(Settings(backend="embedded", store=store))
    kg.store.load(Path(__file__).parent / "fixtures" / "mini.trig", "trig")
    kg.close()

    tally = Tally()
    acknowledged: list[str] = []
    triples_written: dict[str, int] = {}
    done = threading.Event()
    counts: dict[str, int] = defaultdict(int)

    with ServeProcess(store, log=tmp_path / "serve.log") as served:

        def query_client(number: int) -> None:
            rng = random.Random(number)
            requests = _query_requests(acknowledged)
            with httpx.Client(base_url=served.url, trust_env=False, timeout=120) as client:
                while not done.is_set():
                    kind, send = rng.choice(requests)
                    started = time.monotonic()
                    try:
                        response = send(client)
                        error = None if response.is_success else f"{response.status_code} {response.text[:200]}"
                    except httpx.HTTPError as exc:
                        error = f"{type(exc).__name__}: {exc}"
                    tally.add(kind, time.monotonic() - started, error)

        def ingest_client() -> None:
            with httpx.Client(base_url=served.url, trust_env=False, timeout=60) as client:
                for index in range(ARTICLES):
                    article_id = f"load-{index:03d}"
                    text = synthetic_article(index, SEEDS[index % len(SEEDS)])
                    started = time.monotonic()
                    try:
                        response = client.post(
                            "/articles",
                            content=text,
                            params={"id": article_id, "title": f"Load article {index}"},
                            headers={"Content-Type": "text/plain", "Authorization": f"Bearer {served.token}"},
                        )
                        error = None if response.status_code == 201 else f"{response.status_code} {response.text[:200]}"
                    except httpx.HTTPError as exc:
                        error, response = f"{type(exc).__name__}: {exc}", None
                    tally.add("ingest", time.monotonic() - started, error)
                    if error is None and response is not None:
                        body = response.json()
                        triples_written[article_id] = body["triples"]
                        counts["facts"] += len(body["facts"])
                        acknowledged.append(article_id)
            done.set()

        threads = [threading.Thread(target=query_client, args=(n,), daemon=True) for n in range(QUERY_CLIENTS)]
        writer = threading.Thread(target=ingest_client, daemon=True)
        started = time.monotonic()
        for thread in [*threads, writer]:
            thread.start()
        writer.join(timeout=DEADLINE)
        done.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started
        assert not writer.is_alive(), f"200 articles were not ingested within {DEADLINE} s"

        with httpx.Client(base_url=served.url, trust_env=False, timeout=60) as client:
            listed = client.get("/articles").json()
            by_id = {item["id"]: item for item in listed["items"]}
    assert tally.errors == [], tally.errors[:10]

    # nothing lost, nothing half written: every acknowledged article is in the store, whole,
    # with exactly the triples the server said it wrote
    audit = audit_store(store)
    expected = {f"load-{i:03d}" for i in range(ARTICLES)}
    assert set(acknowledged) == expected
    loaded = audit.articles - {"a1", "a2", "a3", "a4"}  # the mini graph's hand-written articles
    assert {a: audit.broken[a] for a in loaded if a in audit.broken} == {}
    assert audit.whole & loaded == expected == loaded
    assert {a: by_id[a]["statements"] for a in expected} == triples_written

    queries = [s for kind, values in tally.seconds.items() if kind != "ingest" for s in values]
    ingests = tally.seconds["ingest"]
    figures = {
        "query_clients": QUERY_CLIENTS,
        "ingest_clients": 1,
        "articles": ARTICLES,
        "seconds": round(elapsed, 1),
        "query_requests": len(queries),
        "ingest_requests": len(ingests),
        "errors": len(tally.errors),
        "queries_per_second": round(len(queries) / elapsed, 1),
        "articles_per_second": round(len(ingests) / elapsed, 1),
        "query_p50_ms": round(percentile(queries, 50) * 1000, 1),
        "query_p99_ms": round(percentile(queries, 99) * 1000, 1),
        "query_max_ms": round(max(queries) * 1000, 1),
        "ingest_p50_ms": round(percentile(ingests, 50) * 1000, 1),
        "ingest_p99_ms": round(percentile(ingests, 99) * 1000, 1),
        "facts_written": counts["facts"],
        "triples_in_articles": sum(triples_written.values()),
        "articles_whole": len(audit.whole & expected),
        "articles_broken": len(set(audit.broken) & expected),
        "by_kind": {
            kind: {
                "requests": len(values),
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p99_ms": round(percentile(values, 99) * 1000, 1),
            }
            for kind, values in sorted(tally.seconds.items())
        },
    }
    record(
        "load",
        f"{QUERY_CLIENTS} query clients + 1 ingest client for {elapsed:.0f} s: {len(queries)} queries and "
        f"{len(ingests)} ingests, 0 errors; queries p50 {figures['query_p50_ms']} ms, p99 "
        f"{figures['query_p99_ms']} ms; ingest p50 {figures['ingest_p50_ms']} ms, p99 {figures['ingest_p99_ms']} ms; "
        f"all {ARTICLES} articles whole ({figures['triples_in_articles']} triples), 0 lost, 0 half-written",
        **figures,
    )
