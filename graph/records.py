"""Pipeline records: small frozen dataclasses passed from stage to stage.

article text -> :class:`Article` -> (extractor) -> :class:`Extraction` holding
resolved :class:`EntityRecord` s, :class:`Fact` s and :class:`SanctionRecord` s,
each fact carrying its :class:`Evidence` -> (provenance writer) -> the
article's named graph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rdflib import Literal, URIRef

from graph.ids import mint_article

__all__ = ["Article", "EntityRecord", "Evidence", "Extraction", "Fact", "SanctionRecord"]


@dataclass(frozen=True)
class Article:
    """One article's text and metadata, ready for extraction.

    ``id`` names the article in IRIs (``id/article/<id>``); ingesting a file
    uses the file stem, so a changed file replaces its earlier version.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    file_name: str | None = None

    @property
    def iri(self) -> URIRef:
        """IRI of the article, which is also the IRI of its named graph."""
        return mint_article(self.id)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the UTF-8 text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Evidence:
    """Why a statement is believed: where in which text, how sure, by what rule.

    ``start``/``end`` are character offsets of ``sentence`` in the article
    text (``text[start:end] == sentence``). ``reported_by`` names who the
    article attributes the statement to ("according to Bloomberg").
    """

    sentence: str
    start: int
    end: int
    confidence: float
    rule: str
    reported_by: tuple[URIRef, ...] = ()


@dataclass(frozen=True)
class EntityRecord:
    """A resolved entity as mentioned in one article.

    ``aliases`` are the surface forms seen in this article (the label
    excluded); ``attributes`` are extra (predicate, literal) pairs such as a
    person's ``cg:role`` or a node's ``cg:nodeSizeNm``; ``spans`` are the
    character offsets of its mentions.
    """

    iri: URIRef
    cls: URIRef
    label: str
    aliases: tuple[str, ...] = ()
    same_as: tuple[URIRef, ...] = ()
    attributes: tuple[tuple[URIRef, Literal], ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Fact:
    """One statement ``subject predicate object`` with its evidence."""

    subject: URIRef
    predicate: URIRef
    object: URIRef | Literal
    evidence: Evidence


@dataclass(frozen=True)
class SanctionRecord:
    """A sanction node: its kind, status, date and threshold.

    Its imposers, targets, restricted items and exemptions are :class:`Fact`
    s with ``cg:imposedBy``, ``cg:targets``, ``cg:restricts``, ``cg:exempts``
    and ``cg:nodeThreshold`` so each role carries its own evidence.
    ``date`` is an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal.
    """

    iri: URIRef
    kind: URIRef
    label: str
    evidence: Evidence
    status: URIRef | None = None
    date: Literal | None = None
    threshold_nm: Decimal | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything one extractor run found in one article."""

    article: Article
    extractor: str
    entities: tuple[EntityRecord, ...] = ()
    facts: tuple[Fact, ...] = ()
    sanctions: tuple[SanctionRecord, ...] = ()
    warnings: tuple[str, ...] = field(default=())
