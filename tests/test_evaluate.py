"""The scorer: matching through aliases, per-type and per-predicate counts, sanction pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef
from typer.testing import CliRunner

from graph.evaluate import evaluate_folder, normalise_name, score_extraction
from graph.records import Article, EntityRecord, Evidence, Extraction, Fact, SanctionRecord
from graph.vocab import CG

ID = "https://w3id.org/chipgraph/id/"
EV = Evidence("s", 0, 1, 0.5, "test")

GOLD = {
    "article": "a.txt",
    "entities": [
        {"name": "ASML", "type": "Company", "aliases": ["ASML Holding"]},
        {"name": "Netherlands", "type": "Country", "aliases": ["Dutch", "The Hague"]},
        {"name": "China", "type": "Country", "aliases": ["Chinese"]},
        {"name": "SMIC", "type": "Company", "aliases": []},
        {"name": "Huawei", "type": "Company", "aliases": []},
        {"name": "DUV lithography system", "type": "Equipment", "aliases": ["DUV machines"]},
    ],
    "relations": [
        {"subject": "ASML", "predicate": "headquarteredIn", "object": "Netherlands"},
        {"subject": "ASML", "predicate": "suppliesTo", "object": "SMIC"},
        {"subject": "SMIC", "predicate": "manufacturesFor", "object": "Huawei"},
        {"sanction": "x", "imposedBy": ["Netherlands"], "targets": ["China"], "restricts": ["DUV lithography system"]},
    ],
}


def entity(slug: str, cls: URIRef, label: str, *aliases: str) -> EntityRecord:
    return EntityRecord(URIRef(ID + slug), cls, label, aliases)


def extraction() -> Extraction:
    asml = entity("org/asml", CG.Company, "ASML Holding NV", "ASML Holding")
    nl = entity("country/netherlands", CG.Country, "the Netherlands", "Dutch")
    cn = entity("country/china", CG.Country, "China")
    smic = entity("org/smic", CG.Company, "SMIC")
    huawei = entity("org/huawei", CG.Company, "Huawei")
    duv = entity("equipment/duv", CG.Equipment, "DUV lithography system")
    intel = entity("org/intel", CG.Company, "Intel")
    sanction = URIRef(ID + "sanction/1")
    facts = (
        Fact(asml.iri, CG.headquarteredIn, nl.iri, EV),
        Fact(asml.iri, CG.manufacturesFor, smic.iri, EV),  # counts for the gold suppliesTo
        Fact(smic.iri, CG.suppliesTo, intel.iri, EV),  # wrong
        Fact(sanction, CG.imposedBy, nl.iri, EV),
        Fact(sanction, CG.targets, cn.iri, EV),
        Fact(sanction, CG.nodeThreshold, duv.iri, EV),
        Fact(sanction, CG.targets, smic.iri, EV),  # wrong
    )
    return Extraction(
        Article("a", "s"),
        "test",
        entities=(asml, nl, cn, smic, huawei, duv, intel),
        facts=facts,
        sanctions=(SanctionRecord(sanction, CG.ExportControl, "x", EV),),
    )


def test_scores_match_through_aliases() -> None:
    score = score_extraction(GOLD, extraction())
    assert (score.entity_total.tp, score.entity_total.fp, score.entity_total.fn) == (6, 1, 0)
    assert score.entities["Company"].fp == 1
    assert score.relations["headquarteredIn"].tp == 1
    assert score.relations["suppliesTo"].tp == 1  # a predicted manufacturesFor satisfies it
    assert score.relations["manufacturesFor"].fn == 1
    assert score.relation_total.fp == 1
    assert score.sanctions["target"].tp == 1 and score.sanctions["target"].fp == 1
    assert score.sanctions["restricts"].tp == 1


def test_measures() -> None:
    score = score_extraction(GOLD, extraction()).relation_total
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 / 3)


def test_types_must_agree() -> None:
    gold = {
        "entities": [{"name": "SMIC", "type": "Organization"}, {"name": "Intel", "type": "Country"}],
        "relations": [],
    }
    x = Extraction(
        Article("a", "s"),
        "t",
        entities=(entity("org/smic", CG.Company, "SMIC"), entity("org/intel", CG.Company, "Intel")),
    )
    score = score_extraction(gold, x)
    assert score.entity_total.tp == 1  # Organization in the gold accepts a company
    assert score.entities["Country"].fn == 1 and score.entities["Company"].fp == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Netherlands", "netherlands"),
        ("U.S.", "US"),
        ("ASML’s", "asml"),
        ("a factory in Chitose", "factory in Chitose"),
    ],
)
def test_normalise(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_folder_and_cli(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Dutch supplier ASML ships DUV machines to SMIC.", encoding="utf-8")
    (tmp_path / "gold" / "a.json").write_text(json.dumps(GOLD), encoding="utf-8")
    from tests.extract_support import extractor

    report = evaluate_folder(tmp_path / "gold", tmp_path / "articles", extractor())
    assert report.totals()["entities"].tp >= 3
    assert report.relations["headquarteredIn"].tp == 1

    from graph.cli import app

    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(tmp_path / "gold"), "--articles", str(tmp_path / "articles"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["overall"]) == {"entities", "relations", "sanctions"}
    assert data["articles"][0]["article"] == "a.txt"
    missing = CliRunner().invoke(app, ["evaluate", "--gold", str(tmp_path / "nope"), "--articles", str(tmp_path)])
    assert missing.exit_code != 0
