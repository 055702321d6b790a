"""Lexical handling of SPARQL text: what kind of request it is, whether it
asks for something chipgraph never does (SERVICE, LOAD), and safe binding of
parameters for engines without native substitution.

This is a tokenizer, not a parser: it knows strings, IRIs, comments,
variables and prefixed names, which is enough to find keywords reliably
(``ex:service``, ``?service`` and ``"SERVICE"`` are not the keyword).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from graph.errors import InvalidQuery
from graph.store.terms import to_ntriples

__all__ = [
    "Token",
    "apply_update_dataset",
    "bind_variables",
    "check_complexity",
    "check_query_allowed",
    "check_update_allowed",
    "has_dataset_clause",
    "request_kind",
    "tokenize",
]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00C0-\uFFFF]*)?:(?:[\w\-\u00C0-\uFFFF:%.]|\\.)*)
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}

#: pyoxigraph parses and plans a request recursively on the calling thread's
#: stack: brackets nested ~2500 deep (~900 for function calls) or ~7000 chained
#: operators (UNION, +, ||) overflow an 8 MB stack and kill the whole process
#: with SIGSEGV. These lexical limits stay far below that; no real query comes near.
MAX_NESTING = 64
MAX_OPERATORS = 3000
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = set(_OPENERS.values())


@dataclass(frozen=True)
class Token:
    """One lexical token of a SPARQL text."""

    kind: str
    text: str


def _decode_escapes(text: str) -> str:
    # SPARQL allows \uXXXX escapes anywhere; decode them so they cannot hide a keyword.
    def repl(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        try:
            return chr(code)
        except ValueError:
            return match.group(0)

    return _UNICODE_ESCAPE.sub(repl, text)


def tokenize(text: str) -> Iterator[Token]:
    """Tokens of ``text``, whitespace and comments included."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        yield Token(kind, match.group(0))


def _keywords(text: str) -> list[str]:
    return [t.text.upper() for t in tokenize(_decode_escapes(text)) if t.kind == "word"]


def request_kind(text: str) -> str:
    """``select``, ``ask``, ``construct``, ``describe`` or ``update``.

    >>> request_kind("PREFIX ex: <http://e/> select * { ?s ?p ?o }")
    'select'
    >>> request_kind("# a comment SELECT\\nINSERT DATA { <a:b> <a:c> 'SELECT' }")
    'update'
    """
    for word in _keywords(text):
        if word in ("PREFIX", "BASE"):
            continue
        if word in _QUERY_FORMS:
            return word.lower()
        if word in _UPDATE_FORMS:
            return "update"
    raise InvalidQuery("not a SPARQL query or update: no SELECT, ASK, CONSTRUCT, DESCRIBE or update operation found")


def check_complexity(text: str, *, max_nesting: int = MAX_NESTING, max_operators: int = MAX_OPERATORS) -> None:
    """Refuse a request nested or chained deeply enough to overflow the parser's stack.

    Counts bracket depth and operators (keywords and punctuation; not IRIs,
    literals, numbers or variables), stopping at the first limit passed, so a
    huge request costs little. The inside of ``INSERT DATA`` / ``DELETE DATA``
    blocks is flat data of any length and only its depth counts.

    >>> check_complexity("SELECT * WHERE " + "{" * 100 + "}" * 100)
    Traceback (most recent call last):
    ...
    graph.errors.InvalidQuery: the request nests brackets more than 64 levels deep; simplify it
    >>> check_complexity("INSERT DATA { " + " . ".join(["<a:s> <a:p> 1"] * 5000) + " }")
    """
    depth = operators = 0
    data_depth = 0  # depth inside an INSERT DATA / DELETE DATA block, 0 outside
    previous = ""
    data_next = False
    for token in tokenize(text):
        kind, value = token.kind, token.text
        if kind in ("ws", "comment", "iri", "var", "pname", "string"):
            continue
        if kind == "other" and value in _OPENERS:
            depth += 1
            if depth > max_nesting:
                raise InvalidQuery(f"the request nests brackets more than {max_nesting} levels deep; simplify it")
            if data_next and value == "{":
                data_depth, data_next = depth, False
        elif kind == "other" and value in _CLOSERS:
            if depth == data_depth:
                data_depth = 0
            depth = max(0, depth - 1)
        elif kind == "word":
            upper = value.upper()
            data_next = data_next or (upper == "DATA" and previous in ("INSERT", "DELETE"))
            previous = upper
        if data_depth or (kind == "other" and value.isdigit()):
            continue
        operators += 1
        if operators > max_operators:
            raise InvalidQuery(
                f"the request has more than {max_operators} operators and brackets; split it into smaller ones"
            )


def check_query_allowed(text: str) -> str:
    """Refuse updates and federation in a read-only query; return its kind.

    >>> check_query_allowed("SELECT * { SERVICE <http://x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.errors.InvalidQuery: SERVICE is not allowed: chipgraph never queries other endpoints
    >>> check_query_allowed("SELECT ?service { ?service ex:SERVICE 'SERVICE' }")
    'select'
    """
    check_complexity(text)
    kind = request_kind(text)
    if kind == "update":
        raise InvalidQuery("SPARQL Update is not accepted here; use the update endpoint with a write token")
    if "SERVICE" in _keywords(text):
        raise InvalidQuery("SERVICE is not allowed: chipgraph never queries other endpoints")
    return kind


def check_update_allowed(text: str) -> None:
    """Refuse queries, LOAD / SERVICE and requests too deep to parse safely in an update request."""
    check_complexity(text)
    kind = request_kind(text)
    if kind != "update":
        raise InvalidQuery(f"a {kind.upper()} query was sent to the update endpoint")
    words = _keywords(text)
    if "LOAD" in words:
        raise InvalidQuery("LOAD is not allowed: chipgraph never fetches remote data")
    if "SERVICE" in words:
        raise InvalidQuery("SERVICE is not allowed: chipgraph never queries other endpoints")


def bind_variables(query: str, bindings: Mapping[str, Node]) -> str:
    """Replace variables by terms, for engines without native substitution.

    Terms are written in N-Triples syntax with escaping (and invalid IRIs are
    refused), so a value can never change the structure of the query. In the
    SELECT clause a bound variable becomes ``(term AS ?var)``.

    >>> from rdflib import Literal, URIRef
    >>> bind_variables("SELECT ?x ?n WHERE { ?x <http://p> ?n }", {"x": URIRef("http://a")})
    'SELECT (<http://a> AS ?x) ?n WHERE { <http://a> <http://p> ?n }'
    >>> bind_variables("SELECT ?n { ?x ?p ?n }", {"x": Literal("} ; DROP ALL ; {")})
    'SELECT ?n { "} ; DROP ALL ; {" ?p ?n }'
    """
    if not bindings:
        return query
    rendered = {name: to_ntriples(term) for name, term in bindings.items()}
    out: list[str] = []
    in_select = False
    depth = 0
    for token in tokenize(query):
        text = token.text
        if token.kind == "word":
            upper = text.upper()
            if upper == "SELECT":
                in_select, depth = True, 0
            elif upper in ("WHERE", "FROM") and depth == 0:
                in_select = False
        elif token.kind == "other":
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
            elif text == "{":
                in_select = False
        elif token.kind == "var" and text[1:] in rendered:
            term = rendered[text[1:]]
            text = f"({term} AS {text})" if in_select and depth == 0 else term
        out.append(text)
    return "".join(out)


def has_dataset_clause(text: str) -> bool:
    """Whether a query names its own dataset with FROM or FROM NAMED.

    >>> has_dataset_clause("SELECT * FROM <http://g> { ?s ?p ?o }")
    True
    >>> has_dataset_clause("SELECT ?from { ?from ?p 'FROM' }")
    False
    """
    upper = text.upper()
    if "FROM" not in upper and "\\U" not in upper:
        return False  # no FROM keyword anywhere, escaped or not: skip tokenizing (bulk queries run to megabytes)
    return "FROM" in _keywords(text)


def apply_update_dataset(text: str, using: Sequence[str] = (), using_named: Sequence[str] = ()) -> str:
    """Apply the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update.

    Each DELETE/INSERT ... WHERE operation gets the matching USING clauses
    (SPARQL 1.1 Protocol, 2.2.3); an update that names its own dataset with
    USING or WITH cannot also take them.

    >>> apply_update_dataset("INSERT { ?s a <http://c> } WHERE { ?s ?p ?o }", ["http://g"])
    'INSERT { ?s a <http://c> } USING <http://g> WHERE { ?s ?p ?o }'
    """
    if not using and not using_named:
        return text
    if {"USING", "WITH"} & set(_keywords(text)):
        raise InvalidQuery(
            "the update names its own dataset (USING or WITH), so it cannot also be given "
            "using-graph-uri or using-named-graph-uri"
        )
    try:
        clauses = [f"USING {to_ntriples(URIRef(g))}" for g in using]
        clauses += [f"USING NAMED {to_ntriples(URIRef(g))}" for g in using_named]
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from exc
    clause = " ".join(clauses) + " "
    out: list[str] = []
    depth = 0
    previous = ""
    for token in tokenize(text):
        if token.kind == "other" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
        elif token.kind == "word":
            word = token.text.upper()
            # DELETE WHERE { } (the short form) takes no USING clause
            if word == "WHERE" and depth == 0 and previous != "DELETE":
                out.append(clause)
            previous = word
        out.append(token.text)
    return "".join(out)
