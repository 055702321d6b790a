"""The analytics commands end to end, on an embedded store loaded from the mini fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.store import EmbeddedStore

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("analytics") / "store"
    store = EmbeddedStore(path)
    store.load(FIXTURE, "trig")
    store.close()
    return str(path)


def run(store_dir: str, *args: str) -> str:
    result = runner.invoke(app, [*args, "--store", store_dir])
    assert result.exit_code == 0, result.output
    return result.output


def test_paths_by_name_with_evidence(store_dir):
    out = run(store_dir, "paths", "Netherlands", "Huawei")
    assert "Dutch-made DUV machines" in out and "SMIC" in out
    assert "SMIC mass produces chips designed by Huawei." in out
    data = json.loads(run(store_dir, "paths", "Netherlands", "Huawei", "-k", "1", "--json"))
    assert len(data["paths"]) == 1
    hops = data["paths"][0]["hops"]
    assert [h["target"]["label"] for h in hops][-1] == "Huawei"
    assert all(h["edges"][0]["evidence"] for h in hops)


def test_paths_without_a_directed_path(store_dir):
    out = run(store_dir, "paths", "Huawei", "Netherlands")
    assert "no dependency path" in out and "nearest connection" in out


def test_paths_filters(store_dir):
    data = json.loads(run(store_dir, "paths", "Netherlands", "Huawei", "--source", "news", "--json"))
    assert len(data["paths"]) == 1
    data = json.loads(run(store_dir, "paths", "Netherlands", "Huawei", "--as-of", "2023-06-01", "--json"))
    assert [h["target"]["label"] for h in data["paths"][0]["hops"]] == ["Dutch-made DUV machines", "SMIC", "Huawei"]


def test_upstream_and_downstream(store_dir):
    out = run(store_dir, "upstream", "Huawei", "--depth", "2")
    assert "by type" in out and "by country" in out and "Tokyo Electron" in out
    data = json.loads(run(store_dir, "downstream", "SMIC", "--json"))
    assert {m["entity"]["label"] for m in data["members"]} >= {"Huawei", "Kirin 9000S", "Mate 60 Pro"}


def test_chokepoints(store_dir):
    out = run(store_dir, "chokepoints", "Huawei", "--min-confidence", "0.5")
    assert "every supply path passes through: SMIC" in out
    data = json.loads(run(store_dir, "chokepoints", "--top", "3", "--json"))
    assert len(data["ranking"]) == 3 and data["ranking"][0]["score"] >= data["ranking"][-1]["score"]


def test_exposure(store_dir):
    out = run(store_dir, "exposure", "Huawei")
    assert "US Entity List addition of Huawei" in out and "United States" in out and "InForce" in out
    data = json.loads(run(store_dir, "exposure", "Huawei", "--hops", "0", "--json"))
    assert [s["sanction"]["label"] for s in data["sanctions"]] == ["US Entity List addition of Huawei"]
    data = json.loads(run(store_dir, "exposure", "--sanction", "US October 2022 export controls", "--json"))
    assert {r["entity"]["label"] for r in data["direct"]} == {"China", "US etch tools"}


def test_whatif(store_dir):
    out = run(store_dir, "whatif", "--remove", "Netherlands", "--remove", "US", "--entity", "SMIC")
    assert "exports stopped" in out and "lose every path to Equipment" in out and "SMIC" in out
    data = json.loads(run(store_dir, "whatif", "--cut", "ASML:TSMC", "--input-class", "Company", "--json"))
    assert data["cut_edges_total"] == 1


def test_countries_and_centrality(store_dir):
    out = run(store_dir, "countries")
    assert "Netherlands" in out and "China" in out
    data = json.loads(run(store_dir, "centrality", "--type", "Company", "--layer", "supply", "--json"))
    assert data["rankings"][0]["betweenness"][0]["entity"]["label"] == "SMIC"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["paths", "Xqzzyvw", "Huawei"], 3),
        (["paths", "Netherlands", "Huawei", "--source", "blog"], 2),
        (["exposure", "Huawei", "--sanction", "US October 2022 export controls"], 2),
        (["whatif", "--cut", "ASML-TSMC"], 2),
        (["paths", "Netherlands", "Huawei", "--as-of", "soon"], 2),
    ],
)
def test_errors_exit_with_a_message(store_dir, args, code):
    result = runner.invoke(app, [*args, "--store", store_dir])
    assert result.exit_code == code
    assert "error" in result.output
