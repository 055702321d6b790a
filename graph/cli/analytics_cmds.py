"""Analytics commands: paths, upstream/downstream, chokepoints, exposure, what-if, countries, centrality.

Names are resolved with the entity index (``chipgraph paths Netherlands
Huawei``); every command prints evidence-backed text, or ``--json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import networkx as nx
import typer

from graph.analytics import (
    DependencyPath,
    Hop,
    centrality_rankings,
    country_matrix,
    dependency_paths,
    downstream,
    projection,
    rank_chokepoints,
    sanction_exposure,
    sanction_reach,
    target_chokepoints,
    upstream,
    what_if,
)
from graph.analytics.project import SOURCE_KINDS
from graph.analytics.results import EdgeEvidence
from graph.cli.common import (
    BackendOpt,
    StoreOpt,
    console,
    handle_errors,
    make_settings,
    open_graph,
    print_json,
    print_table,
)
from graph.entities import EntityIndex
from graph.errors import InvalidParameter
from graph.ids import is_article_iri, local_id

__all__ = ["register"]

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Only facts known and sanctions in force on this date (YYYY[-MM[-DD]]).")
]
MinConfOpt = Annotated[float, typer.Option("--min-confidence", help="Drop evidence below this confidence (0..1).")]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", help=f"Only facts from these sources ({', '.join(SOURCE_KINDS)}); repeatable."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LayerOpt = Annotated[
    list[str] | None, typer.Option("--layer", help="Edge layers to follow (supply, structure, sanction); repeatable.")
]


class _Context:
    def __init__(self, kg: Any, G: nx.MultiDiGraph) -> None:
        self.kg = kg
        self.G = G
        self.index = EntityIndex(kg.store)

    def resolve(self, text: str) -> str:
        return self.index.resolve_in(self.G, text)


@contextmanager
def _analysis(
    store: Any, backend: Any, as_of: str | None, min_confidence: float, sources: list[str] | None
) -> Iterator[_Context]:
    for kind in sources or ():
        if kind not in SOURCE_KINDS:
            raise InvalidParameter(f"unknown source {kind!r}; use {', '.join(SOURCE_KINDS)}")
    with open_graph(make_settings(store, backend)) as kg:
        G = projection(kg, as_of=as_of, min_confidence=min_confidence, sources=sources or None)
        yield _Context(kg, G)


def _where(evidence: EdgeEvidence) -> str:
    if evidence.article:
        name = evidence.article.rsplit("/", 1)[-1] if is_article_iri(evidence.article) else evidence.article
        when = f", {evidence.published}" if evidence.published else ""
        return f"article {name}{when}"
    return f"the {evidence.source} dataset{', row ' + evidence.row if evidence.row else ''}"


def _print_hop(hop: Hop, indent: str = "    ", max_evidence: int = 2) -> None:
    arrow = " / ".join(dict.fromkeys(e.label for e in hop.edges)) or "?"
    conf = max((e.confidence for e in hop.edges), default=0.0)
    line = f"-({arrow})->" if hop.forward else f"<-({arrow})-"
    console.print(
        f"{indent}[bold]{hop.source.label}[/bold] {line} [bold]{hop.target.label}[/bold]  [dim]{conf:.2f}[/dim]",
        highlight=False,
    )
    shown = 0
    for edge in hop.edges:
        if edge.share is not None:
            console.print(f"{indent}  [cyan]market share {edge.share:g}%[/cyan]", highlight=False)
        for ev in edge.evidence:
            if shown >= max_evidence:
                break
            if ev.sentence:
                detail = f"{_where(ev)}, {ev.rule or ev.source}, {ev.confidence:.2f}"
                console.print(f'{indent}  "{ev.sentence}" [dim]- {detail}[/dim]', highlight=False)
            else:
                console.print(f"{indent}  [dim]stated by {_where(ev)}[/dim]", highlight=False)
            shown += 1
    total = sum(len(edge.evidence) for edge in hop.edges)
    if total > shown:
        console.print(f"{indent}  [dim]... {total - shown} more[/dim]", highlight=False)


def _print_path(path: DependencyPath, title: str) -> None:
    console.print(
        f"[green]{title}[/green] ({path.length} hops, confidence {path.confidence:.2f}): {path.describe()}",
        highlight=False,
    )
    for hop in path.hops:
        _print_hop(hop)


def paths(
    source: Annotated[str, typer.Argument(help="Upstream entity (name, alias or id).")],
    target: Annotated[str, typer.Argument(help="Downstream entity.")],
    k: Annotated[int, typer.Option("-k", help="Most paths.")] = 5,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path.")] = 6,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Dependency paths from SOURCE (upstream) to TARGET, with the evidence of every hop."""
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        result = dependency_paths(ctx.G, ctx.resolve(source), ctx.resolve(target), k=k, max_hops=max_hops, layers=layer)
        result.load_evidence()  # sentences are read from the store, which closes below
    if as_json:
        print_json(result.to_dict())
        return
    console.print(result.message, highlight=False)
    for number, path in enumerate(result.paths, 1):
        _print_path(path, f"path {number}")
    if result.nearest is not None:
        _print_path(result.nearest, "nearest connection (any direction)")


def _neighbourhood(
    direction: str,
    entity: str,
    depth: int,
    layer: list[str] | None,
    as_of: str | None,
    min_confidence: float,
    source_kind: list[str] | None,
    as_json: bool,
    store: Any,
    backend: Any,
) -> None:
    walk = upstream if direction == "upstream" else downstream
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        result = walk(ctx.G, ctx.resolve(entity), depth=depth, layers=layer).load_evidence()
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"[bold]{result.entity.label}[/bold]: {len(result.members)} entities {direction} within {depth} hops",
        highlight=False,
    )
    print_table(
        "by type",
        ["type", "count", "entities"],
        [[g.label, len(g.members), ", ".join(g.members[:12])] for g in result.by_type],
    )
    print_table(
        "by country",
        ["country", "count", "entities"],
        [[g.label, len(g.members), ", ".join(g.members[:12])] for g in result.by_country],
    )
    rows = []
    for m in result.members:
        hop = m.path.hops[0] if direction == "upstream" else m.path.hops[-1]
        ev = next((e for edge in hop.edges for e in edge.evidence), None)
        rows.append(
            [
                m.distance,
                m.entity.label,
                ", ".join(m.entity.types),
                " / ".join(e.label for e in hop.edges),
                (ev.sentence or _where(ev)) if ev else "",
            ]
        )
    print_table(None, ["hops", "entity", "type", "via", "evidence"], rows)


def upstream_cmd(
    entity: Annotated[str, typer.Argument(help="Entity (name, alias or id).")],
    depth: Annotated[int, typer.Option("--depth", help="Most hops.")] = 2,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """What ENTITY depends on, grouped by type and country."""
    _neighbourhood("upstream", entity, depth, layer, as_of, min_confidence, source_kind, as_json, store, backend)


def downstream_cmd(
    entity: Annotated[str, typer.Argument(help="Entity (name, alias or id).")],
    depth: Annotated[int, typer.Option("--depth", help="Most hops.")] = 2,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """What depends on ENTITY, grouped by type and country."""
    _neighbourhood("downstream", entity, depth, layer, as_of, min_confidence, source_kind, as_json, store, backend)


def chokepoints(
    target: Annotated[
        str | None, typer.Argument(help="Entity whose supply to analyse; omit for the global ranking.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Most entries.")] = 10,
    entity_type: Annotated[list[str] | None, typer.Option("--type", help="Global ranking: only these types.")] = None,
    samples: Annotated[
        int | None, typer.Option("-k", help="Betweenness samples (default: exact on small graphs).")
    ] = None,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Entities every supply path to TARGET passes through; or the global chokepoint ranking."""
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        if target is None:
            ranking = rank_chokepoints(ctx.G, top=top, layers=layer, types=entity_type, k=samples)
            labels = {
                n: str(ctx.G.nodes[n].get("label", n)) for r in ranking.ranking for n, _ in r.providers if n in ctx.G
            }
        else:
            result = target_chokepoints(ctx.G, ctx.resolve(target), layers=layer, top=top).load_evidence()
    if target is None:
        if as_json:
            print_json(ranking.to_dict())
            return
        note = f" (betweenness sampled from {ranking.samples} sources)" if ranking.approximate else ""
        rows = [
            [
                r.entity.label,
                ", ".join(r.entity.types),
                f"{r.score:.3f}",
                f"{r.betweenness:.4f}",
                f"{r.hhi:.2f}",
                f"{r.top2_share:.0%}",
                r.basis,
                ", ".join(f"{labels.get(p, local_id(p) or p)} {s:g}%" for p, s in r.providers[:3]),
            ]
            for r in ranking.ranking
        ]
        print_table(
            f"chokepoints: betweenness x concentration{note}",
            ["entity", "type", "score", "betweenness", "HHI", "top-2", "basis", "main providers"],
            rows,
        )
        return
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"[bold]{result.target.label}[/bold]: {result.sources} sources, {result.paths} supply paths ({'/'.join(result.layers)} layer)",
        highlight=False,
    )
    if result.dominators:
        console.print(
            "every supply path passes through: " + ", ".join(c.entity.label for c in result.dominators), highlight=False
        )
        for point in result.dominators:
            _print_path(point.path, f"{point.entity.label}")
    else:
        console.print("no single entity lies on every supply path", highlight=False)
    print_table(
        "most-travelled upstream entities",
        ["entity", "type", "share of paths", "hops", "dominator"],
        [
            [c.entity.label, ", ".join(c.entity.types), f"{c.coverage:.0%}", c.distance, "yes" if c.dominator else ""]
            for c in result.coverage
        ],
    )


def exposure(
    entity: Annotated[str | None, typer.Argument(help="Entity whose sanction exposure to list.")] = None,
    sanction: Annotated[str | None, typer.Option("--sanction", help="Instead: what this sanction reaches.")] = None,
    hops: Annotated[int, typer.Option("--hops", help="How far up/down the chain to look.")] = 2,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only sanctions with this status (InForce...).")
    ] = None,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Sanctions reaching ENTITY, its suppliers or customers; or with --sanction, what a sanction reaches."""
    if (entity is None) == (sanction is None):
        raise InvalidParameter("give an entity or --sanction, not both")
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        if sanction is not None:
            reach = sanction_reach(ctx.G, ctx.resolve(sanction), hops=hops, layers=layer).load_evidence()
        else:
            result = sanction_exposure(
                ctx.G, ctx.resolve(entity or ""), hops=hops, layers=layer, statuses=status
            ).load_evidence()
    if sanction is not None:
        if as_json:
            print_json(reach.to_dict())
            return
        info = reach.sanction
        console.print(
            f"[bold]{info.sanction.label}[/bold] by {', '.join(i.label for i in info.imposers) or '?'}, "
            f"{info.status or 'status unknown'}, {info.date or 'undated'}",
            highlight=False,
        )
        print_table(
            "directly",
            ["entity", "role", "exempt"],
            [[r.entity.label, r.role, "yes" if r.exempt else ""] for r in reach.direct],
        )
        print_table(
            f"downstream within {hops} hops",
            ["hops", "entity", "type", "through"],
            [[r.distance, r.entity.label, ", ".join(r.entity.types), r.path.describe()] for r in reach.indirect],
        )
        return
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"[bold]{result.entity.label}[/bold]: {len(result.sanctions)} sanctions within {hops} hops", highlight=False
    )
    print_table(
        None,
        ["sanction", "imposed by", "status", "date"],
        [
            [s.sanction.label, ", ".join(i.label for i in s.imposers), s.status or "", s.date or ""]
            for s in result.sanctions
        ],
    )
    for item in result.exposures:
        _print_path(
            item.path, f"{item.sanction.label} {item.role} {item.touched.label} ({item.relation}, {item.distance} hops)"
        )


def _split_cut(text: str) -> tuple[str, str]:
    if ":" not in text:
        raise InvalidParameter(f"--cut takes A:B, not {text!r}")
    a, b = text.split(":", 1)
    return a.strip(), b.strip()


def whatif(
    remove: Annotated[
        list[str] | None,
        typer.Option(
            "--remove", help="Country (exports stop), sanction (takes effect) or entity (vanishes); repeatable."
        ),
    ] = None,
    cut: Annotated[
        list[str] | None, typer.Option("--cut", help="A:B cuts the edges between A and B; repeatable.")
    ] = None,
    input_class: Annotated[
        str, typer.Option("--input-class", help="cg: class (Equipment) or label text (lithography).")
    ] = "Equipment",
    focus: Annotated[list[str] | None, typer.Option("--entity", help="Also report on this entity; repeatable.")] = None,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Before/after: who loses every path to a class of input when entities or edges are cut."""
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        result = what_if(
            ctx.G,
            remove=[ctx.resolve(r) for r in remove or ()],
            cut=[tuple(ctx.resolve(x) for x in _split_cut(c)) for c in cut or ()],  # type: ignore[misc]
            input_class=input_class,
            entities=[ctx.resolve(e) for e in focus or ()],
            layers=layer,
        ).load_evidence()
    if as_json:
        print_json(result.to_dict())
        return
    for action in result.actions:
        console.print(f"[bold]{action.kind}[/bold]: {action.detail} ({action.edges_cut} connections)", highlight=False)
    console.print(
        f"inputs: {len(result.inputs)} of '{result.input_class}'; entities supplied: "
        f"{result.dependents_before} before, {result.dependents_after} after",
        highlight=False,
    )
    if result.cut_edges:
        console.print(f"[dim]cut {result.cut_edges_total} supply edges, e.g.:[/dim]")
        for hop in result.cut_edges[:10]:
            _print_hop(hop, indent="  ", max_evidence=1)
    if result.lost_all:
        console.print(
            f"[red]{len(result.lost_all)} entities lose every path to {result.input_class}:[/red]", highlight=False
        )
        for impact in result.lost_all:
            console.print(
                f"  {impact.entity.label}: was {impact.path_before.describe() if impact.path_before else '?'}",
                highlight=False,
            )
    else:
        console.print(f"[green]no entity loses every path to {result.input_class}[/green]", highlight=False)
    if result.lost_some:
        print_table(
            "still supplied, but lose some inputs",
            ["entity", "inputs before", "after", "lost", "surviving path"],
            [
                [
                    i.entity.label,
                    i.inputs_before,
                    i.inputs_after,
                    ", ".join(x.label for x in i.lost_inputs),
                    i.path_after.describe() if i.path_after else "",
                ]
                for i in result.lost_some
            ],
        )
    for impact in result.focus:
        after = impact.path_after.describe() if impact.path_after else "no surviving path"
        console.print(
            f"[bold]{impact.entity.label}[/bold]: {impact.inputs_before} -> {impact.inputs_after} inputs; {after}",
            highlight=False,
        )


def countries(
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    top: Annotated[int, typer.Option("--top", help="Most cells listed.")] = 30,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Country x country dependency matrix (supplier -> dependent), with market-share weights where known."""
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        result = country_matrix(ctx.G, layers=layer)
        label = {n: str(ctx.G.nodes[n].get("label", n)) for n in ctx.G if "Country" in ctx.G.nodes[n].get("types", ())}
    if as_json:
        print_json(result.to_dict())
        return
    print_table(
        "countries",
        ["country", "supplies others", "depends on others"],
        [[c.label, c.supplies, c.depends] for c in result.countries],
    )
    print_table(
        "dependencies",
        ["supplier", "dependent", "edges", "share-weighted"],
        [
            [
                label.get(c.supplier, c.supplier),
                label.get(c.dependent, c.dependent),
                c.count,
                "" if c.weight is None else f"{c.weight:.2f}",
            ]
            for c in result.cells[:top]
        ],
    )


def centrality(
    entity_type: Annotated[
        list[str] | None, typer.Option("--type", help="Rank only these types (Company...); repeatable.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Entities per ranking.")] = 10,
    samples: Annotated[
        int | None, typer.Option("-k", help="Betweenness samples (default: exact on small graphs).")
    ] = None,
    layer: LayerOpt = None,
    as_of: AsOfOpt = None,
    min_confidence: MinConfOpt = 0.0,
    source_kind: SourceOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    backend: BackendOpt = None,
) -> None:
    """Degree, PageRank and betweenness rankings per entity type."""
    with _analysis(store, backend, as_of, min_confidence, source_kind) as ctx:
        result = centrality_rankings(ctx.G, types=entity_type, top=top, layers=layer, k=samples)
    if as_json:
        print_json(result.to_dict())
        return
    for ranking in result.rankings:
        rows = [
            [
                i + 1,
                *(
                    f"{m[i].entity.label} ({m[i].value:g})" if i < len(m) else ""
                    for m in (ranking.degree, ranking.pagerank, ranking.betweenness)
                ),
            ]
            for i in range(min(top, ranking.count))
        ]
        print_table(f"{ranking.type} ({ranking.count})", ["#", "degree", "PageRank", "betweenness"], rows)
    if result.approximate:
        console.print(f"[dim]betweenness sampled from {result.samples} sources[/dim]")


def register(app: typer.Typer) -> None:
    """Add the analytics commands to the CLI."""
    app.command("paths")(handle_errors(paths))
    app.command("upstream")(handle_errors(upstream_cmd))
    app.command("downstream")(handle_errors(downstream_cmd))
    app.command("chokepoints")(handle_errors(chokepoints))
    app.command("exposure")(handle_errors(exposure))
    app.command("whatif")(handle_errors(whatif))
    app.command("countries")(handle_errors(countries))
    app.command("centrality")(handle_errors(centrality))
