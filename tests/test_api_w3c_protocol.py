"""A port of the 34 W3C SPARQL 1.1 Protocol tests (w3c/rdf-tests, sparql/sparql11/protocol).

The manifest is read at test time from the shared data folder; each test's
HTTP requests are replayed against a real server. Paths under ``/sparql/``
go to ``/sparql`` for queries and to ``/sparql/update`` (with the write token)
for updates, as the manifest allows. The kasei.us ``dataN.rdf`` graphs are the
local ``dataN.nt`` files loaded into named graphs with those IRIs, so nothing
is fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import rdflib
from conftest_api import LiveServer, api_settings, start_server
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection

from graph.kg import KnowledgeGraph
from graph.settings import Settings
from graph.store import MemoryStore

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    label: str
    graphs: list[tuple[Path, str]] = field(default_factory=list)
    requests: list[ProtocolRequest] = field(default_factory=list)


def _manifest_dir() -> Path:
    return Path(Settings().shared_data).resolve() / "w3c-sparql11-protocol"


def load_manifest(folder: Path) -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(folder / "manifest.ttl", format="turtle", publicID=(folder / "manifest.ttl").as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            local = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
            test.graphs.append((folder / local.name, str(graph.value(data, RDFS.label))))
        action = graph.value(entry, MF.action)
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            statuses = set()
            for code in graph.objects(response, MF.expectedStatus):
                first = int(str(code)[-3])  # ...StatusCode2xx
                statuses |= set(range(first * 100, first * 100 + 100))
            fmt = graph.value(response, MF.expectedFormat)
            boolean = graph.value(response, MF.expectedBoolean)
            test.requests.append(
                ProtocolRequest(
                    str(graph.value(request, HT.methodName)),
                    str(graph.value(request, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    None if fmt is None else str(fmt),
                    None if boolean is None else bool(boolean.toPython()),
                )
            )
        tests.append(test)
    return tests


MANIFEST_DIR = _manifest_dir()
TESTS = load_manifest(MANIFEST_DIR) if (MANIFEST_DIR / "manifest.ttl").is_file() else []


def _is_update(test: ProtocolTest, request: ProtocolRequest) -> bool:
    content_type = request.headers.get("content-type", "")
    body = request.body or b""
    if content_type.startswith("application/sparql-update"):
        return True
    if content_type.startswith("application/sparql-query") or b"query=" in body or "query=" in request.path:
        return False
    return "update" in test.name


def _route(test: ProtocolTest, request: ProtocolRequest) -> tuple[str, bool]:
    path = request.path
    assert path.startswith("/sparql/")
    rest = path[len("/sparql/") :]
    update = _is_update(test, request)
    return ("/sparql/update" if update else "/sparql") + rest, update


def _check_format(request: ProtocolRequest, response: httpx.Response) -> None:
    content_type = response.headers.get("content-type", "").split(";")[0]
    if request.expected_format == "boolean":
        assert content_type in ("application/sparql-results+json", "application/sparql-results+xml")
    elif request.expected_format == "tabular":
        assert content_type in RESULT_TYPES
    elif request.expected_format == "RDF":
        assert content_type in RDF_TYPES
        rdflib.Graph().parse(data=response.content, format={"text/turtle": "turtle"}.get(content_type, content_type))
    if request.expected_boolean is not None:
        if content_type.endswith("+json"):
            value = response.json()["boolean"]
        else:
            text = ET.fromstring(response.content).findtext("{http://www.w3.org/2005/sparql-results#}boolean")
            value = text == "true"
        assert value is request.expected_boolean


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1)
    kg = KnowledgeGraph(MemoryStore(), settings)
    with start_server(kg, settings) as live:
        yield live


def test_the_manifest_has_34_tests() -> None:
    if not TESTS:
        pytest.skip(f"W3C protocol manifest not found in {MANIFEST_DIR}")
    assert len(TESTS) == 34
    assert sum(1 for t in TESTS if t.name.startswith("bad_")) == 14


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(server: LiveServer, test: ProtocolTest) -> None:
    store = server.kg.store
    store.update("DROP SILENT ALL")
    for path, name in test.graphs:
        store.load(path, "ntriples", rdflib.URIRef(name))
    with server.client() as client:
        for request in test.requests:
            path, update = _route(test, request)
            headers = dict(request.headers)
            if update:
                headers.update(server.auth())
            response = client.request(request.method, path, headers=headers, content=request.body)
            assert response.status_code in request.statuses, (test.label, path, response.status_code, response.text)
            if response.status_code < 300:
                _check_format(request, response)
