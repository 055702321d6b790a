"""``/health``: is the service up, and with what limits."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServicesDep
from api.schemas import HealthOut

__all__ = ["router"]

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthOut, summary="Liveness and limits")
async def health(services: ServicesDep) -> HealthOut:
    """Answers as long as the server runs; never waits for a query or a write."""
    settings = services.settings
    pids = services.sandbox.worker_pids()
    return HealthOut(
        status="ok",
        backend=services.kg.store.backend,
        store=settings.store_label(),
        generation=services.kg.generation,
        query_workers=len(pids) if pids else services.sandbox.workers,
        query_timeout=services.sandbox.timeout,
        max_rows=services.sandbox.max_rows,
        writes_enabled=settings.token is not None and bool(settings.token.get_secret_value()),
    )
