"""``Store.select_values``: SELECT rows as plain values, the same on every backend."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import InvalidQuery
from graph.store import Store

G1 = URIRef("https://w3id.org/chipgraph/id/article/one")
G2 = URIRef("https://w3id.org/chipgraph/id/article/two")
A = URIRef("https://example.org/a")
B = URIRef("https://example.org/b")
P = URIRef("https://example.org/p")
Q = URIRef("https://example.org/q")

LITERALS = [
    Literal('quote " and \\ backslash'),
    Literal("multi\nline\ttext\r end"),
    Literal("line\u2028separator and \x1c file separator"),
    Literal("中芯國際"),
    Literal(""),
    Literal("7.5", datatype=XSD.decimal),
    Literal("12", datatype=XSD.integer),
    Literal("true", datatype=XSD.boolean),
    Literal("2022-10", datatype=XSD.gYearMonth),
    Literal("chip", lang="en"),
    Literal("\\u0041 is not an escape"),
]


@pytest.mark.parametrize("value", LITERALS, ids=range(len(LITERALS)))
def test_literals_come_back_as_their_lexical_form(store: Store, value: Literal) -> None:
    store.replace_graph(G1, [(A, P, value)])
    rows = list(store.select_values("SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o }"))
    # the same value the term-based select() gives (engines may canonicalise numbers)
    (expected,) = store.select("SELECT ?o WHERE { ?s <https://example.org/p> ?o }")
    assert rows == [(str(A), str(expected["o"]))]


def test_iris_graphs_blank_nodes_and_unbound(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B), (B, P, BNode("x1")), (A, Q, Literal("only a"))])
    store.replace_graph(G2, [(B, P, A)])
    query = """SELECT ?g ?s ?o ?extra WHERE {
        GRAPH ?g { ?s <https://example.org/p> ?o OPTIONAL { ?s <https://example.org/q> ?extra } } }"""
    rows = set(store.select_values(query))
    blank = {row for row in rows if row[2] is not None and row[2].startswith("_:")}
    assert len(blank) == 1
    assert rows - blank == {(str(G1), str(A), str(B), "only a"), (str(G2), str(B), str(A), None)}
    assert next(iter(blank))[:2] == (str(G1), str(B))


def test_rows_follow_the_order_of_the_variables(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B)])
    rows = list(store.select_values("SELECT ?o ?s (1 AS ?one) WHERE { ?s <https://example.org/p> ?o }"))
    assert rows == [(str(B), str(A), "1")]


def test_bindings_and_empty_results(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B), (B, P, A)])
    rows = list(store.select_values("SELECT ?o WHERE { ?s <https://example.org/p> ?o }", {"s": B}))
    assert rows == [(str(A),)]
    assert list(store.select_values("SELECT ?o WHERE { ?s <https://example.org/q> ?o }")) == []


def test_many_rows(store: Store) -> None:
    triples = [(URIRef(f"https://example.org/e{i}"), P, Literal(f"label {i}\t#{i}")) for i in range(2000)]
    store.replace_graph(G1, triples)
    rows = dict(store.select_values("SELECT ?s ?l WHERE { ?s <https://example.org/p> ?l }"))  # type: ignore[arg-type]
    assert len(rows) == 2000 and rows["https://example.org/e1999"] == "label 1999\t#1999"


def test_refuses_what_is_not_a_select(store: Store) -> None:
    with pytest.raises(TypeError):
        list(store.select_values("ASK { ?s ?p ?o }"))
    with pytest.raises(InvalidQuery):
        list(store.select_values("SELECT ?s WHERE { ?s ?p }"))
