"""The chipgraph exception tree.

Nothing here knows about HTTP: the API maps these classes to status codes in
one place (``api/errors.py``) and the CLI maps them to exit codes.
"""

from __future__ import annotations

__all__ = [
    "ArticleNotFound",
    "ArticleTooLarge",
    "ChipGraphError",
    "ConfigError",
    "DatasetNotFound",
    "EmptyArticle",
    "EntityNotFound",
    "IngestError",
    "InvalidParameter",
    "InvalidQuery",
    "NotFound",
    "QueryTimeout",
    "RemoteStoreError",
    "StoreError",
    "StoreLocked",
    "UnsafeInput",
    "UnsupportedEncoding",
    "WritesDisabled",
]


class ChipGraphError(Exception):
    """Base class of every error chipgraph raises on purpose."""

    #: short machine-readable kind, used as the problem ``type`` suffix by the API
    kind = "chipgraph-error"


class ConfigError(ChipGraphError):
    """A setting is missing or contradictory."""

    kind = "config-error"


class NotFound(ChipGraphError):
    """Something asked for by id does not exist."""

    kind = "not-found"


class EntityNotFound(NotFound):
    """No entity matches the given id, IRI or name."""

    kind = "entity-not-found"


class ArticleNotFound(NotFound):
    """No article with that id is in the store."""

    kind = "article-not-found"


class DatasetNotFound(NotFound):
    """A reference dataset folder or file is missing."""

    kind = "dataset-not-found"


class InvalidParameter(ChipGraphError):
    """A parameter has a value chipgraph cannot use (bad IRI, unknown type...)."""

    kind = "invalid-parameter"


class InvalidQuery(ChipGraphError):
    """A SPARQL query or update does not parse or is not allowed here."""

    kind = "invalid-query"


class QueryTimeout(ChipGraphError):
    """A query ran past its time limit and was cancelled."""

    kind = "query-timeout"


class IngestError(ChipGraphError):
    """An article or dataset could not be ingested; nothing was written."""

    kind = "ingest-error"


class EmptyArticle(IngestError):
    """The article has no text left after cleaning."""

    kind = "empty-article"


class ArticleTooLarge(IngestError):
    """The article is larger than the configured limit."""

    kind = "article-too-large"


class UnsupportedEncoding(IngestError):
    """The input is not UTF-8 text (binary data or another encoding)."""

    kind = "unsupported-encoding"


class UnsafeInput(IngestError):
    """The input was refused because parsing it could exhaust resources or
    reach the network (XML entity expansion, remote JSON-LD contexts)."""

    kind = "unsafe-input"


class StoreError(ChipGraphError):
    """The triple store failed."""

    kind = "store-error"


class StoreLocked(StoreError):
    """Another process holds the write lock on the embedded store."""

    kind = "store-locked"


class RemoteStoreError(StoreError):
    """The remote SPARQL endpoint answered with an error or could not be reached."""

    kind = "remote-store-error"


class WritesDisabled(ChipGraphError):
    """Writing is not allowed (no write token configured, or a read-only store)."""

    kind = "writes-disabled"
