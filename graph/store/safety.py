"""Checks on RDF input before any parser sees it.

pyoxigraph 0.5.13 aborts the whole process on an RDF/XML entity-expansion
bomb and rdflib hangs on it, so RDF/XML with a DOCTYPE or ENTITY declaration
is refused outright. JSON-LD whose ``@context`` points at a remote document
is refused so no parser ever fetches it, and JSON-LD nested deeper than
Python's recursion limit is refused before pyoxigraph overflows its stack on
it. Sizes are checked against the configured upload limit.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from graph.errors import UnsafeInput

__all__ = ["check_rdf_input"]

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _context_references(context: Any) -> list[str]:
    """Remote documents a ``@context`` value names: IRIs, ``@import`` and scoped contexts."""
    found: list[str] = []
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            if isinstance(item.get("@import"), str):
                found.append(item["@import"])
            found += _remote_contexts(item)  # term definitions may carry their own @context
    return found


def _remote_contexts(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                found += _context_references(item)
            else:
                found += _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            found += _remote_contexts(item)
    return found


def check_rdf_input(source: bytes | Path, fmt: str, *, max_bytes: int | None = None) -> bytes | Path:
    """Refuse RDF input that could exhaust memory or reach the network.

    Returns ``source`` unchanged when it is safe to parse.

    >>> check_rdf_input(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><r/>', "rdfxml")
    Traceback (most recent call last):
    ...
    graph.errors.UnsafeInput: RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)
    """
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    if max_bytes is not None and size > max_bytes:
        raise UnsafeInput(f"input is {size} bytes, over the limit of {max_bytes} (CHIPGRAPH_MAX_UPLOAD_BYTES)")
    if fmt not in ("rdfxml", "jsonld"):
        return source
    data = source.read_bytes() if isinstance(source, Path) else source
    if fmt == "rdfxml" and _DTD.search(data):
        raise UnsafeInput("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")
    if fmt == "jsonld":
        try:
            document = json.loads(data)
            remote = _remote_contexts(document)
        except RecursionError as exc:
            # pyoxigraph 0.5.13 overflows its stack (SIGSEGV) on JSON-LD objects nested ~10,000 deep
            raise UnsafeInput("JSON-LD nested too deeply is refused") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise UnsafeInput(f"JSON-LD is not valid JSON: {exc}") from exc
        if remote:
            raise UnsafeInput(f"JSON-LD with a remote @context is refused (never fetched): {remote[0]}")
    return source
