"""What-if: cutting a country's exports, applying a sanction, removing a company, cutting an edge."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import input_nodes, projection, what_if
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


def cut_pairs(result) -> set[tuple[str, str]]:
    return {(h.source.label, h.target.label) for h in result.cut_edges}


def test_dutch_exports_stop_smic_keeps_us_tools(G):
    result = what_if(G, remove=["Netherlands"], input_class="Equipment")
    assert cut_pairs(result) == {
        ("Dutch-made DUV machines", "SMIC"),
        ("ASML", "SMIC"),
        ("ASML", "TSMC"),
        ("Netherlands", "Lithography tools"),
    }
    assert result.actions[0].kind == "exports stopped"
    assert result.lost_all == ()
    assert (result.dependents_before, result.dependents_after) == (4, 4)
    smic = next(i for i in result.lost_some if i.entity.label == "SMIC")
    assert [x.label for x in smic.lost_inputs] == ["Dutch-made DUV machines"]
    assert (smic.inputs_before, smic.inputs_after) == (2, 1)
    assert smic.path_after.nodes == (iri("equipment/etch-tools"), iri("org/smic"))
    assert {i.entity.label for i in result.lost_some} == {"SMIC", "Huawei", "Kirin 9000S", "Mate 60 Pro"}


def test_dutch_and_us_exports_stop_smic_loses_every_tool(G):
    result = what_if(G, remove=["Netherlands", "United States"], entities=["SMIC"])
    assert [i.entity.label for i in result.lost_all] == ["Huawei", "Kirin 9000S", "Mate 60 Pro", "SMIC"]
    smic = next(i for i in result.lost_all if i.entity.label == "SMIC")
    assert smic.path_before is not None and smic.path_after is None
    assert (smic.inputs_before, smic.inputs_after) == (2, 0)
    assert result.focus[0].entity.label == "SMIC" and result.focus[0].path_after is None
    assert ("Apple", "iPhone") in cut_pairs(result)  # US companies' exports stop too
    assert result.dependents_after == 0


def test_a_sanction_taking_effect(G):
    dutch = what_if(G, remove=["Dutch DUV licence requirement"])
    assert dutch.actions[0].kind == "sanction applied"
    assert cut_pairs(dutch) == {("Dutch-made DUV machines", "SMIC")}
    us = what_if(G, remove=["US October 2022 export controls"])
    assert cut_pairs(us) == {("US etch tools", "SMIC")}
    both = what_if(G, remove=["Dutch DUV licence requirement", "US October 2022 export controls"])
    assert {i.entity.label for i in both.lost_all} == {"SMIC", "Huawei", "Kirin 9000S", "Mate 60 Pro"}
    # a listing without restricted items cuts all supply from the imposer's entities to the target
    listing = what_if(G, remove=["US Entity List addition of Huawei"], input_class="Company")
    assert cut_pairs(listing) == set()  # no US entity supplies Huawei here


def test_removing_a_company(G):
    result = what_if(G, remove=["SMIC"], input_class="lithography")
    assert [r.label for r in result.removed] == ["SMIC"]
    assert {i.entity.label for i in result.lost_all} == {"Huawei", "Kirin 9000S", "Mate 60 Pro"}


def test_cutting_edges(G):
    result = what_if(G, cut=[("ASML", "TSMC"), ("Tokyo Electron", "TSMC")], input_class="Company")
    assert cut_pairs(result) == {("ASML", "TSMC"), ("Tokyo Electron", "TSMC")}
    iphone = next(i for i in result.lost_some if i.entity.label == "iPhone")
    assert {x.label for x in iphone.lost_inputs} == {"ASML", "Tokyo Electron"}
    with pytest.raises(InvalidParameter):
        what_if(G, cut=[("Apple", "SMIC")])


def test_input_classes(G):
    assert input_nodes(G, "Equipment") == sorted(
        iri(x) for x in ("equipment/duv-machines", "equipment/etch-tools", "equipment/lithography-tools")
    )
    # by name: the matched input and everything that is a type of it
    assert input_nodes(G, "lithography") == [iri("equipment/duv-machines"), iri("equipment/lithography-tools")]
    assert iri("product/kirin-9000s") in input_nodes(G, "Product")
    with pytest.raises(InvalidParameter):
        what_if(G, remove=["SMIC"], input_class="unobtainium")
    with pytest.raises(InvalidParameter):
        what_if(G)


def test_projection_is_left_unchanged(G):
    edges = G.number_of_edges()
    what_if(G, remove=["Netherlands", "SMIC"])
    assert G.number_of_edges() == edges and iri("org/smic") in G
