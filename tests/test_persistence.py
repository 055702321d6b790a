"""The embedded store survives restarts and has exactly one writer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import URIRef

from graph.errors import StoreLocked
from graph.store import EmbeddedStore

G = URIRef("https://w3id.org/chipgraph/id/article/persisted")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


def test_data_written_by_one_process_is_read_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = run_python(f"""
        from rdflib import URIRef, Literal
        from graph.store import EmbeddedStore
        store = EmbeddedStore({str(path)!r})
        store.replace_graph(URIRef({str(G)!r}), [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("kept"))])
        store.close()
    """)
    assert writer.returncode == 0, writer.stderr
    store = EmbeddedStore(path)
    try:
        assert store.graph_names() == [G]
        assert store.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": __import__("rdflib").Literal("kept")}]
    finally:
        store.close()


def test_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from graph.store import EmbeddedStore; s = EmbeddedStore({str(path)!r}); print('ready', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked, match="another process"):
            EmbeddedStore(path)
    finally:
        holder.communicate("\n", timeout=30)
    # once the first writer is gone, the store opens cleanly and is intact
    EmbeddedStore(path).close()


def test_reopen_in_same_process_after_close(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = EmbeddedStore(path)
    first.replace_graph(
        G, [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), URIRef("https://example.org/b"))]
    )
    first.close()
    second = EmbeddedStore(path)
    try:
        assert second.count() == 1
    finally:
        second.close()
