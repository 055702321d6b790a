"""The fused graph: seed news (real extractor) + ETO Chip Explorer + SupplyBench on one embedded store.

Checks that the three sources meet on the same nodes, that the result
validates, and that the analytics questions the datasets enable work:
market-share-weighted chokepoints and what-if, exposure through SupplyBench
flows, and answers whose hops mix news evidence with dataset rows, each
labelled with its source. The datasets come from ``../shared/data`` (skips
visibly when absent); news-dependent tests skip with the reason when the
extractor cannot run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from conftest import SHARED_DATA
from rdflib import URIRef
from typer.testing import CliRunner

from graph.analytics import projection
from graph.analytics.chokepoints import country_shares, rank_chokepoints
from graph.analytics.exposure import sanction_exposure, sanction_reach
from graph.analytics.paths import dependency_paths
from graph.analytics.results import Hop
from graph.analytics.scenarios import what_if
from graph.cli import app
from graph.ids import ETO_GRAPH, ID_BASE, SUPPLYBENCH_GRAPH
from graph.importers import ImportResult, import_eto, import_supplybench
from graph.kg import KnowledgeGraph
from graph.prefixes import SPARQL_PREFIXES
from graph.settings import Settings
from graph.validate import validate_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
#: a short article naming companies the seeds do not (and two that share a word with them)
EXTRA = (
    "Applied Materials shipped deposition tools to Taiwan Semiconductor Manufacturing Co. in March. "
    "Applied Micro Circuits, a different company, designs networking chips. "
    "Lam Research and ACM Research both sell etch and cleaning tools."
)


def iri(local: str) -> str:
    return ID_BASE + local


@dataclass
class Fused:
    kg: KnowledgeGraph
    eto: ImportResult
    supplybench: ImportResult
    news: str | None  # why news is missing, or None when the extractor ran
    store_dir: Path

    def graph(self) -> nx.MultiDiGraph:
        return projection(self.kg)

    def need_news(self) -> None:
        if self.news is not None:
            pytest.skip(self.news)


def _extractor_problem(settings: Settings) -> str | None:
    try:
        from graph.extract import load_extractor

        load_extractor(settings)
    except Exception as exc:  # any failure to set up the extractor means: news is not available yet
        return f"the news extractor is not available yet ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="module")
def fused(tmp_path_factory) -> Fused:
    for folder, name in (("eto-chip-explorer", "provision.csv"), ("supplybench", "abox.ttl")):
        if not (SHARED_DATA / folder / name).is_file():
            pytest.skip(f"reference data not found at {SHARED_DATA / folder} (set CHIPGRAPH_SHARED_DATA)")
    store_dir = tmp_path_factory.mktemp("fused") / "store"
    settings = Settings(store=store_dir, shared_data=SHARED_DATA, seeds=SEEDS)
    kg = KnowledgeGraph.open(settings)
    problem = _extractor_problem(settings)
    if problem is None:
        results = kg.ingest_paths([SEEDS])
        failed = [r.error for r in results if r.status == "failed"]
        assert not failed, failed
        kg.ingest_text(EXTRA, article_id="fusion-extra", title="Two toolmakers, two namesakes")
    eto = import_eto(kg)
    supplybench = import_supplybench(kg)
    state = Fused(kg, eto, supplybench, problem, store_dir)
    yield state
    state.kg.close()


def _mentioned(kg: KnowledgeGraph, entity: str) -> bool:
    return kg.store.ask(
        SPARQL_PREFIXES + "ASK { GRAPH ?a { ?a a cg:Article ; cg:mentions ?e } }", {"e": URIRef(entity)}
    )


def _typed_in(kg: KnowledgeGraph, entity: str, graph: URIRef) -> bool:
    return kg.store.ask(SPARQL_PREFIXES + "ASK { GRAPH ?g { ?e a ?t } }", {"e": URIRef(entity), "g": graph})


# -- one node per company, whatever the source ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "local"),
    [
        ("ASML", "org/asml"),
        ("TSMC", "org/tsmc"),
        ("SMIC", "org/smic"),
        ("Applied Materials", "org/applied-materials"),
        ("Nvidia", "org/nvidia"),
    ],
)
def test_eto_supplybench_and_news_meet_on_the_reference_node(fused, name, local):
    eto = {a.name: a for a in fused.eto.alignment.entries if a.kind == "organization"}
    assert eto[name].iri == iri(local)
    assert "reference" in eto[name].existing
    sb_iris = {a.iri for a in fused.supplybench.alignment.entries}
    assert iri(local) in sb_iris
    assert _typed_in(fused.kg, iri(local), ETO_GRAPH) and _typed_in(fused.kg, iri(local), SUPPLYBENCH_GRAPH)
    fused.need_news()
    assert _mentioned(fused.kg, iri(local)), f"no article mentions {local}"
    sources = fused.graph().nodes[iri(local)]["sources"]
    assert {"news", "eto", "supplybench", "reference"} <= set(sources)


def test_companies_sharing_a_word_are_not_merged(fused):
    eto = {a.name: a.iri for a in fused.eto.alignment.entries if a.kind == "organization"}
    sb = {a.name: a.iri for a in fused.supplybench.alignment.entries if a.kind == "organization"}
    pairs = [
        (eto["Lam Research"], eto["ACM Research"]),
        (eto["Tokyo Electron"], eto["Tokyo Ohka Kogyo"]),
        (sb["Applied Materials"], sb["Applied Micro Circuits Corporation"]),
        (sb["Samsung Electronics"], iri("org/samsung-sdi")),
    ]
    for a, b in pairs:
        assert a != b
    misses = {(m.name, m.candidate_label) for m in fused.supplybench.alignment.near_misses}
    assert ("Applied Micro Circuits Corporation", "Applied Materials") in misses
    fused.need_news()
    # the article's "Applied Micro Circuits" is SupplyBench's company, not Applied Materials
    assert _mentioned(fused.kg, sb["Applied Micro Circuits Corporation"])
    assert _mentioned(fused.kg, iri("org/applied-materials"))
    assert _mentioned(fused.kg, eto["Lam Research"]) and _mentioned(fused.kg, eto["ACM Research"])


def test_the_fused_graph_validates(fused):
    report = validate_store(fused.kg.store)
    assert report.violations == 0, report.results[:5]
    assert report.conforms and report.triples > 70_000


# -- market-share-weighted chokepoints and what-if -------------------------------------------------


def _logic_inputs(G: nx.MultiDiGraph) -> set[str]:
    """Every input upstream of ETO's finished logic chip along goesInto / typeOf."""
    chip = next(n for n, label in G.nodes(data="label") if label == "Finished logic chip")
    flow = nx.DiGraph((u, v) for u, v, key in G.edges(keys=True) if key in ("goesInto", "typeOf"))
    return nx.ancestors(flow, chip)


def _normalised(G: nx.MultiDiGraph, shares: dict[str, float]) -> dict[str, float]:
    """Shares as fractions of the named providers' total.

    ETO's residual providers ("Various countries", "Various companies") stand for
    many small providers: they are left out rather than counted as one.
    """
    named = {c: v for c, v in shares.items() if not str(G.nodes[c]["label"]).startswith("Various")}
    total = sum(named.values())
    return {country: value / total for country, value in named.items()} if total else {}


def _one_or_two_countries(G: nx.MultiDiGraph) -> dict[str, list[tuple[str, float]]]:
    """Logic-chip inputs whose top two provider countries hold at least 90 % of the market."""
    out = {}
    for node in _logic_inputs(G):
        shares, basis = country_shares(G, node)
        if basis != "market share":
            continue
        ranked = sorted(_normalised(G, shares).items(), key=lambda kv: -kv[1])
        if ranked and sum(v for _, v in ranked[:2]) >= 0.9:
            out[G.nodes[node]["label"]] = [(G.nodes[c]["label"], round(v, 3)) for c, v in ranked[:2]]
    return out


def test_inputs_for_advanced_logic_that_depend_on_one_or_two_countries(fused):
    G = fused.graph()
    concentrated = _one_or_two_countries(G)
    assert concentrated["EUV lithography system"] == [("Netherlands", 1.0)]
    country, share = concentrated["Crystal machining tools"][0]
    assert country == "Japan" and share > 0.99
    assert concentrated["Resist processing tools"][0][0] == "Japan"
    assert [c for c, _ in concentrated["lithography equipment"]] == ["Netherlands", "Japan"]
    assert "Etch and clean tools" not in concentrated  # US, Japan and China share it
    assert len(concentrated) >= 30
    ranking = rank_chokepoints(G, types=["Equipment", "Material"], top=200)
    euv = next(r for r in ranking.ranking if r.entity.iri == iri("equipment/euv-lithography-system"))
    assert euv.basis == "market share" and [c for c, _ in euv.providers] == [iri("country/netherlands")]


def test_chokepoint_concentration_is_a_fraction(fused):
    ranking = rank_chokepoints(fused.graph(), types=["Equipment", "Material"], top=50)
    assert all(0 < r.hhi <= 1.0 + 1e-9 and r.top2_share <= 1.0 + 1e-9 for r in ranking.ranking)


def _share_left(G: nx.MultiDiGraph, item: str, country: str) -> float:
    """The fraction of an input's market left when one country stops exporting."""
    return 1.0 - _normalised(G, country_shares(G, item)[0]).get(country, 0.0)


def test_what_if_the_netherlands_or_japan_stop_exporting(fused):
    G = fused.graph()
    netherlands, japan = iri("country/netherlands"), iri("country/japan")
    euv = iri("equipment/euv-lithography-system")
    dutch = what_if(G, remove=["Netherlands"], input_class="Country")
    assert euv in {i.entity.iri for i in dutch.lost_all}  # no other country provides EUV scanners
    assert dutch.dependents_after < dutch.dependents_before
    assert _share_left(G, euv, netherlands) == 0.0
    japanese = what_if(G, remove=["Japan"], input_class="Country")
    assert euv not in {i.entity.iri for i in japanese.lost_all + japanese.lost_some}
    hit = {i.entity.label: i for i in japanese.lost_some}
    for label in ("Resist processing tools", "Dicing tools", "Crystal machining tools"):
        assert label in hit and japan in {e.iri for e in hit[label].lost_inputs}
        node = hit[label].entity.iri
        assert _share_left(G, node, japan) < 0.1, label  # weighted: Japan holds over 90 % of these
    # inputs the Netherlands barely provides lose little by weight
    etch = next(n for n, label in G.nodes(data="label") if label == "Etch and clean tools")
    assert _share_left(G, etch, netherlands) > 0.95


# -- exposure through SupplyBench flows, paths mixing sources ----------------------------------------


def _sources(hop: Hop) -> set[str]:
    return {ev.source for edge in hop.edges for ev in edge.evidence}


def test_exposure_of_a_sanctioned_firms_customers_through_supplybench_flows(fused):
    fused.need_news()
    G = fused.graph()
    smic = iri("org/smic")
    exposure = sanction_exposure(G, "Qualcomm", hops=2)
    through_smic = [
        e for e in exposure.exposures if e.touched.iri == smic and e.relation == "upstream" and e.role == "targets"
    ]
    assert through_smic, [e.path.describe() for e in exposure.exposures]
    hops = through_smic[0].path.hops
    assert [h.target.iri for h in hops][-2:] == [smic, iri("org/qualcomm")]
    assert _sources(hops[0]) == {"news"} and "supplybench" in _sources(hops[-1])
    # and from the sanction's side: its reach runs through SMIC's SupplyBench customers
    sanction = hops[0].source.iri
    reached = {r.entity.iri for r in sanction_reach(G, sanction, hops=1).indirect}
    assert {iri("org/qualcomm"), iri("org/nvidia")} <= reached


def test_a_path_mixes_news_sentences_and_dataset_rows_hop_by_hop(fused):
    fused.need_news()
    G = fused.graph()
    exposure = sanction_exposure(G, "Nvidia", hops=2)
    mixed = next(
        e
        for e in exposure.exposures
        if e.touched.iri == iri("org/smic") and len(e.path.hops) == 2 and e.relation == "upstream"
    )
    news_hop, dataset_hop = mixed.path.hops
    news_evidence = [ev for edge in news_hop.edges for ev in edge.evidence]
    dataset_evidence = [ev for edge in dataset_hop.edges for ev in edge.evidence if ev.source == "supplybench"]
    assert all(ev.source == "news" and ev.sentence and ev.article for ev in news_evidence)
    assert dataset_evidence and all(ev.row and ev.row.startswith("abox.ttl#") for ev in dataset_evidence)
    # a dependency path from a country: ETO market shares, reference homes and SupplyBench flows
    paths = dependency_paths(G, "Netherlands", "Nvidia", k=3).paths
    assert paths
    kinds = set().union(*(_sources(h) for p in paths for h in p.hops))
    assert {"supplybench"} <= kinds
    provided = dependency_paths(G, "Netherlands", "EUV lithography system", k=1).paths[0]
    edges = [edge for hop in provided.hops for edge in hop.edges if edge.predicate == "provides"]
    assert edges and edges[0].share == 100.0 and edges[0].evidence[0].row.startswith("provision.csv#")


def test_source_filters_keep_each_sources_facts(fused):
    smic, qualcomm = iri("org/smic"), iri("org/qualcomm")
    only_sb = projection(fused.kg, sources=["supplybench"])
    assert only_sb.has_edge(smic, qualcomm)
    only_eto = projection(fused.kg, sources=["eto"])
    assert not only_eto.has_edge(smic, qualcomm)
    assert only_eto.has_edge(iri("country/netherlands"), iri("equipment/euv-lithography-system"))
    fused.need_news()
    only_news = projection(fused.kg, sources=["news"])
    assert not only_news.has_edge(smic, qualcomm)


def test_stats_show_counts_per_source(fused):
    stats = fused.kg.stats()
    by_source = stats["triples_by_source"]
    assert by_source["eto"] == fused.kg.store.count(ETO_GRAPH)
    assert by_source["supplybench"] > 30_000 and by_source["supplybench-raw"] > 30_000
    assert {"reference", "ontology"} <= set(by_source)
    if fused.news is None:
        assert by_source["news"] > 0
    fused.kg.close()  # the CLI opens the embedded store itself
    try:
        out = CliRunner().invoke(app, ["stats", "--json", "--store", str(fused.store_dir)])
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)["triples_by_source"] == by_source
    finally:
        fused.kg = KnowledgeGraph.open(fused.kg.settings)
