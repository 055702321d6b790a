"""Run every chipgraph benchmark and write ``docs/benchmarks.md`` with its plots.

One command (``make bench``, i.e. ``python -m bench``) runs, in this order:

* :mod:`bench.stores`: embedded Oxigraph vs rdflib in memory vs remote
  ``oxigraph serve``, at 10k / 100k / 1M / 10M quads (load, RSS, disk, SPARQL
  latency, projection, path / exposure / what-if, caching);
* :mod:`bench.corpus`: extraction-only and end-to-end ingestion of 100 /
  1,000 / 10,000 synthetic articles, with the cost-vs-size exponent;
* the other engineers' benchmarks, each ``run()`` in its own child process:
  :mod:`bench.extraction`, :mod:`bench.analytics`, :mod:`bench.api`,
  :mod:`bench.viz`.

The machine (cores, RAM, versions, date, load average before and after each
part) is recorded with the figures; the raw figures are kept as JSON under the
work folder so the report can be re-rendered (``--from-json``).

Usage::

    python -m bench                          # everything, full sizes (about an hour on 2 cores)
    python -m bench --quick                  # 10k and 100k quads, 100 and 1,000 articles, short runs
    python -m bench --sizes 10k,100k,1M,10M --articles 100,1000,10000
    python -m bench --only stores,corpus     # a subset (stores, corpus, extraction, analytics, api, viz)
    python -m bench --from-json /tmp/chipgraph-bench/benchmarks.json   # re-render only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import corpus, report, stores

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
PARTS = ("stores", "corpus", "extraction", "analytics", "api", "viz")
#: keyword arguments of the other engineers' run() functions, full and quick
OTHERS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "extraction": ({}, {"n": 100, "repeats": 1}),
    "analytics": ({}, {"entities": 10_000, "edges": 100_000, "queries": 10}),
    "api": ({}, {"seconds": 3.0}),
    "viz": ({}, {"loads": 1}),
}
TIMEOUT_S = 3 * 3600


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, OS, versions, date and the git commit."""
    import psutil

    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") if Path("/proc/cpuinfo").exists() else open(os.devnull) as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    try:
        server = subprocess.run(
            [stores.oxigraph_binary(), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, RuntimeError, subprocess.CalledProcessError):
        server = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model or platform.processor(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph_server": server,
        "rdflib": version("rdflib"),
        "networkx": version("networkx"),
        "commit": commit,
    }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _other(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``bench.<name>.run(**kwargs)`` in a child process (its own memory and caches)."""
    code = (
        f"import json, bench.{name} as m; "
        f"print('\\n@@figures@@' + json.dumps(m.run(**json.loads({json.dumps(kwargs)!r})), default=str))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT_S)
    if result.returncode != 0 or "@@figures@@" not in result.stdout:
        tail = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        raise RuntimeError(tail[0][:500])
    figures: dict[str, Any] = json.loads(result.stdout.rsplit("@@figures@@", 1)[1])
    return figures


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    """Run the chosen parts; each part's figures, timing, load averages or error."""
    results: dict[str, Any] = {"machine": machine(), "options": vars(args).copy(), "parts": {}}
    results["options"].pop("func", None)
    sizes = [s for s in args.sizes.split(",") if s]
    articles = [int(a) for a in args.articles.split(",") if a]
    calls: dict[str, Callable[[], dict[str, Any]]] = {
        "stores": lambda: stores.run(
            sizes,
            rdflib_max=args.rdflib_max,
            remote_max=args.remote_max,
            reps=args.reps,
            budget_s=args.budget,
        ),
        "corpus": lambda: corpus.run(articles),
    }
    for name, (full, quick) in OTHERS.items():
        calls[name] = lambda name=name, kwargs=(quick if args.quick else full): _other(name, kwargs)  # type: ignore[misc]
    for name in args.only:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        part: dict[str, Any] = {"load_before": _load()}
        started = time.perf_counter()
        try:
            part["figures"] = calls[name]()
        except Exception as exc:  # the edge: one failing benchmark must not lose the others
            part["error"] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        part["seconds"] = round(time.perf_counter() - started, 1)
        part["load_after"] = _load()
        results["parts"][name] = part
        print(f"[bench] {name} done in {part['seconds']} s", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (10k,100k; 100,1000)")
    parser.add_argument("--sizes", help="store sizes in quads (default 10k,100k,1M,10M; quick: 10k,100k)")
    parser.add_argument("--articles", help="corpus sizes (default 100,1000,10000; quick: 100,1000)")
    parser.add_argument("--only", help=f"comma-separated parts to run ({','.join(PARTS)})")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out")
    parser.add_argument("--rdflib-max", default="1M", help="largest size rdflib is loaded at (default 1M)")
    parser.add_argument("--remote-max", default="10M", help="largest size uploaded to oxigraph serve (default 10M)")
    parser.add_argument("--reps", type=int, help="runs per SPARQL query (default 30; quick: 10)")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per query kind on a slow store")
    parser.add_argument("-o", "--output", type=Path, default=DOCS, help="report to write (docs/benchmarks.md)")
    parser.add_argument("--json", type=Path, default=stores.WORKDIR / "benchmarks.json", help="raw figures")
    parser.add_argument("--from-json", type=Path, help="only render the report from saved figures")
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
    else:
        args.sizes = args.sizes or ("10k,100k" if args.quick else ",".join(stores.SIZES))
        args.articles = args.articles or ("100,1000" if args.quick else ",".join(map(str, corpus.SIZES)))
        args.reps = args.reps or (10 if args.quick else 30)
        chosen = [p.strip() for p in (args.only or ",".join(PARTS)).split(",") if p.strip()]
        skipped = {p.strip() for p in args.skip.split(",") if p.strip()}
        unknown = (set(chosen) | skipped) - set(PARTS)
        if unknown:
            parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; use {', '.join(PARTS)}")
        args.only = [p for p in chosen if p not in skipped]
        command = "python -m bench" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
        results = run_all(args)
        results["command"] = command
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str))
        print(f"[bench] figures saved to {args.json}", file=sys.stderr)
    report.write_report(results, args.output)
    print(f"[bench] wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
