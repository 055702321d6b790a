"""Analytics endpoints; wired to :mod:`graph.analytics` as it lands."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["analytics"])
