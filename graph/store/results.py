"""Query outcomes and their standard serialisations.

Every backend turns a query into one of three outcomes (solutions, a boolean
or triples, in pyoxigraph terms); this module writes them in the SPARQL 1.1
result formats (JSON, XML, CSV, TSV) and the RDF formats, capping rows and
reporting the cap, and negotiates the format from an HTTP Accept header.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

__all__ = [
    "RDF_MEDIA_TYPES",
    "RESULT_MEDIA_TYPES",
    "AskOutcome",
    "GraphOutcome",
    "Outcome",
    "SelectOutcome",
    "SerializedResult",
    "negotiate",
    "plain_value",
    "rdf_format",
    "serialize_outcome",
    "tsv_rows",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"


@dataclass
class SelectOutcome:
    """Solutions of a SELECT query: variable names and rows of terms (None = unbound)."""

    variables: list[str]
    rows: Iterable[Sequence[Any]]


@dataclass
class AskOutcome:
    """Answer of an ASK query."""

    value: bool


@dataclass
class GraphOutcome:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    triples: Iterable[Any]


Outcome = SelectOutcome | AskOutcome | GraphOutcome


@dataclass(frozen=True)
class SerializedResult:
    """A serialised outcome: the bytes, their media type and whether rows were capped."""

    body: bytes
    media_type: str
    kind: str  # "select", "ask" or "graph"
    rows: int | None
    truncated: bool


#: SPARQL result media types by short name (select and ask)
RESULT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}

#: RDF media types by short name (construct, describe, exports)
RDF_MEDIA_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "n3": "text/n3",
}

_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}

_ALIASES = {
    "application/json": "application/sparql-results+json",
    "text/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/json+ld": "application/ld+json",
    "application/xml+rdf": "application/rdf+xml",
}


def rdf_format(name_or_media_type: str) -> Any:
    """pyoxigraph RdfFormat for a short name (``turtle``) or a media type."""
    key = name_or_media_type.strip().lower()
    if key in _RDF_FORMATS:
        return _RDF_FORMATS[key]
    for name, media_type in RDF_MEDIA_TYPES.items():
        if key == media_type:
            return _RDF_FORMATS[name]
    raise ValueError(f"unknown RDF format {name_or_media_type!r}; use one of {', '.join(_RDF_FORMATS)}")


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((_ALIASES.get(media, media), quality - position * 1e-6))
    return sorted(ranges, key=lambda item: -item[1])


def negotiate(accept: str | None, kind: str) -> str | None:
    """Best media type for an outcome ``kind`` given an Accept header.

    Returns the default (JSON results, Turtle) for a missing or ``*/*`` Accept,
    and None when the client accepts nothing chipgraph can write.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "select")
    'application/sparql-results+xml'
    >>> negotiate("text/html", "graph") is None
    True
    """
    offered = list(RESULT_MEDIA_TYPES.values()) if kind in ("select", "ask") else list(RDF_MEDIA_TYPES.values())
    offered = [m for m in offered if m not in ("application/n-quads", "application/trig")]
    default = offered[0]
    if not accept:
        return default
    for media, quality in _parse_accept(accept):
        if quality <= 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            if prefix == "*" or default.startswith(prefix):
                return default
            matches = [m for m in offered if m.startswith(prefix + "/")]
            if matches:
                return matches[0]
        if media in offered:
            return media
    return None


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _csv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    return str(term)  # pyoxigraph's str() is N-Triples syntax


def _select_rows(outcome: SelectOutcome, limit: int | None) -> tuple[list[Sequence[Any]], bool]:
    if limit is None:
        return list(outcome.rows), False
    rows = list(islice(outcome.rows, limit + 1))
    return rows[:limit], len(rows) > limit


def _write_select(variables: list[str], rows: list[Sequence[Any]], media_type: str) -> bytes:
    if media_type == RESULT_MEDIA_TYPES["json"]:
        bindings = [
            {var: _json_term(value) for var, value in zip(variables, row, strict=True) if value is not None}
            for row in rows
        ]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()
    if media_type == RESULT_MEDIA_TYPES["xml"]:
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts.append("</head>\n<results>")
        for row in rows:
            parts.append("<result>")
            parts += [
                f"<binding name={quoteattr(var)}>{_xml_term(value)}</binding>"
                for var, value in zip(variables, row, strict=True)
                if value is not None
            ]
            parts.append("</result>")
        parts.append("</results>\n</sparql>\n")
        return "\n".join(parts).encode()
    if media_type == RESULT_MEDIA_TYPES["csv"]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(v) for v in row] for row in rows)
        return buffer.getvalue().encode()
    if media_type == RESULT_MEDIA_TYPES["tsv"]:
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_tsv_term(v) for v in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"cannot write SELECT results as {media_type}")


def _write_ask(value: bool, media_type: str) -> bytes:
    text = "true" if value else "false"
    if media_type == RESULT_MEDIA_TYPES["json"]:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type == RESULT_MEDIA_TYPES["xml"]:
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head></head>\n<boolean>{text}</boolean>\n</sparql>\n"
        ).encode()
    if media_type == RESULT_MEDIA_TYPES["csv"]:
        return f"_askResult\r\n{text}\r\n".encode()
    if media_type == RESULT_MEDIA_TYPES["tsv"]:
        return f"?_askResult\n{text}\n".encode()
    raise ValueError(f"cannot write ASK results as {media_type}")


def serialize_outcome(outcome: Outcome, media_type: str, *, row_limit: int | None = None) -> SerializedResult:
    """Write an outcome as ``media_type``, keeping at most ``row_limit`` rows or triples."""
    if isinstance(outcome, SelectOutcome):
        rows, truncated = _select_rows(outcome, row_limit)
        body = _write_select(outcome.variables, rows, media_type)
        return SerializedResult(body, media_type, "select", len(rows), truncated)
    if isinstance(outcome, AskOutcome):
        return SerializedResult(_write_ask(outcome.value, media_type), media_type, "ask", None, False)
    triples_iter = iter(outcome.triples)
    triples = list(triples_iter if row_limit is None else islice(triples_iter, row_limit + 1))
    truncated = row_limit is not None and len(triples) > row_limit
    if truncated:
        triples = triples[:row_limit]
    body = ox.serialize(triples, format=rdf_format(media_type)) or b""
    return SerializedResult(body, media_type, "graph", len(triples), truncated)


# -- reading SPARQL TSV back as plain values ------------------------------------------

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code:
        return chr(int(code, 16))
    char = match.group(3)
    return _ESCAPED.get(char, char)


def plain_value(cell: str) -> str | None:
    r"""The plain value of one SPARQL TSV cell: IRI text, ``_:id``, a literal's lexical form, None if unbound.

    >>> cells = ['<https://x.org/a>', r'"say \"hi\"\n"@en', '"7"^^<http://www.w3.org/2001/XMLSchema#decimal>', '']
    >>> [plain_value(c) for c in cells]
    ['https://x.org/a', 'say "hi"\n', '7', None]
    >>> plain_value("12"), plain_value("_:b0")
    ('12', '_:b0')
    """
    if not cell:
        return None
    first = cell[0]
    if first == "<" and not cell.startswith("<<"):
        value = cell[1:-1]
    elif first == '"':
        # nothing after the closing quote (a language tag, ^^<datatype>) can contain a quote
        value = cell[1 : cell.rindex('"')]
    else:
        return cell  # blank node, or a number or boolean written bare
    return _ESCAPE.sub(_unescape, value) if "\\" in value else value


def tsv_rows(data: bytes) -> Iterator[tuple[str | None, ...]]:
    r"""Rows of SPARQL 1.1 TSV results as tuples of :func:`plain_value` (the header line skipped).

    Reading results this way skips building a term object per value, which is
    what bulk readers (the analytics projection) spend most of their time on.

    >>> list(tsv_rows(b"?s\t?n\n<https://x.org/a>\t3\n<https://x.org/b>\t\n"))
    [('https://x.org/a', '3'), ('https://x.org/b', None)]
    """
    lines = io.StringIO(data.decode("utf-8"), newline="\n")  # only \n ends a row: values may hold U+2028
    if next(lines, None) is None:
        return
    for line in lines:
        line = line.rstrip("\r\n")
        cells = line.split("\t")
        if '"' in line or "<" in line:
            yield tuple(plain_value(cell) for cell in cells)
        elif "" in cells:
            yield tuple(cell or None for cell in cells)
        else:  # numbers, booleans, blank nodes: already plain (the common case of bulk reads by position)
            yield tuple(cells)
