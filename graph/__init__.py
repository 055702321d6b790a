"""chipgraph: a knowledge graph of the global chip supply chain.

The notebook entry point::

    from graph import KnowledgeGraph, Settings
    kg = KnowledgeGraph.open(Settings(store="data/store"))
    kg.ingest_text("Dutch supplier ASML ships lithography tools to SMIC.", title="example")
    kg.query("SELECT ?s ?o WHERE { ?s cg:suppliesTo ?o }")

Names are imported lazily (PEP 562) so that importing one submodule, as the
query worker processes do, does not pull in the whole package.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_EXPORTS = {
    "ChipGraphError": "graph.errors",
    "EntityIndex": "graph.entities",
    "IngestResult": "graph.kg",
    "KnowledgeGraph": "graph.kg",
    "Settings": "graph.settings",
    "describe_entity": "graph.entities",
    "evidence_for": "graph.entities",
    "open_store": "graph.store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
