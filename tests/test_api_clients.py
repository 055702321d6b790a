"""The endpoint works unchanged with the clients people already use:
SPARQLWrapper, rdflib's SPARQLStore and plain HTTP (httpx)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import rdflib
from conftest_api import LiveServer, api_settings, mini_graph, start_server
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

CG = rdflib.Namespace("https://w3id.org/chipgraph/ontology#")
ID = rdflib.Namespace("https://w3id.org/chipgraph/id/")
SUPPLIERS_OF_SMIC = """PREFIX cg: <https://w3id.org/chipgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE { ?s cg:suppliesTo <https://w3id.org/chipgraph/id/org/smic> ; rdfs:label ?name } ORDER BY ?name"""


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = api_settings()
    with start_server(mini_graph(settings), settings) as live:
        yield live


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(server: LiveServer, method: str) -> None:
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setMethod(method)
    sparql.setQuery(SUPPLIERS_OF_SMIC)
    sparql.setReturnFormat(JSON)
    result = sparql.queryAndConvert()
    names = [b["name"]["value"] for b in result["results"]["bindings"]]  # type: ignore[index]
    assert "ASML" in names


def test_sparqlwrapper_xml_csv_ask_and_construct(server: LiveServer) -> None:
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery(SUPPLIERS_OF_SMIC)
    sparql.setReturnFormat(XML)
    xml = sparql.queryAndConvert()
    assert "ASML" in xml.toxml()  # type: ignore[union-attr]
    sparql.setReturnFormat(CSV)
    assert b"ASML" in sparql.queryAndConvert()  # type: ignore[operator]
    sparql.setReturnFormat(JSON)
    sparql.setQuery("ASK { <https://w3id.org/chipgraph/id/org/asml> ?p ?o }")
    assert sparql.queryAndConvert()["boolean"] is True  # type: ignore[index]
    sparql.setQuery(f"CONSTRUCT {{ ?s <http://example.org/supplies> ?o }} WHERE {{ ?s <{CG.suppliesTo}> ?o }}")
    sparql.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=sparql.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
    assert (ID["org/asml"], rdflib.URIRef("http://example.org/supplies"), ID["org/smic"]) in graph


def test_sparqlwrapper_update_with_the_token(server: LiveServer) -> None:
    sparql = SPARQLWrapper(server.url + "/sparql", updateEndpoint=server.url + "/sparql/update")
    sparql.setMethod(POST)
    sparql.addCustomHttpHeader("Authorization", server.auth()["Authorization"])
    sparql.setQuery("INSERT DATA { GRAPH <http://example.org/w> { <http://example.org/w> <http://example.org/p> 7 } }")
    sparql.query()
    check = SPARQLWrapper(server.url + "/sparql")
    check.setQuery("ASK { <http://example.org/w> <http://example.org/p> 7 }")
    check.setReturnFormat(JSON)
    assert check.queryAndConvert()["boolean"] is True  # type: ignore[index]
    sparql.setQuery("DROP GRAPH <http://example.org/w>")
    sparql.query()


def test_sparqlwrapper_sees_errors(server: LiveServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        sparql.query()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore(server: LiveServer, method: str) -> None:
    store = SPARQLStore(server.url + "/sparql", method=method, returnFormat="xml")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(SUPPLIERS_OF_SMIC))
    assert "ASML" in {str(row[0]) for row in rows}  # type: ignore[index]
    assert (ID["org/asml"], CG.suppliesTo, ID["org/smic"]) in graph
    customers = set(graph.objects(ID["org/asml"], CG.suppliesTo))
    assert ID["org/smic"] in customers
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    store.close()


def test_rdflib_sparqlstore_json(server: LiveServer) -> None:
    store = SPARQLStore(server.url + "/sparql", returnFormat="json")
    rows = list(rdflib.Graph(store=store).query(SUPPLIERS_OF_SMIC))
    assert "ASML" in {str(row[0]) for row in rows}  # type: ignore[index]


def test_plain_http(server: LiveServer) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": SUPPLIERS_OF_SMIC}, headers={"Accept": "text/csv"}, trust_env=False
    )
    assert response.status_code == 200
    assert response.text.splitlines()[0] == "name"
    assert "ASML" in response.text
