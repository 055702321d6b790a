"""The ``evaluate`` command: score the extractor against hand annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.cli.common import console, handle_errors, make_settings, print_json, print_table
from graph.evaluate import EvaluationReport, Score, evaluate_folder
from graph.extract import load_extractor

__all__ = ["register"]


def _row(name: str, score: Score) -> list[object]:
    return [name, score.tp, score.fp, score.fn, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}"]


_COLUMNS = ["", "tp", "fp", "fn", "precision", "recall", "F1"]


def _print_report(report: EvaluationReport, show_errors: bool) -> None:
    rows = []
    for a in report.articles:
        rows.append(
            [
                a.article,
                f"{a.entity_total.f1:.3f}",
                f"{a.relation_total.f1:.3f}",
                f"{a.sanction_total.f1:.3f}",
            ]
        )
    print_table("per article (F1)", ["article", "entities", "relations", "sanction pairs"], rows)
    print_table("entities by type", _COLUMNS, [_row(k, v) for k, v in report.entities.items()])
    print_table("relations by predicate", _COLUMNS, [_row(k, v) for k, v in report.relations.items()])
    print_table("sanction pairs by role", _COLUMNS, [_row(k, v) for k, v in report.sanctions.items()])
    print_table("overall", _COLUMNS, [_row(k, v) for k, v in report.totals().items()])
    if show_errors:
        for a in report.articles:
            console.print(f"[bold]{a.article}[/bold]")
            for kind, items in a.errors.items():
                for item in items:
                    console.print(f"  {kind}: {item}", highlight=False)


def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold annotation files (*.json).")] = Path("eval/gold"),
    articles: Annotated[Path, typer.Option("--articles", help="Folder of the annotated articles.")] = Path("seeds"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every missed and extra item.")] = False,
    extractor: Annotated[
        str | None, typer.Option(help="Extractor name [default: CHIPGRAPH_EXTRACTOR or rules].")
    ] = None,
) -> None:
    """Precision, recall and F1 of the extractor for entities, relations and sanction pairs."""
    settings = make_settings()
    report = evaluate_folder(gold, articles, load_extractor(settings, extractor))
    if as_json:
        print_json(report.as_dict())
    else:
        _print_report(report, errors)


def register(app: typer.Typer) -> None:
    """Add the evaluation command to the CLI."""
    app.command()(handle_errors(evaluate))
