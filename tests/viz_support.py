"""A graph for the page tests: the mini graph plus an ingested article whose entity names, sanction
name and evidence sentence try to inject markup and script.

The article goes through ``KnowledgeGraph.ingest_article`` like any other (an extractor that
names what it finds after the hostile strings), so its facts carry real evidence nodes.
"""

from __future__ import annotations

from datetime import date

from rdflib import Literal
from rdflib.namespace import XSD

from graph.ids import ID_BASE, local_id, mint, mint_entity
from graph.kg import KnowledgeGraph
from graph.records import Article, EntityRecord, Evidence, Extraction, Fact, SanctionRecord
from graph.settings import Settings
from graph.store import MemoryStore
from graph.vocab import CG

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = '<img src=x onerror="window.__pwned=1">'
QUOTE_NAME = "Quote\"'Corp </script><script>window.__pwned=2</script>"
EVIL_NAMES = (SCRIPT_NAME, IMG_NAME, QUOTE_NAME)
SANCTION_NAME = '<svg onload="window.__pwned=3"> export ban'
ARTICLE_TEXT = (
    f"{SCRIPT_NAME} supplies SMIC, and {IMG_NAME} supplies it too; "
    f'{QUOTE_NAME} makes chips for Huawei & "friends" <b>bold</b>. '
    'Washington bans <iframe src="javascript:window.__pwned=4"></iframe> exports.'
)
ARTICLE_ID = "hostile-viz"


def evil_iri(name: str) -> str:
    return str(mint_entity(CG.Company, name))


def evil_id(name: str) -> str:
    local = local_id(evil_iri(name))
    assert local is not None
    return local


class HostileExtractor:
    """Reports the hostile entities and facts for the hostile article, nothing for others."""

    name = "test-hostile-viz/1"

    def extract(self, article: Article) -> Extraction:
        if article.id != ARTICLE_ID:
            return Extraction(article, self.name)
        text = article.text
        evidence = Evidence(text, 0, len(text), 0.8, "test-hostile")
        evil = [EntityRecord(mint_entity(CG.Company, n), CG.Company, n) for n in EVIL_NAMES]
        smic = EntityRecord(mint_entity(CG.Company, "SMIC"), CG.Company, "SMIC")
        huawei = EntityRecord(mint_entity(CG.Company, "Huawei"), CG.Company, "Huawei")
        us = EntityRecord(mint_entity(CG.Country, "United States"), CG.Country, "United States")
        sanction = SanctionRecord(
            mint("sanction", ARTICLE_ID, "ban"),
            CG.ExportControl,
            SANCTION_NAME,
            evidence,
            status=CG.InForce,
            date=Literal("2024-01", datatype=XSD.gYearMonth),
        )
        facts = (
            Fact(evil[0].iri, CG.suppliesTo, smic.iri, evidence),
            Fact(evil[1].iri, CG.suppliesTo, smic.iri, evidence),
            Fact(evil[1].iri, CG.suppliesTo, evil[0].iri, evidence),
            Fact(evil[2].iri, CG.manufacturesFor, huawei.iri, evidence),
            Fact(sanction.iri, CG.imposedBy, us.iri, evidence),
            Fact(sanction.iri, CG.targets, evil[1].iri, evidence),
        )
        return Extraction(article, self.name, (*evil, smic, huawei, us), facts, (sanction,))


def hostile_graph(settings: Settings) -> KnowledgeGraph:
    """The mini graph (tests/fixtures/mini.trig) plus the ingested hostile article."""
    from conftest_api import FIXTURES

    kg = KnowledgeGraph(MemoryStore(), settings, extractor=HostileExtractor())
    kg.bootstrap()
    kg.store.load(FIXTURES / "mini.trig", "trig")
    article = Article(ARTICLE_ID, ARTICLE_TEXT, title='<script>alert("title")</script>', published=date(2024, 1, 5))
    result = kg.ingest_article(article)
    assert result.status == "added", result
    return kg


__all__ = [
    "ARTICLE_ID",
    "ARTICLE_TEXT",
    "EVIL_NAMES",
    "ID_BASE",
    "IMG_NAME",
    "QUOTE_NAME",
    "SANCTION_NAME",
    "SCRIPT_NAME",
    "HostileExtractor",
    "evil_id",
    "evil_iri",
    "hostile_graph",
]
