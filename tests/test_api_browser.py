"""The pages in real headless Chromium: YASGUI runs a query, Swagger UI renders, entity pages
load, and no request ever leaves 127.0.0.1 (every other request is blocked and recorded)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest_api import LiveServer, api_settings, mini_graph, start_server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VENDOR = Path(__file__).resolve().parents[1] / "api" / "static" / "vendor"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1)
    with start_server(mini_graph(settings), settings) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    if not (VENDOR / "yasgui" / "yasgui.min.js").is_file():
        pytest.skip("browser assets are not installed (scripts/install_assets.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watcher:
    """Blocks and records every request not to 127.0.0.1; collects console errors."""

    def __init__(self, page: Any) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watcher]]:
    context = browser.new_context()
    page = context.new_page()
    watcher = Watcher(page)
    yield page, watcher
    context.close()


def test_yasgui_runs_a_query_and_shows_results(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    browser_page, watcher = page
    browser_page.goto(server.url + "/sparql")
    browser_page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
    query = (
        "PREFIX cg: <https://w3id.org/chipgraph/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name WHERE { ?s cg:suppliesTo <https://w3id.org/chipgraph/id/org/smic> ; rdfs:label ?name }"
    )
    browser_page.evaluate("q => window.yasgui.getTab().getYasqe().setValue(q)", query)
    browser_page.click(".yasqe_queryButton")
    browser_page.wait_for_selector(".yasr .dataTable td", timeout=20_000)
    assert "ASML" in browser_page.inner_text(".yasr")
    assert watcher.outside == []
    assert not [e for e in watcher.errors if "favicon" not in e]


def test_swagger_ui_renders_without_a_cdn(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    browser_page, watcher = page
    browser_page.goto(server.url + "/docs")
    browser_page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "chipgraph" in browser_page.inner_text(".swagger-ui .info .title")
    browser_page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    assert watcher.outside == []


def test_entity_page_and_navigation(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    browser_page, watcher = page
    browser_page.goto(server.url + "/id/org/smic")
    assert browser_page.inner_text("h1") == "SMIC"
    browser_page.click("text=ASML")
    browser_page.wait_for_url("**/id/org/asml")
    assert browser_page.inner_text("h1") == "ASML"
    browser_page.fill("header input[name=q]", "Huawei")
    browser_page.press("header input[name=q]", "Enter")
    browser_page.wait_for_selector("table a[href='/id/org/huawei']")
    assert watcher.outside == []
    assert watcher.errors == []
