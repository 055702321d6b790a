"""Articles over real HTTP: ingest (auth, limits, encodings), read (JSON and a safe HTML view), delete;
and the linked-data pages of entities, including names that try to inject markup."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
import rdflib
from conftest_api import TOKEN, LiveServer, api_settings, mini_graph, start_server
from support import KeywordExtractor

from api.schemas import ArticleOut, IngestOut
from graph.ids import mint
from graph.records import Article, EntityRecord, Evidence, Extraction, Fact
from graph.vocab import CG

TEXT = "Acme Foundry supplies Globex Chips. Ruritania bans exports to Globex Chips."
EVIL_NAMES = ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "Quote\"'Corp")


class HostileExtractor(KeywordExtractor):
    """The keyword extractor, plus entities whose names try to inject markup when the text asks for it."""

    name = "test-hostile/1"

    def extract(self, article: Article) -> Extraction:
        base = super().extract(article)
        if "HOSTILE" not in article.text:
            return base
        entities = list(base.entities)
        facts = list(base.facts)
        start = article.text.index("HOSTILE")
        evidence = Evidence(article.text[start:], start, len(article.text), 0.7, "test-hostile")
        records = [EntityRecord(mint("org", name), CG.Company, name) for name in EVIL_NAMES]
        entities += records
        facts += [Fact(records[0].iri, CG.suppliesTo, records[1].iri, evidence)]
        return Extraction(article, self.name, tuple(entities), tuple(facts), base.sanctions)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1, max_article_bytes=5_000)
    with start_server(mini_graph(settings, HostileExtractor()), settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def _post_text(client: httpx.Client, text: str | bytes, token: str | None = TOKEN, **params: str) -> httpx.Response:
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/articles", content=text, headers=headers, params=params)


def test_ingest_needs_the_right_token(client: httpx.Client) -> None:
    for token in (None, "wrong", TOKEN + "x", TOKEN[:-1]):
        response = _post_text(client, TEXT, token=token)
        assert response.status_code == 401, token
        assert response.headers["content-type"] == "application/problem+json"
    basic = client.post(
        "/articles", content=TEXT, headers={"Content-Type": "text/plain", "Authorization": "Basic eDp5"}
    )
    assert basic.status_code == 401


def test_ingest_read_reingest_delete(client: httpx.Client, server: LiveServer) -> None:
    created = _post_text(
        client, TEXT, title="Ruritania", url="https://example.org/news/1", date="2024-05-01", id="rur-1"
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/articles/rur-1"
    found = IngestOut.model_validate(created.json())
    assert found.status == "added"
    assert {e.label for e in found.entities} >= {"Acme Foundry", "Globex Chips"}
    assert any(f.predicate == "suppliesTo" and f.sentence == "Acme Foundry supplies Globex Chips." for f in found.facts)
    assert found.sanctions and found.sanctions[0].kind

    listed = client.get("/articles").json()
    assert "rur-1" in {a["id"] for a in listed["items"]}
    article = ArticleOut.model_validate(client.get("/articles/rur-1").json())
    assert article.text == TEXT and article.title == "Ruritania" and article.published == "2024-05-01"
    globex = next(m for m in article.entities if m.label == "Globex Chips")
    assert all(TEXT[s:e] == "Globex Chips" for s, e in globex.spans) and len(globex.spans) == 2
    assert article.facts

    again = _post_text(client, TEXT, id="rur-1", title="Ruritania")
    assert again.status_code == 200 and again.json()["status"] == "unchanged"

    smic_page = client.get("/relations", params={"subject": "Acme Foundry"}).json()
    assert smic_page["items"][0]["evidence"][0]["article_url"] == "/articles/rur-1"

    assert client.delete("/articles/rur-1").status_code == 401
    assert client.delete("/articles/rur-1", headers=server.auth()).status_code == 204
    assert client.get("/articles/rur-1").status_code == 404
    assert client.delete("/articles/rur-1", headers=server.auth()).status_code == 404
    assert client.get("/relations", params={"subject": "Acme Foundry"}).status_code in (200, 404)


def test_ingest_json(client: httpx.Client, server: LiveServer) -> None:
    body = {"text": "Globex Chips supplies Initech Tools.", "title": "JSON", "date": "2023-01-02", "id": "json-1"}
    response = client.post("/articles", json=body, headers=server.auth())
    assert response.status_code == 201, response.text
    assert client.get("/articles/json-1").json()["title"] == "JSON"
    assert client.delete("/articles/json-1", headers=server.auth()).status_code == 204


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"", "text/plain", 422),
        (b"   \n\t  ", "text/plain", 422),
        (b"<html><body><script>x()</script></body></html>", "text/plain", 422),
        (b"\x00\x01\x02binary\x00", "text/plain", 415),
        ("caf\u00e9 cr\u00e8me".encode("latin-1"), "text/plain", 415),
        (b"x" * 6_000, "text/plain", 413),
        (b"Acme Foundry", "application/pdf", 415),
        (b"{not json", "application/json", 400),
        (b'{"title": "no text"}', "application/json", 422),
        (b'{"text": ""}', "application/json", 422),
        (b'{"text": "a\\ud800b"}', "application/json", 415),
        (b'{"text": "Acme Foundry supplies Globex Chips.", "id": "../../etc"}', "application/json", 400),
        (b'{"text": "Acme Foundry supplies Globex Chips.", "url": "javascript:alert(1)"}', "application/json", 400),
        (b'{"text": "Acme Foundry supplies Globex Chips.", "date": "soon"}', "application/json", 422),
    ],
)
def test_bad_articles_are_refused_with_a_message(
    client: httpx.Client, server: LiveServer, content: bytes, content_type: str, status: int
) -> None:
    response = client.post("/articles", content=content, headers={"Content-Type": content_type, **server.auth()})
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["status"] == status and problem["detail"]


def test_oversized_article_streamed_without_length_is_413(client: httpx.Client, server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"Acme Foundry supplies Globex Chips. " * 10

    response = client.post("/articles", content=chunks(), headers={"Content-Type": "text/plain", **server.auth()})
    assert response.status_code == 413


def test_writes_disabled_without_a_configured_token() -> None:
    settings = api_settings(token=None, query_workers=1)
    with start_server(mini_graph(settings, KeywordExtractor()), settings) as live, live.client() as client:
        response = client.post("/articles", content=TEXT, headers={"Content-Type": "text/plain", **live.auth()})
        assert response.status_code == 403
        assert client.delete("/articles/anything", headers=live.auth()).status_code == 403


# --------------------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def hostile(client: httpx.Client, server: LiveServer) -> str:
    text = "Acme Foundry supplies Globex Chips. HOSTILE names follow."
    response = _post_text(client, text, id="hostile-1", title='<script>alert("title")</script>')
    assert response.status_code == 201, response.text
    return "hostile-1"


def _no_live_markup(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html
    assert not re.search(r"<[^>]+\bonerror\s*=", html)


def test_article_page_escapes_everything_from_the_article(client: httpx.Client, hostile: str) -> None:
    response = client.get(f"/articles/{hostile}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    _no_live_markup(html)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert '<mark data-iri="https://w3id.org/chipgraph/id/org/acme-foundry"><a href="/id/org/acme-foundry"' in html


def test_entity_pages_escape_hostile_names(client: httpx.Client, hostile: str) -> None:
    iri = str(mint("org", EVIL_NAMES[0]))
    page = client.get("/id/" + iri.removeprefix("https://w3id.org/chipgraph/id/"), headers={"Accept": "text/html"})
    assert page.status_code == 200
    _no_live_markup(page.text)
    assert "&lt;script&gt;" in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text  # the neighbour's name, as text
    search = client.get("/entities", params={"q": "script"}, headers={"Accept": "text/html"})
    _no_live_markup(search.text)


def test_entity_page_html(client: httpx.Client) -> None:
    response = client.get("/id/org/smic", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>SMIC</h1>" in html
    assert 'href="/id/org/huawei"' in html or 'href="/id/org/asml"' in html  # links to other entities
    assert "confidence" in html and "/articles/" in html  # evidence with article links
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("*/*", "turtle"),
    ],
)
def test_entity_rdf_for_machines(client: httpx.Client, accept: str, fmt: str) -> None:
    response = client.get("/id/org/smic", headers={"Accept": accept})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    smic = rdflib.URIRef("https://w3id.org/chipgraph/id/org/smic")
    assert (smic, rdflib.RDFS.label, rdflib.Literal("SMIC")) in graph
    assert (rdflib.URIRef("https://w3id.org/chipgraph/id/org/asml"), CG.suppliesTo, smic) in graph


def test_linked_data_errors_and_redirects(client: httpx.Client) -> None:
    assert client.get("/id/org/no-such-company", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/org/smic", headers={"Accept": "image/png"}).status_code == 406
    article = client.get("/id/article/hostile-1")
    assert article.status_code == 303 and article.headers["location"] == "/articles/hostile-1"
    assert client.get("/id/a%20b%3Cc%3E", headers={"Accept": "text/turtle"}).status_code == 404
