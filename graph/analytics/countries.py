"""The country view: which countries depend on which.

:func:`country_matrix` returns a supplier-country x dependent-country matrix:

* ``counts[A][B]``: supply edges from an entity of country A to an entity of
  country B (entities count under every country they are attributed to:
  headquarters, location, origin; ``originCountry`` itself and market-share
  provisions are attributions, not trade, and are not counted). The diagonal
  holds domestic supply.
* ``weights[A][B]`` (when ETO provisions are loaded): for every supply edge
  from an input with known country market shares (its own, or inherited
  from a broader input along ``typeOf``) to an entity of country B, add A's
  share of that input (as a fraction). It reads "how many inputs' worth of
  B's supply comes from A".

>>> from graph.analytics.project import graph_from_facts
>>> G = graph_from_facts([("org/asml", "suppliesTo", "org/smic"),
...                       ("org/asml", "headquarteredIn", "country/netherlands"),
...                       ("org/smic", "headquarteredIn", "country/china")])
>>> m = country_matrix(G)
>>> [(c.label, c.supplies, c.depends) for c in m.countries]
[('china', 0, 1), ('netherlands', 1, 0)]
>>> m.count("country/netherlands", "country/china")
1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.chokepoints import country_shares
from graph.analytics.project import ATTRIBUTION_PREDICATES, PROVIDES, resolve_layers
from graph.analytics.results import EntityRef, Result, entity_ref
from graph.ids import ID_BASE

__all__ = ["CountryCell", "CountryMatrix", "CountryTotals", "country_matrix"]


@dataclass(frozen=True)
class CountryCell(Result):
    """One non-empty cell: ``supplier`` provides to ``dependent``."""

    supplier: str  # country IRI
    dependent: str
    count: int
    weight: float | None  # market-share weight, None when no shares are known for the cell


@dataclass(frozen=True)
class CountryTotals(Result):
    """A country with its row and column totals."""

    country: EntityRef
    supplies: int  # edges to other countries' entities
    depends: int  # edges from other countries' entities

    @property
    def label(self) -> str:
        """The country's name."""
        return self.country.label


@dataclass(frozen=True)
class CountryMatrix(Result):
    """The answer of :func:`country_matrix` (sparse: only non-empty cells)."""

    countries: tuple[CountryTotals, ...]
    cells: tuple[CountryCell, ...]
    weighted: bool  # whether market shares contributed

    def count(self, supplier: str, dependent: str) -> int:
        """Edges from ``supplier`` to ``dependent`` (IRIs or local ids)."""
        a, b = _iri(supplier), _iri(dependent)
        return next((c.count for c in self.cells if c.supplier == a and c.dependent == b), 0)

    def weight(self, supplier: str, dependent: str) -> float:
        """Market-share weight from ``supplier`` to ``dependent`` (0.0 when none)."""
        a, b = _iri(supplier), _iri(dependent)
        return next((c.weight or 0.0 for c in self.cells if c.supplier == a and c.dependent == b), 0.0)


def _iri(text: str) -> str:
    return text if "://" in text else ID_BASE + text


def country_matrix(G: nx.MultiDiGraph, *, layers: Iterable[str] | None = None) -> CountryMatrix:
    """Country x country dependency counts and market-share weights.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection.
    layers : iterable of str, optional
        Layers counted; default the supply layer.
    """
    chosen = resolve_layers(layers, ("supply",))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    shares_of: dict[str, dict[str, float]] = {}
    for u, v, key, layer in G.edges(keys=True, data="layer"):
        if layer not in chosen or key in ATTRIBUTION_PREDICATES or key == PROVIDES:
            continue
        dependents = G.nodes[v].get("countries") or ()
        if not dependents:
            continue
        for a in G.nodes[u].get("countries") or ():
            for b in dependents:
                counts[(a, b)] += 1
        if u not in shares_of:
            shares, basis = country_shares(G, u)
            shares_of[u] = shares if basis == "market share" else {}
        for a, share in shares_of[u].items():
            for b in dependents:
                weights[(a, b)] += share / 100.0
    keys = set(counts) | set(weights)
    supplies: dict[str, int] = defaultdict(int)
    depends: dict[str, int] = defaultdict(int)
    for (a, b), n in counts.items():
        if a != b:
            supplies[a] += n
            depends[b] += n
    involved = {c for pair in keys for c in pair if c in G}
    countries = sorted(involved, key=lambda c: G.nodes[c].get("label", c).casefold())
    cells = sorted(keys, key=lambda k: (-counts.get(k, 0), -weights.get(k, 0.0), k))
    return CountryMatrix(
        countries=tuple(CountryTotals(entity_ref(G, c), supplies[c], depends[c]) for c in countries),
        cells=tuple(
            CountryCell(a, b, counts.get((a, b), 0), round(weights[(a, b)], 6) if (a, b) in weights else None)
            for a, b in cells
        ),
        weighted=bool(weights),
    )
