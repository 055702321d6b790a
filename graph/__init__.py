"""chipgraph: a knowledge graph of the global chip supply chain.

The notebook entry point::

    from graph import KnowledgeGraph, Settings
    kg = KnowledgeGraph.open(Settings(store="data/store"))
    kg.ingest_text("Dutch supplier ASML ships lithography tools to SMIC.", title="example")
    kg.query("SELECT ?s ?o WHERE { ?s cg:suppliesTo ?o }")
"""

from __future__ import annotations

from graph.entities import EntityIndex, describe_entity, evidence_for
from graph.errors import ChipGraphError
from graph.kg import IngestResult, KnowledgeGraph
from graph.settings import Settings
from graph.store import open_store

__all__ = [
    "ChipGraphError",
    "EntityIndex",
    "IngestResult",
    "KnowledgeGraph",
    "Settings",
    "describe_entity",
    "evidence_for",
    "open_store",
]
