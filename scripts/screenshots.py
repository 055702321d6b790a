"""Screenshots of every graph page, taken from a served seed graph in headless Chromium.

Builds the seed graph (``seeds/``, as ``chipgraph build`` does) in a memory store,
or opens ``--store``, serves it with uvicorn on 127.0.0.1, opens each ``/viz``
page in Debian's Chromium through Playwright (any request leaving 127.0.0.1 is
blocked and makes the script fail) and writes ``docs/screenshots/<view>.png``,
plus ``path-evidence.png`` with the evidence tooltip of a hop of the path
Netherlands -> Huawei.

Usage::

    .venv/bin/python scripts/screenshots.py
    .venv/bin/python scripts/screenshots.py --store data/store --out /tmp/shots
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from graph.kg import KnowledgeGraph  # noqa: E402
from graph.settings import Settings  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWS = {
    "overview": "/viz/overview",
    "entity": "/viz/entity/org/smic?depth=1",
    "path": "/viz/path?source=Netherlands&target=Huawei",
    "sanctions": "/viz/sanctions?status=InForce",
    "whatif": "/viz/whatif?remove=Netherlands",
    "countries": "/viz/countries",
}


@contextmanager
def serve(kg: KnowledgeGraph, settings: Settings) -> Iterator[str]:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, kg=kg), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def open_graph(store: Path | None) -> tuple[KnowledgeGraph, Settings]:
    if store is not None:
        settings = Settings(store=store, query_workers=1)
        return KnowledgeGraph.open(settings), settings
    settings = Settings(backend="memory", query_workers=1, seeds=ROOT / "seeds")
    kg = KnowledgeGraph.open(settings)
    kg.ingest_paths([settings.seeds])
    return kg, settings


def _ready(tab: Any, url: str) -> None:
    tab.goto(url)
    tab.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
    tab.wait_for_timeout(300)


def _hover_hop(tab: Any, source: str, target: str) -> None:
    point = tab.evaluate(
        """([a, b]) => {
            const viz = window.chipgraphViz, net = viz.network;
            const edge = viz.edges.get({filter: e => e.from === a && e.to === b})[0];
            const p = net.canvasToDOM(net.body.edges[edge.id].edgeType.getPoint(0.5));
            const r = document.getElementById('viz-canvas').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [source, target],
    )
    tab.mouse.move(*point)
    tab.wait_for_selector("#viz-tip:not([hidden])")


def take(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)

        def route(r: Any) -> None:
            if urlparse(r.request.url).hostname == "127.0.0.1":
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        tab = context.new_page()
        for name, url in VIEWS.items():
            _ready(tab, base + url)
            path = out / f"{name}.png"
            tab.screenshot(path=str(path))
            written.append(path)
        _ready(tab, base + VIEWS["path"])
        _hover_hop(tab, "org/asml", "org/smic")
        path = out / "path-evidence.png"
        tab.screenshot(path=str(path))
        written.append(path)
        browser.close()
    if outside:
        raise RuntimeError(f"pages tried to reach other hosts: {outside}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="embedded store to serve (default: build the seeds in memory)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    kg, settings = open_graph(args.store)
    try:
        with serve(kg, settings) as base:
            for path in take(base, args.out):
                print(path)
    finally:
        kg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
