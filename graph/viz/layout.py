"""Precomputed layouts for pages too big to lay out in the browser.

Below :data:`PHYSICS_NODE_LIMIT` nodes a page runs vis-network's physics for
a bounded number of iterations and then stops it; above, the browser would
spend seconds simulating, so :func:`spring_layout` places the nodes here
(Fruchterman-Reingold, vectorised with NumPy, repulsion computed in row
blocks so memory stays at a few MB per block) and the page draws them with
physics off.

>>> pos = spring_layout(["a", "b", "c"], [("a", "b"), ("b", "c")], iterations=30)
>>> sorted(pos), all(isinstance(x, float) for xy in pos.values() for x in xy)
(['a', 'b', 'c'], True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["EDGE_PIXELS", "PHYSICS_NODE_LIMIT", "spring_layout"]

#: pages with more nodes than this get a precomputed layout and no physics
PHYSICS_NODE_LIMIT = 400
#: roughly the length of an edge on the page, in pixels at zoom 1
EDGE_PIXELS = 110.0
_BLOCK = 256


def spring_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    iterations: int | None = None,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Positions in page pixels for ``nodes`` joined by ``edges`` (deterministic for a seed).

    ``iterations`` defaults to fewer for bigger graphs (80 at 400 nodes, 50
    at 2,000), which is enough from a spread-out start.
    """
    import numpy as np

    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[u], index[v]) for u, v in edges if u in index and v in index and u != v]
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    if iterations is None:
        iterations = max(40, min(100, int(80 - 18.6 * math.log(n / PHYSICS_NODE_LIMIT))))

    rng = np.random.default_rng(seed)
    # start on a disc, the most connected nodes near the centre
    degree = np.bincount(np.concatenate([src, dst]), minlength=n) if pairs else np.zeros(n)
    order = np.argsort(-degree, kind="stable")
    radius = np.empty(n)
    radius[order] = np.sqrt((np.arange(n) + 0.5) / n)
    angle = rng.random(n) * 2 * math.pi
    x = (radius * np.cos(angle)).astype(np.float32)
    y = (radius * np.sin(angle)).astype(np.float32)

    k = np.float32(1.0 / math.sqrt(n))  # ideal edge length in a unit disc
    k2 = k * k
    gravity = np.float32(0.8 * k)
    temperature = 0.12
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        vx = np.zeros(n, dtype=np.float32)
        vy = np.zeros(n, dtype=np.float32)
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            dx = x[start:stop, None] - x[None, :]
            dy = y[start:stop, None] - y[None, :]
            d2 = dx * dx
            d2 += dy * dy
            d2 += np.float32(1e-6)
            np.divide(k2, d2, out=d2)
            vx[start:stop] = (dx * d2).sum(axis=1)
            vy[start:stop] = (dy * d2).sum(axis=1)
        if pairs:
            ex = x[src] - x[dst]
            ey = y[src] - y[dst]
            pull = np.sqrt(ex * ex + ey * ey) / k
            ax, ay = ex * pull, ey * pull
            vx -= np.bincount(src, ax, n).astype(np.float32)
            vx += np.bincount(dst, ax, n).astype(np.float32)
            vy -= np.bincount(src, ay, n).astype(np.float32)
            vy += np.bincount(dst, ay, n).astype(np.float32)
        vx -= gravity * x * np.float32(math.sqrt(n))
        vy -= gravity * y * np.float32(math.sqrt(n))
        length = np.maximum(np.sqrt(vx * vx + vy * vy), np.float32(1e-9))
        step = np.minimum(length, np.float32(temperature)) / length
        x += vx * step
        y += vy * step
        temperature -= cooling

    if pairs:
        lengths = np.sqrt((x[src] - x[dst]) ** 2 + (y[src] - y[dst]) ** 2)
        typical = max(float(np.median(lengths)), 1e-6)
    else:
        typical = float(k)
    scale = EDGE_PIXELS / typical
    x -= x.mean()
    y -= y.mean()
    return {node: (round(float(x[i]) * scale, 1), round(float(y[i]) * scale, 1)) for i, node in enumerate(nodes)}
