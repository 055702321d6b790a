"""Seed scenarios end to end: the five seed articles, extracted, then analysed.

Skips while the extractor (issue 3) cannot run, or does not yet extract the
gold facts these scenarios stand on (SMIC manufactures for Huawei, SMIC uses
the US and Dutch-made machinery). Set CHIPGRAPH_SEED_ANALYTICS=1 to run them
regardless (the lead turns them on once extraction is there).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.analytics import dependency_paths, projection, sanction_exposure, target_chokepoints
from graph.entities import EntityIndex
from graph.kg import KnowledgeGraph
from graph.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _extractor_problem() -> str | None:
    try:
        from graph.extract import load_extractor

        load_extractor(Settings(backend="memory"))
    except Exception as exc:  # any failure to set up the extractor means: not available yet
        return f"the extractor is not available yet ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="module")
def seeded():
    problem = _extractor_problem()
    if problem:
        pytest.skip(problem)
    kg = KnowledgeGraph.open(Settings(backend="memory", seeds=SEEDS))
    results = kg.ingest_paths([SEEDS])
    assert all(r.status != "failed" for r in results), [r.error for r in results if r.error]
    index = EntityIndex(kg.store)
    G = projection(kg)
    if not os.environ.get("CHIPGRAPH_SEED_ANALYTICS"):
        smic, huawei = index.resolve("SMIC"), index.resolve("Huawei")
        supply_in = {u for u, _, layer in G.in_edges(smic, data="layer") if layer == "supply"}
        if not (G.has_edge(smic, huawei) and any("Equipment" in G.nodes[u]["types"] for u in supply_in)):
            pytest.skip(
                "the extractor does not yet extract the gold facts the seed scenarios need "
                "(SMIC manufacturesFor Huawei; SMIC uses equipment); set CHIPGRAPH_SEED_ANALYTICS=1 to run anyway"
            )
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
