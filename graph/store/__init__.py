"""Stores: one interface, three backends chosen by name.

>>> store = open_store(Settings(backend="memory"))
>>> store.backend
'memory'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.errors import ConfigError
from graph.settings import Settings
from graph.store.base import Quad, Store, Triple
from graph.store.oxigraph import EmbeddedStore, MemoryStore, OxigraphStore
from graph.store.remote import RemoteStore

__all__ = [
    "BACKENDS",
    "EmbeddedStore",
    "MemoryStore",
    "OxigraphStore",
    "Quad",
    "RemoteStore",
    "Store",
    "Triple",
    "open_store",
]


def _embedded(settings: Settings) -> Store:
    return EmbeddedStore(Path(settings.store))


def _memory(settings: Settings) -> Store:
    return MemoryStore()


def _remote(settings: Settings) -> Store:
    if not settings.remote_query_url:
        raise ConfigError("backend 'remote' needs CHIPGRAPH_REMOTE_QUERY_URL (and usually _UPDATE_URL, _GSP_URL)")
    auth = None
    if settings.remote_user:
        password = settings.remote_password.get_secret_value() if settings.remote_password else ""
        auth = (settings.remote_user, password)
    return RemoteStore(
        settings.remote_query_url,
        settings.remote_update_url,
        settings.remote_gsp_url,
        flavour=settings.remote_flavour,
        auth=auth,
        timeout=settings.remote_timeout,
        batch_triples=settings.remote_batch_triples,
    )


#: backend name -> factory; the plugin table open_store() chooses from
BACKENDS: dict[str, Callable[[Settings], Store]] = {
    "embedded": _embedded,
    "memory": _memory,
    "remote": _remote,
}


def open_store(settings: Settings | None = None) -> Store:
    """Open the store the settings name (``backend``: embedded, memory, remote)."""
    settings = settings or Settings()
    try:
        factory = BACKENDS[settings.backend]
    except KeyError:
        raise ConfigError(f"unknown backend {settings.backend!r}; use one of {', '.join(BACKENDS)}") from None
    return factory(settings)
