"""Commands that build, inspect and serve the store."""

from __future__ import annotations

import csv
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.articles import find_article_files
from graph.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
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
from graph.errors import IngestError, InvalidParameter
from graph.kg import IngestResult, KnowledgeGraph
from graph.prefixes import SPARQL_PREFIXES
from graph.store import open_store
from graph.store.results import RDF_MEDIA_TYPES
from graph.store.sparql_text import check_query_allowed
from graph.validate import validate_store

__all__ = ["register"]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    nquads = "nquads"
    trig = "trig"
    turtle = "turtle"
    jsonld = "jsonld"
    ntriples = "ntriples"
    rdfxml = "rdfxml"


def _ingest_with_progress(kg: KnowledgeGraph, paths: list[Path]) -> list[IngestResult]:
    files = find_article_files(paths)
    if not files:
        raise IngestError(f"no article files (.txt, .md, .html) in {', '.join(map(str, paths))}")
    with Progress(
        TextColumn("[bold]ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(files))

        def advance(path: Path, result: IngestResult) -> None:
            progress.update(task, advance=1, description=path.name)

        results = kg.ingest_paths(files, progress=advance)
    rows = [
        [r.article_id, r.status, r.entities or "", r.facts or "", r.sanctions or "", r.triples or "", r.error or ""]
        for r in results
    ]
    print_table(None, ["article", "status", "entities", "facts", "sanctions", "triples", "error"], rows)
    return results


def _exit_on_failures(results: list[IngestResult]) -> None:
    failed = [r for r in results if r.status == "failed"]
    if failed:
        err_console.print(f"[red]{len(failed)} of {len(results)} articles failed[/red]")
        raise typer.Exit(EXIT_FAILED)


def build(
    seeds: Annotated[Path | None, typer.Option(help="Folder of seed articles [default: ./seeds].")] = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Ingest the seed articles into the store (ontology and reference list included)."""
    settings = make_settings(store, backend, seeds=seeds)
    with open_graph(settings) as kg:
        results = _ingest_with_progress(kg, [settings.seeds])
        stats = kg.stats()
    console.print(
        f"[green]built[/green] {stats['articles']} articles, {stats['triples']} triples "
        f"in {stats['graphs']} graphs ({settings.store_label()})"
    )
    _exit_on_failures(results)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Article files (.txt, .md, .html) or folders of them.")],
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Extract facts from articles and store each in its own named graph."""
    settings = make_settings(store, backend)
    with open_graph(settings) as kg:
        results = _ingest_with_progress(kg, paths)
    _exit_on_failures(results)


def remove(
    article: Annotated[str, typer.Argument(help="Article id (file stem) or article IRI.")],
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Remove an article and exactly the facts it contributed."""
    with open_graph(make_settings(store, backend)) as kg:
        kg.remove_article(article)
    console.print(f"removed {article}")


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Counts of triples per source, articles, and entities per class."""
    with open_graph(make_settings(store, backend)) as kg:
        data = kg.stats()
    if as_json:
        print_json(data)
        return
    console.print(
        f"[bold]{data['store']}[/bold]: {data['triples']} triples, {data['graphs']} graphs, {data['articles']} articles"
    )
    print_table("triples by source", ["source", "triples"], [[k, v] for k, v in data["triples_by_source"].items()])
    print_table("entities by class", ["class", "entities"], [[k, v] for k, v in data["entities_by_class"].items()])


def _read_query(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise InvalidParameter(f"no query file {path}")
        return path.read_text(encoding="utf-8")
    return text


def query(
    sparql: Annotated[str, typer.Argument(help="SPARQL query text, @FILE, or - for standard input.")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    limit: Annotated[int, typer.Option(help="Most rows to print.")] = 1000,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Run a read-only SPARQL query (cg:, rdfs:, skos:, prov: ... prefixes predeclared)."""
    text = _read_query(sparql)
    kind = check_query_allowed(text)
    text = SPARQL_PREFIXES + text  # a query may redeclare any of these
    with open_graph(make_settings(store, backend)) as kg:
        if kind == "ask":
            answer = kg.store.ask(text)
            print_json({"boolean": answer}) if output == OutputFormat.json else console.print(answer)
            return
        if kind in ("construct", "describe"):
            result = kg.store.run_query(text, RDF_MEDIA_TYPES["turtle"], row_limit=limit)
            sys.stdout.write(result.body.decode())
            return
        rows = kg.store.select(text)
    variables = list(dict.fromkeys(k for row in rows for k in row))
    shown = rows[:limit]
    if output == OutputFormat.json:
        print_json([{k: str(v) for k, v in row.items()} for row in shown])
    elif output == OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(variables)
        writer.writerows([[str(row.get(v, "")) for v in variables] for row in shown])
    else:
        print_table(None, variables, [[row.get(v) for v in variables] for row in shown])
    if len(rows) > limit:
        err_console.print(f"showing {limit} of {len(rows)} rows (--limit)")


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="RDF format.")] = ExportFormat.nquads,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")] = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Write the whole graph; nquads and trig keep one named graph per article."""
    with open_graph(make_settings(store, backend)) as kg:
        if output is None:
            kg.export(sys.stdout.buffer, fmt.value)
            sys.stdout.flush()
        else:
            with output.open("wb") as out:
                kg.export(out, fmt.value)
            console.print(f"wrote {output} ({output.stat().st_size} bytes)")


def validate(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    limit: Annotated[int, typer.Option(help="Most violations to list.")] = 50,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Validate the graph against the SHACL shapes; exit 1 on violations."""
    with open_graph(make_settings(store, backend)) as kg:
        report = validate_store(kg.store)
    if as_json:
        print_json({"conforms": report.conforms, "violations": report.violations, "results": report.results})
    elif report.conforms:
        console.print(f"[green]conforms[/green]: {report.triples} triples, 0 violations")
    else:
        rows = [[r["focus"], r["path"], r["value"], r["message"]] for r in report.results[:limit]]
        print_table(f"{report.violations} violations", ["focus node", "path", "value", "message"], rows)
    if not report.conforms:
        raise typer.Exit(EXIT_FAILED)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind [default 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default 8000].")] = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Serve the REST API, the SPARQL endpoint and the pages (write token from CHIPGRAPH_TOKEN)."""
    import uvicorn

    settings = make_settings(store, backend, host=host, port=port)
    if settings.backend == "embedded":
        # a store another process holds is a one-line error here (StoreLocked), not a
        # traceback from the server's startup
        open_store(settings).close()
    # the app reads its settings from the environment; pass the overrides on
    os.environ["CHIPGRAPH_STORE"] = str(settings.store)
    os.environ["CHIPGRAPH_BACKEND"] = settings.backend
    try:
        uvicorn.run("api.app:create_app", factory=True, host=settings.host, port=settings.port, log_level="info")
    except ModuleNotFoundError as exc:
        err_console.print(f"[red]error:[/red] the API is not installed: {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def register(app: typer.Typer) -> None:
    """Add the store commands to the CLI."""
    for command in (build, ingest, remove, stats, query, export, validate, serve):
        app.command()(handle_errors(command))
