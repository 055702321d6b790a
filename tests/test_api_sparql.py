"""The SPARQL 1.1 endpoint over real HTTP: protocol, content negotiation, limits, update auth, no egress."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import rdflib
from conftest_api import LiveServer, api_settings, mini_graph, start_server

COMPANIES = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c ?name WHERE { ?c a cg:Company ; rdfs:label ?name } ORDER BY ?name"""
CONSTRUCT = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
CONSTRUCT { ?s cg:suppliesTo ?o } WHERE { ?s cg:suppliesTo ?o }"""
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
REFERENCE = "https://w3id.org/chipgraph/graph/reference"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(max_rows=1000)
    with start_server(mini_graph(settings), settings) as live:
        yield live


@pytest.fixture(scope="module")
def tight_server() -> Iterator[LiveServer]:
    """A server with a 1.5 s time limit, 10-row cap and a 20 kB body limit."""
    settings = api_settings(query_timeout=1.5, max_rows=10, max_request_bytes=20_000)
    with start_server(mini_graph(settings), settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def _names_json(response: httpx.Response) -> list[str]:
    return [b["name"]["value"] for b in response.json()["results"]["bindings"]]


def test_get_select_defaults_to_sparql_json(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": COMPANIES})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["head"]["vars"] == ["c", "name"]
    assert {"ASML", "SMIC", "TSMC", "Huawei"} <= set(_names_json(response))


def test_post_form_and_post_direct_give_the_same_answer(client: httpx.Client) -> None:
    via_get = _names_json(client.get("/sparql", params={"query": COMPANIES}))
    via_form = client.post("/sparql", data={"query": COMPANIES})
    via_direct = client.post("/sparql", content=COMPANIES, headers={"Content-Type": "application/sparql-query"})
    assert _names_json(via_form) == via_get == _names_json(via_direct)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_result_formats_carry_the_same_rows(client: httpx.Client, accept: str, expected: str) -> None:
    reference = _names_json(client.get("/sparql", params={"query": COMPANIES}))
    response = client.get("/sparql", params={"query": COMPANIES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert response.headers["vary"] == "Accept"
    if expected.endswith("+json"):
        names = _names_json(response)
    elif expected.endswith("+xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(response.content)
        names = [b.findtext("r:literal", namespaces=ns) for b in root.iterfind(".//r:binding[@name='name']", ns)]
    elif expected == "text/csv":
        names = [row["name"] for row in csv.DictReader(io.StringIO(response.text))]
    else:
        lines = response.text.splitlines()
        assert lines[0] == "?c\t?name"
        names = [json.loads(line.split("\t")[1].rsplit("@", 1)[0]) for line in lines[1:]]
    assert names == reference


def test_ask_in_json_xml_csv(client: httpx.Client) -> None:
    ask = "ASK { ?s ?p ?o }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in xml.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_rdf_format(client: httpx.Client, accept: str, fmt: str) -> None:
    response = client.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    supplies = rdflib.URIRef("https://w3id.org/chipgraph/ontology#suppliesTo")
    asml = rdflib.URIRef("https://w3id.org/chipgraph/id/org/asml")
    assert (asml, supplies, rdflib.URIRef("https://w3id.org/chipgraph/id/org/smic")) in graph
    assert len(graph) >= 3


def test_describe_defaults_to_turtle(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/chipgraph/id/org/smic>"})
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert len(graph) > 0


def test_nothing_acceptable_is_406(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": COMPANIES}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "text/csv" in response.json()["detail"]


def test_malformed_query_is_400_with_the_parser_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and problem["instance"] == "/sparql"
    assert "error at 1:" in problem["detail"]  # pyoxigraph's position, not shifted by anything we added


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"params": {"update": "CLEAR ALL"}},
        {"params": {"query": "ASK {}", "query2": "x"}, "extra_query": True},
    ],
)
def test_updates_and_duplicate_queries_are_refused_on_the_query_endpoint(
    client: httpx.Client, request_kwargs: dict[str, object]
) -> None:
    if request_kwargs.pop("extra_query", False):
        response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D")
    else:
        response = client.get("/sparql", **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_post_with_other_media_types_is_415(client: httpx.Client) -> None:
    response = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    response = client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert response.status_code == 415


def test_default_graph_uri_restricts_the_dataset(client: httpx.Client) -> None:
    query = "PREFIX cg: <https://w3id.org/chipgraph/ontology#> ASK { ?s cg:suppliesTo ?o }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True  # union of all graphs
    only_reference = client.get("/sparql", params={"query": query, "default-graph-uri": REFERENCE})
    assert only_reference.json()["boolean"] is False
    named = client.get(
        "/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": REFERENCE},
    )
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [REFERENCE]


def test_bad_graph_iri_is_400(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "http://a b"})
    assert response.status_code == 400


def test_service_description_says_the_default_graph_is_the_union(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.feature, sd.UnionDefaultGraph) in graph


# --------------------------------------------------------------------------- limits


def test_rows_are_capped_and_the_cap_reported(tight_server: LiveServer) -> None:
    with tight_server.client() as client:
        response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 200
        assert response.headers["chipgraph-result-truncated"] == "10"
        assert "truncated" in response.headers["warning"]
        assert len(response.json()["results"]["bindings"]) == 10
        small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert "chipgraph-result-truncated" not in small.headers


def test_a_runaway_query_is_503_while_other_requests_are_served(tight_server: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        with tight_server.client() as c:
            started = time.monotonic()
            outcome["response"] = c.get("/sparql", params={"query": CARTESIAN})
            outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    with tight_server.client() as client:
        assert client.get("/health", timeout=2).status_code == 200
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=2).json()["boolean"] is True
        thread.join(timeout=30)
        response = outcome["response"]
        assert isinstance(response, httpx.Response)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "time limit" in response.json()["detail"]
        assert float(outcome["seconds"]) < 10  # type: ignore[arg-type]
        # the killed worker is replaced: the pool is whole again
        deadline = time.monotonic() + 20
        while client.get("/health").json()["query_workers"] != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("/health").json()["query_workers"] == 2


def test_oversized_bodies_are_413_before_being_read(tight_server: LiveServer) -> None:
    with tight_server.client() as client:
        big = "ASK {} #" + "x" * 50_000
        response = client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 413
        assert response.json()["status"] == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            yield b"ASK {} #"
            for _ in range(100):
                yield b"x" * 1000

        streamed = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
        assert streamed.status_code == 413


# --------------------------------------------------------------------------- update endpoint


def test_update_needs_the_token(server: LiveServer, client: httpx.Client) -> None:
    update = "INSERT DATA { GRAPH <http://example.org/u> { <http://example.org/a> <http://example.org/p> 1 } }"
    assert client.post("/sparql/update", data={"update": update}).status_code == 401
    wrong = client.post("/sparql/update", data={"update": update}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    ask = "ASK { <http://example.org/a> <http://example.org/p> 1 }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False
    done = client.post(
        "/sparql/update", content=update, headers={"Content-Type": "application/sparql-update", **server.auth()}
    )
    assert done.status_code == 204
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True  # a fresh snapshot
    drop = client.post("/sparql/update", data={"update": "DROP GRAPH <http://example.org/u>"}, headers=server.auth())
    assert drop.status_code == 204
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * {}",
        "CLEAR XYZ",
    ],
)
def test_unsafe_or_malformed_updates_are_400(server: LiveServer, client: httpx.Client, update: str) -> None:
    response = client.post("/sparql/update", data={"update": update}, headers=server.auth())
    assert response.status_code == 400


def test_update_get_is_not_allowed(client: httpx.Client) -> None:
    assert client.get("/sparql/update", params={"update": "CLEAR ALL"}).status_code == 405


def test_writes_are_disabled_without_a_configured_token() -> None:
    settings = api_settings(token=None, query_workers=1)
    with start_server(mini_graph(settings), settings) as live, live.client() as client:
        response = client.post("/sparql/update", data={"update": "CLEAR ALL"}, headers=live.auth())
        assert response.status_code == 403
        assert "disabled" in response.json()["detail"]
        assert client.get("/health").json()["writes_enabled"] is False


# --------------------------------------------------------------------------- no outbound requests


class _Canary(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<http://example.org/x> <http://example.org/p> 1 .")

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    _Canary.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Canary.hits
    finally:
        httpd.shutdown()


def test_no_query_reaches_the_network(server: LiveServer, client: httpx.Client, canary: tuple[str, list[str]]) -> None:
    base, hits = canary
    queries = [
        f"SELECT * FROM <{base}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{base}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{base}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ]
    for query in queries:
        assert client.get("/sparql", params={"query": query}).status_code in (200, 400)
    client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": f"{base}/g.ttl"})
    client.post("/sparql/update", data={"update": f"LOAD <{base}/data.ttl>"}, headers=server.auth())
    time.sleep(0.2)
    assert hits == []
