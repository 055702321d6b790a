"""The 67 SupplyBench questions through the SPARQL endpoint give the same answers as pyoxigraph.

Each question in ``supplybench/queries.n3`` is ``[] rdfs:label "question" ;
rdf:value { triple patterns }``; the patterns become ``SELECT * WHERE { ... }``
(a predicate ``p__plus`` is the property path ``p+``).
The SupplyBench graph (abox.ttl + tbox.ttl) is served by a real server and
also loaded into a plain pyoxigraph store queried directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from conftest_api import LiveServer, api_settings, start_server
from rdflib import RDF, RDFS, Variable

from graph.kg import KnowledgeGraph
from graph.settings import Settings
from graph.store import MemoryStore

DATA = Path(Settings().shared_data).resolve() / "supplybench"
GRAPH = rdflib.URIRef("https://w3id.org/chipgraph/graph/supplybench-test")


def _term(term: Any) -> str:
    if isinstance(term, Variable):
        return "?" + str(term)
    if isinstance(term, rdflib.URIRef) and str(term).endswith("__plus"):
        # the benchmark writes the property path p+ as a predicate named p__plus
        return f"<{str(term).removesuffix('__plus')}>+"
    return str(term.n3())


def load_questions() -> list[tuple[str, str]]:
    if not (DATA / "queries.n3").is_file():
        return []
    graph = rdflib.Graph().parse(DATA / "queries.n3", format="n3")
    questions = []
    for node, formula in graph.subject_objects(RDF.value):
        patterns = " .\n  ".join(" ".join(_term(t) for t in triple) for triple in formula)
        questions.append((str(graph.value(node, RDFS.label)), f"SELECT * WHERE {{\n  {patterns} .\n}}"))
    return sorted(questions)


QUESTIONS = load_questions()


def _ox_key(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:b"
    return str(term)


def _json_key(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return "_:b"
    literal = ox.Literal(
        value,
        language=term.get("xml:lang"),
        datatype=ox.NamedNode(term["datatype"]) if "datatype" in term else None,
    )
    return str(literal)


@pytest.fixture(scope="module")
def direct() -> ox.Store:
    store = ox.Store()
    for name in ("abox.ttl", "tbox.ttl"):
        store.bulk_load(path=str(DATA / name), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings(max_rows=1_000_000, query_workers=2, query_timeout=30)
    kg = KnowledgeGraph(MemoryStore(), settings)
    for name in ("abox.ttl", "tbox.ttl"):
        kg.store.load(DATA / name, "turtle", GRAPH)
    with start_server(kg, settings) as live:
        yield live


def test_there_are_67_questions() -> None:
    if not QUESTIONS:
        pytest.skip(f"SupplyBench not found in {DATA}")
    assert len(QUESTIONS) == 67


def test_most_questions_have_answers(direct: ox.Store) -> None:
    if not QUESTIONS:
        pytest.skip(f"SupplyBench not found in {DATA}")
    answered = sum(1 for _, query in QUESTIONS if any(True for _ in direct.query(query)))
    assert answered == len(QUESTIONS)  # the comparison below is not between empty results


@pytest.mark.parametrize(("question", "query"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_endpoint_answers_like_pyoxigraph(server: LiveServer, direct: ox.Store, question: str, query: str) -> None:
    expected_solutions = direct.query(query)
    variables = [v.value for v in expected_solutions.variables]
    expected = Counter(tuple(_ox_key(row[v]) for v in variables) for row in expected_solutions)
    with server.client() as client:
        response = client.post("/sparql", data={"query": query})
    assert response.status_code == 200, response.text
    assert "chipgraph-result-truncated" not in response.headers
    data = response.json()
    assert data["head"]["vars"] == variables
    got = Counter(tuple(_json_key(b.get(v)) for v in variables) for b in data["results"]["bindings"])
    assert got == expected, question
