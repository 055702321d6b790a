"""The graph pages in real headless Chromium, against a running uvicorn serving a graph with an
ingested article whose names and sentence carry ``<script>``, ``<img onerror>``, ``<svg onload>``
and quotes: every view draws its nodes, no console error, no request leaves 127.0.0.1, nothing
from the article runs, a click opens the entity page, the search focuses a node, tooltips show
the evidence as text; and a standalone file from ``chipgraph viz`` works with no network."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest_api import LiveServer, api_settings, start_server
from viz_support import ARTICLE_ID, IMG_NAME, QUOTE_NAME, SANCTION_NAME, SCRIPT_NAME, evil_id, hostile_graph

from graph.analytics import projection
from graph.viz import PageOptions, path_view, render_page, write_page

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
READY = "body[data-ready='1']"

PAGES = {
    "overview": "/viz/overview",
    "entity": f"/viz/entity/{evil_id(IMG_NAME)}?depth=2",
    "path": "/viz/path?source=Netherlands&target=Huawei",
    "sanctions": "/viz/sanctions",
    "whatif": "/viz/whatif?remove=Netherlands",
    "countries": "/viz/countries",
}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(query_workers=1)
    with start_server(hostile_graph(settings), settings) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium); CI=1 makes this fail")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watcher:
    """Blocks and records every request not to 127.0.0.1 (or the page's own file); collects console
    errors, page errors and dialogs."""

    def __init__(self, page: Any, allow_file: str | None = None) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.allow_file = allow_file
        page.route("**/*", self._route)
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlparse(url).hostname == "127.0.0.1" or (self.allow_file and url == self.allow_file):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def assert_clean(self, page: Any) -> None:
        assert self.outside == []
        assert [e for e in self.errors if "favicon" not in e] == []
        assert self.dialogs == []
        assert page.evaluate("() => typeof window.__pwned") == "undefined"


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watcher]]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    yield tab, Watcher(tab)
    context.close()


def _open(tab: Any, url: str) -> None:
    tab.goto(url)
    tab.wait_for_selector(READY, state="attached", timeout=30_000)


def _node_point(tab: Any, node: str) -> tuple[float, float]:
    x, y = tab.evaluate(
        """(id) => {
            const net = window.chipgraphViz.network;
            const p = net.canvasToDOM(net.getPosition(id));
            const r = document.getElementById('viz-canvas').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        node,
    )
    return float(x), float(y)


def _edge_point(tab: Any, edge: str) -> tuple[float, float]:
    x, y = tab.evaluate(
        """(id) => {
            const net = window.chipgraphViz.network;
            const p = net.canvasToDOM(net.body.edges[id].edgeType.getPoint(0.5));
            const r = document.getElementById('viz-canvas').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        edge,
    )
    return float(x), float(y)


DRAWN_PIXELS = """() => {
    const canvas = document.querySelector('#viz-canvas canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { drawn++; } }
    return drawn;
}"""


@pytest.mark.parametrize("view", list(PAGES))
def test_each_view_draws_its_nodes_and_runs_nothing_from_the_article(
    server: LiveServer, page: tuple[Any, Watcher], view: str
) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES[view])
    counts = tab.evaluate("() => [window.chipgraphViz.nodes.length, window.chipgraphViz.edges.length]")
    assert counts[0] > 1 and counts[1] > 0
    assert tab.evaluate(DRAWN_PIXELS) > 2_000  # the canvas is not blank
    # physics has stopped (or never ran: precomputed layout)
    assert tab.evaluate("() => window.chipgraphViz.network.physics.options.enabled") is False
    assert tab.inner_text("#viz-legend")  # a legend
    assert tab.locator("#viz-filters input[type=checkbox]").count() > 0
    watcher.assert_clean(tab)


def test_hostile_names_render_as_text_in_heading_tooltip_and_menus(
    server: LiveServer, page: tuple[Any, Watcher]
) -> None:
    tab, watcher = page
    _open(tab, server.url + f"/viz/entity/{evil_id(SCRIPT_NAME)}?depth=3")
    assert tab.inner_text("#viz-title") == SCRIPT_NAME
    options = tab.eval_on_selector_all("#viz-names option", "els => els.map(e => e.value)")
    assert SCRIPT_NAME in options and IMG_NAME in options and QUOTE_NAME in options
    tab.mouse.move(*_node_point(tab, evil_id(IMG_NAME)))
    tab.wait_for_selector("#viz-tip:not([hidden])")
    assert IMG_NAME in tab.inner_text("#viz-tip h3")
    assert tab.locator("#viz-tip img, #viz-tip script, #viz-tip svg, #viz-tip iframe").count() == 0
    watcher.assert_clean(tab)


def test_hovering_an_edge_shows_its_evidence(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + f"/viz/entity/{evil_id(IMG_NAME)}?depth=1")
    edge = tab.evaluate(
        "([a, b]) => window.chipgraphViz.edges.get({filter: e => e.from === a && e.to === b})[0].id",
        [evil_id(IMG_NAME), "org/smic"],
    )
    tab.mouse.move(*_edge_point(tab, edge))
    tab.wait_for_selector("#viz-tip:not([hidden])")
    tip = tab.inner_text("#viz-tip")
    assert "supplies to" in tip and f"article {ARTICLE_ID}" in tip and "confidence 0.8" in tip and "2024-01-05" in tip
    assert "<b>bold</b>" in tip and '"friends"' in tip and IMG_NAME in tip  # the sentence, as text
    assert tab.locator("#viz-tip b, #viz-tip img, #viz-tip iframe").count() == 0
    # a click pins the evidence with a link to the article
    tab.mouse.click(*_edge_point(tab, edge))
    tab.wait_for_selector("#viz-details:not([hidden])")
    assert tab.get_attribute("#viz-details a", "href") == f"/articles/{ARTICLE_ID}"
    watcher.assert_clean(tab)


def test_clicking_a_node_opens_its_entity_page(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES["path"])
    tab.mouse.click(*_node_point(tab, "org/smic"))
    tab.wait_for_url("**/id/org/smic")
    assert tab.inner_text("h1") == "SMIC"
    watcher.assert_clean(tab)


def test_clicking_a_hostile_node_opens_its_page_safely(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + f"/viz/entity/{evil_id(QUOTE_NAME)}?depth=1")
    tab.mouse.click(*_node_point(tab, evil_id(QUOTE_NAME)))
    tab.wait_for_url(f"**/id/{evil_id(QUOTE_NAME)}")
    assert tab.inner_text("h1") == QUOTE_NAME
    watcher.assert_clean(tab)


def test_search_finds_and_focuses_a_node(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES["overview"])
    tab.fill("#viz-search", "smic")
    tab.press("#viz-search", "Enter")
    tab.wait_for_function("() => window.chipgraphViz.found === 'org/smic'")
    assert tab.evaluate("() => window.chipgraphViz.network.getSelectedNodes()") == ["org/smic"]
    # the view moves until the node sits in the middle of the canvas
    tab.wait_for_function(
        """() => {
            const net = window.chipgraphViz.network;
            const a = net.getViewPosition(), b = net.getPosition('org/smic');
            return Math.hypot(a.x - b.x, a.y - b.y) < 5;
        }""",
        timeout=5_000,
    )
    assert tab.inner_text("#viz-search-status") == "Found SMIC."
    tab.fill("#viz-search", "onerror")
    tab.press("#viz-search", "Enter")
    tab.wait_for_function(f"() => window.chipgraphViz.found === '{evil_id(IMG_NAME)}'")
    assert tab.inner_text("#viz-search-status") == f"Found {IMG_NAME}."
    tab.fill("#viz-search", "no such thing")
    tab.press("#viz-search", "Enter")
    tab.wait_for_function("() => window.chipgraphViz.found === null")
    watcher.assert_clean(tab)


def test_filters_hide_types_sources_and_statuses(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES["sanctions"])

    def hidden(node: str) -> bool:
        return bool(tab.evaluate("(id) => !!window.chipgraphViz.nodes.get(id).hidden", node))

    assert not hidden("org/huawei")
    tab.uncheck("#viz-filters input[data-group=type][value=Company]")
    assert hidden("org/huawei") and not hidden("country/united-states")
    tab.check("#viz-filters input[data-group=type][value=Company]")
    assert not hidden("org/huawei")
    tab.uncheck("#viz-filters input[data-group=status][value=Proposed]")
    assert hidden("sanction/nl-duv-2023") and not hidden("sanction/us-oct-2022")
    tab.uncheck("#viz-filters input[data-group=source][value=news]")
    visible_edges = tab.evaluate("() => window.chipgraphViz.edges.get({filter: e => !e.hidden}).length")
    assert visible_edges == 0  # every sanction fact here comes from news
    watcher.assert_clean(tab)


def test_whatif_switches_between_before_and_after(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES["whatif"])
    cut = "() => window.chipgraphViz.edges.get({filter: e => e.role === 'cut'}).map(e => e.dashes)"
    assert all(tab.evaluate(cut))
    tab.click("#viz-mode-buttons button[value=before]")
    assert not any(tab.evaluate(cut))
    assert tab.get_attribute("#viz-mode-buttons button[value=before]", "aria-pressed") == "true"
    tab.click("#viz-mode-buttons button[value=after]")
    assert all(tab.evaluate(cut))
    watcher.assert_clean(tab)


def test_path_list_selects_a_path(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES["path"])
    first = tab.locator("#viz-path-list button").first
    assert first.inner_text().startswith("Netherlands → ")
    first.click()
    selected = tab.evaluate("() => window.chipgraphViz.network.getSelectedNodes()")
    assert selected[0] == "country/netherlands" and selected[-1] == "org/huawei"
    watcher.assert_clean(tab)


def test_sanction_named_with_markup_stays_text(server: LiveServer, page: tuple[Any, Watcher]) -> None:
    tab, watcher = page
    _open(tab, server.url + PAGES["sanctions"])
    names = tab.evaluate("() => window.chipgraphViz.nodes.map(n => n.name)")
    assert SANCTION_NAME in names
    assert tab.locator("svg[onload], img[onerror]").count() == 0
    watcher.assert_clean(tab)


def test_standalone_file_needs_no_network(server: LiveServer, browser: Any, tmp_path: Path) -> None:
    """A page from ``chipgraph viz`` opened from disk: nothing is requested but the file itself."""
    G = projection(server.kg)
    view = path_view(G, "country/netherlands", "org/huawei")
    written = write_page(tmp_path, "path.html", render_page(view, PageOptions(link_base=server.url)))
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    url = written.as_uri()
    watcher = Watcher(tab, allow_file=url)
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    try:
        _open(tab, url)
        assert requests == [url]
        assert tab.evaluate("() => window.chipgraphViz.nodes.length") == len(view.nodes)
        assert tab.evaluate(DRAWN_PIXELS) > 2_000
        watcher.assert_clean(tab)
        tab.mouse.click(*_node_point(tab, "org/smic"))
        tab.wait_for_url(server.url + "/id/org/smic")
        assert tab.inner_text("h1") == "SMIC"
    finally:
        context.close()
