"""Dependencies of the routes, declared once as ``Annotated`` aliases.

``create_app`` puts one :class:`Services` on ``app.state``; routes ask for the
part they need (``KG``, ``Index``, ``Sandbox``, ``AppSettings``) and write
routes add ``WriteAccess``, which checks the bearer token in constant time.
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Unauthorized
from graph.entities import EntityIndex
from graph.errors import WritesDisabled
from graph.kg import KnowledgeGraph
from graph.sandbox import QuerySandbox
from graph.settings import Settings

__all__ = [
    "KG",
    "AppSettings",
    "GenerationCache",
    "Index",
    "Sandbox",
    "Services",
    "ServicesDep",
    "WriteAccess",
]


class GenerationCache:
    """A small LRU cache emptied whenever the store's generation changes.

    Entity descriptions take a dozen queries; the graph only changes through
    writes, which bump the generation, so a description can be reused until then.
    """

    def __init__(self, kg: KnowledgeGraph, size: int = 2048) -> None:
        self.kg = kg
        self.size = size
        self._generation = -1
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> tuple[int, Any]:
        """``(generation, value)``; value None when absent or stale."""
        generation = self.kg.generation
        with self._lock:
            if generation != self._generation:
                self._items.clear()
                self._generation = generation
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return generation, value

    def put(self, key: Any, value: Any, generation: int) -> None:
        """Keep ``value`` if the store has not changed since ``generation`` was read."""
        with self._lock:
            if generation == self._generation == self.kg.generation:
                self._items[key] = value
                if len(self._items) > self.size:
                    self._items.popitem(last=False)

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        generation, value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value, generation)
        return value


@dataclass
class Services:
    """What the routes share: settings, the graph, its entity index, the query sandbox, caches."""

    settings: Settings
    kg: KnowledgeGraph
    index: EntityIndex
    sandbox: QuerySandbox
    cache: GenerationCache
    extras: dict[str, Any] = field(default_factory=dict)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_kg(services: ServicesDep) -> KnowledgeGraph:
    return services.kg


def get_index(services: ServicesDep) -> EntityIndex:
    return services.index


def get_sandbox(services: ServicesDep) -> QuerySandbox:
    return services.sandbox


AppSettings = Annotated[Settings, Depends(get_settings)]
KG = Annotated[KnowledgeGraph, Depends(get_kg)]
Index = Annotated[EntityIndex, Depends(get_index)]
Sandbox = Annotated[QuerySandbox, Depends(get_sandbox)]

_bearer = HTTPBearer(auto_error=False, description="The write token (CHIPGRAPH_TOKEN).")


def require_write_access(
    settings: AppSettings,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Let a write through only with the configured bearer token.

    No token configured means writes are disabled (403), never open; a missing
    or wrong token is 401. The comparison takes constant time.
    """
    expected = settings.token.get_secret_value() if settings.token is not None else ""
    if not expected:
        raise WritesDisabled(
            "writes are disabled on this server: no write token is configured (start it with CHIPGRAPH_TOKEN set)"
        )
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("this endpoint needs the header 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8")):
        raise Unauthorized("the bearer token is not valid")


WriteAccess = Annotated[None, Depends(require_write_access)]
