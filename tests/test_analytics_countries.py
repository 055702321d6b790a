"""The country x country dependency matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import country_matrix, projection
from graph.store import MemoryStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    s = MemoryStore()
    s.load(FIXTURE, "trig")
    return s


def test_counts_and_share_weights(store):
    m = country_matrix(projection(store))
    counts = {(c.supplier.rsplit("/", 1)[-1], c.dependent.rsplit("/", 1)[-1]): c.count for c in m.cells if c.count}
    assert counts == {
        ("netherlands", "china"): 2,  # DUV machines and ASML to SMIC
        ("united-states", "china"): 1,  # etch tools to SMIC
        ("china", "china"): 1,  # SMIC to Huawei
        ("netherlands", "taiwan"): 1,
        ("japan", "taiwan"): 1,
        ("taiwan", "united-states"): 1,
        ("taiwan", "china"): 1,  # the 0.4 TSMC -> Huawei fact
    }
    assert m.weighted
    # DUV machines inherit lithography shares (NL 90, JP 10), etch tools US 55 / JP 45, both used by SMIC
    assert m.weight("country/netherlands", "country/china") == pytest.approx(0.9)
    assert m.weight("country/united-states", "country/china") == pytest.approx(0.55)
    assert m.weight("country/japan", "country/china") == pytest.approx(0.55)
    assert m.count("country/japan", "country/china") == 0
    totals = {c.label: (c.supplies, c.depends) for c in m.countries}
    assert totals["China"] == (0, 4) and totals["Netherlands"] == (3, 0) and totals["Taiwan"] == (2, 2)


def test_filters_apply(store):
    m = country_matrix(projection(store, min_confidence=0.5))
    assert m.count("country/taiwan", "country/china") == 0
    news = country_matrix(projection(store, sources=["news"]))
    assert not news.weighted  # no ETO provisions
    # headquarters come from datasets: news alone gives SMIC no country, so nothing is counted into China
    assert news.count("country/netherlands", "country/china") == 0
