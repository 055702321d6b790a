"""Seed scenarios end to end: the five seed articles, extracted with the real
extractor, then analysed (the mission's questions on the seed graph)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import dependency_paths, projection, sanction_exposure, target_chokepoints
from graph.entities import EntityIndex
from graph.kg import KnowledgeGraph
from graph.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeded():
    kg = KnowledgeGraph.open(Settings(backend="memory", seeds=SEEDS))
    results = kg.ingest_paths([SEEDS])
    assert all(r.status != "failed" for r in results), [r.error for r in results if r.error]
    index = EntityIndex(kg.store)
    G = projection(kg)
    return kg, index, G


def test_netherlands_through_smic_to_huawei(seeded):
    _kg, index, G = seeded
    result = dependency_paths(G, index.resolve("Netherlands"), index.resolve("Huawei"), k=10)
    smic = index.resolve("SMIC")
    assert result.found, result.message
    assert any(smic in path.nodes for path in result.paths), [p.describe() for p in result.paths]


def test_united_states_through_equipment_to_smic(seeded):
    _kg, index, G = seeded
    result = dependency_paths(G, index.resolve("United States"), index.resolve("SMIC"), k=10)
    assert result.found, result.message
    assert any("Equipment" in hop.target.types for path in result.paths for hop in path.hops[:-1]), [
        p.describe() for p in result.paths
    ]


def test_huawei_exposure_lists_us_measures(seeded):
    _kg, index, G = seeded
    result = sanction_exposure(G, index.resolve("Huawei"))
    us = index.resolve("United States")
    assert any(us in {i.iri for i in s.imposers} for s in result.sanctions), [
        s.sanction.label for s in result.sanctions
    ]


def test_smic_is_a_chokepoint_of_huawei(seeded):
    _kg, index, G = seeded
    result = target_chokepoints(G, index.resolve("Huawei"))
    assert index.resolve("SMIC") in {c.entity.iri for c in result.dominators}, [
        (c.entity.label, c.coverage) for c in result.coverage
    ]
