"""Generated hostile input: schemathesis against the live OpenAPI document, hypothesis
against the ingest endpoint (arbitrary bytes, any media type) and against cleaning
plus extraction (arbitrary HTML-ish text).

The extractor on arbitrary text is covered by tests/test_extract_robustness.py;
here the text also goes through the HTML stripping and front-matter parsing of
``article_from_text`` first, as it does when ingested.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest_api import TOKEN, LiveServer, api_settings, mini_graph, start_server
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_results import record

from graph.articles import article_from_text
from graph.errors import IngestError
from tests.extract_support import extractor

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SEED = 20_240_917
EXAMPLES_PER_OPERATION = 10


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """The mini graph, the real extractor, writes enabled with the test token."""
    settings = api_settings(query_timeout=5.0, max_article_bytes=20_000)
    with start_server(mini_graph(settings, extractor()), settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


# --------------------------------------------------------------------------- schemathesis


def test_schemathesis_finds_no_server_error_and_no_schema_violation(server: LiveServer, tmp_path: Path) -> None:
    """Every operation of /openapi.json, positive and negative data, writes authorised:
    no 5xx, every status, media type and body as documented."""
    report = tmp_path / "schemathesis.json"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_COLOR"] = "1"
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{server.url}/openapi.json",
        "--header",
        f"Authorization: Bearer {TOKEN}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--workers",  # one: hypothesis' lambda descriptions race in threads (SystemError in ast.parse)
        "1",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--output-truncate",
        "true",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(report.read_text())
    failures = [f"{f['code']} {f['title']}: {', '.join(f['operations'])}" for f in result["failures"]]
    assert not failures and not result["errors"], "\n".join(failures) + "\n" + done.stdout[-6000:]
    assert done.returncode == 0, done.stdout[-6000:]
    operations = result["operations"]
    assert operations["tested"] == operations["selected"] >= 20  # every operation was exercised
    cases = result["test_cases"]
    record(
        "fuzz-schemathesis",
        f"{cases['generated']} requests over {operations['tested']} operations: 0 server errors, "
        "0 status/media-type/schema violations",
        requests=cases["generated"],
        operations=operations["tested"],
        failures=0,
        checks=CHECKS,
        seed=SEED,
        seconds=round(result["running_time"], 1),
    )


# --------------------------------------------------------------------------- hypothesis: the ingest endpoint

_MEDIA_TYPES = st.sampled_from(
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "text/plain; charset=latin-1",
        "application/json",
        "application/json; charset=utf-16",
        "text/html",
        "application/octet-stream",
        "multipart/form-data; boundary=x",
        "",
    ]
)
_JSON_VALUES = st.one_of(
    st.text(max_size=200), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(), st.lists(st.text())
)
_JSON_BODIES = st.dictionaries(
    st.sampled_from(["text", "title", "url", "date", "id", "extra"]), _JSON_VALUES, max_size=6
).map(lambda d: json.dumps(d).encode())
_TEXTS = st.text(max_size=2000).flatmap(
    lambda t: st.sampled_from(
        [
            t.encode("utf-8", "surrogatepass"),
            t.encode("utf-16"),
            t.encode("latin-1", "replace"),
            t.encode("utf-8", "replace"),
        ]
    )
)
_BODIES = st.one_of(st.binary(max_size=4000), _TEXTS, _JSON_BODIES)

_tried: dict[str, int] = {"requests": 0, "accepted": 0}


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(body=_BODIES, media_type=_MEDIA_TYPES)
def test_ingest_endpoint_never_answers_a_server_error(client: httpx.Client, body: bytes, media_type: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if media_type:
        headers["Content-Type"] = media_type
    response = client.post("/articles", content=body, headers=headers)
    _tried["requests"] += 1
    assert response.status_code < 500, response.text
    if response.status_code in (200, 201):
        _tried["accepted"] += 1
        assert response.json()["article_id"]
    else:
        assert response.status_code in (400, 413, 415, 422), response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"]


def test_ingest_fuzzing_left_the_server_healthy(client: httpx.Client) -> None:
    if not _tried["requests"]:
        pytest.skip("records what the hypothesis test above tried; run the module")
    assert _tried["requests"] >= 100
    assert client.get("/health").json()["status"] == "ok"
    record(
        "fuzz-ingest-bytes",
        f"{_tried['requests']} arbitrary bodies posted: 0 server errors, {_tried['accepted']} ingested, "
        "the rest refused with a problem detail",
        requests=_tried["requests"],
        accepted=_tried["accepted"],
        server_errors=0,
    )


# --------------------------------------------------------------------------- hypothesis: cleaning + extraction

_MARKUP = st.sampled_from(
    [
        "<html>",
        "<body>",
        "<p>",
        "</p>",
        "<script>",
        "</script>",
        "<style>",
        "<!--",
        "-->",
        "<br/>",
        "<div onclick='x()'>",
        "&amp;",
        "&#x3c;",
        "---\n",
        "title: x\n",
        "TSMC supplies chips to Huawei.",
        "ASML sells lithography machines to SMIC.",
        "中芯国际",
        "\u202e",
        "\r\n",
        " ",
    ]
)
_extracted: dict[str, int] = {"texts": 0}


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_MARKUP, st.text(max_size=40)), max_size=40).map("".join))
def test_cleaning_then_extraction_never_crashes(text: str) -> None:
    try:
        article = article_from_text(text, article_id="fuzz")
    except IngestError:
        return  # empty after cleaning: refused with a message, as it should be
    found = extractor().extract(article)
    _extracted["texts"] += 1
    assert not any(w.startswith("extraction failed") for w in found.warnings), found.warnings
    for fact in found.facts:
        assert article.text[fact.evidence.start : fact.evidence.end] == fact.evidence.sentence


def test_cleaning_fuzzing_ran() -> None:
    if not _extracted["texts"]:
        pytest.skip("records what the hypothesis test above tried; run the module")
    assert _extracted["texts"] >= 100
    record(
        "fuzz-clean-extract",
        f"{_extracted['texts']} generated HTML-ish texts cleaned and extracted: 0 errors, every evidence offset valid",
        texts=_extracted["texts"],
    )
