"""Sanction exposure of an entity and the reach of a sanction."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import projection, sanction_exposure, sanction_reach
from graph.analytics.project import graph_from_facts
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


def test_huawei_exposure(G):
    result = sanction_exposure(G, "Huawei", hops=2)
    found = {(e.sanction.id, e.role, e.touched.label, e.relation, e.distance) for e in result.exposures}
    assert found == {
        ("sanction/us-entity-list-huawei", "targets", "Huawei", "self", 0),
        ("sanction/us-oct-2022", "targets", "China", "upstream", 1),
        ("sanction/nl-duv-2023", "targets", "China", "upstream", 1),
        ("sanction/us-oct-2022", "restricts", "US etch tools", "upstream", 2),
        ("sanction/nl-duv-2023", "restricts", "Dutch-made DUV machines", "upstream", 2),
    }
    assert result.exposures[0].sanction.id == "sanction/us-entity-list-huawei"  # closest first
    info = {s.sanction.id: s for s in result.sanctions}
    assert set(info) == {"sanction/us-entity-list-huawei", "sanction/us-oct-2022", "sanction/nl-duv-2023"}
    assert [i.label for i in info["sanction/us-oct-2022"].imposers] == ["United States"]
    assert (info["sanction/us-oct-2022"].status, info["sanction/us-oct-2022"].date) == ("InForce", "2022-10-07")
    assert (info["sanction/nl-duv-2023"].status, info["sanction/nl-duv-2023"].imposers[0].label) == (
        "Proposed",
        "Netherlands",
    )


def test_exposure_paths_run_from_the_sanction_to_the_entity(G):
    result = sanction_exposure(G, "Huawei")
    etch = next(e for e in result.exposures if e.touched.label == "US etch tools")
    assert etch.path.nodes == (
        iri("sanction/us-oct-2022"),
        iri("equipment/etch-tools"),
        iri("org/smic"),
        iri("org/huawei"),
    )
    assert etch.path.hops[0].edges[0].evidence[0].sentence == "The October 2022 rules restrict etch tools for China."
    assert etch.path.hops[1].edges[0].evidence[0].sentence == "It also relies on US etch tools."


def test_customers_are_looked_at_too(G):
    result = sanction_exposure(G, "Tokyo Electron", hops=2)
    # Tokyo Electron -> TSMC -> Huawei, and Huawei is on the Entity List
    (hit,) = result.exposures
    assert (hit.touched.label, hit.relation, hit.distance) == ("Huawei", "downstream", 2)
    assert hit.path.nodes[0] == iri("org/tokyo-electron") and hit.path.nodes[-1] == iri(
        "sanction/us-entity-list-huawei"
    )
    assert not hit.path.hops[-1].forward


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"hops": 0}, {"sanction/us-entity-list-huawei"}),
        ({"statuses": ["Proposed"]}, {"sanction/nl-duv-2023"}),
        ({"hops": 1}, {"sanction/us-entity-list-huawei", "sanction/us-oct-2022", "sanction/nl-duv-2023"}),
    ],
)
def test_exposure_options(G, kwargs, expected):
    assert {s.sanction.id for s in sanction_exposure(G, "Huawei", **kwargs).sanctions} == expected


def test_exposure_as_of_a_date(store):
    H = projection(store, as_of="2022-01-01")
    assert [s.sanction.id for s in sanction_exposure(H, "Huawei").sanctions] == ["sanction/us-entity-list-huawei"]
    Z = projection(store, as_of="2018-06-01")
    assert [s.sanction.id for s in sanction_exposure(Z, "ZTE").sanctions] == ["sanction/us-zte-2018"]
    assert sanction_exposure(projection(store, as_of="2019-01-01"), "ZTE").sanctions == ()


def test_sanction_reach(G):
    reach = sanction_reach(G, "US October 2022 export controls", hops=2)
    assert reach.sanction.status == "InForce" and reach.sanction.threshold_nm == 16.0
    assert {(r.entity.label, r.role) for r in reach.direct} == {("China", "targets"), ("US etch tools", "restricts")}
    indirect = {r.entity.label: r.distance for r in reach.indirect}
    assert indirect == {
        "SMIC": 1,
        "Huawei": 1,
        "ZTE": 1,
        "HiSilicon": 1,
        "Kirin 9000S": 2,
        "Mate 60 Pro": 2,
    }
    kirin = next(r for r in reach.indirect if r.entity.label == "Kirin 9000S")
    assert kirin.path.nodes[0] == iri("sanction/us-oct-2022") and kirin.path.nodes[-1] == iri("product/kirin-9000s")


def test_exempt_entities_are_flagged():
    G = graph_from_facts(
        [
            ("sanction/rule", "targets", "country/china"),
            ("sanction/rule", "exempts", "org/samsung-xian"),
            ("org/samsung-xian", "locatedIn", "country/china"),
            ("org/smic", "headquarteredIn", "country/china"),
        ]
    )
    reach = sanction_reach(G, "rule", hops=1)
    assert {(r.entity.label, r.exempt) for r in reach.indirect} == {("samsung-xian", True), ("smic", False)}


def test_reach_needs_a_sanction(G):
    with pytest.raises(InvalidParameter):
        sanction_reach(G, "Huawei")
    with pytest.raises(InvalidParameter):
        sanction_exposure(G, "Huawei", hops=-1)
