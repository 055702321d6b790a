"""Dependency paths and upstream/downstream on the mini graph (answers worked out by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import dependency_paths, downstream, projection, upstream
from graph.errors import EntityNotFound, InvalidParameter
from graph.ids import ID_BASE
from graph.store import MemoryStore

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


def labels(path) -> list[str]:
    return [path.hops[0].source.label, *(h.target.label for h in path.hops)]


def test_netherlands_to_huawei_three_paths_most_confident_first(G):
    result = dependency_paths(G, "Netherlands", "Huawei")
    assert result.found
    assert [labels(p) for p in result.paths] == [
        ["Netherlands", "Dutch-made DUV machines", "SMIC", "Huawei"],
        ["Netherlands", "ASML", "SMIC", "Huawei"],
        ["Netherlands", "ASML", "TSMC", "Huawei"],
    ]
    assert [p.confidence for p in result.paths] == [0.8, 0.7, 0.4]
    assert result.nearest is None


def test_k_limits_and_keeps_the_best(G):
    result = dependency_paths(G, "Netherlands", "Huawei", k=2)
    assert [labels(p)[1] for p in result.paths] == ["Dutch-made DUV machines", "ASML"]
    assert labels(result.paths[1])[2] == "SMIC"


def test_each_hop_has_its_evidence(G):
    path = dependency_paths(G, "Netherlands", "Huawei", k=1).paths[0]
    first, second, third = path.hops
    assert first.forward and first.edges[0].predicate == "originCountry" and first.edges[0].label == "origin of"
    assert second.edges[0].evidence[0].sentence == "SMIC uses Dutch-made DUV machines."
    assert third.edges[0].evidence[0].article == iri("article/a1")


def test_united_states_through_its_equipment_to_smic(G):
    result = dependency_paths(G, "United States", "SMIC")
    (path,) = result.paths
    assert labels(path) == ["United States", "US etch tools", "SMIC"]
    # the news fact and the ETO provision run in parallel on the first hop
    assert {e.predicate for e in path.hops[0].edges} == {"originCountry", "provides"}
    assert {e.share for e in path.hops[0].edges} == {None, 55.0}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"max_hops": 2}, 0),
        ({"layers": ["supply"]}, 1),  # home-of edges (structure) are not followed
        ({}, 3),
    ],
)
def test_hop_limit_and_layers(G, kwargs, expected):
    assert len(dependency_paths(G, "Netherlands", "Huawei", **kwargs).paths) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"min_confidence": 0.5}, 2),  # the 0.4 TSMC -> Huawei fact goes
        ({"as_of": "2023-06-01"}, 1),  # article a2 (ASML's sales) is from 2024
        ({"sources": ["news"]}, 1),  # headquarters come from a dataset
    ],
)
def test_filters_change_the_paths(store, filters, expected):
    assert len(dependency_paths(projection(store, **filters), "Netherlands", "Huawei").paths) == expected


def test_no_directed_path_gives_the_nearest_undirected_connection(G):
    result = dependency_paths(G, "Huawei", "Netherlands")
    assert not result.found and result.nearest is not None
    assert "no dependency path" in result.message
    assert result.nearest.length == 3
    assert result.nearest.nodes[0] == iri("org/huawei") and result.nearest.nodes[-1] == iri("country/netherlands")
    assert not all(h.forward for h in result.nearest.hops)


def test_unconnected_entities(G):
    result = dependency_paths(G, "Huawei", "Mao Ning")
    assert not result.found and result.nearest is None
    assert "not connected" in result.message


def test_bad_arguments(G):
    with pytest.raises(InvalidParameter):
        dependency_paths(G, "Huawei", "Huawei")
    with pytest.raises(InvalidParameter):
        dependency_paths(G, "Netherlands", "Huawei", k=0)
    with pytest.raises(EntityNotFound):
        dependency_paths(G, "Atlantis", "Huawei")


def test_upstream_groups_by_type_and_country(G):
    result = upstream(G, "Huawei", depth=2)
    assert {m.entity.label: m.distance for m in result.members} == {
        "SMIC": 1,
        "TSMC": 1,
        "China": 1,
        "ASML": 2,
        "Tokyo Electron": 2,
        "Dutch-made DUV machines": 2,
        "US etch tools": 2,
        "Taiwan": 2,
    }
    groups = {g.key: set(g.members) for g in result.by_type}
    assert groups["Company"] == {"org/smic", "org/tsmc", "org/asml", "org/tokyo-electron"}
    assert groups["Equipment"] == {"equipment/duv-machines", "equipment/etch-tools"}
    countries = {g.label: set(g.members) for g in result.by_country}
    assert countries["Netherlands"] == {"org/asml", "equipment/duv-machines"}
    # each member's path runs from it down to Huawei
    duv = next(m for m in result.members if m.entity.label == "Dutch-made DUV machines")
    assert duv.path.nodes == (iri("equipment/duv-machines"), iri("org/smic"), iri("org/huawei"))
    deeper = upstream(G, "Huawei", depth=3)
    assert {"Netherlands", "United States", "Japan"} <= {m.entity.label for m in deeper.members}


def test_downstream(G):
    result = downstream(G, "SMIC", depth=2)
    assert {m.entity.label: m.distance for m in result.members} == {
        "Huawei": 1,
        "Kirin 9000S": 1,
        "Mate 60 Pro": 2,
        "HiSilicon": 2,
    }
    mate = next(m for m in result.members if m.entity.label == "Mate 60 Pro")
    assert mate.path.nodes[0] == iri("org/smic")
    with pytest.raises(InvalidParameter):
        downstream(G, "SMIC", depth=0)
