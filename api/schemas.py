"""Request and response bodies of the REST API, named by role.

``...Out`` is what a route returns, ``...In`` what it reads. Responses that
are served from caches are encoded once and documented with these models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ArticleIn",
    "ArticleOut",
    "ArticleSummaryOut",
    "ArticlesOut",
    "EntityHitOut",
    "EntityOut",
    "EntityRefOut",
    "EntitySearchOut",
    "EvidenceOut",
    "FactOut",
    "FoundFactOut",
    "FoundSanctionOut",
    "HealthOut",
    "IngestOut",
    "MentionOut",
    "ProblemOut",
    "RelationOut",
    "RelationsOut",
    "SanctionOut",
    "SanctionRefOut",
    "SanctionsOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    """An RFC 9457 problem detail (``application/problem+json``)."""

    type: str = Field(examples=["https://w3id.org/chipgraph/problems/entity-not-found"])
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


class EntityRefOut(_Out):
    """A link to an entity: its IRI, local id, label and page."""

    iri: str
    id: str | None
    label: str
    url: str | None = Field(description="Linked-data page of the entity on this server.")


class EntityHitOut(_Out):
    """One search result."""

    iri: str
    id: str | None
    label: str
    types: list[str]
    matched: str = Field(description="The name or alias that matched.")
    score: float
    url: str | None


class EntitySearchOut(_Out):
    """One page of search results and the total number of hits."""

    total: int
    limit: int
    offset: int
    items: list[EntityHitOut]


class EvidenceOut(_Out):
    """Why a statement is believed: the sentence, the article, the confidence and the rule."""

    graph: str
    article: str | None
    article_url: str | None = None
    sentence: str | None
    start: int | None
    end: int | None
    confidence: float
    rule: str
    source: str | None
    row: int | str | None
    dataset: str | None
    reported_by: list[str]


class FactOut(_Out):
    """A statement about the entity (in or out) with its evidence."""

    subject: str
    predicate: str
    object: str
    other: str
    other_label: str
    graph: str
    evidence: list[EvidenceOut]


class SanctionRefOut(_Out):
    """A sanction that applies to the entity and the entity's role in it."""

    sanction: str
    label: str
    role: str
    evidence: list[EvidenceOut]


class EntityOut(_Out):
    """Everything known about one entity."""

    iri: str
    id: str | None
    label: str
    types: list[str]
    aliases: list[str]
    same_as: list[str]
    wikidata: list[str]
    roles: list[str]
    facts_out: list[FactOut]
    facts_in: list[FactOut]
    sanctions: list[SanctionRefOut]
    articles: list[str]


class RelationOut(_Out):
    """One ``subject predicate object`` statement with its evidence."""

    subject: EntityRefOut
    predicate: str
    predicate_iri: str
    object: EntityRefOut
    graphs: list[str]
    evidence: list[EvidenceOut]


class RelationsOut(_Out):
    """Statements matching the filters, one page of them."""

    total: int
    limit: int
    offset: int
    items: list[RelationOut]


class SanctionOut(_Out):
    """A sanction with its kind, status, date, parties and evidence."""

    iri: str
    id: str | None
    label: str
    kind: str
    status: str | None
    date: str | None
    threshold_nm: float | None
    imposed_by: list[EntityRefOut]
    targets: list[EntityRefOut]
    restricts: list[EntityRefOut]
    exempts: list[EntityRefOut]
    evidence: list[EvidenceOut]


class SanctionsOut(_Out):
    """Sanctions matching the filters."""

    total: int
    items: list[SanctionOut]


class ArticleSummaryOut(_Out):
    """One stored article, without its text."""

    id: str
    iri: str
    title: str | None
    url: str | None
    published: str | None
    file_name: str | None
    sha256: str | None
    extractor: str | None
    ingested_at: str | None
    statements: int | None
    mentions: int | None = None


class ArticlesOut(_Out):
    """The stored articles."""

    total: int
    items: list[ArticleSummaryOut]


class MentionOut(_Out):
    """An entity the article mentions and where its names occur in the text."""

    iri: str
    id: str | None
    label: str
    types: list[str]
    spans: list[tuple[int, int]]


class FoundFactOut(_Out):
    """A fact extracted from the article, with its evidence sentence."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    sentence: str
    start: int
    end: int
    confidence: float
    rule: str


class ArticleOut(ArticleSummaryOut):
    """One stored article with its text, mentions and facts."""

    text: str
    entities: list[MentionOut]
    facts: list[FoundFactOut]


class ArticleIn(BaseModel):
    """An article to ingest as JSON."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article text (plain text or HTML, which is reduced to text).")
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    date: str | None = Field(None, description="Publication date, YYYY-MM-DD.", max_length=40)
    id: str | None = Field(
        None, description="Article id (letters, digits, . _ -); default: a hash of the text.", max_length=128
    )


class FoundSanctionOut(_Out):
    """A sanction extracted from the article."""

    iri: str
    label: str
    kind: str
    status: str | None
    date: str | None
    sentence: str


class IngestOut(_Out):
    """What ingesting one article did and found."""

    article_id: str
    iri: str
    url: str
    status: str = Field(description="added, replaced or unchanged")
    triples: int
    entities: list[MentionOut]
    facts: list[FoundFactOut]
    sanctions: list[FoundSanctionOut]
    warnings: list[str]


class HealthOut(_Out):
    """Liveness and a few numbers about the service."""

    status: str
    backend: str
    store: str
    generation: int
    query_workers: int
    query_timeout: float
    max_rows: int
    writes_enabled: bool
