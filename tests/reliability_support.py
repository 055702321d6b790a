"""What the reliability tests share: ``chipgraph serve`` as a child process,
synthetic articles, a canary HTTP server, raw HTTP requests and the checks
that an embedded store lost nothing.

Test modules import it as ``from reliability_support import ...`` (like
``conftest_api``).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from rdflib import URIRef

from graph.ids import article_id_of, is_article_iri
from graph.provenance import graph_is_whole
from graph.store import EmbeddedStore

__all__ = [
    "COMPANIES",
    "TOKEN",
    "Canary",
    "ServeProcess",
    "StoreAudit",
    "audit_store",
    "free_port",
    "percentile",
    "raw_exchange",
    "synthetic_article",
]

ROOT = Path(__file__).resolve().parents[1]
CHIPGRAPH = Path(sys.executable).parent / "chipgraph"
TOKEN = "reliability-token-5f2c9a1e7d3b"

COMPANIES = (
    "TSMC",
    "Samsung",
    "Intel",
    "SMIC",
    "ASML",
    "Nvidia",
    "AMD",
    "Qualcomm",
    "Apple",
    "Huawei",
    "Tokyo Electron",
    "Applied Materials",
    "Lam Research",
    "GlobalFoundries",
    "Micron",
    "SK Hynix",
    "MediaTek",
    "Broadcom",
)
_TEMPLATES = (
    "{a} supplies chips to {b}.",
    "{a} sells lithography machines to {b}.",
    "{a} makes {n}nm chips for {b}.",
    "{a} supplies etching tools to {b}.",
    "The United States added {a} to the Entity List in {y}.",
    "{a} manufactures processors for {b}.",
)


def synthetic_article(index: int, seed: int) -> str:
    """A short news-like article from templates: 3-6 supply, node and sanction sentences."""
    rng = random.Random(seed * 100_003 + index)
    sentences = []
    for _ in range(rng.randint(3, 6)):
        a, b = rng.sample(COMPANIES, 2)
        template = rng.choice(_TEMPLATES)
        sentences.append(template.format(a=a, b=b, n=rng.choice((3, 5, 7, 14, 28)), y=rng.randint(2015, 2024)))
    sentences.append(f"This is report {index} of series {seed}.")
    return " ".join(sentences)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- the server as a process


@dataclass
class ServeProcess:
    """``chipgraph serve`` on an embedded store, started and stopped by a test."""

    store: Path
    port: int = field(default_factory=free_port)
    token: str | None = TOKEN
    env: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [str(CHIPGRAPH), "serve", "--store", str(self.store), "--port", str(self.port)]

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIPGRAPH_")}
        env.update({"CHIPGRAPH_QUERY_WORKERS": "2", "CHIPGRAPH_QUERY_TIMEOUT": "10", "PYTHONUNBUFFERED": "1"})
        if self.token is not None:
            env["CHIPGRAPH_TOKEN"] = self.token
        env.update(self.env)
        return env

    def start(self, timeout: float = 90.0) -> ServeProcess:
        """Start the server and wait until ``/health`` answers (or the process died)."""
        out = open(self.log, "ab") if self.log is not None else subprocess.DEVNULL  # noqa: SIM115
        try:
            # its own process group, so a kill reaches the query workers too
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        deadline = time.monotonic() + timeout
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"chipgraph serve exited with {self.process.returncode}: {self.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(self.url + "/health").status_code == 200:
                        return self
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"chipgraph serve did not answer /health within {timeout} s: {self.tail()}")

    def tail(self, lines: int = 30) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL the server and its query workers (the whole process group), no shutdown."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM), then SIGKILL if it does not end."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- checking a store


@dataclass(frozen=True)
class StoreAudit:
    """What an embedded store holds, article by article."""

    whole: frozenset[str]
    broken: dict[str, tuple[int, str]]  # article id -> (triples, declared count)
    triples: int

    @property
    def articles(self) -> frozenset[str]:
        return self.whole | frozenset(self.broken)


def audit_store(path: Path) -> StoreAudit:
    """Open the store (it must open cleanly) and check every article graph against cg:statementCount."""
    store = EmbeddedStore(path)
    try:
        whole, broken = set(), {}
        for graph in store.graph_names():
            if not is_article_iri(str(graph)):
                continue
            triples = [(s, p, o) for s, p, o, _ in store.quads(graph=graph)]
            if graph_is_whole(triples, URIRef(graph)):
                whole.add(article_id_of(str(graph)))
            else:
                declared = [str(o) for s, p, o in triples if str(p).endswith("#statementCount")]
                broken[article_id_of(str(graph))] = (len(triples), ",".join(declared) or "none")
        return StoreAudit(frozenset(whole), broken, store.count())
    finally:
        store.close()


# --------------------------------------------------------------------------- network probes


class Canary:
    """An HTTP server on loopback that counts every request it gets."""

    def __init__(self) -> None:
        hits: list[str] = []
        self.hits = hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(f"{self.command} {self.path}")
                body = b'<http://example.org/canary> <http://example.org/p> "fetched" .\n'
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_PUT = do_DELETE = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def raw_exchange(
    url: str, head: bytes, body_parts: list[bytes], *, timeout: float = 10.0
) -> tuple[int | None, bytes, float, int]:
    """Send a hand-made request over a socket and read the answer.

    The body parts are sent one after the other without ever finishing the
    body the head announces; the answer must come anyway. Returns (status,
    raw response with its body, seconds until the first byte of the answer,
    body bytes sent). A status of None means no answer before ``timeout``.
    """
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head)
        started = time.monotonic()
        for part in body_parts:
            try:
                sock.sendall(part)
            except OSError:  # the server answered and closed while we were still sending
                break
            sent += len(part)
        response = b""
        sock.settimeout(timeout)
        elapsed = None
        try:
            while not _complete(response):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                if elapsed is None:
                    elapsed = time.monotonic() - started
                response += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        if elapsed is None:
            elapsed = time.monotonic() - started
    if not response.startswith(b"HTTP/1."):
        return None, response, elapsed, sent
    return int(response.split(b" ", 2)[1]), response, elapsed, sent


def _complete(response: bytes) -> bool:
    """Whether a response's head and its Content-Length worth of body have arrived."""
    head, sep, body = response.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return True
