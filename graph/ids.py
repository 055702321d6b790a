"""Minting and parsing chipgraph IRIs: the one place IRIs are made.

Entities live under ``https://w3id.org/chipgraph/id/<segment>/<slug>``, where the
segment comes from the class (``cg:iriSegment`` in the ontology) and the slug
from the canonical name, so the same entity gets the same IRI in every run and
re-ingesting never creates duplicates. Named graphs that are not articles live
under ``https://w3id.org/chipgraph/graph/``.

>>> from graph.vocab import CG
>>> str(mint_entity(CG.Company, "Taiwan Semiconductor Manufacturing Co."))
'https://w3id.org/chipgraph/id/org/taiwan-semiconductor-manufacturing-co'
>>> str(mint_node(7))
'https://w3id.org/chipgraph/id/node/7nm'
>>> mint_entity(CG.Company, "中芯国际") == mint_entity(CG.Company, "中芯国际")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal

from rdflib import URIRef

from graph.ontology import class_segment

__all__ = [
    "ETO_GRAPH",
    "GRAPH_BASE",
    "ID_BASE",
    "ONTOLOGY_GRAPH",
    "REFERENCE_GRAPH",
    "SUPPLYBENCH_GRAPH",
    "SUPPLYBENCH_RAW_GRAPH",
    "article_id_of",
    "format_nm",
    "is_article_iri",
    "local_id",
    "mint",
    "mint_article",
    "mint_entity",
    "mint_node",
    "slugify",
]

ID_BASE = "https://w3id.org/chipgraph/id/"
GRAPH_BASE = "https://w3id.org/chipgraph/graph/"

ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")
REFERENCE_GRAPH = URIRef(GRAPH_BASE + "reference")
ETO_GRAPH = URIRef(GRAPH_BASE + "eto")
SUPPLYBENCH_GRAPH = URIRef(GRAPH_BASE + "supplybench")
SUPPLYBENCH_RAW_GRAPH = URIRef(GRAPH_BASE + "supplybench-raw")

_ARTICLE_PREFIX = ID_BASE + "article/"
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 80


def _digest(*parts: str, length: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def slugify(name: str) -> str:
    """ASCII slug of a name; names with no Latin letters get a stable hash.

    >>> slugify("Semiconductor Manufacturing International Corp (SMIC)")
    'semiconductor-manufacturing-international-corp-smic'
    >>> slugify("Société Générale")
    'societe-generale'
    >>> slugify("中芯国际").startswith("u-")
    True
    """
    normal = unicodedata.normalize("NFKC", name).strip()
    ascii_form = unicodedata.normalize("NFKD", normal).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_form.lower()).strip("-")
    if not slug or len(slug) * 2 < len(normal.replace(" ", "")):
        # mostly non-Latin: a readable slug would lose the name, so hash it
        return "u-" + _digest(normal.casefold(), length=12)
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rstrip("-") + "-" + _digest(slug, length=8)
    return slug


def mint_entity(cls: URIRef, name: str) -> URIRef:
    """IRI of the entity of class ``cls`` whose canonical name is ``name``."""
    return URIRef(f"{ID_BASE}{class_segment(cls)}/{slugify(name)}")


def format_nm(size_nm: float | Decimal | int) -> str:
    """Canonical name of a process node: ``7nm``, ``1.4nm``.

    >>> format_nm(7.0), format_nm(Decimal("1.40"))
    ('7nm', '1.4nm')
    """
    value = Decimal(str(size_nm)).normalize()
    text = format(value, "f")
    return f"{text}nm"


def mint_node(size_nm: float | Decimal | int) -> URIRef:
    """IRI of the process node of that nominal size in nanometres."""
    return URIRef(f"{ID_BASE}node/{format_nm(size_nm).replace('.', '-')}")


def mint(segment: str, *key: str) -> URIRef:
    """IRI of a record identified by ``key`` parts (sanctions, evidence, provisions).

    The same key always gives the same IRI.
    """
    if not re.fullmatch(r"[a-z][a-z0-9-]*", segment):
        raise ValueError(f"bad IRI segment {segment!r}")
    return URIRef(f"{ID_BASE}{segment}/{_digest(*key)}")


def mint_article(article_id: str) -> URIRef:
    """IRI of an article (and of its named graph) from its id."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", article_id):
        raise ValueError(f"bad article id {article_id!r}")
    return URIRef(_ARTICLE_PREFIX + article_id)


def is_article_iri(iri: str) -> bool:
    """Whether ``iri`` names an article (and its graph)."""
    return iri.startswith(_ARTICLE_PREFIX)


def article_id_of(iri: str) -> str:
    """The id part of an article IRI."""
    if not is_article_iri(iri):
        raise ValueError(f"{iri} is not an article IRI")
    return iri[len(_ARTICLE_PREFIX) :]


def local_id(iri: str) -> str | None:
    """The part after ``/id/`` of a chipgraph IRI (``org/smic``), else None."""
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else None
