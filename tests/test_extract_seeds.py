"""End to end: the seed articles become a graph holding the mission's facts, each with its sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.kg import KnowledgeGraph
from graph.prefixes import SPARQL_PREFIXES
from graph.settings import Settings
from graph.validate import validate_store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def kg() -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.open(Settings(backend="memory"))
    results = graph.ingest_paths([SEEDS])
    assert [r.status for r in results] == ["added"] * 5
    yield graph
    graph.close()


def iri(local: str) -> str:
    return f"<https://w3id.org/chipgraph/id/{local}>"


def evidence(kg: KnowledgeGraph, s: str, p: str, o: str) -> list[str]:
    rows = kg.query(
        SPARQL_PREFIXES
        + f"""SELECT DISTINCT ?sentence WHERE {{
            {iri(s)} cg:{p} {iri(o)} .
            ?ev rdf:subject {iri(s)} ; rdf:predicate cg:{p} ; rdf:object {iri(o)} ; cg:sentence ?sentence .
        }}"""
    )
    return [str(r["sentence"]) for r in rows]


def sanctions_with(kg: KnowledgeGraph, *roles: tuple[str, str]) -> list[dict[str, str]]:
    """Sanctions having every (predicate, object) role, with kind, status, date and sentence."""
    patterns = " ".join(f"?s cg:{p} {iri(o)} ." for p, o in roles)
    rows = kg.query(
        SPARQL_PREFIXES
        + f"""SELECT ?s ?kind ?status ?date ?threshold ?sentence WHERE {{
            ?s a ?kind . ?kind rdfs:subClassOf* cg:Sanction . {patterns}
            ?ev rdf:subject ?s ; rdf:predicate rdf:type ; cg:sentence ?sentence .
            OPTIONAL {{ ?s cg:status ?status }} OPTIONAL {{ ?s cg:date ?date }} OPTIONAL {{ ?s cg:thresholdNm ?threshold }}
        }}"""
    )
    return [{k: str(v) for k, v in r.items()} for r in rows]


@pytest.mark.parametrize(
    ("s", "p", "o", "words"),
    [
        ("org/smic", "atNode", "node/7nm", "7-nanometer"),
        ("org/smic", "atNode", "node/5nm", "five-nanometer"),
        ("org/smic", "manufacturesFor", "org/huawei", "created by Huawei"),
        ("org/asml", "headquarteredIn", "country/netherlands", "Dutch supplier ASML"),
        ("org/asml", "suppliesTo", "org/smic", "ASML"),
    ],
)
def test_mission_facts_with_their_sentence(kg: KnowledgeGraph, s: str, p: str, o: str, words: str) -> None:
    sentences = evidence(kg, s, p, o)
    assert sentences, f"{s} {p} {o} missing"
    assert any(words in sentence for sentence in sentences)


def test_us_moves_against_asml_supplying_smic(kg: KnowledgeGraph) -> None:
    found = sanctions_with(kg, ("imposedBy", "country/united-states"), ("targets", "org/smic"))
    assert any("ASML" in s["sentence"] for s in found)


def test_2020_export_control_on_smic_with_threshold(kg: KnowledgeGraph) -> None:
    found = sanctions_with(
        kg, ("imposedBy", "country/united-states"), ("targets", "org/smic"), ("nodeThreshold", "node/10nm")
    )
    assert any(s.get("date") == "2020" and s.get("threshold") in ("10", "10.0") for s in found)
    assert all(s["sentence"].startswith("In 2020") for s in found)


def test_2022_us_measures(kg: KnowledgeGraph) -> None:
    found = sanctions_with(kg, ("imposedBy", "country/united-states"), ("targets", "country/china"))
    assert any(s.get("date") == "2022" for s in found)


def test_netherlands_japan_agreement(kg: KnowledgeGraph) -> None:
    found = sanctions_with(
        kg,
        ("imposedBy", "country/netherlands"),
        ("imposedBy", "country/japan"),
        ("targets", "country/china"),
        ("restricts", "equipment/chipmaking-equipment"),
    )
    assert any("agreement" in s["sentence"] for s in found)


def test_a100_h100_ban(kg: KnowledgeGraph) -> None:
    found = sanctions_with(
        kg, ("imposedBy", "country/united-states"), ("restricts", "product/a100"), ("restricts", "product/h100")
    )
    assert any(s.get("date") == "2022-08" for s in found)


def test_samsung_sk_hynix_tsmc_exemption(kg: KnowledgeGraph) -> None:
    found = sanctions_with(
        kg,
        ("exempts", "org/samsung-electronics"),
        ("exempts", "org/sk-hynix"),
        ("exempts", "org/tsmc"),
    )
    assert found
    assert all(s["kind"].endswith("Exemption") and s.get("status", "").endswith("Extended") for s in found)


def test_attribution_is_kept(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        SPARQL_PREFIXES
        + f"SELECT ?ev WHERE {{ ?ev rdf:subject {iri('org/smic')} ; cg:reportedBy {iri('org/bloomberg')} }}"
    )
    assert rows


def test_seed_graph_validates(kg: KnowledgeGraph) -> None:
    report = validate_store(kg.store)
    assert report.conforms, report.results[:5]
