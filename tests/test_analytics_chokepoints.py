"""Chokepoints: dominators and path coverage of one target, and the global ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import country_shares, projection, rank_chokepoints, target_chokepoints
from graph.errors import InvalidParameter
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


def test_two_foundries_means_no_single_chokepoint(G):
    # sources NL, US, JP, ASML, Tokyo Electron; six supply paths, four through SMIC and two through TSMC
    result = target_chokepoints(G, "Huawei")
    assert (result.sources, result.paths) == (5, 6)
    assert result.dominators == ()
    coverage = {c.entity.label: c.coverage for c in result.coverage}
    assert coverage["SMIC"] == pytest.approx(4 / 6)
    assert coverage["TSMC"] == pytest.approx(2 / 6)
    assert result.coverage[0].entity.label == "SMIC"


def test_without_the_weak_tsmc_fact_smic_is_the_chokepoint(store):
    result = target_chokepoints(projection(store, min_confidence=0.5), "Huawei")
    assert [c.entity.label for c in result.dominators] == ["SMIC"]
    (smic,) = result.dominators
    assert smic.dominator and smic.coverage == 1.0 and smic.distance == 1
    assert smic.path.hops[0].edges[0].evidence[0].sentence == "SMIC mass produces chips designed by Huawei."


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("iPhone", ["Apple", "TSMC"]),  # nearest first
        ("Apple", ["TSMC"]),
        ("Dutch-made DUV machines", ["Netherlands"]),
        ("SMIC", []),
    ],
)
def test_dominators(G, target, expected):
    assert [c.entity.label for c in target_chokepoints(G, target).dominators] == expected


def test_sources_can_be_chosen(G):
    # from the Netherlands the only supply route is its machines (home-of is not a supply edge)
    result = target_chokepoints(G, "Huawei", sources=["Netherlands"])
    assert [c.entity.label for c in result.dominators] == ["SMIC", "Dutch-made DUV machines"]
    assert result.paths == 1
    with pytest.raises(InvalidParameter):
        target_chokepoints(G, "Huawei", sources=["Apple"])


def test_a_source_has_no_chokepoints(G):
    result = target_chokepoints(G, "Netherlands")
    assert (result.sources, result.dominators, result.coverage) == (0, (), ())


def test_country_shares_from_provisions_inherited_along_type_of(G):
    shares, basis = country_shares(G, iri("equipment/duv-machines"))
    assert basis == "market share"
    assert shares == {iri("country/netherlands"): 90.0, iri("country/japan"): 10.0}
    shares, basis = country_shares(G, iri("org/tsmc"))
    assert basis == "suppliers"
    assert shares == {iri("country/netherlands"): 50.0, iri("country/japan"): 50.0}
    assert country_shares(G, iri("country/japan")) == ({}, "none")


def test_global_ranking_combines_structure_and_concentration(G):
    ranking = rank_chokepoints(G, top=20)
    assert not ranking.approximate
    assert ranking.ranking[0].entity.label == "SMIC"
    by_label = {r.entity.label: r for r in ranking.ranking}
    assert by_label["Dutch-made DUV machines"].hhi == pytest.approx(0.82)
    assert by_label["US etch tools"].hhi == pytest.approx(0.55**2 + 0.45**2)
    assert by_label["US etch tools"].top2_share == pytest.approx(1.0)
    assert by_label["Lithography tools"].score == 0.0  # concentrated but nothing depends on it
    assert all("Country" not in r.entity.types for r in ranking.ranking)
    scores = [r.score for r in ranking.ranking]
    assert scores == sorted(scores, reverse=True)
    equipment = rank_chokepoints(G, types=["Equipment"])
    assert {r.entity.label for r in equipment.ranking} == {
        "US etch tools",
        "Dutch-made DUV machines",
        "Lithography tools",
    }
