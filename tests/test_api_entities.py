"""REST reads over real HTTP on the mini graph: entities, relations, sanctions, analytics, errors, docs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from conftest_api import LiveServer, api_settings, mini_graph, start_server

from api.schemas import EntityOut, EntitySearchOut, RelationsOut, SanctionsOut

SMIC = "https://w3id.org/chipgraph/id/org/smic"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1)
    with start_server(mini_graph(settings), settings) as live:
        yield live


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def test_search_finds_names_and_aliases_fuzzily(client: httpx.Client) -> None:
    exact = EntitySearchOut.model_validate(client.get("/entities", params={"q": "SMIC"}).json())
    assert exact.items[0].iri == SMIC and exact.items[0].url == "/id/org/smic"
    typo = client.get("/entities", params={"q": "Tokio Electron"}).json()
    assert typo["items"][0]["id"] == "org/tokyo-electron"
    only_countries = client.get("/entities", params={"q": "Netherlands", "type": "Country"}).json()
    assert only_countries["items"] and all("Country" in i["types"] for i in only_countries["items"])


def test_search_pages(client: httpx.Client) -> None:
    first = client.get("/entities", params={"q": "", "limit": 2}).json()
    second = client.get("/entities", params={"q": "", "limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] > 4
    assert {i["iri"] for i in first["items"]}.isdisjoint(i["iri"] for i in second["items"])


@pytest.mark.parametrize(
    ("params", "status"),
    [({"type": "Spaceship"}, 400), ({"limit": 0}, 422), ({"limit": "x"}, 422), ({"offset": -1}, 422)],
)
def test_search_parameters_are_validated(client: httpx.Client, params: dict[str, object], status: int) -> None:
    response = client.get("/entities", params=params)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_describe_entity_with_facts_evidence_and_sanctions(client: httpx.Client) -> None:
    response = client.get("/entities/org/huawei")
    assert response.status_code == 200
    entity = EntityOut.model_validate(response.json())  # the documented schema, exactly
    assert entity.label == "Huawei" and "Company" in entity.types
    assert any(s.role == "targets" for s in entity.sanctions)
    facts = [*entity.facts_in, *entity.facts_out]
    assert facts and all(f.evidence for f in facts if f.graph.startswith("https://w3id.org/chipgraph/id/article/"))
    with_article = [e for f in facts for e in f.evidence if e.article]
    assert with_article and all(e.article_url and e.article_url.startswith("/articles/") for e in with_article)
    assert all(0 <= e.confidence <= 1 for f in facts for e in f.evidence)


def test_entity_by_iri_and_by_name(client: httpx.Client) -> None:
    assert client.get(f"/entities/{SMIC}").json()["iri"] == SMIC
    by_name = client.get("/entities/SMIC")
    assert by_name.status_code == 307 and by_name.headers["location"] == "/entities/org/smic"
    assert client.get("/entities/SMIC", follow_redirects=True).json()["iri"] == SMIC


def test_unknown_entity_is_404_problem(client: httpx.Client) -> None:
    response = client.get("/entities/Qwertyuiop asdf")
    assert response.status_code == 404
    problem = response.json()
    assert problem["type"].endswith("/entity-not-found")
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)
    assert problem["instance"] == "/entities/Qwertyuiop asdf"
    assert client.get("/entities/zzzz/nothing-like-it").status_code == 404


def test_relations_filtered_by_subject_predicate_object(client: httpx.Client) -> None:
    data = RelationsOut.model_validate(
        client.get("/relations", params={"subject": "ASML", "predicate": "suppliesTo"}).json()
    )
    objects = {r.object.id for r in data.items}
    assert {"org/smic", "org/tsmc"} <= objects
    assert all(r.subject.id == "org/asml" and r.predicate == "suppliesTo" for r in data.items)
    into_smic = client.get("/relations", params={"object": "org/smic", "predicate": "cg:suppliesTo"}).json()
    assert "org/asml" in {r["subject"]["id"] for r in into_smic["items"]}
    assert client.get("/relations", params={"predicate": "likes"}).status_code == 400


@pytest.mark.parametrize(
    "hostile",
    [
        'x" } ; DROP ALL ; {',
        "} UNION { ?s ?p ?o }",
        "<http://a b>",
        "http://example.org/a b",
        "'; DELETE WHERE { ?s ?p ?o } #",
        "\\u0022) }",
    ],
)
def test_hostile_parameters_are_bound_not_spliced(client: httpx.Client, hostile: str) -> None:
    for path, params in [
        ("/entities", {"q": hostile}),
        ("/relations", {"subject": hostile}),
        ("/relations", {"object": hostile}),
        ("/sanctions", {"imposer": hostile}),
        ("/upstream", {"entity": hostile}),
    ]:
        response = client.get(path, params=params)
        assert response.status_code in (200, 400, 404), (path, response.text)
    assert client.get("/entities/org/smic").status_code == 200  # nothing was dropped


def test_sanctions_filters(client: httpx.Client) -> None:
    everything = SanctionsOut.model_validate(client.get("/sanctions").json())
    assert everything.total >= 4
    on_huawei = client.get("/sanctions", params={"target": "Huawei"}).json()
    assert [s["id"] for s in on_huawei["items"]] == ["sanction/us-entity-list-huawei"]
    assert on_huawei["items"][0]["evidence"]
    by_us = client.get("/sanctions", params={"imposer": "United States"}).json()
    assert by_us["total"] >= 2 and all(
        "country/united-states" in {p["id"] for p in s["imposed_by"]} for s in by_us["items"]
    )
    lifted = client.get("/sanctions", params={"status": "lifted"}).json()
    assert lifted["items"] and all(s["status"] == "Lifted" for s in lifted["items"])
    before_2019 = client.get("/sanctions", params={"as_of": "2018-12-31"}).json()
    assert before_2019["items"] and all(s["date"] < "2019" for s in before_2019["items"])
    assert client.get("/sanctions", params={"status": "maybe"}).status_code == 400
    assert client.get("/sanctions", params={"as_of": "yesterday"}).status_code == 422


def test_dependency_paths_netherlands_to_huawei(client: httpx.Client) -> None:
    response = client.get("/paths", params={"source": "Netherlands", "target": "Huawei", "k": 3})
    assert response.status_code == 200
    result = response.json()
    assert result["paths"]
    labels = [hop for hop in result["paths"][0]["nodes"]] if "nodes" in result["paths"][0] else None
    assert labels is None or labels
    text = response.text
    assert "SMIC" in text and "evidence" in text


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/upstream", {"params": {"entity": "Huawei"}}),
        ("GET", "/downstream", {"params": {"entity": "ASML", "depth": 3}}),
        ("GET", "/chokepoints", {"params": {"target": "Huawei"}}),
        ("GET", "/chokepoints", {"params": {"top": 3}}),
        ("GET", "/exposure", {"params": {"entity": "SMIC"}}),
        ("GET", "/exposure", {"params": {"sanction": "sanction/us-entity-list-huawei"}}),
        ("GET", "/countries/matrix", {}),
        ("GET", "/centrality", {"params": {"type": "Company", "top": 3}}),
        ("POST", "/whatif", {"json": {"remove": ["Netherlands"], "entity": ["Huawei"]}}),
    ],
)
def test_analytics_endpoints_answer(client: httpx.Client, method: str, path: str, kwargs: dict[str, object]) -> None:
    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), dict)


def test_analytics_errors_are_problems(client: httpx.Client) -> None:
    assert client.get("/exposure").status_code == 400
    assert client.get("/upstream", params={"entity": "Huawei", "layer": "gossip"}).status_code == 400
    assert client.get("/paths", params={"source": "Qwertyuiop asdf", "target": "Huawei"}).status_code == 404
    assert client.post("/whatif", json={"cut": ["no colon"]}).status_code == 400


def test_openapi_and_docs_are_served_locally(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/entities", "/entities/{entity_id}", "/sparql", "/articles", "/paths", "/whatif", "/id/{path}"):
        assert path in spec["paths"], path
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs


def test_health(client: httpx.Client) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["backend"] == "memory"
