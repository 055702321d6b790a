"""``chipgraph import eto|supplybench [PATH]``: the reference datasets, aligned with the news graph."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from graph.cli.common import (
    BackendOpt,
    StoreOpt,
    console,
    err_console,
    handle_errors,
    make_settings,
    open_graph,
    print_json,
    print_table,
)
from graph.importers import ImportResult, import_eto, import_supplybench
from graph.kg import KnowledgeGraph

__all__ = ["import_app", "register"]

import_app = typer.Typer(
    help="Import a reference dataset (read from its folder, never copied) into its own named graph.",
    no_args_is_help=True,
)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


ReportOpt = Annotated[ReportFormat, typer.Option("--report", help="How to print the result and the alignment report.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Re-import even when nothing changed.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Most merges and near misses listed in the tables.")]


def _print_result(result: ImportResult, fmt: ReportFormat, limit: int) -> None:
    if fmt == ReportFormat.json:
        print_json(result.to_dict())
        return
    written = ", ".join(f"{n} triples in <{g}>" for g, n in result.graphs.items()) or "nothing written"
    console.print(f"[bold]{result.dataset}[/bold]: {result.status} in {result.seconds:.1f} s ({written})")
    print_table("counts", ["what", "n"], [[k, v] for k, v in result.counts.items()])
    report = result.alignment
    if report is None:
        return
    counts = report.counts()
    print_table("alignment", ["what", "n"], [[k, v] for k, v in counts.items()])
    merges = [a for a in report.merges if a.kind != "country"]
    print_table(
        f"merges with existing nodes ({len(merges)} besides countries; first {min(limit, len(merges))})",
        ["dataset name", "id", "node", "how", "already in"],
        [[a.name, a.key, a.label, a.how, ", ".join(a.existing)] for a in merges[:limit]],
    )
    print_table(
        f"near misses: close names not merged ({len(report.near_misses)}; first {min(limit, len(report.near_misses))})",
        ["dataset name", "close to", "source", "score", "differs (dataset / other)"],
        [
            [m.name, m.candidate_label, m.candidate_source, f"{m.score:.0f}", m.differs]
            for m in report.near_misses[:limit]
        ],
    )
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)


def _run(
    importer: Callable[..., ImportResult],
    label: str,
    path: Path | None,
    report: ReportFormat,
    force: bool,
    limit: int,
    store: Path | None,
    backend: str | None,
) -> None:
    settings = make_settings(store, backend)
    kg: KnowledgeGraph
    with open_graph(settings) as kg, err_console.status(f"importing {label}..."):
        result = importer(kg, path, force=force)
    _print_result(result, report, limit)


@import_app.command("eto")
@handle_errors
def eto(
    path: Annotated[
        Path | None, typer.Argument(help="The dataset folder [default: <shared_data>/eto-chip-explorer].")
    ] = None,
    report: ReportOpt = ReportFormat.table,
    force: ForceOpt = False,
    limit: LimitOpt = 20,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """ETO Chip Explorer (CSET, CC BY-NC 4.0): providers, inputs, market shares, production flow."""
    _run(import_eto, "ETO Chip Explorer", path, report, force, limit, store, backend)


@import_app.command("supplybench")
@handle_errors
def supplybench(
    path: Annotated[
        Path | None, typer.Argument(help="The dataset folder [default: <shared_data>/supplybench].")
    ] = None,
    report: ReportOpt = ReportFormat.table,
    force: ForceOpt = False,
    limit: LimitOpt = 20,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """SupplyBench (wintechis, CC BY-NC-SA 4.0): companies, sites, supply flows; raw triples kept for its questions."""
    _run(import_supplybench, "SupplyBench", path, report, force, limit, store, backend)


def register(app: typer.Typer) -> None:
    """Add the ``import`` command group to the CLI."""
    app.add_typer(import_app, name="import")
