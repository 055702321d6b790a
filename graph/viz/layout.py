"""Precomputed layouts for pages too big to lay out in the browser.

Below :data:`PHYSICS_NODE_LIMIT` nodes a page runs vis-network's physics for
a bounded number of iterations and then stops it; above, the browser would
spend seconds simulating, so :func:`spring_layout` places the nodes here and
the page draws them with physics off.

Each connected component is laid out on its own (Fruchterman-Reingold,
vectorised with NumPy, repulsion computed in row blocks so memory stays at a
few MB), scaled so that neighbouring nodes sit about :data:`NODE_SPACING`
pixels apart, and the components are packed in rows, largest first.

>>> pos = spring_layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
>>> sorted(pos), all(isinstance(x, float) for xy in pos.values() for x in xy)
(['a', 'b', 'c', 'd'], True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["NODE_SPACING", "PHYSICS_NODE_LIMIT", "spring_layout"]

#: pages with more nodes than this get a precomputed layout and no physics
PHYSICS_NODE_LIMIT = 200
#: typical distance between a node and its nearest neighbour on the page, in pixels at zoom 1
NODE_SPACING = 34.0
_BLOCK = 256
_WORK = 2e8  # node pairs visited per layout, which bounds its time (about a second)


def _components(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _fruchterman_reingold(n: int, pairs: list[tuple[int, int]], iterations: int, seed: int) -> Any:
    """Positions (n x 2 array) with neighbours about ``NODE_SPACING`` apart."""
    import numpy as np

    if n == 1:
        return np.zeros((1, 2))
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    rng = np.random.default_rng(seed)
    degree = np.bincount(np.concatenate([src, dst]), minlength=n)
    order = np.argsort(-degree, kind="stable")
    radius = np.empty(n)
    radius[order] = np.sqrt((np.arange(n) + 0.5) / n)  # the most connected start near the centre
    angle = rng.random(n) * 2 * math.pi
    x = (radius * np.cos(angle)).astype(np.float32)
    y = (radius * np.sin(angle)).astype(np.float32)

    k = np.float32(1.0 / math.sqrt(n))
    k2 = k * k
    gravity = np.float32(0.3 * k * math.sqrt(n))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    nearest = np.zeros(n, dtype=np.float32)
    for round_ in range(iterations):
        last = round_ == iterations - 1
        vx = np.zeros(n, dtype=np.float32)
        vy = np.zeros(n, dtype=np.float32)
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            dx = x[start:stop, None] - x[None, :]
            dy = y[start:stop, None] - y[None, :]
            d2 = dx * dx
            d2 += dy * dy
            d2 += np.float32(1e-9)
            if last:
                nearest[start:stop] = np.partition(d2, 1, axis=1)[:, 1]
            np.divide(k2, d2, out=d2)
            vx[start:stop] = (dx * d2).sum(axis=1)
            vy[start:stop] = (dy * d2).sum(axis=1)
        if len(src):
            ex = x[src] - x[dst]
            ey = y[src] - y[dst]
            pull = np.sqrt(ex * ex + ey * ey) / k
            ax, ay = ex * pull, ey * pull
            vx -= np.bincount(src, ax, n).astype(np.float32)
            vx += np.bincount(dst, ax, n).astype(np.float32)
            vy -= np.bincount(src, ay, n).astype(np.float32)
            vy += np.bincount(dst, ay, n).astype(np.float32)
        vx -= gravity * x
        vy -= gravity * y
        length = np.maximum(np.sqrt(vx * vx + vy * vy), np.float32(1e-9))
        step = np.minimum(length, np.float32(temperature)) / length
        x += vx * step
        y += vy * step
        temperature -= cooling
    spacing = float(np.sqrt(np.median(nearest))) if iterations else float(k)
    spacing = spacing or float(k)
    scale = NODE_SPACING / spacing
    return np.stack([(x - x.mean()) * scale, (y - y.mean()) * scale], axis=1)


def spring_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    iterations: int | None = None,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Positions in page pixels for ``nodes`` joined by ``edges`` (deterministic for a seed).

    ``iterations`` defaults to as many as keep the work near a second (300
    for a few hundred nodes, 50 at 2,000, 20 from 3,200).
    """
    import numpy as np

    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(index[u], index[v]) for u, v in edges if u in index and v in index and u != v})
    placed = np.zeros((n, 2))
    margin = 2 * NODE_SPACING
    boxes = []
    for group in _components(n, pairs):
        local = {g: i for i, g in enumerate(group)}
        inner = [(local[a], local[b]) for a, b in pairs if a in local and b in local]
        m = len(group)
        rounds = iterations if iterations is not None else int(min(300, max(20, _WORK / max(m, 1) ** 2)))
        pos = _fruchterman_reingold(m, inner, rounds, seed)
        low, high = pos.min(axis=0), pos.max(axis=0)
        boxes.append((group, pos - low, high - low))
    # shelf packing: rows about as wide as the square root of the total area
    width = max(math.sqrt(sum((w + margin) * (h + margin) for _, _, (w, h) in boxes)) * 1.3, boxes[0][2][0] + margin)
    cx = cy = row = 0.0
    for group, pos, (w, h) in boxes:
        if cx > 0 and cx + w > width:
            cx, cy, row = 0.0, cy + row + margin, 0.0
        placed[group] = pos + np.array([cx, cy])
        cx += w + margin
        row = max(row, h)
    placed -= placed.mean(axis=0)
    return {node: (round(float(placed[i, 0]), 1), round(float(placed[i, 1]), 1)) for i, node in enumerate(nodes)}
