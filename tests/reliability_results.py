"""Figures the reliability tests measure, kept for ``docs/reliability.md``.

Each reliability test records what it observed (status codes, counts,
latencies) under a case id once its assertions have passed; the report
generator (``python -m tests.reliability_report``) renders the document from
this file. The file is ``build/reliability/results.json`` unless
``CHIPGRAPH_RELIABILITY_RESULTS`` names another.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "load_results", "record"]

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("CHIPGRAPH_RELIABILITY_RESULTS", ROOT / "build" / "reliability" / "results.json"))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load_results(path: Path = RESULTS) -> dict[str, Any]:
    """Everything recorded so far (empty when nothing was)."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def record(case: str, observed: str, **figures: Any) -> None:
    """Keep what a test observed for ``case`` (a one-line summary plus figures)."""
    with _locked(RESULTS):
        data = load_results(RESULTS)
        data[case] = {
            "observed": observed,
            "figures": figures,
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        tmp = RESULTS.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
        tmp.replace(RESULTS)
