"""Fixtures for the API tests: a real uvicorn server on 127.0.0.1 and a free port,
serving a knowledge graph the test also holds (to set up data directly).

Test modules import what they use: ``from conftest_api import LiveServer, start_server, ...``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from api.app import create_app
from graph.extract.base import Extractor
from graph.kg import KnowledgeGraph
from graph.settings import Settings
from graph.store import MemoryStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOKEN = "test-token-0123456789abcdef"


@dataclass
class LiveServer:
    """A running server: its base URL, the graph it serves and its settings."""

    url: str
    kg: KnowledgeGraph
    settings: Settings
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, trust_env=False, timeout=30, **kwargs)  # type: ignore[arg-type]

    def auth(self, token: str = TOKEN) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@contextmanager
def start_server(kg: KnowledgeGraph, settings: Settings) -> Iterator[LiveServer]:
    """Serve ``kg`` with uvicorn (one worker, in a thread) until the block ends."""
    app = create_app(settings, kg=kg)
    # IPPROTO_TCP named explicitly: asyncio sets TCP_NODELAY only on such sockets, and without it
    # every keep-alive request waits ~40 ms for a delayed ACK (Nagle)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", kg, settings, server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def api_settings(**overrides: object) -> Settings:
    """Settings for a test server: memory store, a write token, short time limit."""
    values: dict[str, object] = {
        "backend": "memory",
        "token": SecretStr(TOKEN),
        "query_timeout": 5.0,
        "query_workers": 2,
        "max_rows": 1000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def mini_graph(settings: Settings, extractor: Extractor | None = None) -> KnowledgeGraph:
    """The hand-made mini graph (tests/fixtures/mini.trig) in a memory store, ontology loaded."""
    kg = KnowledgeGraph(MemoryStore(), settings, extractor=extractor)
    kg.bootstrap()
    kg.store.load(FIXTURES / "mini.trig", "trig")
    return kg
