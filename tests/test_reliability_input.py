"""Hostile input, case by case, through a real HTTP client against a real uvicorn server.

Each case of issue 9 ("Hostile input") has a test here with its expected
outcome, unless an existing test already proves it exactly; those are listed in
docs/reliability.md. Servers: the mini graph with the real rule extractor in a
uvicorn thread (``server``, a 5 kB article limit; ``default_server``, the 1 MB
defaults) and ``chipgraph serve`` as a child process on an embedded store
(``served``), for the cases where a regression could take the process down.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from conftest_api import TOKEN, LiveServer, api_settings, mini_graph, start_server
from rdflib import URIRef
from reliability_results import record
from reliability_support import Canary, ServeProcess, raw_exchange

from graph.ids import local_id, mint
from graph.kg import KnowledgeGraph
from graph.provenance import article_triples
from graph.records import Article, EntityRecord, Evidence, Extraction, Fact
from graph.vocab import CG
from tests.extract_support import extractor

SMALL_LIMIT = 5_000
AUTH = {"Authorization": f"Bearer {TOKEN}"}
_observed: dict[str, list[str]] = defaultdict(list)


def note(case: str, item: str, summary: str) -> None:
    """Remember one observation of ``case`` and record the case so far."""
    _observed[case].append(item)
    items = _observed[case]
    record(
        case, f"{summary}: {items[0]}" if len(items) == 1 else f"{summary} ({len(items)} inputs: {'; '.join(items)})"
    )


def problem(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code and body["detail"]
    return body


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """Mini graph, real extractor, write token, a 5 kB article limit, 2 s query limit."""
    settings = api_settings(max_article_bytes=SMALL_LIMIT, query_timeout=2.0)
    with start_server(mini_graph(settings, extractor()), settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def default_server() -> Iterator[LiveServer]:
    """The default limits: 1 MB articles, 1 MB request bodies."""
    settings = api_settings(query_workers=1)
    assert settings.max_article_bytes == settings.max_request_bytes == 1_000_000
    with start_server(mini_graph(settings, extractor()), settings) as live:
        yield live


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """``chipgraph serve`` on an embedded store with the seed-like mini graph, 2 s query limit."""
    root = tmp_path_factory.mktemp("served")
    store = root / "store"
    kg = KnowledgeGraph.open(api_settings(backend="embedded", store=store))
    kg.store.load(Path(__file__).parent / "fixtures" / "mini.trig", "trig")
    kg.close()
    process = ServeProcess(store, env={"CHIPGRAPH_QUERY_TIMEOUT": "2"}, log=root / "serve.log")
    with process:
        yield process


def _post_text(
    client: httpx.Client, body: bytes | str, media_type: str = "text/plain", **params: str
) -> httpx.Response:
    return client.post("/articles", content=body, headers={"Content-Type": media_type, **AUTH}, params=params)


# =========================================================================== articles


@pytest.mark.parametrize(
    ("body", "media_type"),
    [
        (b"", "text/plain"),
        (b"\xef\xbb\xbf  \n\t ", "text/plain"),
        (b"<html><body><p> </p><script>TSMC supplies chips to Huawei.</script></body></html>", "text/plain"),
        (b"---\ntitle: only front matter\n---\n", "text/plain"),
        (b'{"text": " \\n\\t "}', "application/json"),
    ],
    ids=["nothing", "bom-and-whitespace", "html-with-only-a-script", "front-matter-only", "json-blank-text"],
)
def test_empty_article_is_422_with_a_message(client: httpx.Client, body: bytes, media_type: str) -> None:
    response = _post_text(client, body, media_type)
    assert response.status_code == 422
    assert "no text" in problem(response)["detail"]
    note("articles-empty", f"{len(body)} bytes -> {response.status_code}", "422 with 'the article has no text'")


def test_article_over_a_configured_limit_is_413_before_the_body_is_read(server: LiveServer) -> None:
    """A 5 kB limit: a body announced as 50 kB is refused after 1 kB is sent, a chunked
    body as soon as it passes 5 kB; neither body is ever finished by the client."""
    head = (
        "POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: 50000\r\n\r\n"
    ).encode()
    status, raw, seconds, sent = raw_exchange(server.url, head, [b"TSMC supplies chips. " * 50])
    assert status == 413 and seconds < 5, raw[:300]
    assert b"CHIPGRAPH_MAX_ARTICLE_BYTES" in raw
    chunked = (
        "POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        f"Authorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"TSMC supplies chips to Apple. " * 33  # 990 bytes
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 6  # 5,940 bytes, and no terminating chunk
    status2, raw2, seconds2, _ = raw_exchange(server.url, chunked, parts)
    assert status2 == 413 and seconds2 < 5, raw2[:300]
    note(
        "articles-too-large-configured",
        f"Content-Length 50000 with {sent} bytes sent -> {status} in {seconds:.2f} s; "
        f"unterminated chunked 5,940 bytes -> {status2} in {seconds2:.2f} s",
        f"413 at once with a {SMALL_LIMIT}-byte limit",
    )


def test_article_at_the_configured_limit_is_accepted_one_byte_more_is_413(client: httpx.Client) -> None:
    sentence = "ASML supplies lithography machines to TSMC. "
    text = (sentence * (SMALL_LIMIT // len(sentence) + 1))[:SMALL_LIMIT].encode()
    assert len(text) == SMALL_LIMIT
    at_limit = _post_text(client, text, id="at-the-limit")
    assert at_limit.status_code == 201, at_limit.text
    over = _post_text(client, text + b".", id="over-the-limit")
    assert over.status_code == 413
    assert client.get("/articles/over-the-limit").status_code == 404
    note("articles-limit-boundary", f"{SMALL_LIMIT} bytes -> 201, {SMALL_LIMIT + 1} -> 413", "the limit is exact")


def test_article_over_the_default_1mb_limit_is_413_before_the_body_is_read(default_server: LiveServer) -> None:
    observed = []
    for media_type, declared in (
        ("text/plain", 1_000_001),
        ("text/plain", 50_000_000),
        ("application/json", 2_000_000),
    ):
        head = (
            f"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: {media_type}\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Length: {declared}\r\n\r\n"
        ).encode()
        status, raw, seconds, sent = raw_exchange(default_server.url, head, [b"x" * 65_536])
        assert status == 413 and seconds < 5, raw[:300]
        observed.append(f"{media_type} announcing {declared:,} bytes, {sent:,} sent -> {status} in {seconds:.2f} s")
    chunked = (
        "POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        f"Authorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"TSMC supplies chips to Apple. " * 2000  # 60 kB
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 20  # 1.2 MB, never terminated
    status, raw, seconds, sent = raw_exchange(default_server.url, chunked, parts)
    assert status == 413 and seconds < 10, raw[:300]
    observed.append(f"unterminated chunked body, {sent:,} bytes sent -> {status} in {seconds:.2f} s")
    with default_server.client() as client:
        assert client.get("/health").json()["status"] == "ok"
    for item in observed:
        note("articles-too-large-default", item, "413 with the 1 MB default, the body never read whole")


_NOT_TEXT = [
    ("latin-1", "Caf\u00e9 cr\u00e8me: TSMC liefert Chips an Apple.".encode("latin-1")),
    ("cp1252-quotes", "\u201cTSMC\u201d supplies chips.".encode("cp1252")),
    ("utf-16-bom", "TSMC supplies chips to Apple.".encode("utf-16")),
    ("utf-32", "TSMC supplies chips to Apple.".encode("utf-32")),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"),
    ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x0b\xc9\xc8,V\x00\xa2D\x85\x92\xd4\x8a\x12\x00"),
    ("overlong-utf8", b"TSMC \xc0\xaf supplies"),
    ("encoded-surrogate", b"TSMC \xed\xa0\x80 supplies"),
    ("truncated-utf8", b"TSMC supplies \xe4\xb8"),
    ("control-characters", bytes(range(1, 32)) * 20),
    ("random-bytes", bytes((i * 151 + 7) % 256 for i in range(2048))),
]


@pytest.mark.parametrize(("name", "body"), _NOT_TEXT, ids=[n for n, _ in _NOT_TEXT])
def test_non_utf8_or_binary_is_415_or_422_never_500(client: httpx.Client, name: str, body: bytes) -> None:
    as_text = _post_text(client, body)
    assert as_text.status_code in (415, 422), as_text.text
    problem(as_text)
    as_json = _post_text(client, b'{"text": "' + body.replace(b'"', b"") + b'"}', "application/json")
    assert as_json.status_code in (400, 415, 422), as_json.text
    problem(as_json)
    note(
        "articles-not-text",
        f"{name}: text/plain -> {as_text.status_code}, in JSON -> {as_json.status_code}",
        "415/422 (400 for JSON that is not JSON), never 500",
    )


def test_html_is_stripped_to_text_and_script_never_becomes_facts(client: httpx.Client) -> None:
    html = """<!DOCTYPE html><html><head><title>Chip news</title>
    <style>body::after { content: "Intel supplies chips to Nvidia." }</style>
    <script>var s = "TSMC supplies chips to Huawei."; document.write(s);</script></head>
    <body onload="alert('Samsung supplies chips to SMIC.')">
    <p>ASML sells lithography machines to SMIC.</p>
    <!-- Micron supplies memory to Apple. -->
    <noscript>Broadcom supplies chips to MediaTek.</noscript>
    <template>Qualcomm supplies chips to AMD.</template>
    <SCRIPT type="text/javascript">GlobalFoundries supplies chips to Apple.</SCRIPT>
    <div><a href="javascript:alert(1)">Read more</a></div></body></html>"""
    response = _post_text(client, html.encode(), id="html-article")
    assert response.status_code == 201, response.text
    stored = client.get("/articles/html-article").json()
    text = stored["text"]
    assert "ASML sells lithography machines to SMIC." in text and "Read more" in text
    for hidden in ("TSMC supplies", "Intel supplies", "Samsung supplies", "Micron", "Broadcom", "Qualcomm", "Global"):
        assert hidden not in text, hidden
    assert "<" not in text and "alert" not in text and "javascript" not in text
    pairs = {(f["subject_label"], f["object_label"]) for f in stored["facts"]}
    assert ("ASML", "SMIC") in pairs  # the visible sentence was read
    labels = {e["label"] for e in stored["entities"]}
    assert not labels & {"Huawei", "Nvidia", "Intel", "Micron", "Broadcom", "Qualcomm", "GlobalFoundries"}
    note(
        "articles-html",
        f"{len(html)} bytes of HTML -> {len(text)} characters of text, facts {sorted(pairs)}",
        "script, style, comments, noscript, template and attributes dropped; visible text extracted",
    )


_FOREIGN = [
    ("chinese", "台积电向华为供应芯片。美国商务部将中芯国际列入实体清单。荷兰阿斯麦公司向中国出售光刻机。"),
    ("russian", "Компания TSMC поставляет чипы компании Huawei. США ввели санкции против SMIC в 2020 году."),
    ("arabic", "تقوم شركة TSMC بتزويد هواوي بالرقائق. فرضت الولايات المتحدة عقوبات على SMIC."),
    ("japanese", "TSMCはAppleに半導体を供給している。米国はHuaweiに制裁を科した。東京エレクトロンは装置を販売する。"),
    ("korean", "삼성전자는 퀄컴에 칩을 공급한다. 미국은 화웨이에 제재를 가했다."),
    ("hindi", "टीएसएमसी एप्पल को चिप्स की आपूर्ति करता है। अमेरिका ने हुआवेई पर प्रतिबंध लगाया।"),
    ("mixed-scripts", "TSMC 与 Huawei 没有任何关系。 ASML и SMIC не связаны. \u202eevil\u202c \u200bzero\u200dwidth"),
]


@pytest.mark.parametrize(("language", "text"), _FOREIGN, ids=[n for n, _ in _FOREIGN])
def test_other_languages_yield_no_false_facts_and_no_crash(client: httpx.Client, language: str, text: str) -> None:
    response = _post_text(client, text, id=f"lang-{language}")
    assert response.status_code == 201, response.text
    found = response.json()
    assert found["facts"] == [] and found["sanctions"] == []
    stored = client.get(f"/articles/lang-{language}").json()
    assert stored["text"] == text.strip() and stored["facts"] == []
    page = client.get(f"/articles/lang-{language}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    note("articles-languages", f"{language}: 201, 0 facts", "stored and shown intact, no facts made up")


def test_an_english_sentence_inside_foreign_text_is_still_read(client: httpx.Client) -> None:
    """The control for the test above: the extractor does run on those articles."""
    text = _FOREIGN[0][1] + " ASML sells lithography machines to SMIC. " + _FOREIGN[1][1]
    found = _post_text(client, text, id="lang-control").json()
    assert {(f["subject_label"], f["object_label"]) for f in found["facts"]} == {
        ("ASML", "SMIC"),
        ("ASML", "lithography equipment"),
    }


# =========================================================================== SPARQL


def _sandbox_crashes(server: LiveServer) -> int:
    return int(server.server.config.app.state.services.sandbox.stats.crashes)


_MALFORMED = {
    "unterminated": "SELECT * WHERE { ?s ?p ",
    "garbage": "\u2603 SELECT ? WHERE {{ }",
    "nested-100k-braces": "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000,
    "nested-1k-function-calls": "SELECT * WHERE { BIND(" + "CONCAT(" * 1000 + '"a"' + ")" * 1000 + " AS ?x) }",
    "union-chain-20k": "SELECT * WHERE { " + " UNION ".join(["{}"] * 20_000) + " }",
    "plus-chain-50k": "SELECT * WHERE { BIND(" + "+".join(["1"] * 50_000) + " AS ?x) }",
    "path-chain-20k": "SELECT * WHERE { ?s " + "/".join(["<http://p>"] * 20_000) + " ?o }",
    "nested-collections": "ASK { ?s ?p " + "(" * 20_000 + ")" * 20_000 + " }",
}


@pytest.mark.parametrize("name", list(_MALFORMED))
def test_malformed_or_stack_breaking_queries_are_400(server: LiveServer, client: httpx.Client, name: str) -> None:
    """Before the lexical limits, the nested and chained ones killed the query worker (SIGSEGV) and answered 500."""
    crashes = _sandbox_crashes(server)
    response = client.post("/sparql", content=_MALFORMED[name], headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text[:300]
    problem(response)
    assert _sandbox_crashes(server) == crashes  # no worker died on it
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    note("sparql-malformed", f"{name} -> 400", "400 with the parser's message; no worker crashed")


def test_stack_breaking_updates_are_400_and_the_server_lives(served: ServeProcess) -> None:
    """Updates are parsed in the server process: these used to kill it (SIGSEGV), for every client."""
    observed = []
    with httpx.Client(base_url=served.url, trust_env=False, timeout=30) as client:
        for name, update in {
            "nested-braces": "INSERT { <http://a> <http://b> 1 } WHERE " + "{" * 20_000 + "}" * 20_000,
            "union-chain": "INSERT { <http://a> <http://b> 1 } WHERE { " + " UNION ".join(["{}"] * 20_000) + " }",
        }.items():
            response = client.post(
                "/sparql/update",
                content=update,
                headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {served.token}"},
            )
            assert response.status_code == 400, response.text[:300]
            assert served.process is not None and served.process.poll() is None, served.tail()
            observed.append(f"{name} -> 400")
        assert client.get("/health").status_code == 200
    note("sparql-update-stack", "; ".join(observed), "400, the server process alive")


_UPDATES_ON_QUERY = [
    ("GET", {"params": {"query": "INSERT DATA { <http://a> <http://b> 1 }"}}),
    ("GET", {"params": {"query": "DROP ALL"}}),
    ("GET", {"params": {"query": "drop all"}}),
    ("GET", {"params": {"query": "# SELECT * {}\nCLEAR ALL"}}),
    ("GET", {"params": {"query": "\\u0044ROP ALL"}}),
    ("GET", {"params": {"query": "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }"}}),
    ("GET", {"params": {"update": "DROP ALL"}}),
    ("POST", {"data": {"query": "DROP ALL"}}),
    ("POST", {"data": {"update": "DROP ALL"}}),
    ("POST", {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-query"}}),
    ("POST", {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}),
]


@pytest.mark.parametrize(("method", "kwargs"), _UPDATES_ON_QUERY)
def test_update_on_the_query_endpoint_is_refused(
    server: LiveServer, client: httpx.Client, method: str, kwargs: dict[str, Any]
) -> None:
    before = server.kg.store.count()
    kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), **AUTH}}  # even with the write token
    response = client.request(method, "/sparql", **kwargs)
    assert response.status_code in (400, 415), response.text
    assert server.kg.store.count() == before
    shown = json.dumps(kwargs.get("params") or kwargs.get("data") or kwargs.get("content"))[:60]
    note("sparql-update-on-query", f"{method} {shown} -> {response.status_code}", "refused, store unchanged")


class _FifoWatch:
    """A FIFO whose opening by any reader is noticed: the writer end blocks until one arrives."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.opened_by_reader = False
        self._done = False
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # returns once something opens the FIFO for reading
        if not self._done:
            self.opened_by_reader = True
        os.close(fd)

    def close(self) -> None:
        self._done = True
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # releases the waiting writer
        self._thread.join(timeout=10)
        os.close(fd)


def test_no_query_or_update_reaches_the_network_or_the_file_system(served: ServeProcess, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://example.org/secret> <http://example.org/p> "canary-secret-7f3a" .\n')
    fifo = _FifoWatch(tmp_path / "fifo.ttl")
    try:
        with Canary() as canary, httpx.Client(base_url=served.url, trust_env=False, timeout=30) as client:
            web, file_, pipe = canary.url + "/data.ttl", secret.as_uri(), fifo.path.as_uri()
            queries = [
                f"SELECT * FROM <{web}> WHERE {{ ?s ?p ?o }}",
                f"SELECT * FROM NAMED <{web}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                f"SELECT * FROM <{file_}> WHERE {{ ?s ?p ?o }}",
                f"SELECT * FROM NAMED <{file_}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                f"SELECT * FROM <{pipe}> WHERE {{ ?s ?p ?o }}",
                f"SELECT * FROM NAMED <{pipe}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                f"SELECT * WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}",
                f"SELECT * WHERE {{ SERVICE SILENT <{canary.url}/sparql> {{ ?s ?p ?o }} }}",
                f"SELECT * WHERE {{ SERV\\u0049CE <{canary.url}/sparql> {{ ?s ?p ?o }} }}",
                f"SELECT * WHERE {{ SERVICE <{file_}> {{ ?s ?p ?o }} }}",
                f"DESCRIBE <{web}>",
                f"CONSTRUCT WHERE {{ GRAPH <{web}> {{ ?s ?p ?o }} }}",
                f"BASE <{canary.url}/> SELECT * FROM <relative.ttl> WHERE {{ ?s ?p ?o }}",
            ]
            statuses = []
            for query in queries:
                response = client.get("/sparql", params={"query": query})
                assert response.status_code in (200, 400), response.text
                assert "canary-secret" not in response.text and "fetched" not in response.text
                statuses.append(response.status_code)
            for params in (
                {"query": "ASK { ?s ?p ?o }", "default-graph-uri": web},
                {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": web},
                {"query": "ASK { ?s ?p ?o }", "default-graph-uri": file_},
                {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": pipe},
            ):
                response = client.get("/sparql", params=params)
                assert response.status_code in (200, 400) and response.json().get("boolean") is not True
                statuses.append(response.status_code)
            auth = {"Authorization": f"Bearer {served.token}"}
            for update in (
                f"LOAD <{web}>",
                f"LOAD SILENT <{web}> INTO GRAPH <http://example.org/g>",
                f"LOAD <{file_}>",
                f"LOAD <{pipe}>",
                f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}",
                f"INSERT {{ GRAPH <http://example.org/copy> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{web}> {{ ?s ?p ?o }} }}",
            ):
                response = client.post("/sparql/update", data={"update": update}, headers=auth)
                assert response.status_code in (204, 400), response.text
                statuses.append(response.status_code)
            response = client.post(
                "/sparql/update",
                params={"using-graph-uri": web},
                data={"update": "INSERT { <http://a> <http://b> 1 } WHERE { ?s ?p ?o }"},
                headers=auth,
            )
            statuses.append(response.status_code)
            ask = client.get("/sparql", params={"query": 'ASK { ?s ?p "canary-secret-7f3a" }'}).json()
            assert ask["boolean"] is False
            time.sleep(0.5)  # a fetch in flight would have arrived by now
            assert canary.hits == []
    finally:
        fifo.close()
    assert not fifo.opened_by_reader, "a query opened the FIFO it named"
    assert stat.S_ISFIFO(fifo.path.stat().st_mode)
    note(
        "sparql-no-egress",
        f"{len(statuses)} requests (FROM, FROM NAMED, SERVICE, LOAD, DESCRIBE, dataset parameters) -> "
        f"{sorted(set(statuses))}; canary hits 0; FIFO never opened; file content never returned",
        "zero outbound requests, no file read",
    )


def test_runaway_queries_are_cancelled_while_health_and_other_reads_answer(served: ServeProcess) -> None:
    """Three Cartesian products at once on two workers (2 s limit), on the embedded store,
    while /health, REST reads and then SPARQL keep answering (tests/test_api_sparql.py has
    the single-query case)."""
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcomes: list[tuple[int, float]] = []

    def runaway() -> None:
        with httpx.Client(base_url=served.url, trust_env=False, timeout=60) as c:
            started = time.monotonic()
            status = c.get("/sparql", params={"query": cartesian}).status_code
            outcomes.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=runaway) for _ in range(3)]
    for thread in threads:
        thread.start()
    health: list[float] = []
    reads: list[int] = []
    with httpx.Client(base_url=served.url, trust_env=False, timeout=10) as client:
        while any(t.is_alive() for t in threads):
            started = time.monotonic()
            assert client.get("/health").status_code == 200
            health.append(time.monotonic() - started)
            reads.append(client.get("/entities", params={"q": "SMIC"}).status_code)
            reads.append(client.get("/relations", params={"subject": "ASML"}).status_code)
            time.sleep(0.05)
        for thread in threads:
            thread.join()
        # with every worker killed, SPARQL waits for the replacements; once they are up,
        # they answer (they only join the pool once started, so no cold start is cancelled)
        killed_at = time.monotonic()
        while (after := client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})).status_code == 503:
            assert time.monotonic() - killed_at < 60, "the query workers never came back"
        recovery = time.monotonic() - killed_at
        assert after.status_code == 200 and after.json()["boolean"] is True
        following = [client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code for _ in range(10)]
        assert following == [200] * 10
    assert [s for s, _ in outcomes] == [503, 503, 503]
    assert max(seconds for _, seconds in outcomes) < 2 * 2 + 5  # at most one wait for a worker, then the limit
    assert set(reads) == {200} and max(health) < 2.0
    note(
        "sparql-runaway",
        f"3 runaway queries -> 503 after {min(s for _, s in outcomes):.1f}-{max(s for _, s in outcomes):.1f} s; "
        f"{len(health)} /health answers (slowest {max(health) * 1000:.0f} ms), {len(reads)} REST reads all 200; "
        f"SPARQL answered again {recovery:.1f} s after the last kill, then 10 of 10",
        "cancelled at the limit with 503, everything else kept answering",
    )


# =========================================================================== RDF input

_BOMB_SCRIPT = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
from pathlib import Path
from graph.errors import UnsafeInput
from graph.store import EmbeddedStore, MemoryStore

def bomb(levels):
    ents = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "' + f"&l{i-1};" * 10 + '">' for i in range(1, levels)]
    return ('<?xml version="1.0"?>\\n<!DOCTYPE rdf:RDF [\\n' + "\\n".join(ents) + ']>\\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
        f'<rdf:Description rdf:about="https://example.org/a"><ex:p>&l{levels-1};</ex:p></rdf:Description></rdf:RDF>').encode()

RDF = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
       '<rdf:Description rdf:about="https://example.org/a"><ex:p>{}</ex:p></rdf:Description></rdf:RDF>')
cases = {
    "billion-laughs": bomb(10),
    "quadratic-blowup": ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "a" * 100_000 + '">]>'
                         + RDF.format("&a;" * 10_000)).encode(),
    "external-entity": ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        + RDF.format("&x;")).encode(),
    "parameter-entity": ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p "<!ENTITY x \\'y\\'>"> %p;]>'
                         + RDF.format("&x;")).encode(),
    "lowercase-doctype": b'<?xml version="1.0"?><!doctype r [<!entity a "b">]>' + RDF.format("&a;").encode(),
    "bom-and-spaces": b'\\xef\\xbb\\xbf<?xml version="1.0"?>\\n<!  DOCTYPE r [<!ENTITY a "b">]>' + RDF.format("&a;").encode(),
}
out = {}
if sys.argv[1] == "guarded":
    stores = {"embedded": EmbeddedStore(Path(sys.argv[2])), "memory": MemoryStore()}
    for backend, store in stores.items():
        for name, data in cases.items():
            try:
                store.load(data, "rdfxml")
                out[f"{backend}/{name}"] = "loaded"
            except UnsafeInput:
                out[f"{backend}/{name}"] = "refused"
        assert store.count() == 0
        store.close()
else:  # the parser alone, as the guard's control
    import pyoxigraph
    pyoxigraph.Store().load(cases["billion-laughs"], format=pyoxigraph.RdfFormat.RDF_XML)
    out["unguarded"] = "loaded"
# VmHWM is this process's own peak: ru_maxrss would include the forking parent's (pytest's) size
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
out["max_rss_mb"] = int(peak.split()[1]) / 1024
print(json.dumps(out))
"""


def _run_bomb(mode: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "bomb.py"
    script.write_text(textwrap.dedent(_BOMB_SCRIPT))
    return subprocess.run(
        [sys.executable, str(script), mode, str(tmp_path / "store")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_rdfxml_entity_bombs_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """Every RDF/XML load goes through Store.load (imports, CLI, tests): in a process
    capped at 1.5 GB of address space, every bomb is refused, the process lives, and its
    peak memory stays that of a Python process with the libraries loaded."""
    done = _run_bomb("guarded", tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout)
    rss = outcome.pop("max_rss_mb")
    assert set(outcome.values()) == {"refused"} and len(outcome) == 12, outcome
    assert rss < 250, rss
    control = _run_bomb("unguarded", tmp_path)
    # the control: the same harness sees the parser alone die (SIGABRT) or blow past the guarded peak
    died = control.returncode != 0
    control_rss = json.loads(control.stdout)["max_rss_mb"] if not died else None
    assert died or control_rss > 4 * rss
    if control.returncode < 0:
        alone = f"killed by signal {-control.returncode}"
    else:
        alone = f"exit {control.returncode}" if died else f"peak RSS {control_rss:.0f} MB"
    note(
        "rdf-entity-bomb",
        f"6 bombs x 2 stores refused, process alive, peak RSS {rss:.0f} MB; the parser alone on the first: {alone}",
        "refused before parsing, memory bounded",
    )


def test_jsonld_remote_contexts_are_never_fetched(tmp_path: Path) -> None:
    from graph.errors import InvalidQuery, UnsafeInput
    from graph.store import EmbeddedStore, MemoryStore

    with Canary() as canary:
        url = canary.url + "/context.jsonld"
        # the deep one as text: json.dumps would hit the recursion limit itself
        documents = {
            "string": json.dumps({"@context": url, "@id": "http://e/a", "p": "x"}),
            "list": json.dumps({"@context": [url, {"p": "http://e/p"}], "@id": "http://e/a", "p": "x"}),
            "import": json.dumps({"@context": {"@import": url}, "@id": "http://e/a", "p": "x"}),
            "import-in-list": json.dumps({"@context": [{"@import": url}], "@id": "http://e/a", "p": "x"}),
            "scoped": json.dumps(
                {"@context": {"p": {"@id": "http://e/p", "@context": url}}, "@id": "http://e/a", "p": {"q": 1}}
            ),
            "nested-node": json.dumps({"@id": "http://e/a", "http://e/p": {"@context": url, "@id": "http://e/b"}}),
            "in-graph": json.dumps({"@graph": [{"@context": url, "@id": "http://e/a"}]}),
            "deeply-nested": '{"@id": "http://e/a", "http://e/p": ' + '{"http://e/p": ' * 20_000 + "1" + "}" * 20_001,
        }
        outcomes = {}
        for backend, store in (("embedded", EmbeddedStore(tmp_path / "store")), ("memory", MemoryStore())):
            for name, document in documents.items():
                try:
                    store.load(document.encode(), "jsonld")
                    outcomes[f"{backend}/{name}"] = "loaded"
                except UnsafeInput:
                    outcomes[f"{backend}/{name}"] = "refused"
                except InvalidQuery:
                    outcomes[f"{backend}/{name}"] = "parse error"
            assert store.count() == 0
            store.close()
        time.sleep(0.2)
        assert canary.hits == []
    assert set(outcomes.values()) == {"refused"}, outcomes
    note(
        "rdf-jsonld-context",
        f"{len(outcomes)} loads (remote @context as IRI, list, @import, scoped, nested, in @graph; "
        "nesting 20,000 deep) refused; canary hits 0",
        "never fetched, refused before parsing",
    )


def test_rdf_sent_through_sparql_update_is_data_never_parsed_as_xml(server: LiveServer, client: httpx.Client) -> None:
    """INSERT DATA is the HTTP way to upload triples; markup in it is a string, nothing expands."""
    bomb = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>'
    literal = json.dumps(bomb)
    update = f"INSERT DATA {{ GRAPH <http://example.org/upload> {{ <http://example.org/doc> <http://example.org/xml> {literal} }} }}"
    done = client.post("/sparql/update", content=update, headers={"Content-Type": "application/sparql-update", **AUTH})
    assert done.status_code == 204, done.text
    rows = client.get(
        "/sparql", params={"query": "SELECT ?x WHERE { <http://example.org/doc> <http://example.org/xml> ?x }"}
    ).json()["results"]["bindings"]
    assert [r["x"]["value"] for r in rows] == [bomb]
    huge = "INSERT DATA { <http://example.org/a> <http://example.org/p> " + json.dumps("x" * 1_100_000) + " }"
    too_big = client.post("/sparql/update", content=huge, headers={"Content-Type": "application/sparql-update", **AUTH})
    assert too_big.status_code == 413
    client.post("/sparql/update", data={"update": "DROP GRAPH <http://example.org/upload>"}, headers=AUTH)
    note("rdf-insert-data", f"markup stored verbatim ({len(bomb)} characters); 1.1 MB update -> 413", "data, bounded")


# =========================================================================== REST parameters

HOSTILE_VALUES = [
    'x" } ; DROP ALL ; {',
    "} UNION { ?s ?p ?o }",
    "'; DELETE WHERE { ?s ?p ?o } #",
    '") } DROP ALL #',
    "<http://a b>",
    "http://example.org/a b",
    "https://w3id.org/chipgraph/id/org/smic> ?p ?o } ; DROP ALL ; { <x",
    "org/smic> } ; CLEAR ALL ; <x",
    "{{7*7}} ${jndi:ldap://127.0.0.1/x}",
    "\\u0022 } DROP ALL #",
    "a\x00b\x1fc\u0082",
    "%zz%00",
]


def _string_parameters(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(path, name, parameter, all parameters) of every string parameter of every GET operation but /sparql."""
    found = []
    for path, operations in spec["paths"].items():
        operation = operations.get("get")
        if operation is None or path == "/sparql":
            continue
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            schema = parameter.get("schema", {})
            kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            items = schema.get("items", {}).get("type") or next(
                (s.get("items", {}).get("type") for s in schema.get("anyOf", []) if s.get("type") == "array"), None
            )
            if "string" in kinds or items == "string":
                found.append((path, parameter["name"], parameter, parameters))
    return found


def _benign(parameter: dict[str, Any]) -> Any:
    schema = parameter.get("schema", {})
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
    if kinds & {"integer", "number"}:
        return schema.get("minimum", 1)
    return "SMIC"


def _dataset_state(kg: KnowledgeGraph) -> tuple[int, list[str]]:
    return kg.store.count(), [str(g) for g in kg.store.graph_names()]


def test_rest_parameters_are_bound_on_every_endpoint_and_the_store_is_intact(
    server: LiveServer, client: httpx.Client
) -> None:
    """Every string parameter of every GET endpoint in /openapi.json (viz pages included),
    each hostile value in turn: never a 5xx, and the dataset is the same triple for triple."""
    before = _dataset_state(server.kg)
    targets = _string_parameters(client.get("/openapi.json").json())
    assert len(targets) >= 20
    statuses: dict[int, int] = defaultdict(int)
    for path, name, parameter, parameters in targets:
        for value in HOSTILE_VALUES:
            params = {p["name"]: _benign(p) for p in parameters if p.get("required") and p["in"] == "query"}
            url = path
            for p in parameters:
                if p["in"] == "path":
                    url = url.replace("{" + p["name"] + "}", quote(value if p is parameter else "org/smic", safe=""))
            if parameter["in"] == "query":
                params[name] = value
            response = client.get(url, params=params)
            assert response.status_code < 500, (path, name, value, response.text[:300])
            statuses[response.status_code] += 1
    for value in HOSTILE_VALUES:
        response = client.post("/whatif", json={"remove": [value], "entity": [value], "cut": [f"{value}:{value}"]})
        assert response.status_code < 500, response.text[:300]
        statuses[response.status_code] += 1
    assert _dataset_state(server.kg) == before
    requests = sum(statuses.values())
    note(
        "rest-parameters",
        f"{len(targets)} parameters x {len(HOSTILE_VALUES)} values + /whatif = {requests} requests -> "
        + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        + f"; {before[0]} triples in {len(before[1])} graphs before and after",
        "bound, never spliced; no 5xx; store intact",
    )


# =========================================================================== pages

EVIL_NAMES = (
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "</script><script>alert(3)</script>",
    "javascript:alert(4)",
    "{{constructor.constructor('alert(5)')()}}",
)


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run: scripts whose text is an injected payload,
    event-handler attributes, javascript: links, injected img/svg elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and value and "alert" in value:
                self.problems.append(f"<{tag} {name}={value}>")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag in ("img", "svg") and any(name in ("onerror", "onload") for name, _ in attrs):
            self.problems.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self._script and re.fullmatch(r"\s*alert\(.*\)\s*;?\s*", data):
            self.problems.append(f"<script>{data}</script>")

    def handle_endtag(self, tag: str) -> None:
        self._script = False


def _live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.problems


@pytest.fixture(scope="module")
def hostile(server: LiveServer) -> list[str]:
    """Entities named with markup, linked to SMIC by facts with evidence, in their own article graph."""
    text = "Hostile names follow. " + " ".join(EVIL_NAMES)
    article = Article(id="hostile-names", text=text, title='<script>alert("title")</script>')
    evidence = Evidence(text, 0, len(text), 0.9, "test-hostile")
    records = [EntityRecord(mint("org", name), CG.Company, name) for name in EVIL_NAMES]
    smic = URIRef("https://w3id.org/chipgraph/id/org/smic")
    facts = [Fact(records[0].iri, CG.suppliesTo, records[1].iri, evidence)]
    facts += [Fact(r.iri, CG.suppliesTo, smic, evidence) for r in records]
    extraction = Extraction(article, "test-hostile/1", tuple(records), tuple(facts), ())
    with server.kg.writing() as store:
        store.replace_graph(article.iri, article_triples(extraction, ingested_at=datetime.now(UTC)))
    return [local_id(str(r.iri)) or "" for r in records]


def test_hostile_names_render_as_text_on_every_page(client: httpx.Client, hostile: list[str]) -> None:
    pages = [
        "/",
        "/articles",
        "/articles/hostile-names",
        "/entities?q=script",
        "/entities?q=img",
        "/id/org/smic",
        *[f"/id/{quote(i)}" for i in hostile],
        "/sparql",
    ]
    spec = client.get("/openapi.json").json()
    viz = [p for p in spec["paths"] if p.startswith("/viz/")]
    if viz:
        pages += [
            "/viz/overview",
            "/viz/sanctions",
            "/viz/countries",
            "/viz/entity/org/smic",
            *[f"/viz/entity/{quote(i)}" for i in hostile],
            "/viz/path?" + "&".join(f"{k}={quote(v)}" for k, v in (("source", hostile[0]), ("target", "org/smic"))),
            "/viz/whatif?remove=" + quote(hostile[1]),
        ]
    checked = 0
    for page in pages:
        response = client.get(page, headers={"Accept": "text/html"}, follow_redirects=True)
        assert response.status_code == 200, (page, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("text/html"), page
        problems = _live_markup(response.text)
        assert not problems, (page, problems)
        checked += 1
    names_seen = client.get("/id/org/smic", headers={"Accept": "text/html"}).text
    assert "&lt;script&gt;alert(" in names_seen or "&lt;img src=x onerror=alert(1)&gt;" in names_seen
    note(
        "pages-hostile-names",
        f"{checked} HTML pages ({'with' if viz else 'without'} /viz) -> 0 live scripts, handlers or javascript: links",
        "names render as text",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/articles/....%2F%2F....%2F%2Fetc%2Fpasswd",
        "/id/..%2F..%2F..%2Fetc%2Fpasswd",
        "/entities/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%5C..%5Cpyproject.toml",
        "/viz/static/..%2F..%2F..%2Fapi%2Fapp.py",
        "/viz/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    ],
)
def test_paths_from_users_cannot_leave_their_directory(server: LiveServer, path: str) -> None:
    head = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    status, raw, _, _ = raw_exchange(server.url, head, [])
    assert status in (400, 404, 307), raw[:300]
    for secret in (b"root:", b"[project]", b"create_app", b"import "):
        assert secret not in raw
    if path.startswith("/articles/"):
        before = _dataset_state(server.kg)
        with server.client() as client:
            assert client.delete(path, headers=AUTH).status_code in (400, 404)
        assert _dataset_state(server.kg) == before
    note("pages-path-traversal", f"{path} -> {status}", "never a file outside the served folders")


def test_dot_segments_sent_raw_are_not_followed(server: LiveServer) -> None:
    observed = []
    for path in ("/static/../../pyproject.toml", "/viz/static/../../../api/app.py", "/articles/../../etc/passwd"):
        status, raw, _, _ = raw_exchange(server.url, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), [])
        assert status in (400, 404), raw[:300]
        assert b"[project]" not in raw and b"create_app" not in raw and b"root:" not in raw
        observed.append(f"{path} -> {status}")
    note("pages-path-traversal", "; ".join(observed), "never a file outside the served folders")


# =========================================================================== the report


def test_the_report_cites_only_tests_that_exist_and_shows_every_recorded_case() -> None:
    """docs/reliability.md is generated from tests.reliability_report: its cases must name real
    tests, and every case id a reliability test records must appear in it."""
    import ast

    from tests.reliability_report import CASES, cited_tests, render

    root = Path(__file__).resolve().parents[1]
    for test in cited_tests():
        path, name = test.split("::")
        tree = ast.parse((root / path).read_text(encoding="utf-8"))
        assert name in {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}, test
    shown = {key for case in CASES for key in case.results}
    recorded = set()
    for path in root.glob("tests/test_reliability_*.py"):
        recorded |= set(re.findall(r'(?:record|note)\(\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    assert recorded - shown == set()
    assert "## Auth" in render({}, {})
