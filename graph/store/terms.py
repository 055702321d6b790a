"""Conversion between pyoxigraph terms and rdflib terms.

chipgraph code outside the store package speaks rdflib terms (URIRef, Literal,
BNode); the store engines speak pyoxigraph terms. This module is the only
bridge, so each conversion rule is written once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = [
    "OxTerm",
    "Term",
    "check_iri",
    "from_ox",
    "from_ox_graph",
    "to_ntriples",
    "to_ox",
    "to_ox_graph",
    "triples_to_ntriples",
]

Term = URIRef | BNode | Literal
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

_XSD_STRING = str(XSD.string)
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: characters SPARQL forbids in an IRI reference (controls and space included); one regex
#: scan instead of a Python loop per character, which dominated the cost of writing an article
_BAD_IRI_CHAR = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def check_iri(value: str) -> str:
    """``value`` when it is an IRI both SPARQL text and pyoxigraph accept; ValueError otherwise.

    :func:`to_ntriples` only refuses what would end an IRI early; pyoxigraph
    also refuses C1 controls and broken percent-escapes, which a user's
    parameter must not smuggle into a query either.

    >>> check_iri("https://w3id.org/chipgraph/id/org/smic")
    'https://w3id.org/chipgraph/id/org/smic'
    >>> check_iri("https://example.org/%zz")
    Traceback (most recent call last):
    ...
    ValueError: not a valid IRI: 'https://example.org/%zz'
    """
    to_ntriples(URIRef(value))
    try:
        ox.NamedNode(value)
    except ValueError:
        raise ValueError(f"not a valid IRI: {value!r}") from None
    return value


def to_ox(term: Node) -> Any:
    """pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {type(term).__name__} {term!r}")


def from_ox(term: Any) -> Term:
    """rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def to_ox_graph(graph: URIRef | None) -> Any:
    """pyoxigraph graph name (``None`` is the default graph)."""
    return ox.DefaultGraph() if graph is None else ox.NamedNode(str(graph))


def from_ox_graph(graph: Any) -> URIRef | None:
    """rdflib graph name of a pyoxigraph one (``None`` for the default graph)."""
    if isinstance(graph, ox.DefaultGraph):
        return None
    return URIRef(graph.value)


def _escape_literal(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def to_ntriples(term: Node) -> str:
    """N-Triples / SPARQL syntax of a term, safe to splice into a query.

    IRIs that contain characters SPARQL forbids in IRI references are refused
    rather than escaped, so a bound parameter can never end an IRI early.

    >>> to_ntriples(Literal('a "quoted" } ; DROP ALL'))
    '"a \\\\"quoted\\\\" } ; DROP ALL"'
    >>> to_ntriples(URIRef("http://example.org/a b"))
    Traceback (most recent call last):
    ...
    ValueError: not a valid IRI: 'http://example.org/a b'
    """
    if isinstance(term, URIRef):
        value = str(term)
        if not value or _BAD_IRI_CHAR.search(value):
            raise ValueError(f"not a valid IRI: {value!r}")
        return f"<{value}>"
    if isinstance(term, BNode):
        raise ValueError("blank nodes cannot be bound into a query")
    if isinstance(term, Literal):
        body = f'"{_escape_literal(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and str(term.datatype) not in (_XSD_STRING, _RDF_LANGSTRING):
            return f"{body}^^{to_ntriples(URIRef(str(term.datatype)))}"
        return body
    raise TypeError(f"cannot bind {type(term).__name__}")


def triples_to_ntriples(triples: Sequence[tuple[Node, Node, Node]]) -> str:
    """An N-Triples document (also the body of ``INSERT DATA``) of ``triples``, in order.

    Terms recur (predicates, the article, entities), so each term object is
    written once; raises ValueError on a blank node or an IRI
    :func:`to_ntriples` refuses.
    """
    written: dict[int, str] = {}  # by object identity: the terms live as long as ``triples``

    def term(t: Node) -> str:
        text = written.get(id(t))
        if text is None:
            text = written[id(t)] = to_ntriples(t)
        return text

    return "\n".join(f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples)
