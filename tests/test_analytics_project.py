"""The projection: direction from the ontology, layers, evidence, filters and the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.analytics import project, projection
from graph.analytics.project import edge_layers, find_node, graph_from_facts
from graph.errors import EntityNotFound, InvalidParameter
from graph.ids import ID_BASE
from graph.kg import KnowledgeGraph
from graph.ontology import property_info
from graph.settings import Settings
from graph.store import MemoryStore
from graph.vocab import CG

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"


def iri(local: str) -> str:
    return ID_BASE + local


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    s = MemoryStore()
    s.load(FIXTURE, "trig")
    return s


@pytest.fixture(scope="module")
def G(store):
    return projection(store)


@pytest.mark.parametrize(
    ("upstream", "downstream", "key", "label", "layer"),
    [
        ("country/china", "org/huawei", "headquarteredIn", "home of", "structure"),
        ("org/smic", "org/huawei", "manufacturesFor", "manufactures for", "supply"),
        ("org/asml", "org/smic", "suppliesTo", "supplies to", "supply"),
        ("equipment/duv-machines", "org/smic", "uses", "used by", "supply"),
        ("product/kirin-9000s", "product/mate-60-pro", "hasComponent", "component of", "supply"),
        ("country/netherlands", "equipment/duv-machines", "originCountry", "origin of", "supply"),
        ("org/huawei", "product/mate-60-pro", "makes", "makes", "supply"),
        ("country/united-states", "sanction/us-oct-2022", "imposedBy", "imposes", "sanction"),
        ("sanction/us-oct-2022", "country/china", "targets", "targets", "sanction"),
        ("sanction/us-oct-2022", "equipment/etch-tools", "restricts", "restricts", "sanction"),
        ("equipment/duv-machines", "equipment/lithography-tools", "typeOf", "is a type of", "structure"),
        ("org/huawei", "org/hisilicon", "subsidiaryOf", "parent of", "structure"),
        ("country/netherlands", "equipment/lithography-tools", "provides", "provides", "supply"),
    ],
)
def test_edges_run_upstream_to_downstream(G, upstream, downstream, key, label, layer):
    data = G[iri(upstream)][iri(downstream)][key]
    assert (data["label"], data["layer"]) == (label, layer)
    assert not G.has_edge(iri(downstream), iri(upstream), key)


def test_direction_comes_from_the_ontology():
    for predicate, (info, _layer) in edge_layers().items():
        assert property_info()[CG[predicate.rsplit("#", 1)[-1]]].direction == info.direction
        assert info.direction in ("forward", "reverse")
    # properties marked "none" never become edges
    assert str(CG.affiliatedWith) not in edge_layers() and str(CG.mentions) not in edge_layers()
    G = graph_from_facts([("person/mao", "affiliatedWith", "org/mfa")])
    assert G.number_of_edges() == 0 and G.number_of_nodes() == 2


def test_nodes_carry_type_label_country_and_sources(G):
    smic = G.nodes[iri("org/smic")]
    assert smic["types"] == ("Company",)
    assert smic["label"] == "SMIC"
    assert smic["country"] == iri("country/china")
    assert {"news", "supplybench"} <= set(smic["sources"])
    assert G.nodes[iri("equipment/duv-machines")]["country"] == iri("country/netherlands")
    assert G.nodes[iri("country/japan")]["country"] == iri("country/japan")
    assert G.nodes[iri("product/iphone")]["country"] is None
    assert iri("person/mao-ning") in G  # typed entities without facts are nodes too
    oct22 = G.nodes[iri("sanction/us-oct-2022")]
    assert (oct22["status"], oct22["date"], oct22["threshold_nm"]) == ("InForce", "2022-10-07", 16.0)
    assert G.nodes[iri("sanction/us-zte-2018")]["end_date"] == "2018-07"


def test_edges_carry_evidence(G):
    data = G[iri("org/smic")][iri("org/huawei")]["manufacturesFor"]
    (ev,) = data["evidence"]
    assert ev.sentence == "SMIC mass produces chips designed by Huawei."
    assert (ev.article, ev.published, ev.confidence, ev.rule, ev.source) == (
        iri("article/a1"),
        "2023-01-10",
        0.9,
        "svo",
        "news",
    )
    assert data["confidence"] == 0.9 and data["articles"] == (iri("article/a1"),) and data["dates"] == ("2023-01-10",)
    provision = G[iri("country/netherlands")][iri("equipment/lithography-tools")]["provides"]
    assert provision["share"] == 90.0 and provision["year"] == "2025"
    assert provision["evidence"][0].row == "provision.csv#1" and provision["sources"] == ("eto",)
    typeof = G[iri("equipment/duv-machines")][iri("equipment/lithography-tools")]["typeOf"]
    assert typeof["evidence"][0].row == "sequence.csv#5"
    sub = G[iri("org/huawei")][iri("org/hisilicon")]["subsidiaryOf"]
    assert sub["evidence"][0].row == "abox.ttl#412"
    # a sanction edge is dated by its sanction
    assert G[iri("sanction/us-oct-2022")][iri("country/china")]["targets"]["dates"] == ("2022-10-07",)


def test_as_of_keeps_facts_known_and_sanctions_in_force(store):
    H = projection(store, as_of="2022-12-31")
    assert not H.has_edge(iri("org/smic"), iri("org/huawei"))  # article a1 is from 2023
    assert H.has_edge(iri("org/tsmc"), iri("org/huawei"))  # article a3 is from 2019
    assert H.has_edge(iri("country/china"), iri("org/huawei"))  # reference data has no date
    sanctions = {n for n in H if "/sanction/" in n}
    assert sanctions == {iri("sanction/us-entity-list-huawei"), iri("sanction/us-oct-2022")}
    early = projection(store, as_of="2018-05-01")
    assert {n for n in early if "/sanction/" in n} == {iri("sanction/us-zte-2018")}  # lifted 2018-07
    assert not {n for n in projection(store, as_of="2018-12-31") if "/sanction/" in n}
    # partial dates compare by their first day: the 2019-05 listing is in force on 2019-05-01
    assert iri("sanction/us-entity-list-huawei") in projection(store, as_of="2019-05-01")


def test_min_confidence_drops_weak_evidence(store, G):
    H = projection(store, min_confidence=0.5)
    assert not H.has_edge(iri("org/tsmc"), iri("org/huawei"))
    assert H.number_of_edges() == G.number_of_edges() - 1


def test_sources_filter_facts_not_entities(store):
    H = projection(store, sources=["news"])
    assert H.has_edge(iri("org/smic"), iri("org/huawei"))
    assert not H.has_edge(iri("country/china"), iri("org/huawei"))
    assert not H.has_edge(iri("country/netherlands"), iri("equipment/lithography-tools"))
    assert iri("country/china") in H
    E = projection(store, sources=["eto"])
    assert {d["sources"] for *_, d in E.edges(data=True)} == {("eto",)}


@pytest.mark.parametrize(
    "kwargs", [{"as_of": "yesterday"}, {"sources": ["blog"]}, {"min_confidence": 2.0}, {"sources": []}]
)
def test_bad_filters_are_refused(store, kwargs):
    with pytest.raises(InvalidParameter):
        projection(store, **kwargs)


def test_cache_is_invalidated_by_writes():
    s = MemoryStore()
    s.load(FIXTURE, "trig")
    kg = KnowledgeGraph(s, Settings(backend="memory"))
    first = projection(kg)
    assert projection(kg) is first
    assert projection(kg, min_confidence=0.5) is projection(kg, min_confidence=0.5)
    kg.remove_article("a3")
    second = projection(kg)
    assert second is not first
    assert not second.has_edge(iri("org/tsmc"), iri("org/huawei"))
    s.update(
        "INSERT DATA { GRAPH <https://w3id.org/chipgraph/graph/reference> { "
        f"<{iri('org/tsmc')}> <{CG.manufacturesFor}> <{iri('org/huawei')}> }} }}"
    )
    assert projection(s).has_edge(iri("org/tsmc"), iri("org/huawei"))


def test_project_bypasses_the_cache(store):
    assert project(store) is not project(store)
    assert project(store).number_of_edges() == projection(store).number_of_edges()


def test_find_node(G):
    assert find_node(G, "org/smic") == find_node(G, "smic") == find_node(G, iri("org/smic"))
    with pytest.raises(EntityNotFound):
        find_node(G, "Intel")


def test_results_are_json(G):
    from graph.analytics import dependency_paths

    data = dependency_paths(G, "Netherlands", "Huawei").to_dict()
    assert json.loads(json.dumps(data)) == data
