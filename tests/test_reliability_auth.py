"""Nobody let in: every write endpoint needs the bearer token, compared in constant time;
no token configured means writes are off; CORS is off unless configured.

The write endpoints are found by reading the app's routes (any route depending on
``require_write_access``), so an endpoint added later is covered without editing
this file, and a state-changing method without that dependency fails the test.
"""

from __future__ import annotations

import ast
import base64
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from conftest_api import TOKEN, LiveServer, api_settings, mini_graph, start_server
from fastapi.routing import APIRoute
from pydantic import SecretStr
from reliability_results import record
from reliability_support import ServeProcess
from support import KeywordExtractor

import api.deps
from api.app import create_app
from api.deps import require_write_access
from graph.kg import KnowledgeGraph

#: POST routes that only read (a query, a scenario computed on a copy); every other
#: POST/PUT/PATCH/DELETE route must need the write token
READ_ONLY_POSTS = {("POST", "/sparql"), ("POST", "/whatif")}

WRONG_TOKENS = {
    "missing": None,
    "empty": "",
    "same length": "X" * len(TOKEN),
    "same length, last character": TOKEN[:-1] + ("0" if TOKEN[-1] != "0" else "1"),
    "shorter (prefix)": TOKEN[:-1],
    "longer (suffix)": TOKEN + "x",
    "much longer": TOKEN * 40,
    "other case": TOKEN.upper(),
    "non-ASCII": "tökén-" + TOKEN[6:],
}


def _depends_on(dependant: Any, call: Callable[..., Any]) -> bool:
    return dependant.call is call or any(_depends_on(d, call) for d in dependant.dependencies)


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (which FastAPI keeps as their own routes)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def write_routes(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route that asks for the write token."""
    return {
        (method, route.path)
        for route in api_routes(app.routes)
        if _depends_on(route.dependant, require_write_access)
        for method in route.methods
    }


def state_changing_routes(app: Any) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in api_routes(app.routes)
        for method in route.methods
        if method in ("POST", "PUT", "PATCH", "DELETE")
    }


#: a request each write endpoint accepts with the right token; a new write endpoint needs one here
def _valid_requests(run: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        ("POST", "/articles"): {
            "content": f"Acme Foundry supplies Globex Chips. Run {run}.",
            "headers": {"Content-Type": "text/plain"},
            "params": {"id": f"auth-{run}"},
        },
        ("DELETE", "/articles/{article_id}"): {"url": "/articles/auth-victim"},
        ("POST", "/sparql/update"): {
            "content": f"INSERT DATA {{ GRAPH <http://example.org/auth> {{ <http://example.org/{run}> <http://example.org/p> 1 }} }}",
            "headers": {"Content-Type": "application/sparql-update"},
        },
    }


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1)
    with start_server(mini_graph(settings, KeywordExtractor()), settings) as live:
        yield live


def _send(client: httpx.Client, route: tuple[str, str], request: dict[str, Any], token: str | None) -> httpx.Response:
    method, path = route
    kwargs = {k: v for k, v in request.items() if k != "url"}
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}".strip()  # an empty one: the bare scheme
    raw = {k: v.encode("utf-8") for k, v in headers.items()}  # a non-ASCII token goes out as UTF-8 bytes
    return client.request(method, request.get("url", path), headers=raw, **kwargs)


def _store_state(kg: KnowledgeGraph) -> tuple[int, list[str]]:
    return kg.store.count(), [str(g) for g in kg.store.graph_names()]


def test_every_state_changing_route_needs_the_token() -> None:
    app = create_app(api_settings())
    writes = write_routes(app)
    assert writes >= {("POST", "/articles"), ("DELETE", "/articles/{article_id}"), ("POST", "/sparql/update")}
    unguarded = state_changing_routes(app) - writes - READ_ONLY_POSTS
    assert not unguarded, f"state-changing routes without the write token: {sorted(unguarded)}"
    assert writes <= set(_valid_requests("x")), f"add a valid request for {sorted(writes - set(_valid_requests('x')))}"
    record(
        "auth-write-routes",
        f"{len(writes)} write routes found in the app ({', '.join(f'{m} {p}' for m, p in sorted(writes))}); "
        "every other POST/PUT/PATCH/DELETE is a read-only query",
        routes=sorted(f"{m} {p}" for m, p in writes),
    )


def test_missing_or_wrong_tokens_are_401_and_change_nothing(server: LiveServer) -> None:
    outcomes: dict[str, set[int]] = {}
    with server.client() as client:
        assert _send(client, ("POST", "/articles"), _valid_requests("victim")["POST", "/articles"], TOKEN).is_success
        before = _store_state(server.kg)
        for route in sorted(write_routes(server.server.config.app)):
            request = _valid_requests("refused")[route]
            for name, token in WRONG_TOKENS.items():
                response = _send(client, route, request, token)
                assert response.status_code == 401, (route, name, response.text)
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert response.headers["content-type"] == "application/problem+json"
                assert TOKEN not in response.text and (not token or token not in response.text)
                outcomes.setdefault(name, set()).add(response.status_code)
            for scheme in (
                f"Basic {base64.b64encode(f'x:{TOKEN}'.encode()).decode()}",
                f"Token {TOKEN}",
                TOKEN,
                f"Bearer{TOKEN}",
            ):
                headers = {**request.get("headers", {}), "Authorization": scheme}
                kwargs = {k: v for k, v in request.items() if k not in ("url", "headers")}
                response = client.request(route[0], request.get("url", route[1]), headers=headers, **kwargs)
                assert response.status_code == 401, (route, scheme[:12], response.text)
                outcomes.setdefault("other scheme", set()).add(response.status_code)
        assert _store_state(server.kg) == before
        # the control: the right token is let through on every route
        for route in sorted(write_routes(server.server.config.app)):
            response = _send(client, route, _valid_requests("granted")[route], TOKEN)
            assert response.status_code in (200, 201, 204), (route, response.text)
    record(
        "auth-wrong-token",
        "401 with WWW-Authenticate: Bearer for "
        + ", ".join(f"{name} ({'/'.join(map(str, sorted(codes)))})" for name, codes in outcomes.items())
        + "; the store unchanged; the right token accepted on every route",
    )


def test_the_token_is_compared_in_constant_time(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code compares with hmac.compare_digest and nothing else, and at run time every
    wrong token, of the same length or not, reaches that comparison (no early length check)."""
    source = textwrap.dedent(inspect.getsource(require_write_access))
    assert "hmac.compare_digest(" in source or "secrets.compare_digest(" in source
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            names = {ast.unparse(part) for part in [node.left, *node.comparators]}
            secret = ("credentials.credentials", "expected", "get_secret_value", "token")
            assert not any(word in n for n in names for word in secret), ast.unparse(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
            raise AssertionError(f"a length check before the comparison: {ast.unparse(node)}")

    calls: list[tuple[int, int, bool]] = []

    def spy(a: bytes, b: bytes) -> bool:
        import hmac

        result = hmac.compare_digest(a, b)
        calls.append((len(a), len(b), result))
        return result

    monkeypatch.setattr(api.deps, "hmac", SimpleNamespace(compare_digest=spy))
    with server.client() as client:
        for name in ("same length", "same length, last character", "shorter (prefix)", "much longer", "non-ASCII"):
            response = _send(
                client, ("POST", "/sparql/update"), _valid_requests("ct")["POST", "/sparql/update"], WRONG_TOKENS[name]
            )
            assert response.status_code == 401
    assert len(calls) == 5 and not any(result for _, _, result in calls)
    assert {expected for _, expected, _ in calls} == {len(TOKEN)}
    assert {given for given, _, _ in calls} > {len(TOKEN)}  # other lengths compared too
    record(
        "auth-constant-time",
        "require_write_access compares with hmac.compare_digest only (no ==, no length check); "
        f"{len(calls)} wrong tokens of lengths {sorted({g for g, _, _ in calls})} all reached it and got 401",
    )


@pytest.mark.parametrize("token", [None, SecretStr("")], ids=["unset", "empty"])
def test_no_token_configured_means_writes_are_disabled(token: SecretStr | None) -> None:
    settings = api_settings(token=token, query_workers=1)
    with start_server(mini_graph(settings, KeywordExtractor()), settings) as live, live.client() as client:
        before = _store_state(live.kg)
        for route in sorted(write_routes(live.server.config.app)):
            for sent in (None, "", TOKEN):
                response = _send(client, route, _valid_requests("off")[route], sent)
                assert response.status_code == 403, (route, sent, response.text)
                assert "disabled" in response.json()["detail"]
        assert _store_state(live.kg) == before
        assert client.get("/health").json()["writes_enabled"] is False
    record(f"auth-no-token-{'unset' if token is None else 'empty'}", "every write route 403 'writes are disabled'")


def test_chipgraph_serve_with_an_empty_token_has_writes_off(tmp_path: Path) -> None:
    """The real configuration path: CHIPGRAPH_TOKEN set but empty is not an open server."""
    with (
        ServeProcess(tmp_path / "store", token="", log=tmp_path / "serve.log") as served,
        httpx.Client(base_url=served.url, trust_env=False, timeout=30) as client,
    ):
        assert client.get("/health").json()["writes_enabled"] is False
        statuses = {
            client.post("/articles", content="Acme Foundry supplies Globex Chips.", headers=headers).status_code
            for headers in ({"Content-Type": "text/plain"}, {"Content-Type": "text/plain", "Authorization": "Bearer x"})
        }
        update = client.post("/sparql/update", data={"update": "DROP ALL"}, headers={"Authorization": "Bearer x"})
        assert statuses == {403} and update.status_code == 403
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    record("auth-no-token-serve", "chipgraph serve with CHIPGRAPH_TOKEN='': writes 403, reads served")


def test_the_token_never_appears_in_a_response(server: LiveServer) -> None:
    with server.client() as client:
        pages = {
            "/health": {},
            "/openapi.json": {},
            "/": {"Accept": "text/html"},
            "/docs": {},
            "/sparql": {"Accept": "text/html"},
            "/sparql?": {"Accept": "text/turtle"},
            "/articles": {"Accept": "text/html"},
        }
        for page, headers in pages.items():
            response = client.get(page, headers={**headers, **server.auth()})
            assert response.status_code == 200, page
            assert TOKEN not in response.text, page
    record("auth-token-not-leaked", f"{len(pages)} pages and documents never contain the token")


def test_cors_is_off_by_default() -> None:
    settings = api_settings(query_workers=1)
    assert settings.cors_origins == []
    with start_server(mini_graph(settings), settings) as live, live.client() as client:
        preflight = client.options(
            "/sparql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        simple = client.get("/health", headers={"Origin": "https://evil.example"})
        for response in (preflight, simple):
            assert not any(h.lower().startswith("access-control-") for h in response.headers), dict(response.headers)
    record("cors-default", f"no Access-Control-* header for a foreign origin (preflight {preflight.status_code})")


def test_cors_allows_exactly_the_configured_origins() -> None:
    settings = api_settings(query_workers=1, cors_origins=["https://app.example"])
    with start_server(mini_graph(settings), settings) as live, live.client() as client:
        allowed = client.options(
            "/sparql",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert allowed.headers.get("access-control-allow-credentials") != "true"
        simple = client.get("/health", headers={"Origin": "https://app.example"})
        assert simple.headers["access-control-allow-origin"] == "https://app.example"
        other = client.options(
            "/sparql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
        assert (
            "access-control-allow-origin"
            not in client.get("/health", headers={"Origin": "https://evil.example"}).headers
        )
    record("cors-configured", "the configured origin gets Access-Control-Allow-Origin (no credentials); others do not")
