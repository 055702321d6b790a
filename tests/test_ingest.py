"""Ingestion and the provenance model: one named graph per article, evidence
per fact, idempotent re-ingest, replacement, exact removal (every backend)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rdflib import RDF, Literal

from graph.errors import ArticleNotFound, EmptyArticle
from graph.ids import ONTOLOGY_GRAPH, REFERENCE_GRAPH, mint_article, mint_entity
from graph.kg import KnowledgeGraph
from graph.prefixes import SPARQL_PREFIXES
from graph.provenance import graph_is_whole
from graph.settings import Settings
from graph.vocab import CG
from tests.support import KeywordExtractor

ACME = mint_entity(CG.Company, "Acme Foundry")
GLOBEX = mint_entity(CG.Company, "Globex Chips")
INITECH = mint_entity(CG.Company, "Initech Tools")

ONE = "Initech Tools supplies Acme Foundry. Acme Foundry makes 5nm chips.\n\nRuritania bans exports to Globex Chips."
TWO = "Market report. Initech Tools supplies Acme Foundry."


@pytest.fixture
def kg(settings: Settings) -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.open(settings, extractor=KeywordExtractor())
    try:
        yield graph
    finally:
        graph.close()


def dump(kg: KnowledgeGraph) -> str:
    out = io.BytesIO()
    kg.export(out, "nquads")
    return "\n".join(sorted(out.getvalue().decode().splitlines()))


def test_bootstrap_loads_ontology_and_reference(kg: KnowledgeGraph) -> None:
    graphs = kg.store.graph_names()
    assert ONTOLOGY_GRAPH in graphs
    assert kg.store.ask(
        SPARQL_PREFIXES + "ASK { GRAPH ?g { cg:Company rdfs:subClassOf cg:Organization } }", {"g": ONTOLOGY_GRAPH}
    )
    if REFERENCE_GRAPH in graphs:
        assert kg.store.count(REFERENCE_GRAPH) > 0


def test_article_becomes_its_own_named_graph_with_evidence(kg: KnowledgeGraph) -> None:
    result = kg.ingest_text(ONE, article_id="one", title="One", url="https://news.example/one", published="2023-05-01")
    assert result.status == "added" and result.facts == 4 and result.sanctions == 1
    article = mint_article("one")
    assert article in kg.store.graph_names()
    # the fact is in the article's graph
    assert kg.store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": article, "s": INITECH, "p": CG.suppliesTo, "o": ACME})
    # its evidence names the statement, the sentence, offsets, confidence and rule
    rows = kg.query(
        SPARQL_PREFIXES
        + """SELECT ?sentence ?start ?end ?conf ?rule ?from WHERE { GRAPH ?g {
             ?ev a cg:Evidence ; rdf:subject ?s ; rdf:predicate cg:suppliesTo ; rdf:object ?o ;
                 cg:sentence ?sentence ; cg:charStart ?start ; cg:charEnd ?end ; cg:confidence ?conf ;
                 cg:rule ?rule ; prov:wasDerivedFrom ?from } }""",
        {"g": article, "s": INITECH, "o": ACME},
    )
    assert len(rows) == 1
    row = rows[0]
    text = kg.article("one")["text"]
    assert text[int(row["start"]) : int(row["end"])] == str(row["sentence"]) == "Initech Tools supplies Acme Foundry."
    assert float(row["conf"]) == 0.9 and str(row["rule"]) == "test-supplies" and row["from"] == article
    # article metadata and mentions
    meta = kg.article("one")
    assert meta["title"] == "One" and meta["url"] == "https://news.example/one" and meta["published"] == "2023-05-01"
    assert len(meta["sha256"]) == 64 and meta["extractor"] == "test-keywords/1"
    mentioned = {r["e"] for r in kg.query(SPARQL_PREFIXES + "SELECT ?e WHERE { ?a cg:mentions ?e }", {"a": article})}
    assert {ACME, GLOBEX, INITECH} <= mentioned
    # the sanction is a first-class node with its roles
    rows = kg.query(
        SPARQL_PREFIXES + "SELECT ?s ?status WHERE { ?s a cg:ExportControl ; cg:targets ?t ; cg:status ?status }",
        {"t": GLOBEX},
    )
    assert [r["status"] for r in rows] == [CG.InForce]


def test_graph_is_whole(kg: KnowledgeGraph) -> None:
    kg.ingest_text(ONE, article_id="one")
    article = mint_article("one")
    triples = [(s, p, o) for s, p, o, _ in kg.store.quads(graph=article)]
    assert graph_is_whole(triples, article)
    assert not graph_is_whole(triples[:-1] if triples[-1][1] != CG.statementCount else triples[1:], article)


def test_reingesting_an_unchanged_article_changes_nothing(kg: KnowledgeGraph) -> None:
    kg.ingest_text(ONE, article_id="one")
    before, generation = dump(kg), kg.generation
    again = kg.ingest_text(ONE, article_id="one")
    assert again.status == "unchanged"
    assert dump(kg) == before and kg.generation == generation


def test_changed_article_replaces_its_graph(kg: KnowledgeGraph) -> None:
    kg.ingest_text(ONE, article_id="one")
    changed = kg.ingest_text("Globex Chips supplies Initech Tools.", article_id="one")
    assert changed.status == "replaced"
    article = mint_article("one")
    facts = {(s, o) for s, p, o, _ in kg.store.quads(predicate=CG.suppliesTo, graph=article)}
    assert facts == {(GLOBEX, INITECH)}
    assert not kg.store.ask(SPARQL_PREFIXES + "ASK { ?s a cg:Sanction }")


def test_removal_removes_exactly_the_articles_facts(kg: KnowledgeGraph) -> None:
    kg.ingest_text(ONE, article_id="one")
    only_two = dump(kg)
    kg.ingest_text(TWO, article_id="two")
    kg.remove_article("two")
    assert dump(kg) == only_two
    # a fact stated by both articles survives the removal of one of them
    kg.ingest_text(TWO, article_id="two")
    kg.remove_article("one")
    assert kg.store.ask("ASK { ?s ?p ?o }", {"s": INITECH, "p": CG.suppliesTo, "o": ACME})
    assert not kg.store.ask("ASK { ?s ?p ?o }", {"s": ACME, "p": CG.atNode})
    with pytest.raises(ArticleNotFound):
        kg.remove_article("one")


def test_same_entity_across_articles_is_one_node(kg: KnowledgeGraph) -> None:
    kg.ingest_text(ONE, article_id="one")
    kg.ingest_text(TWO, article_id="two")
    rows = kg.query(SPARQL_PREFIXES + "SELECT DISTINCT ?e WHERE { ?e rdfs:label ?l } ", {"l": Literal("Acme Foundry")})
    assert [r["e"] for r in rows] == [ACME]
    assert kg.stats()["articles"] == 2


def test_empty_article_is_refused_and_nothing_written(kg: KnowledgeGraph) -> None:
    before = dump(kg)
    with pytest.raises(EmptyArticle):
        kg.ingest_text("   \n  ")
    assert dump(kg) == before


def test_articles_listing(kg: KnowledgeGraph) -> None:
    kg.ingest_text(ONE, article_id="one", title="First")
    kg.ingest_text(TWO, article_id="two")
    listing = kg.articles()
    assert [a["id"] for a in listing] == ["one", "two"]
    assert (
        listing[0]["title"] == "First" and listing[1]["title"] == "Market report. Initech Tools supplies Acme Foundry."
    )
    assert all(a["statements"] and a["statements"] > 5 for a in listing)
    assert RDF.type  # keep the import meaningful for readers: typing triples are in each graph
