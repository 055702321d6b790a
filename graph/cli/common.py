"""What every chipgraph command shares: options, opening the graph, printing, errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from graph.errors import ChipGraphError, InvalidParameter, InvalidQuery, NotFound
from graph.kg import KnowledgeGraph
from graph.settings import Backend, Settings

__all__ = [
    "BackendOpt",
    "StoreOpt",
    "console",
    "err_console",
    "handle_errors",
    "make_settings",
    "open_graph",
    "print_json",
    "print_table",
]

console = Console()
err_console = Console(stderr=True)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Data directory of the embedded store [env: CHIPGRAPH_STORE; default ./data/store]."),
]
BackendOpt = Annotated[
    Backend | None,
    typer.Option("--backend", help="Store backend: embedded, memory or remote [env: CHIPGRAPH_BACKEND]."),
]

P = ParamSpec("P")
R = TypeVar("R")

#: exit codes: 1 = the operation failed, 2 = bad input from the user, 3 = not found
EXIT_FAILED, EXIT_BAD_INPUT, EXIT_NOT_FOUND = 1, 2, 3


def make_settings(store: Path | None = None, backend: str | None = None, **overrides: Any) -> Settings:
    """Settings from the environment with command-line overrides applied."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if store is not None:
        values["store"] = store
    if backend is not None:
        values["backend"] = backend
    return Settings(**values)


@contextmanager
def open_graph(settings: Settings) -> Iterator[KnowledgeGraph]:
    """Open the knowledge graph for one command and close it afterwards."""
    kg = KnowledgeGraph.open(settings)
    try:
        yield kg
    finally:
        kg.close()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn chipgraph errors into a one-line message and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except NotFound as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(EXIT_NOT_FOUND) from None
        except (InvalidQuery, InvalidParameter) as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except ChipGraphError as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(EXIT_FAILED) from None

    return wrapper


def print_json(data: Any) -> None:
    """Write JSON to standard output (plain, so it pipes into jq)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """Print a rich table."""
    table = Table(title=title, show_lines=False)
    for position, column in enumerate(columns):
        # the first column names the row (an id or a label): keep it on one line
        table.add_column(column, overflow="fold", no_wrap=position == 0)
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)
