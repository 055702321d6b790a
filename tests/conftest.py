"""Shared fixtures: the three store backends (a real ``oxigraph serve`` process
for the remote one), settings per backend, and a small deterministic extractor
for tests of the layers below extraction."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.settings import Settings
from graph.store import EmbeddedStore, MemoryStore, RemoteStore, Store

BACKENDS = ("embedded", "memory", "remote")
SHARED_DATA = Path(
    os.environ.get("CHIPGRAPH_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the oxigraph server (PyPI package 'oxigraph') is not installed: pip install -e '.[dev]'")
    return found


def wait_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0, trust_env=False)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {timeout} s")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real ``oxigraph serve`` process on 127.0.0.1."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query?query=ASK%7B%7D")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def remote_store(base: str) -> RemoteStore:
    return RemoteStore(
        f"{base}/query", f"{base}/update", f"{base}/store", flavour="oxigraph", timeout=30, batch_triples=500
    )


def remote_settings(base: str) -> Settings:
    return Settings(
        backend="remote",
        remote_query_url=f"{base}/query",
        remote_update_url=f"{base}/update",
        remote_gsp_url=f"{base}/store",
        remote_flavour="oxigraph",
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each backend in turn."""
    if backend == "embedded":
        opened: Store = EmbeddedStore(tmp_path / "store")
    elif backend == "memory":
        opened = MemoryStore()
    else:
        base = request.getfixturevalue("oxigraph_server")
        opened = remote_store(base)
        opened.update("DROP SILENT ALL")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh, empty store of each backend in turn."""
    if backend == "remote":
        base = request.getfixturevalue("oxigraph_server")
        with remote_store(base) as clean:
            clean.update("DROP SILENT ALL")
        return remote_settings(base)
    return Settings(backend=backend, store=tmp_path / "store")  # type: ignore[arg-type]


@pytest.fixture
def shared_data() -> Path:
    """The reference datasets folder; tests needing it skip visibly when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (set CHIPGRAPH_SHARED_DATA)")
    return SHARED_DATA
