"""API benchmark: a real load generator (async httpx) against ``uvicorn`` with one worker, over loopback.

Two figures, each against its own server process:

* **entity lookup** on the seed graph (``chipgraph build`` of ``seeds/``):
  ``GET /entities/{id}`` over every entity, and ``GET /entities?q=`` name
  searches, with ``concurrency`` requests in flight; targets p50 < 5 ms and
  >= 500 requests/s. The load comes from ``wrk`` (``apt-get install wrk``)
  cycling through the paths with a Lua script; without wrk, from an async
  httpx client, which needs about as much CPU per request as the server and
  so reports less than the server can do.
* **2-hop SPARQL** on a ~1M-triple synthetic store (:mod:`bench.synthetic`):
  "who supplies the suppliers of X" through ``/sparql`` (the worker-process
  sandbox included); target p50 < 50 ms.

The load generator shares the machine's two cores with the server, so the
figures are conservative. Usage::

    .venv/bin/python -m bench.api            # prints JSON, writes docs/api-bench.md
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.analytics import WORKDIR, prepare_store

__all__ = ["run"]

ROOT = Path(__file__).resolve().parents[1]
SEED_STORE = WORKDIR / "api-seed.store"
BIG_ENTITIES, BIG_EDGES = 8_000, 90_000  # about 1.05 M quads
TARGETS = {"entity_p50_ms": 5.0, "entity_rps": 500.0, "sparql_2hop_p50_ms": 50.0}

TWO_HOP = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
SELECT ?supplier ?via WHERE { ?supplier cg:suppliesTo ?via . ?via cg:suppliesTo <%s> } LIMIT 200"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _build_seed_store() -> Path:
    if not (SEED_STORE / "CURRENT").exists():
        subprocess.run(
            [str(Path(sys.executable).parent / "chipgraph"), "build", "--store", str(SEED_STORE)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return SEED_STORE


class Server:
    """``uvicorn api.app:create_app --factory --workers 1`` on a free loopback port."""

    def __init__(self, store: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "CHIPGRAPH_STORE": str(store),
            "CHIPGRAPH_BACKEND": "embedded",
            "CHIPGRAPH_REFERENCE_FROM_DATASETS": "false",
            **env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=environment,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the API server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _load(base: str, paths: list[str], concurrency: int, seconds: float, max_requests: int) -> dict[str, Any]:
    """Send GETs for ``paths`` (cycled) with ``concurrency`` in flight; latencies and throughput."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds
    counter = iter(range(max_requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, trust_env=False, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            for number in counter:
                if time.perf_counter() > stop_at:
                    return
                started = time.perf_counter()
                response = await client.get(paths[number % len(paths)])
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "generator": "httpx",
        "requests": len(ordered),
        "errors": errors,
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "rps": round(len(ordered) / wall, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.90) - 1] * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
    }


def _wrk(base: str, paths: list[str], concurrency: int, seconds: float) -> dict[str, Any]:
    """Load from ``wrk``: one thread, ``concurrency`` connections, cycling through ``paths``."""
    quoted = ",\n".join(json.dumps(p) for p in paths)
    script = f"""
local paths = {{
{quoted}
}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, int(seconds))}s", "--latency", "-s", handle.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)

    def millis(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "generator": "wrk",
        "requests": requests,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
        "concurrency": concurrency,
        "seconds": seconds,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": millis("50"),
        "p90_ms": millis("90"),
        "p99_ms": millis("99"),
    }


def _entity_paths(base: str) -> tuple[list[str], list[str]]:
    with httpx.Client(base_url=base, trust_env=False, timeout=60) as client:
        listing = client.get("/entities", params={"q": "", "limit": 500}).json()
        ids = [item["id"] for item in listing["items"] if item["id"]]
        labels = [item["label"] for item in listing["items"]][:100]
        for entity in ids:  # warm the description cache, as a running server would be
            client.get(f"/entities/{entity}")
    lookups = [f"/entities/{entity}" for entity in ids]
    searches = [str(httpx.URL("/entities", params={"q": label[:12], "limit": 10})) for label in labels]
    return lookups, searches


def _two_hop_paths(base: str, samples: int = 40) -> list[str]:
    hubs = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
SELECT ?c (COUNT(*) AS ?n) WHERE { ?s cg:suppliesTo ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 400"""
    with httpx.Client(base_url=base, trust_env=False, timeout=60) as client:
        rows = client.post("/sparql", data={"query": hubs}).json()["results"]["bindings"]
    targets = [row["c"]["value"] for row in rows]
    random.Random(0).shuffle(targets)
    return [str(httpx.URL("/sparql", params={"query": TWO_HOP % target})) for target in targets[:samples]]


def run(seconds: float = 10.0, concurrency: int = 8, max_requests: int = 50_000) -> dict[str, Any]:
    """Run both benchmarks and return their figures (and the targets)."""
    figures: dict[str, Any] = {"targets": TARGETS, "machine": f"{os.cpu_count()} cores, one uvicorn worker"}

    seed = _build_seed_store()
    with Server(seed) as server:
        lookups, searches = _entity_paths(server.url)
        figures["seed_entities"] = len(lookups)
        if shutil.which("wrk"):
            figures["entity_lookup"] = _wrk(server.url, lookups, concurrency, seconds)
            figures["entity_search"] = _wrk(server.url, searches, concurrency, seconds)
        else:
            figures["entity_lookup"] = asyncio.run(_load(server.url, lookups, concurrency, seconds, max_requests))
            figures["entity_search"] = asyncio.run(_load(server.url, searches, concurrency, seconds, max_requests))
        figures["entity_lookup_httpx"] = asyncio.run(_load(server.url, lookups, concurrency, seconds / 2, max_requests))

    big, info = prepare_store(BIG_ENTITIES, BIG_EDGES)
    figures["big_store_quads"] = info["quads"]
    with Server(big, CHIPGRAPH_QUERY_WORKERS="2") as server:
        paths = _two_hop_paths(server.url)
        asyncio.run(_load(server.url, paths, 1, 2.0, 20))  # warm: snapshot and worker caches
        figures["sparql_2hop_sequential"] = asyncio.run(_load(server.url, paths, 1, seconds, 400))
        figures["sparql_2hop_concurrent"] = asyncio.run(_load(server.url, paths, 4, seconds, 800))

    lookup, sparql = figures["entity_lookup"], figures["sparql_2hop_sequential"]
    figures["verdict"] = {
        "entity_p50_ok": lookup["p50_ms"] < TARGETS["entity_p50_ms"],
        "entity_rps_ok": lookup["rps"] >= TARGETS["entity_rps"],
        "sparql_2hop_p50_ok": sparql["p50_ms"] < TARGETS["sparql_2hop_p50_ms"],
    }
    return figures


def _markdown(figures: dict[str, Any]) -> str:
    rows = [
        ("entity lookup `GET /entities/{id}`", figures["entity_lookup"]),
        ("entity lookup, async httpx generator", figures["entity_lookup_httpx"]),
        ("entity search `GET /entities?q=`", figures["entity_search"]),
        ("2-hop SPARQL, 1 client", figures["sparql_2hop_sequential"]),
        ("2-hop SPARQL, 4 clients", figures["sparql_2hop_concurrent"]),
    ]
    lines = [
        "| benchmark | load from | requests | concurrency | req/s | p50 ms | p90 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, f in rows:
        lines.append(
            f"| {name} | {f['generator']} | {f['requests']} | {f['concurrency']} | {f['rps']} | {f['p50_ms']} | {f['p90_ms']} "
            f"| {f['p99_ms']} | {f['errors']} |"
        )
    return "\n".join(lines)


def main() -> int:
    figures = run()
    print(json.dumps(figures, indent=2))
    out = ROOT / "docs" / "api-bench.md"
    out.write_text(
        "# API benchmark figures\n\nProduced by `.venv/bin/python -m bench.api` "
        f"({figures['machine']}; seed graph: {figures['seed_entities']} entities; "
        f"SPARQL store: {figures['big_store_quads']} quads).\n\n" + _markdown(figures) + "\n",
        encoding="utf-8",
    )
    return 0 if all(figures["verdict"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
