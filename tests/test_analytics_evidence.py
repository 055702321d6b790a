"""Evidence read on demand, and the same projection from every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analytics import dependency_paths, project, sanction_exposure
from graph.analytics.evidence import LazyEvidence, load_evidence
from graph.analytics.project import filter_projection
from graph.errors import StoreError
from graph.ids import ID_BASE
from graph.store import MemoryStore, Store

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"


def iri(local: str) -> str:
    return ID_BASE + local


def _snapshot(G: object) -> tuple[dict[str, dict[str, object]], dict[tuple[str, str, str], dict[str, object]]]:
    nodes = {n: dict(d) for n, d in G.nodes(data=True)}  # type: ignore[attr-defined]
    edges = {}
    for u, v, key, data in G.edges(keys=True, data=True):  # type: ignore[attr-defined]
        edges[(u, v, key)] = {k: tuple(val) if k == "evidence" else val for k, val in data.items()}
    return nodes, edges


def test_every_backend_projects_the_same_graph(store: Store) -> None:
    store.load(FIXTURE, "trig")
    reference = MemoryStore()
    reference.load(FIXTURE, "trig")
    assert _snapshot(project(store)) == _snapshot(project(reference))


def test_evidence_is_read_when_first_shown() -> None:
    store = MemoryStore()
    store.load(FIXTURE, "trig")
    G = project(store)
    evidence = G[iri("org/smic")][iri("org/huawei")]["manufacturesFor"]["evidence"]
    assert isinstance(evidence, LazyEvidence) and not evidence.loaded
    assert evidence.confidences == (0.9,) and evidence.graphs == (iri("article/a1"),)
    (ev,) = evidence
    assert evidence.loaded and ev.sentence == "SMIC mass produces chips designed by Huawei."
    # dependency answers keep the edges' evidence and read it when shown
    result = dependency_paths(G, "Netherlands", "Huawei")
    hop_evidence = [e.evidence for p in result.paths for h in p.hops for e in h.edges]
    assert any(isinstance(e, LazyEvidence) and not e.loaded for e in hop_evidence)
    data = result.to_dict()
    assert all(not isinstance(e, LazyEvidence) or e.loaded for e in hop_evidence)
    sentences = [ev["sentence"] for p in data["paths"] for h in p["hops"] for e in h["edges"] for ev in e["evidence"]]
    assert "SMIC uses Dutch-made DUV machines." in sentences


def test_facts_without_evidence_nodes_show_their_graph() -> None:
    store = MemoryStore()
    store.load(FIXTURE, "trig")
    G = project(store)
    (ev,) = G[iri("country/china")][iri("org/huawei")]["headquarteredIn"]["evidence"]
    assert (ev.source, ev.confidence, ev.sentence, ev.article) == ("supplybench", 1.0, None, None)


def test_filtered_evidence_keeps_only_what_passes() -> None:
    store = MemoryStore()
    store.load(FIXTURE, "trig")
    G = project(store)
    strict = filter_projection(G, min_confidence=0.9)
    for _u, _v, data in strict.edges(data=True):
        assert all(e.confidence >= 0.9 for e in data["evidence"])
        assert data["confidence"] == max(e.confidence for e in data["evidence"])
    news = filter_projection(G, sources=["news"])
    load_evidence(d["evidence"] for *_, d in news.edges(data=True))
    assert {e.source for *_, d in news.edges(data=True) for e in d["evidence"]} == {"news"}


def test_a_closed_store_is_reported_and_answers_read_before_closing_keep_their_evidence() -> None:
    store = MemoryStore()
    store.load(FIXTURE, "trig")
    G = project(store)
    kept = sanction_exposure(G, "Huawei", hops=2).load_evidence()
    unread = sanction_exposure(G, "SMIC", hops=2)
    store.close()
    assert kept.to_dict()["exposures"]
    with pytest.raises(StoreError):
        unread.to_dict()


def test_provision_rows_come_from_their_evidence_when_they_have_none(store: Store) -> None:
    store.load(FIXTURE, "trig")
    eto = "https://w3id.org/chipgraph/graph/eto"
    store.update(
        f"""PREFIX cg: <https://w3id.org/chipgraph/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        INSERT DATA {{ GRAPH <{eto}> {{
          <{iri("provision/9")}> a cg:Provision ; cg:provider <{iri("country/japan")}> ;
              cg:provided <{iri("equipment/duv-machines")}> ; cg:marketShare 30.0 .
          <{iri("evidence/p9")}> rdf:subject <{iri("provision/9")}> ; rdf:predicate cg:provided ;
              rdf:object <{iri("equipment/duv-machines")}> ; cg:sourceRow "provision.csv#9" . }} }}"""
    )
    G = project(store)
    data = G[iri("country/japan")][iri("equipment/duv-machines")]["provides"]
    assert [e.row for e in data["evidence"]] == ["provision.csv#9"] and data["share"] == 30.0
    # provisions with a row of their own keep it
    assert G[iri("country/netherlands")][iri("equipment/lithography-tools")]["provides"]["evidence"][0].row == (
        "provision.csv#1"
    )
