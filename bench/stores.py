"""Store benchmark: embedded Oxigraph vs rdflib in memory vs a remote ``oxigraph serve``, by size.

At each size (10k, 100k, 1M, 10M quads of :mod:`bench.synthetic` data) it
measures, each store in its own child process so the peak RSS is that run's:

* **bulk load**: wall and CPU time, peak RSS, size on disk;
* **SPARQL latency** (p50 / p95 over parameterised runs) of four queries, the
  same text on every store: a point lookup, a 2-hop join with a FILTER, a
  GROUP BY aggregate over the evidence and a property path (``cg:suppliesTo+``);
* the **naive peer**: rdflib's in-memory ``Dataset`` (union default graph)
  on the same data and queries, up to ``rdflib_max`` quads;
* the **remote backend** (:class:`graph.store.RemoteStore`) against a real
  ``oxigraph serve`` on loopback: upload through the Graph Store Protocol in
  batches (requests counted), the same queries through HTTP, and the
  projection pulled over HTTP;
* **analytics** on the embedded store: cold projection, cached projection,
  recomputed projection, a filtered variant derived from the cache vs rebuilt,
  and path, exposure and what-if latency.

Usage::

    python -m bench.stores --sizes 10k,100k         # prints JSON
    python -m bench.stores --sizes 1M --rdflib-max 1M --remote-max 1M
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["QUERIES", "SIZES", "TARGETS", "dataset", "parse_size", "run"]

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("CHIPGRAPH_BENCH_DIR", "/tmp/chipgraph-bench"))
SIZES = ("10k", "100k", "1M", "10M")
#: quads the synthetic generator writes per directed fact, measured (used to aim at a size)
QUADS_PER_EDGE = 11.6
TARGETS = {
    "load_1m_s": 20.0,
    "two_hop_1m_p50_ms": 20.0,
    "aggregate_1m_p50_ms": 500.0,
    "speedup_vs_rdflib": 10.0,
}

PREFIX = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
#: the benchmark queries; ``%(x)s`` is a company IRI (same parameters on every store)
QUERIES: dict[str, str] = {
    # everything said about one entity
    "point": PREFIX + "SELECT ?p ?o WHERE { <%(x)s> ?p ?o }",
    # foreign second-tier suppliers: who supplies the suppliers of X from another country than X's
    "two_hop": PREFIX
    + """SELECT DISTINCT ?supplier ?via WHERE {
  <%(x)s> cg:headquarteredIn ?home .
  ?via cg:suppliesTo <%(x)s> .
  ?supplier cg:suppliesTo ?via ; cg:headquarteredIn ?country .
  FILTER(?supplier != <%(x)s> && ?country != ?home)
}""",
    # suppliers and the customers they supply, per supplier country: a dashboard aggregate over the
    # supply edges (DISTINCT counts: a fact stated by several articles counts once on every store)
    "aggregate": PREFIX
    + """SELECT ?country (COUNT(DISTINCT ?supplier) AS ?suppliers) (COUNT(DISTINCT ?customer) AS ?customers) WHERE {
  ?supplier cg:suppliesTo ?customer ; cg:headquarteredIn ?country .
} GROUP BY ?country ORDER BY DESC(?suppliers)""",
    # facts per relation and their mean confidence: an aggregate that reads every evidence node
    "aggregate_scan": PREFIX
    + """SELECT ?p (COUNT(*) AS ?facts) (AVG(?conf) AS ?confidence) WHERE {
  ?ev a cg:Evidence ; rdf:predicate ?p ; cg:confidence ?conf .
} GROUP BY ?p ORDER BY DESC(?facts)""",
    # every direct and indirect supplier of X
    "path": PREFIX + "SELECT (COUNT(DISTINCT ?up) AS ?n) WHERE { ?up cg:suppliesTo+ <%(x)s> }",
}
QUERY_LABELS = {
    "point": "point lookup",
    "two_hop": "2-hop join + FILTER",
    "aggregate": "GROUP BY aggregate (suppliers and customers per supplier country)",
    "aggregate_scan": "GROUP BY over all evidence (facts and mean confidence per relation)",
    "path": "property path `cg:suppliesTo+`",
}
PICK_TARGETS = (
    PREFIX
    + """SELECT ?x (COUNT(?s) AS ?n) WHERE {
  ?s cg:suppliesTo ?x . ?x cg:headquarteredIn ?home } GROUP BY ?x ORDER BY ?x"""
)


def parse_size(text: str) -> int:
    """``"10k"`` -> 10000, ``"1M"`` -> 1000000, ``"2500"`` -> 2500.

    >>> parse_size("10k"), parse_size("1M"), parse_size("2500")
    (10000, 1000000, 2500)
    """
    text = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def label_size(quads: int) -> str:
    """Short label of a size (``1M``, ``100k``).

    >>> label_size(1_000_000), label_size(100_000), label_size(2500)
    ('1M', '100k', '2500')
    """
    if quads >= 1_000_000 and quads % 1_000_000 == 0:
        return f"{quads // 1_000_000}M"
    if quads >= 1_000 and quads % 1_000 == 0:
        return f"{quads // 1_000}k"
    return str(quads)


def dataset(quads: int, seed: int = 0) -> tuple[Path, dict[str, Any]]:
    """The synthetic N-Quads file of about ``quads`` quads under the work folder (generated once)."""
    from bench.synthetic import write_synthetic_file

    edges = max(10, round(quads / QUADS_PER_EDGE))
    entities = max(50, edges // 10)
    path = WORKDIR / f"stores-{label_size(quads)}-{seed}.nq"
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        return path, json.loads(info_path.read_text())
    WORKDIR.mkdir(parents=True, exist_ok=True)
    stats = write_synthetic_file(path, entities=entities, edges=edges, seed=seed)
    info = {
        "quads": stats.quads,
        "entities": stats.entities,
        "edges": stats.edges,
        "articles": stats.articles,
        "generate_s": round(stats.seconds, 1),
        "file_mb": round(path.stat().st_size / 2**20, 1),
    }
    info_path.write_text(json.dumps(info))
    return path, info


# -- measuring helpers ------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def _dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _latency(samples: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": round(_percentile(samples, 0.5) * 1000, 2),
        "p95_ms": round(_percentile(samples, 0.95) * 1000, 2),
        "runs": len(samples),
    }


def _fingerprint(rows: list[Any]) -> str:
    """Digest of a comparable answer: the first two columns of every row as text, sorted."""

    def text(term: Any) -> str:
        return "" if term is None else str(getattr(term, "value", term))

    # distinct rows: Oxigraph's union default graph repeats a triple once per graph holding it,
    # rdflib's merges them (as the RDF merge of the spec would)
    answer = sorted({tuple(text(term) for term in list(row)[:2]) for row in rows})
    return hashlib.sha256(json.dumps(answer).encode()).hexdigest()[:16]


def _time_queries(
    execute: Callable[[str], list[Any]], targets: list[str], reps: int, budget_s: float
) -> dict[str, dict[str, Any]]:
    """p50/p95 of every query in :data:`QUERIES`, cycling through ``targets`` after one warm-up run.

    ``execute`` returns the materialised rows. A query kind stops early once it has
    used ``budget_s`` (slow stores), after at least 3 runs. The warm-up run's answer
    is kept as a fingerprint so the stores' answers can be compared.
    """
    figures: dict[str, dict[str, Any]] = {}
    for name, template in QUERIES.items():
        notes: dict[str, Any] = {}
        try:
            answer = _fingerprint(execute(template % {"x": targets[0]}))
        except RecursionError:
            # rdflib evaluates property paths recursively, one Python frame per hop of the
            # closure: beyond Python's default limit the naive setup cannot answer at all
            notes["recursion_error_at_default_limit"] = True
            sys.setrecursionlimit(200_000)
            answer = _fingerprint(execute(template % {"x": targets[0]}))
        samples: list[float] = []
        rows: list[int] = []
        spent = 0.0
        for number in range(reps):
            text = template % {"x": targets[number % len(targets)]}
            started = time.perf_counter()
            rows.append(len(execute(text)))
            elapsed = time.perf_counter() - started
            samples.append(elapsed)
            spent += elapsed
            if spent > budget_s and number >= 2:
                break
        figures[name] = {**_latency(samples), "rows": rows, "answer": answer, **notes}
    return figures


# -- the children: one per store and size -------------------------------------------------------


def _child_embedded(data: str, store: str, reps: int, budget_s: float, seed: int) -> dict[str, Any]:
    from graph.store import EmbeddedStore

    cpu, started = _cpu_s(), time.perf_counter()
    opened = EmbeddedStore(Path(store))
    opened.load(Path(data), "nquads")
    load_s, load_cpu = time.perf_counter() - started, _cpu_s() - cpu
    load_rss = _peak_rss_mb()
    loaded_mb = _dir_mb(Path(store))
    started = time.perf_counter()
    opened.optimize()  # what an import does after a bulk load: compact RocksDB's files
    optimize_s = time.perf_counter() - started
    quads = opened.count()
    rows = opened.select(PICK_TARGETS)
    candidates = sorted(str(r["x"]) for r in rows if int(r["n"]) >= 2)
    random.Random(seed).shuffle(candidates)
    targets = candidates[:40] or [str(rows[0]["x"])]

    def execute(text: str) -> list[Any]:
        return list(opened.evaluate(text).rows)  # type: ignore[union-attr]

    queries = _time_queries(execute, targets, reps, budget_s)
    analytics = _analytics(opened, seed)
    opened.close()
    return {
        "load_s": round(load_s, 2),
        "load_cpu_s": round(load_cpu, 2),
        "load_peak_rss_mb": round(load_rss),
        "loaded_disk_mb": loaded_mb,
        "optimize_s": round(optimize_s, 2),
        "peak_rss_mb": round(_peak_rss_mb()),
        "quads": quads,
        "targets": targets,
        "queries": queries,
        "analytics": analytics,
    }


def _child_rdflib(data: str, targets: list[str], reps: int, budget_s: float) -> dict[str, Any]:
    from rdflib import Dataset

    cpu, started = _cpu_s(), time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(data, format="nquads")
    load_s, load_cpu = time.perf_counter() - started, _cpu_s() - cpu
    load_rss = _peak_rss_mb()
    quads = len(ds)

    def execute(text: str) -> list[Any]:
        return list(ds.query(text))

    # queries run in a thread with a big stack, so that a raised recursion limit (see
    # _time_queries) does not overflow the C stack
    threading.stack_size(1 << 30)
    outcome: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: outcome.update(_time_queries(execute, targets, reps, budget_s)))
    worker.start()
    worker.join()
    if len(outcome) != len(QUERIES):
        raise RuntimeError("the rdflib queries failed; see the traceback above")
    queries = outcome
    return {
        "load_s": round(load_s, 2),
        "load_cpu_s": round(load_cpu, 2),
        "load_peak_rss_mb": round(load_rss),
        "peak_rss_mb": round(_peak_rss_mb()),
        "quads": quads,
        "queries": queries,
    }


def _child_remote(
    data: str, base: str, targets: list[str], reps: int, budget_s: float, batch: int, seed: int
) -> dict[str, Any]:
    import httpx

    from graph.store import RemoteStore

    remote = RemoteStore(
        f"{base}/query", f"{base}/update", f"{base}/store", flavour="oxigraph", timeout=600, batch_triples=batch
    )
    requests: dict[str, int] = {}

    def count(request: httpx.Request) -> None:
        key = f"{request.method} {request.url.path}"
        requests[key] = requests.get(key, 0) + 1

    remote._client.event_hooks["request"].append(count)  # the bench counts HTTP requests per kind
    cpu, started = _cpu_s(), time.perf_counter()
    added = remote.load(Path(data), "nquads")
    load_s, load_cpu = time.perf_counter() - started, _cpu_s() - cpu
    uploads = dict(requests)
    load_rss = _peak_rss_mb()
    quads = remote.count()

    def execute(text: str) -> list[Any]:
        return list(remote.evaluate(text).rows)  # type: ignore[union-attr]

    queries = _time_queries(execute, targets, reps, budget_s)
    from graph.analytics import project

    pulled = [0]

    def download(response: httpx.Response) -> None:
        response.read()
        pulled[0] += len(response.content)

    remote._client.event_hooks["response"].append(download)
    started = time.perf_counter()
    G = project(remote)
    projection_s = time.perf_counter() - started
    remote.close()
    return {
        "load_s": round(load_s, 2),
        "load_cpu_s": round(load_cpu, 2),
        "client_peak_rss_mb": round(load_rss),
        "uploaded": added,
        "quads": quads,
        "upload_requests": uploads,
        "batch_triples": batch,
        "queries": queries,
        "projection_s": round(projection_s, 2),
        "projection_mb": round(pulled[0] / 2**20, 2),
        "projection_edges": G.number_of_edges(),
    }


def _analytics(store: Any, seed: int, runs: int = 20) -> dict[str, Any]:
    """Projection (cold, cached, recomputed, filtered) and path, exposure, what-if latency."""
    from graph.analytics import dependency_paths, project, projection, sanction_exposure, what_if

    rss = _peak_rss_mb()
    started = time.perf_counter()
    G = projection(store)
    cold_s = time.perf_counter() - started
    figures: dict[str, Any] = {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "projection_s": round(cold_s, 3),
        "projection_rss_growth_mb": round(_peak_rss_mb() - rss),
    }
    started = time.perf_counter()
    assert projection(store) is G
    figures["cached_ms"] = round((time.perf_counter() - started) * 1000, 4)
    started = time.perf_counter()
    project(store)
    figures["recomputed_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    projection(store, as_of="2020-12-31", min_confidence=0.6)
    figures["filtered_from_cache_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    project(store, as_of="2020-12-31", min_confidence=0.6)
    figures["filtered_rebuilt_s"] = round(time.perf_counter() - started, 3)

    rng = random.Random(seed)
    sources = sorted(n for n in G if G.out_degree(n))
    targets = sorted(n for n in G if G.in_degree(n))
    companies = sorted(n for n, types in G.nodes(data="types") if "Company" in types)
    countries = sorted((n for n, types in G.nodes(data="types") if "Country" in types), key=lambda n: -G.out_degree(n))

    def timed(call: Callable[[], Any], count: int) -> dict[str, Any]:
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        return _latency(samples)

    def path_query() -> Any:
        source, target = rng.choice(sources), rng.choice(targets)
        while target == source:
            target = rng.choice(targets)
        return dependency_paths(G, source, target)

    if sources and len(targets) > 1:
        figures["path"] = timed(path_query, runs)
    if companies:
        figures["exposure"] = timed(lambda: sanction_exposure(G, rng.choice(companies), hops=2), runs)
    if countries:
        hubs = countries[:5]
        figures["what_if"] = timed(lambda: what_if(G, remove=[rng.choice(hubs)], input_class="Equipment"), 5)
    return figures


# -- the oxigraph server --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The ``oxigraph`` server next to this interpreter, else on the PATH."""
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    return found


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[tuple[str, int]]:
    """(base URL, pid) of ``oxigraph serve --location DIR`` on a free loopback port."""
    import httpx

    port = _free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=2, trust_env=False)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _peak_rss_of(pid: int) -> float | None:
    """Peak RSS (VmHWM) of a running process, in MB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        return None
    return None


def _in_child(kind: str, **kwargs: Any) -> dict[str, Any]:
    """Run ``_child_<kind>(**kwargs)`` in a fresh interpreter; its figures, or the error."""
    code = f"import json, bench.stores as s; print(json.dumps(s._child_{kind}(**json.loads({json.dumps(kwargs)!r}))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        return {"error": tail[0][:300], "returncode": result.returncode}
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


# -- the run -----------------------------------------------------------------------------------


def run(
    sizes: list[str] | tuple[str, ...] = SIZES,
    *,
    rdflib_max: str = "1M",
    remote_max: str = "10M",
    reps: int = 30,
    budget_s: float = 30.0,
    batch_triples: int = 20_000,
    seed: int = 0,
    keep_data: bool = False,
) -> dict[str, Any]:
    """Measure every store at every size; see the module docstring."""
    figures: dict[str, Any] = {
        "targets": TARGETS,
        "queries": {name: QUERY_LABELS[name] for name in QUERIES},
        "rdflib_max": rdflib_max,
        "remote_max": remote_max,
        "sizes": {},
    }
    for size in sizes:
        quads = parse_size(size)
        data, info = dataset(quads, seed)
        row: dict[str, Any] = {"dataset": info}
        scratch = WORKDIR / f"stores-{label_size(quads)}-run"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        try:
            embedded = _in_child(
                "embedded", data=str(data), store=str(scratch / "embedded"), reps=reps, budget_s=budget_s, seed=seed
            )
            embedded["disk_mb"] = _dir_mb(scratch / "embedded")
            row["embedded"] = embedded
            targets = embedded.get("targets") or []
            if targets and quads <= parse_size(remote_max):
                with oxigraph_server(scratch / "server") as (base, pid):
                    remote = _in_child(
                        "remote",
                        data=str(data),
                        base=base,
                        targets=targets,
                        reps=reps,
                        budget_s=budget_s,
                        batch=batch_triples,
                        seed=seed,
                    )
                    remote["server_peak_rss_mb"] = _peak_rss_of(pid)
                remote["disk_mb"] = _dir_mb(scratch / "server")
                row["remote"] = remote
            else:
                row["remote"] = {"skipped": f"above remote_max={remote_max}" if targets else "embedded run failed"}
            if targets and quads <= parse_size(rdflib_max):
                row["rdflib"] = _in_child("rdflib", data=str(data), targets=targets, reps=reps, budget_s=budget_s)
            else:
                row["rdflib"] = {"skipped": f"above rdflib_max={rdflib_max}" if targets else "embedded run failed"}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            if not keep_data:
                data.unlink(missing_ok=True)
                data.with_suffix(".json").unlink(missing_ok=True)
        _compare(row)
        figures["sizes"][label_size(quads)] = row
    figures["met"] = _verdict(figures)
    return figures


def _compare(row: dict[str, Any]) -> None:
    """Ratios: rdflib / embedded and remote / embedded p50 per query, and whether answers agree."""
    embedded = row.get("embedded", {}).get("queries")
    if not embedded:
        return
    for peer in ("rdflib", "remote"):
        queries = row.get(peer, {}).get("queries")
        if not queries:
            continue
        ratios = {}
        for name, figures in queries.items():
            base = embedded[name]["p50_ms"]
            ratios[name] = round(figures["p50_ms"] / base, 1) if base else None
            figures["same_answers"] = figures["answer"] == embedded[name]["answer"]
        row[peer]["ratio_p50"] = ratios


def _verdict(figures: dict[str, Any]) -> dict[str, Any]:
    """Which issue-8 targets the 1M run met (None when 1M was not measured)."""
    row = figures["sizes"].get("1M")
    if not row or "queries" not in row.get("embedded", {}):
        return {}
    embedded = row["embedded"]
    q = embedded["queries"]
    ratios = row.get("rdflib", {}).get("ratio_p50", {})
    return {
        "load_1m_s": embedded["load_s"] < TARGETS["load_1m_s"],
        "two_hop_1m_p50_ms": q["two_hop"]["p50_ms"] < TARGETS["two_hop_1m_p50_ms"],
        "aggregate_1m_p50_ms": q["aggregate"]["p50_ms"] < TARGETS["aggregate_1m_p50_ms"],
        "aggregate_scan_1m_p50_ms": q["aggregate_scan"]["p50_ms"] < TARGETS["aggregate_1m_p50_ms"],
        "speedup_two_hop": None if not ratios else ratios["two_hop"] >= TARGETS["speedup_vs_rdflib"],
        "speedup_path": None if not ratios else ratios["path"] >= TARGETS["speedup_vs_rdflib"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stores", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated sizes in quads (10k,100k,1M,10M)")
    parser.add_argument("--rdflib-max", default="1M", help="largest size rdflib is run at")
    parser.add_argument("--remote-max", default="10M", help="largest size the remote store is run at")
    parser.add_argument("--reps", type=int, default=30, help="runs per query")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per query kind before stopping early")
    parser.add_argument("--keep-data", action="store_true", help="keep the generated N-Quads files")
    args = parser.parse_args(argv)
    figures = run(
        [s for s in args.sizes.split(",") if s],
        rdflib_max=args.rdflib_max,
        remote_max=args.remote_max,
        reps=args.reps,
        budget_s=args.budget,
        keep_data=args.keep_data,
    )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
