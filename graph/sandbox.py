"""Evaluating untrusted SPARQL queries under a hard time limit.

pyoxigraph has no timeout and no cancellation, and a query over a Cartesian
product can run for minutes. So the SPARQL endpoint never evaluates a user's
query in the serving process: :class:`QuerySandbox` keeps a pool of worker
processes (``multiprocessing`` spawn context) that each open a read-only
snapshot of the store. A query past its limit has its worker killed
(SIGKILL), a replacement is started in the background, and the caller gets
:class:`~graph.errors.QueryTimeout`; the other workers keep serving.

Snapshots are taken lazily, only when the store's generation changed since the
last one: a hard-linked RocksDB checkpoint for the embedded store, an N-Quads
file for the memory store. They live in ``<store>.snapshots/`` (a temporary
folder for the memory store) and are deleted once no worker uses them.

The remote backend needs none of this: its queries run in a thread with the
HTTP timeout set to the time limit.

This module imports only the standard library at load time so the workers
start fast; the store code is imported inside the worker.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import errors

if TYPE_CHECKING:
    from graph.kg import KnowledgeGraph
    from graph.store.results import SerializedResult

__all__ = ["QuerySandbox"]

log = logging.getLogger(__name__)

#: seconds a new query worker may take to import its libraries and report ready
_READY_TIMEOUT = 120.0

#: errors a worker may report by name; anything else becomes a StoreError
_WORKER_ERRORS: dict[str, type[errors.ChipGraphError]] = {
    "InvalidQuery": errors.InvalidQuery,
    "InvalidParameter": errors.InvalidParameter,
    "StoreError": errors.StoreError,
}


# --------------------------------------------------------------------------- worker side


def _open_snapshot(kind: str, path: str) -> Any:
    import pyoxigraph as ox

    if kind == "rocksdb":
        return ox.Store.read_only(path)
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    return store


def _worker_main(conn: Connection) -> None:
    """Loop of a query worker: open the snapshot named by each job, evaluate, serialise, reply."""
    # the parent decides when a worker ends; Ctrl-C in a terminal must not kill workers mid-reply
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from rdflib import URIRef

    from graph.errors import ChipGraphError
    from graph.store.oxigraph import evaluate_on
    from graph.store.results import serialize_outcome

    # only now, imports done, may the parent count this worker's time against a query's limit
    try:
        conn.send(("ready", os.getpid()))
    except (EOFError, OSError):
        return
    opened: tuple[str, str] | None = None
    store: Any = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        kind, path, query, media_type, row_limit, default_graphs, named_graphs, base_iri = job
        try:
            if opened != (kind, path):
                store = None  # release the previous snapshot before opening the next
                store = _open_snapshot(kind, path)
                opened = (kind, path)
            outcome = evaluate_on(
                store,
                query,
                default_graphs=None if default_graphs is None else [URIRef(g) for g in default_graphs],
                named_graphs=None if named_graphs is None else [URIRef(g) for g in named_graphs],
                base_iri=base_iri,
            )
            result = serialize_outcome(outcome, media_type, row_limit=row_limit)
            reply: tuple[Any, ...] = ("ok", result.body, result.media_type, result.kind, result.rows, result.truncated)
        except ChipGraphError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # the edge of the worker: report, keep serving
            reply = ("error", "StoreError", f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


# --------------------------------------------------------------------------- parent side


@dataclass
class _Snapshot:
    kind: str
    path: Path
    generation: int


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    snapshot: _Snapshot | None = None
    jobs: int = 0


@dataclass
class _Stats:
    queries: int = 0
    timeouts: int = 0
    crashes: int = 0
    snapshots: int = 0
    restarts: int = 0
    started_at: float = field(default_factory=time.monotonic)


class QuerySandbox:
    """Evaluates read-only SPARQL queries with a hard time limit.

    Parameters
    ----------
    kg
        The knowledge graph whose store is queried.
    workers, timeout, max_rows
        Pool size, seconds per query and row cap; default to the settings'
        ``query_workers``, ``query_timeout`` and ``max_rows``.
    snapshot_dir
        Where snapshots go; default ``<store>.snapshots`` for the embedded
        store and a temporary folder for the memory store.
    """

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        workers: int | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        snapshot_dir: Path | None = None,
    ) -> None:
        self.kg = kg
        settings = kg.settings
        self.workers = workers or settings.query_workers
        self.timeout = timeout or settings.query_timeout
        self.max_rows = max_rows or settings.max_rows
        self.stats = _Stats()
        self._closed = False
        self._lock = threading.Lock()
        self._snapshot_lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._snapshot_seq = itertools.count()
        self._all: list[_Worker] = []
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._uses_processes = bool(getattr(kg.store, "supports_snapshots", False))
        self._threads: ThreadPoolExecutor | None = None
        self._own_snapshot_dir = False
        if self._uses_processes:
            self._ctx = multiprocessing.get_context("spawn")
            self._snapshot_dir = self._choose_snapshot_dir(snapshot_dir)
            # started together, admitted as each finishes importing: the server is ready when
            # its workers are, and its first queries get the whole time limit
            for worker in [self._spawn() for _ in range(self.workers)]:
                self._admit(worker)
        else:
            self._threads = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="sparql")

    # -- lifecycle ---------------------------------------------------------------

    def _choose_snapshot_dir(self, requested: Path | None) -> Path:
        if requested is not None:
            requested.mkdir(parents=True, exist_ok=True)
            return requested
        store_path = getattr(self.kg.store, "path", None)
        if store_path is not None:
            target = Path(str(store_path).rstrip("/") + ".snapshots")
            # snapshots of an earlier run are never reused: the store may have changed since
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True, exist_ok=True)
            self._own_snapshot_dir = True
            return target
        self._own_snapshot_dir = True
        return Path(tempfile.mkdtemp(prefix="chipgraph-snapshots-"))

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, args=(child_conn,), name="chipgraph-query", daemon=True)
        process.start()
        child_conn.close()
        return _Worker(process, parent_conn)

    def _admit(self, worker: _Worker) -> None:
        """Put a started worker in the pool once it says it is ready.

        A worker takes a second or more to import its libraries (longer on a
        busy machine); were it given a query before, that time would count
        against the query's limit, the query would be cancelled, the worker
        replaced, and the next query would meet the same fate.
        """
        ready = False
        try:
            if worker.conn.poll(_READY_TIMEOUT):
                ready = worker.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        with self._lock:
            if ready and not self._closed:
                self._all.append(worker)
                self._idle.put(worker)
                return
        if not ready:
            log.warning("a query worker did not start within %s s", _READY_TIMEOUT)
        self._stop(worker)

    def _add_worker(self) -> None:
        self._admit(self._spawn())

    def _stop(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()
        worker.process.join(timeout=5)
        with contextlib.suppress(OSError):
            worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background, keeping the pool size."""
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._stop(worker)
        self.stats.restarts += 1
        self._clean_snapshots()
        if not self._closed:
            threading.Thread(target=self._add_worker, name="sparql-respawn", daemon=True).start()

    def close(self) -> None:
        """Stop the workers and delete the snapshots."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                self._stop(worker)
            with contextlib.suppress(OSError):
                worker.conn.close()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
        if self._uses_processes and self._own_snapshot_dir:
            shutil.rmtree(self._snapshot_dir, ignore_errors=True)

    def __enter__(self) -> QuerySandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (empty for the remote backend)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None and w.process.is_alive()]

    # -- snapshots ---------------------------------------------------------------

    def _assign_snapshot(self, worker: _Worker) -> _Snapshot:
        """The snapshot of the current generation (taken now if stale), marked as used by ``worker``."""
        with self._snapshot_lock:
            generation = self.kg.generation
            snapshot = self._snapshot
            if snapshot is None or snapshot.generation != generation:
                target = self._snapshot_dir / f"gen-{generation}-{next(self._snapshot_seq)}-{os.getpid()}"
                kind, path = self.kg.store.snapshot(target)  # type: ignore[attr-defined]
                snapshot = self._snapshot = _Snapshot(kind, Path(path), generation)
                self.stats.snapshots += 1
                worker.snapshot = snapshot
                self._clean_snapshots_locked()
            worker.snapshot = snapshot
            return snapshot

    def _clean_snapshots(self) -> None:
        if self._uses_processes:
            with self._snapshot_lock:
                self._clean_snapshots_locked()

    def _clean_snapshots_locked(self) -> None:
        with self._lock:
            in_use = {w.snapshot.path for w in self._all if w.snapshot is not None}
        current = self._snapshot.path if self._snapshot is not None else None
        if not self._snapshot_dir.exists():
            return
        for entry in self._snapshot_dir.iterdir():
            if entry == current or entry in in_use:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()

    def snapshot_paths(self) -> list[Path]:
        """Snapshots currently on disk (for tests and /health)."""
        if not self._uses_processes or not self._snapshot_dir.exists():
            return []
        return sorted(self._snapshot_dir.iterdir())

    # -- running -----------------------------------------------------------------

    def run(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> SerializedResult:
        """Check, evaluate and serialise a user's query within the time limit.

        Raises :class:`~graph.errors.InvalidQuery` (not a read-only query, or
        a syntax error), :class:`~graph.errors.QueryTimeout` (past the limit,
        or no worker free within it) or :class:`~graph.errors.StoreError`.
        """
        from graph.store.sparql_text import check_query_allowed

        if self._closed:
            raise errors.StoreError("the query sandbox is closed")
        check_query_allowed(query)
        limit = timeout or self.timeout
        self.stats.queries += 1
        if not self._uses_processes:
            return self._run_in_thread(query, media_type, default_graphs, named_graphs, limit, base_iri)
        return self._run_in_worker(query, media_type, default_graphs, named_graphs, limit, base_iri)

    def _run_in_worker(
        self,
        query: str,
        media_type: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        limit: float,
        base_iri: str | None,
    ) -> SerializedResult:
        from graph.store.results import SerializedResult

        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            self.stats.timeouts += 1
            raise errors.QueryTimeout(
                f"all {self.workers} query workers stayed busy for {limit:g} s; try again later"
            ) from None
        try:
            snapshot = self._assign_snapshot(worker)
            job = (
                snapshot.kind,
                str(snapshot.path),
                query,
                media_type,
                self.max_rows,
                None if default_graphs is None else [str(g) for g in default_graphs],
                None if named_graphs is None else [str(g) for g in named_graphs],
                base_iri,
            )
            worker.jobs += 1
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self.stats.timeouts += 1
                self._replace(worker)
                raise errors.QueryTimeout(
                    f"the query ran past the time limit of {limit:g} s and was cancelled (CHIPGRAPH_QUERY_TIMEOUT)"
                )
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            # the worker died (out of memory, killed from outside): replace it, report a store error
            self.stats.crashes += 1
            self._replace(worker)
            raise errors.StoreError(f"the query worker stopped unexpectedly: {exc or 'no reply'}") from exc
        except errors.QueryTimeout:
            raise
        except BaseException:
            self._replace(worker)
            raise
        self._idle.put(worker)
        if reply[0] == "ok":
            _, body, media, kind, rows, truncated = reply
            return SerializedResult(body, media, kind, rows, truncated)
        _, name, message = reply
        raise _WORKER_ERRORS.get(name, errors.StoreError)(message)

    def _run_in_thread(
        self,
        query: str,
        media_type: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        limit: float,
        base_iri: str | None,
    ) -> SerializedResult:
        from rdflib import URIRef

        from graph.store.results import serialize_outcome

        store = self.kg.store

        def evaluate() -> SerializedResult:
            kwargs: dict[str, Any] = {
                "default_graphs": None if default_graphs is None else [URIRef(g) for g in default_graphs],
                "named_graphs": None if named_graphs is None else [URIRef(g) for g in named_graphs],
            }
            if store.backend == "remote":
                kwargs["timeout"] = limit
                text = query if base_iri is None else f"BASE <{base_iri}>\n{query}"
                outcome = store.evaluate(text, **kwargs)
                return serialize_outcome(outcome, media_type, row_limit=self.max_rows)
            outcome = store.evaluate(query, **kwargs)
            return serialize_outcome(outcome, media_type, row_limit=self.max_rows)

        assert self._threads is not None
        future = self._threads.submit(evaluate)
        try:
            return future.result(timeout=limit + 1.0)
        except FutureTimeout:
            self.stats.timeouts += 1
            future.cancel()
            raise errors.QueryTimeout(f"the query ran past the time limit of {limit:g} s") from None
