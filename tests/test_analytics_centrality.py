"""Degree, PageRank and betweenness rankings per type."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.analytics import betweenness, centrality_rankings, pagerank, projection
from graph.errors import InvalidParameter
from graph.store import MemoryStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"


@pytest.fixture(scope="module")
def G():
    s = MemoryStore()
    s.load(FIXTURE, "trig")
    return projection(s)


def test_smic_is_the_most_between_company(G):
    result = centrality_rankings(G, types=["Company"], layers=["supply"], top=3)
    (companies,) = result.rankings
    assert [r.entity.label for r in companies.betweenness[:2]] == ["SMIC", "TSMC"]
    assert (
        companies.degree[0].entity.label == "SMIC" and companies.degree[0].value == 5.0
    )  # DUV, etch tools, ASML, Huawei, Kirin
    assert companies.count == 8 and len(companies.pagerank) == 3
    assert not result.approximate


def test_rankings_for_every_type(G):
    result = centrality_rankings(G)
    assert {r.type for r in result.rankings} >= {"Company", "Country", "Equipment", "Product"}


def test_pagerank_is_a_distribution(G):
    ranks = pagerank(G, ["supply"])
    assert sum(ranks.values()) == pytest.approx(1.0, abs=1e-4)
    assert max(ranks, key=ranks.get).endswith("mate-60-pro")  # rank flows downstream


def test_sampled_betweenness(G):
    values, samples = betweenness(G, ["supply"], k=5, seed=1)
    assert samples == 5 and set(values) == set(G)
    result = centrality_rankings(G, k=5)
    assert result.approximate and result.samples == 5


def test_bad_arguments(G):
    with pytest.raises(InvalidParameter):
        centrality_rankings(G, types=["Spaceship"])
    with pytest.raises(InvalidParameter):
        centrality_rankings(G, top=0)


@pytest.mark.parametrize("k", [1, 7, 40])
def test_sampled_betweenness_matches_networkx(k):
    from graph.analytics.centrality import _sampled_betweenness

    D = nx.gnp_random_graph(60, 0.08, seed=3, directed=True)
    D = nx.relabel_nodes(D, {n: f"n{n}" for n in D})
    mine = _sampled_betweenness(D, k, seed=5)
    reference = nx.betweenness_centrality(D, k=k, seed=5)
    assert mine.keys() == reference.keys()
    assert all(mine[n] == reference[n] or (mine[n] != mine[n] and reference[n] != reference[n]) for n in mine)
