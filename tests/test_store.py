"""The store interface, run against every backend (embedded, memory, remote)."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import InvalidQuery, UnsafeInput
from graph.store import Store
from graph.store.results import RDF_MEDIA_TYPES, RESULT_MEDIA_TYPES

G1 = URIRef("https://w3id.org/chipgraph/id/article/one")
G2 = URIRef("https://w3id.org/chipgraph/id/article/two")
A = URIRef("https://example.org/a")
B = URIRef("https://example.org/b")
P = URIRef("https://example.org/p")
Q = URIRef("https://example.org/q")


def test_named_graphs_round_trip(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B), (A, Q, Literal("x"))])
    store.replace_graph(G2, [(B, P, A)])
    assert store.graph_names() == [G1, G2]
    assert store.count() == 3 and store.count(G1) == 2
    assert {(s, p, o, g) for s, p, o, g in store.quads(graph=G1)} == {(A, P, B, G1), (A, Q, Literal("x"), G1)}
    # the default graph of queries is the union of the named graphs
    rows = store.select("SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o }")
    assert {(r["s"], r["o"]) for r in rows} == {(A, B), (B, A)}


def test_replace_graph_replaces_only_that_graph(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B)])
    store.replace_graph(G2, [(A, P, B)])
    store.replace_graph(G1, [(A, Q, Literal(1))])
    assert set(store.quads(graph=G1)) == {(A, Q, Literal(1), G1)}
    assert set(store.quads(graph=G2)) == {(A, P, B, G2)}


def test_new_and_replaced_graphs_hold_exactly_the_triples_written(store: Store) -> None:
    # a new graph and a graph being replaced take different write paths on the embedded store
    tricky = [
        Literal('say "no" \\ then\nstop\r\t'),
        Literal("中芯国际", lang="zh"),
        Literal(3),
        Literal("2020-01-01", datatype=XSD.date),
        Literal("line\u2028separator \x0b vertical tab"),
        Literal(""),
    ]
    shared = Literal("the same sentence object, twice")
    triples = [(A, P, v) for v in tricky] + [(A, Q, shared), (B, Q, shared), (B, P, A)]
    expected = {(s, p, o, G1) for s, p, o in triples}
    store.replace_graph(G1, triples)
    assert set(store.quads(graph=G1)) == expected and store.count(G1) == len(triples)
    store.replace_graph(G1, list(reversed(triples)))  # the graph exists now
    assert set(store.quads(graph=G1)) == expected and store.count() == len(triples)


def test_drop_graph_removes_exactly_its_triples(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B)])
    store.replace_graph(G2, [(A, P, B), (B, P, A)])
    assert store.drop_graph(G1) is True
    assert store.drop_graph(G1) is False
    assert store.graph_names() == [G2] and store.count() == 2


@pytest.mark.parametrize(
    "value",
    [
        Literal('quote " and \\ backslash'),
        Literal("} ; DROP ALL ; {"),
        Literal("multi\nline\ttext"),
        Literal("中芯國際"),
        Literal("7", datatype=XSD.decimal),
        Literal("chip", lang="en"),
    ],
)
def test_literals_survive_storage_and_binding(store: Store, value: Literal) -> None:
    store.replace_graph(G1, [(A, P, value)])
    rows = store.select("SELECT ?s WHERE { ?s <https://example.org/p> ?o }", {"o": value})
    assert rows == [{"s": A}]
    assert store.count() == 1  # nothing was dropped by a hostile value


def test_binding_refuses_iris_that_would_break_out(store: Store) -> None:
    with pytest.raises(ValueError):
        store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("http://x> } ; DROP ALL ; { <http://y")})


def test_bound_variable_in_projection(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B)])
    rows = store.select("SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o }", {"s": A})
    assert rows == [{"s": A, "o": B}]


def test_ask_and_construct(store: Store) -> None:
    store.replace_graph(G1, [(A, P, B)])
    assert store.ask("ASK { ?s <https://example.org/p> ?o }")
    assert not store.ask("ASK { ?s <https://example.org/q> ?o }")
    assert store.construct("CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }") == [(B, P, A)]


def test_syntax_error_is_invalid_query(store: Store) -> None:
    with pytest.raises(InvalidQuery):
        store.select("SELECT ?s WHERE { ?s ?p }")


@pytest.mark.parametrize("media_type", list(RESULT_MEDIA_TYPES.values()))
def test_run_query_serialises_select(store: Store, media_type: str) -> None:
    store.replace_graph(G1, [(A, P, Literal("x,y"))])
    result = store.run_query("SELECT ?s ?o WHERE { ?s ?p ?o }", media_type)
    body = result.body.decode()
    assert result.kind == "select" and result.rows == 1 and not result.truncated
    assert "https://example.org/a" in body and "x,y" in body
    if media_type.endswith("json"):
        assert json.loads(body)["results"]["bindings"][0]["o"] == {"type": "literal", "value": "x,y"}


def test_run_query_caps_rows(store: Store) -> None:
    store.replace_graph(G1, [(A, P, Literal(i)) for i in range(10)])
    result = store.run_query("SELECT ?o WHERE { ?s ?p ?o }", RESULT_MEDIA_TYPES["json"], row_limit=3)
    assert result.truncated and result.rows == 3
    assert len(json.loads(result.body)["results"]["bindings"]) == 3


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_run_query_serialises_construct(store: Store, fmt: str) -> None:
    store.replace_graph(G1, [(A, P, B)])
    result = store.run_query("CONSTRUCT WHERE { ?s ?p ?o }", RDF_MEDIA_TYPES[fmt])
    assert result.kind == "graph" and "https://example.org/b" in result.body.decode()


def test_run_query_refuses_updates_and_service(store: Store) -> None:
    with pytest.raises(InvalidQuery):
        store.run_query("DROP ALL", RESULT_MEDIA_TYPES["json"])
    with pytest.raises(InvalidQuery):
        store.run_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", RESULT_MEDIA_TYPES["json"])


def test_load_and_dump_nquads_round_trip(store: Store) -> None:
    data = (f'<{A}> <{P}> <{B}> <{G1}> .\n<{A}> <{Q}> "two words"@en <{G2}> .\n').encode()
    assert store.load(data, "nquads") == 2
    out = io.BytesIO()
    store.dump(out, "nquads")
    assert sorted(out.getvalue().decode().strip().splitlines()) == sorted(data.decode().strip().splitlines())


def test_load_triples_into_a_graph(store: Store) -> None:
    assert store.load(f"<{A}> <{P}> <{B}> .".encode(), "turtle", G1) == 1
    assert store.graph_names() == [G1]


def test_update(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{A}> <{P}> <{B}> }} }}")
    assert store.count(G1) == 1


def test_generation_grows_on_writes(store: Store) -> None:
    before = store.generation
    store.replace_graph(G1, [(A, P, B)])
    store.drop_graph(G1)
    assert store.generation >= before + 2


def test_blank_nodes_are_stored(store: Store) -> None:
    node = BNode()
    store.replace_graph(G1, [(A, P, node), (node, Q, Literal("inner"))])
    rows = store.select("SELECT ?v WHERE { ?s <https://example.org/p> ?b . ?b <https://example.org/q> ?v }")
    assert rows == [{"v": Literal("inner")}]


def test_entity_expansion_bomb_is_refused_before_parsing(store: Store) -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
 <rdf:Description rdf:about="https://example.org/a"><ex:p>&c;</ex:p></rdf:Description>
</rdf:RDF>"""
    with pytest.raises(UnsafeInput):
        store.load(bomb, "rdfxml", G1)
    assert store.count() == 0


def test_remote_jsonld_context_is_refused(store: Store) -> None:
    doc = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "https://example.org/a"}'
    with pytest.raises(UnsafeInput):
        store.load(doc, "jsonld", G1)
