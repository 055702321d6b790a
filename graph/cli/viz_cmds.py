"""``chipgraph viz``: interactive graph pages written as standalone HTML files.

Each command writes one page that opens in any browser with no network at
all (vis-network and the page script are inlined). Files go into the output
folder (``--output-dir``, else ``CHIPGRAPH_VIZ_OUTPUT_DIR``, else ``./viz``);
``-o NAME.html`` names the file inside it (subfolders allowed), and names
that could leave the folder (``..``, absolute paths, symlinks) are refused:
to write elsewhere, name another output folder. Clicking a node opens its
entity page on the server at ``--link-base`` (default the configured
``chipgraph serve`` address).

    chipgraph viz overview --max-nodes 500
    chipgraph viz entity SMIC --depth 2
    chipgraph viz path Netherlands Huawei -k 3 -o nl-huawei.html
    chipgraph viz sanctions --as-of 2023-12-31 --status InForce
    chipgraph viz whatif --remove Netherlands --input-class Equipment
    chipgraph viz countries
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
import typer

from graph.analytics import projection
from graph.analytics.project import SOURCE_KINDS
from graph.cli.common import BackendOpt, StoreOpt, console, handle_errors, make_settings, open_graph
from graph.entities import EntityIndex
from graph.errors import InvalidParameter
from graph.ids import local_id, slugify
from graph.settings import Settings
from graph.viz import (
    PageOptions,
    View,
    countries_view,
    entity_view,
    overview_view,
    path_view,
    render_page,
    sanctions_view,
    whatif_view,
    write_page,
)
from graph.viz.views import MAX_DEPTH

__all__ = ["register", "viz_app"]

viz_app = typer.Typer(
    name="viz",
    help="Interactive graph pages (standalone HTML files that need no network).",
    no_args_is_help=True,
)

OutputOpt = Annotated[
    str | None,
    typer.Option("-o", "--output", help="File name inside the output folder, NAME.html (default: from the view)."),
]
OutputDirOpt = Annotated[
    Path | None,
    typer.Option("--output-dir", help="Folder pages are written into [env: CHIPGRAPH_VIZ_OUTPUT_DIR; default ./viz]."),
]
LinkBaseOpt = Annotated[
    str | None,
    typer.Option(
        "--link-base",
        help="Server whose entity pages nodes link to (default http://HOST:PORT of `chipgraph serve`; '' for relative links).",
    ),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Only facts known and sanctions in force on this date (YYYY[-MM[-DD]]).")
]
MinConfOpt = Annotated[float, typer.Option("--min-confidence", help="Drop evidence below this confidence (0..1).")]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", help=f"Only facts from these sources ({', '.join(SOURCE_KINDS)}); repeatable."),
]
IterationsOpt = Annotated[
    int | None,
    typer.Option(
        "--physics-iterations",
        help="Stabilisation iterations before physics stops [env: CHIPGRAPH_VIZ_PHYSICS_ITERATIONS].",
    ),
]

_LINK_BASE = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~\-/]*)?")


class _Job:
    """One page: the settings, the projection and name resolution."""

    def __init__(self, settings: Settings, kg: Any, G: nx.MultiDiGraph) -> None:
        self.settings = settings
        self.G = G
        self.index = EntityIndex(kg.store)

    def resolve(self, text: str) -> str:
        return self.index.resolve_in(self.G, text)


@contextmanager
def _job(
    store: Path | None,
    backend: str | None,
    as_of: str | None,
    min_confidence: float,
    sources: list[str] | None,
    output_dir: Path | None,
    iterations: int | None,
) -> Iterator[_Job]:
    for kind in sources or ():
        if kind not in SOURCE_KINDS:
            raise InvalidParameter(f"unknown source {kind!r}; use {', '.join(SOURCE_KINDS)}")
    settings = make_settings(store, backend, viz_output_dir=output_dir, viz_physics_iterations=iterations)
    with open_graph(settings) as kg:
        G = projection(kg, as_of=as_of, min_confidence=min_confidence, sources=sources or None)
        yield _Job(settings, kg, G)


def _link_base(settings: Settings, given: str | None) -> str:
    if given is None:
        return f"http://{settings.host}:{settings.port}"
    text = given.rstrip("/")
    if text and not _LINK_BASE.fullmatch(text):
        raise InvalidParameter(f"--link-base must be an http(s) URL such as http://127.0.0.1:8000, not {given!r}")
    return text


def _write(job: _Job, view: View, output: str | None, default: str, link_base: str | None) -> None:
    options = PageOptions(
        standalone=True,
        link_base=_link_base(job.settings, link_base),
        physics_iterations=job.settings.viz_physics_iterations,
    )
    html = render_page(view, options)
    path = write_page(job.settings.viz_output_dir, output or default, html)
    console.print(f"wrote {path} ({len(view.nodes)} nodes, {len(view.edges)} arrows)", highlight=False)
    for notice in view.notices:
        console.print(f"  {notice}", highlight=False, style="dim")


def _name(*parts: str) -> str:
    """A default file name: ``path-netherlands-huawei.html`` (ids give their last segment)."""
    return "-".join(slugify(p.rsplit("/", 1)[-1]) for p in parts) + ".html"


def _command(func: Callable[..., None]) -> Callable[..., None]:
    return handle_errors(func)


def overview(
    max_nodes: Annotated[
        int | None, typer.Option("--max-nodes", help="Most nodes drawn [env: CHIPGRAPH_VIZ_MAX_NODES; default 300].")
    ] = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = None,
    link_base: LinkBaseOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    physics_iterations: IterationsOpt = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """The most connected entities, with a notice of what was left out."""
    with _job(store, backend, as_of, min_confidence, source_kind, output_dir, physics_iterations) as job:
        view = overview_view(job.G, max_nodes=max_nodes or job.settings.viz_max_nodes)
        _write(job, view, output, "overview.html", link_base)


def entity(
    name: Annotated[str, typer.Argument(help="Entity (name, alias or id such as org/smic).")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=MAX_DEPTH, help="Hops around the entity (1-3).")] = 1,
    max_nodes: Annotated[int | None, typer.Option("--max-nodes", help="Most nodes drawn.")] = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = None,
    link_base: LinkBaseOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    physics_iterations: IterationsOpt = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Everything within DEPTH hops of an entity, upstream and downstream."""
    with _job(store, backend, as_of, min_confidence, source_kind, output_dir, physics_iterations) as job:
        iri = job.resolve(name)
        view = entity_view(job.G, iri, depth=depth, max_nodes=max_nodes or job.settings.viz_max_nodes)
        _write(job, view, output, _name("entity", local_id(iri) or name), link_base)


def path(
    source: Annotated[str, typer.Argument(help="Upstream entity (name, alias or id).")],
    target: Annotated[str, typer.Argument(help="Downstream entity.")],
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="Most paths.")] = 3,
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=12, help="Longest path.")] = 6,
    context: Annotated[int, typer.Option("--context", min=0, help="Neighbours drawn around the paths.")] = 40,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = None,
    link_base: LinkBaseOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    physics_iterations: IterationsOpt = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """The K dependency paths from SOURCE to TARGET, highlighted on their neighbourhood."""
    with _job(store, backend, as_of, min_confidence, source_kind, output_dir, physics_iterations) as job:
        a, b = job.resolve(source), job.resolve(target)
        view = path_view(job.G, a, b, k=k, max_hops=max_hops, context=context)
        _write(job, view, output, _name("path", local_id(a) or source, local_id(b) or target), link_base)


def sanctions(
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Keep sanctions with this status (InForce, Proposed, Lifted...); repeatable."),
    ] = None,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = None,
    link_base: LinkBaseOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    physics_iterations: IterationsOpt = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Imposers -> sanctions -> targets and restricted items (--as-of for the measures in force then)."""
    with _job(store, backend, as_of, min_confidence, source_kind, output_dir, physics_iterations) as job:
        view = sanctions_view(job.G, statuses=status or None)
        _write(job, view, output, "sanctions.html", link_base)


def whatif(
    remove: Annotated[
        list[str] | None,
        typer.Option("--remove", help="Country (exports stop), sanction (takes effect) or entity; repeatable."),
    ] = None,
    cut: Annotated[
        list[str] | None, typer.Option("--cut", help="A:B cuts the edges between A and B; repeatable.")
    ] = None,
    input_class: Annotated[
        str, typer.Option("--input-class", help="cg: class (Equipment) or label text (lithography).")
    ] = "Equipment",
    output: OutputOpt = None,
    output_dir: OutputDirOpt = None,
    link_base: LinkBaseOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    physics_iterations: IterationsOpt = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """A scenario before and after: cut edges, lost paths, entities that lose their inputs."""
    pairs = []
    for text in cut or ():
        if ":" not in text:
            raise InvalidParameter(f"a cut is 'A:B', not {text!r}")
        x, y = text.split(":", 1)
        pairs.append((x.strip(), y.strip()))
    with _job(store, backend, as_of, min_confidence, source_kind, output_dir, physics_iterations) as job:
        removed = [job.resolve(r) for r in remove or ()]
        cuts = [(job.resolve(x), job.resolve(y)) for x, y in pairs]
        view = whatif_view(job.G, remove=removed, cut=cuts, input_class=input_class)
        names = [local_id(n) or n for pair in ([r] for r in removed) for n in pair]
        names += [local_id(n) or n for pair in cuts for n in pair]
        _write(job, view, output, _name("whatif", *names[:4]), link_base)


def countries(
    top: Annotated[int, typer.Option("--top", min=2, help="Most countries drawn.")] = 40,
    output: OutputOpt = None,
    output_dir: OutputDirOpt = None,
    link_base: LinkBaseOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    physics_iterations: IterationsOpt = None,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Countries sized by their role, arrows weighted by supply links between their entities."""
    with _job(store, backend, as_of, min_confidence, source_kind, output_dir, physics_iterations) as job:
        view = countries_view(job.G, top=top)
        _write(job, view, output, "countries.html", link_base)


def register(app: typer.Typer) -> None:
    """Add ``chipgraph viz ...`` to the CLI."""
    for name, func in (
        ("overview", overview),
        ("entity", entity),
        ("path", path),
        ("sanctions", sanctions),
        ("whatif", whatif),
        ("countries", countries),
    ):
        viz_app.command(name)(_command(func))
    app.add_typer(viz_app, name="viz")
