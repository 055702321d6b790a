"""SupplyBench import: mapped companies, sites and flows; its raw graph and its 67 questions.

Runs on the real dataset in ``../shared/data/supplybench`` (never copied
into the repository); skips visibly when it is absent.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import SHARED_DATA
from rdflib import URIRef
from rdflib.term import Node

from graph.ids import ID_BASE, SUPPLYBENCH_GRAPH, SUPPLYBENCH_RAW_GRAPH
from graph.importers import import_supplybench
from graph.importers.supplybench import load_questions, question_query
from graph.kg import KnowledgeGraph
from graph.prefixes import SPARQL_PREFIXES
from graph.settings import Settings

SB_DIR = SHARED_DATA / "supplybench"
SB = "https://solid.iis.fraunhofer.de/oe-40200/2024/10/velektronik-graph-clean/"
ESN = "https://paul.ti.rw.fau.de/~ju32haqi/supply-networks/abstraction-examples/esn-ontology#"


def iri(local: str) -> URIRef:
    return URIRef(ID_BASE + local)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if not (SB_DIR / "abox.ttl").is_file():
        pytest.skip(f"SupplyBench not found at {SB_DIR} (set CHIPGRAPH_SHARED_DATA)")
    settings = Settings(store=tmp_path_factory.mktemp("supplybench") / "store", shared_data=SHARED_DATA)
    kg = KnowledgeGraph.open(settings)
    result = import_supplybench(kg)
    yield kg, result
    kg.close()


@pytest.fixture(scope="module")
def direct() -> ox.Store:
    """The SupplyBench files loaded straight into a plain pyoxigraph store."""
    if not (SB_DIR / "abox.ttl").is_file():
        pytest.skip(f"SupplyBench not found at {SB_DIR}")
    store = ox.Store()
    for name in ("abox.ttl", "tbox.ttl"):
        store.bulk_load(path=str(SB_DIR / name), format=ox.RdfFormat.TURTLE)
    return store


def rows(kg: KnowledgeGraph, query: str, **bindings: Node) -> list[dict]:
    return kg.store.select(SPARQL_PREFIXES + query, bindings or None)


def test_counts(imported):
    _kg, result = imported
    counts = result.counts
    assert result.status == "added"
    assert counts["enterprises"] == 440 and counts["facilities"] == 608 and counts["operates"] == 608
    # 1,104 flows: 11 name a party the abox never describes
    assert counts["flows"] + counts["flows:party-undescribed"] == 1104
    # every enterprise gets a home country, unless it has no registered site or no country up its
    # site's chain (unresolved), or the reference list says otherwise (conflict)
    homes = counts["headquarters"] + counts.get("headquarters:unresolved", 0) + counts.get("headquarters_conflicts", 0)
    assert homes == 440 and counts["headquarters"] > 400
    assert result.seconds < 60


def test_raw_graph_holds_the_files_unchanged(imported, direct):
    kg, result = imported
    assert kg.store.count(SUPPLYBENCH_RAW_GRAPH) == len(direct) == result.counts["raw_triples"]
    recorded = rows(
        kg,
        "SELECT ?n WHERE { GRAPH ?g { ?raw <http://rdfs.org/ns/void#triples> ?n } }",
        g=SUPPLYBENCH_GRAPH,
        raw=SUPPLYBENCH_RAW_GRAPH,
    )
    assert int(recorded[0]["n"]) == len(direct)


def _key(term: Any) -> str:
    if term is None:
        return ""
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


QUESTIONS = load_questions(SB_DIR) if (SB_DIR / "queries.n3").is_file() else []


def test_there_are_67_questions():
    if not QUESTIONS:
        pytest.skip(f"SupplyBench questions not found at {SB_DIR}")
    assert len(QUESTIONS) == 67


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.label for q in QUESTIONS])
def test_each_question_answers_as_on_the_raw_files(imported, direct, question):
    kg, _ = imported
    expected = direct.query(question_query(question, None))
    names = expected.variables
    want = Counter(tuple(_key(solution[v]) for v in names) for solution in expected)
    outcome = kg.store.evaluate(question_query(question))
    got = Counter(tuple(_key(term) for term in row) for row in outcome.rows)
    assert want, f"{question.label}: no answer on the raw files"
    assert got == want


def test_companies_resolve_by_wikidata_first(imported):
    _kg, result = imported
    entries = {a.key: a for a in result.alignment.entries}
    tsmc = entries["supplybench:weQ20"]
    assert tsmc.name == "Taiwan Semiconductor Manufacturing Company"
    assert tsmc.iri == str(iri("org/tsmc")) and tsmc.how == "wikidata"
    smic = entries["supplybench:weQ45"]
    assert smic.iri == str(iri("org/smic"))
    assert entries["supplybench:weQ1029"].iri == str(iri("org/asml"))
    assert result.alignment.counts()["how:wikidata"] > 100


def test_companies_sharing_a_word_stay_apart(imported):
    _kg, result = imported
    by_name = {a.name: a for a in result.alignment.entries if a.kind == "organization"}
    amcc = by_name["Applied Micro Circuits Corporation"]
    assert amcc.iri != str(iri("org/applied-materials")) and amcc.how == "new"
    assert by_name["Applied Materials"].iri == str(iri("org/applied-materials"))
    misses = {(m.name, m.candidate_label) for m in result.alignment.near_misses}
    assert ("Applied Micro Circuits Corporation", "Applied Materials") in misses


def test_supply_flows_become_supplies_to_with_their_row(imported):
    kg, _ = imported
    flow = URIRef(SB + "company/weQ1030.ttl#Q1153")  # an undescribed party: skipped
    assert not rows(kg, "SELECT ?ev WHERE { ?ev prov:wasDerivedFrom ?f }", f=flow)
    found = rows(
        kg,
        """SELECT ?row ?flow ?kind WHERE { GRAPH ?g { ?smic cg:suppliesTo ?nvidia .
            ?ev rdf:subject ?smic ; rdf:predicate cg:suppliesTo ; rdf:object ?nvidia ;
                cg:sourceRow ?row ; prov:wasDerivedFrom ?flow ; cg:sourceKind ?kind ; cg:sourceDataset ?g } }""",
        g=SUPPLYBENCH_GRAPH,
        smic=iri("org/smic"),
        nvidia=iri("org/nvidia"),
    )
    assert len(found) == 1 and str(found[0]["kind"]) == "supplybench"
    # the evidence leads back to the flow in the raw graph
    raw = rows(
        kg,
        "PREFIX esn: <" + ESN + "> SELECT ?s ?c WHERE { GRAPH ?raw { ?flow esn:supplier ?s ; esn:customer ?c } }",
        raw=SUPPLYBENCH_RAW_GRAPH,
        flow=found[0]["flow"],
    )
    assert [(str(r["s"]), str(r["c"])) for r in raw] == [(SB + "company/weQ45.ttl#this", SB + "company/weQ21.ttl#this")]
    assert str(found[0]["row"]) == "abox.ttl#" + str(found[0]["flow"]).removeprefix(SB)


def test_headquarters_sites_and_countries(imported):
    kg, _ = imported
    home = rows(
        kg,
        "SELECT ?c WHERE { GRAPH ?g { ?asml cg:headquarteredIn ?c } }",
        g=SUPPLYBENCH_GRAPH,
        asml=iri("org/asml"),
    )
    assert [str(r["c"]) for r in home] == [str(iri("country/netherlands"))]
    sites = rows(
        kg,
        """SELECT ?f ?label ?country WHERE { GRAPH ?g { ?intel cg:operates ?f . ?f a cg:Facility ; rdfs:label ?label .
            OPTIONAL { ?f cg:locatedIn ?country } } }""",
        g=SUPPLYBENCH_GRAPH,
        intel=iri("org/intel"),
    )
    assert len({str(r["f"]) for r in sites}) >= 5
    assert str(iri("country/united-states")) in {str(r.get("country")) for r in sites}
    # a PCLI country missing from the reference list is minted, with its Wikidata id
    minted = rows(
        kg,
        "SELECT ?c WHERE { GRAPH ?g { ?c a cg:Country ; owl:sameAs wd:Q45 ; rdfs:label ?l } }",
        g=SUPPLYBENCH_GRAPH,
    )
    assert [str(r["c"]) for r in minted] == [str(iri("country/portugal"))]


def test_reimport_is_idempotent_and_a_damaged_raw_graph_is_reloaded(imported):
    kg, first = imported
    generation = kg.store.generation
    again = import_supplybench(kg)
    assert again.status == "unchanged" and kg.store.generation == generation
    kg.store.update(
        f"DELETE WHERE {{ GRAPH <{SUPPLYBENCH_RAW_GRAPH}> {{ ?s <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?o }} }}"
    )
    repaired = import_supplybench(kg)
    assert repaired.status == "replaced"
    assert kg.store.count(SUPPLYBENCH_RAW_GRAPH) == first.counts["raw_triples"]
    assert kg.store.count(SUPPLYBENCH_GRAPH) == first.counts["triples"]


def test_import_on_every_backend(settings, direct):
    kg = KnowledgeGraph.open(settings.model_copy(update={"shared_data": SHARED_DATA}))
    try:
        first = import_supplybench(kg)
        assert first.status == "added"
        assert kg.store.count(SUPPLYBENCH_RAW_GRAPH) == len(direct)
        members = [q for q in QUESTIONS if q.category == "member"]
        for question in members:  # memberships are blank nodes: they must survive the upload whole
            expected = direct.query(question_query(question, None))
            want = Counter(tuple(_key(s[v]) for v in expected.variables) for s in expected)
            got = Counter(tuple(_key(t) for t in row) for row in kg.store.evaluate(question_query(question)).rows)
            assert got == want, question.label
        assert import_supplybench(kg).status == "unchanged"
    finally:
        kg.close()
