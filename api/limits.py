"""Refusing oversized request bodies before they are read whole.

A pure ASGI middleware: a declared ``Content-Length`` over the limit is
answered 413 at once, without reading a byte of the body; a chunked body is
counted while it streams and reading stops with :class:`RequestTooLarge` as
soon as it passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_JSON, PROBLEM_TYPE_BASE, RequestTooLarge

__all__ = ["BodySizeLimit"]


class BodySizeLimit:
    """ASGI middleware capping request bodies at ``limit(scope)`` bytes."""

    def __init__(self, app: ASGIApp, limit: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, declared, limit)
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise RequestTooLarge(
                        f"the request body is over the limit of {limit} bytes (CHIPGRAPH_MAX_REQUEST_BYTES)"
                    )
            return message

        await self.app(scope, counted_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, declared: int, limit: int) -> None:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + RequestTooLarge.kind,
        "title": "Content Too Large",
        "status": 413,
        "detail": f"the request body is {declared} bytes, over the limit of {limit} (CHIPGRAPH_MAX_REQUEST_BYTES)",
        "instance": scope.get("path", ""),
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
