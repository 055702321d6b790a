"""Loading the ontology and the curated reference list into their named graphs.

Both are loaded from ``ontology/`` when missing or changed (a digest of the
files is kept in the graph), so opening a store is cheap when nothing changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from graph.ids import ONTOLOGY_GRAPH, REFERENCE_GRAPH
from graph.ontology import ontology_files, reference_files
from graph.prefixes import SPARQL_PREFIXES
from graph.store import Store
from graph.vocab import CG

__all__ = ["ensure_ontology", "ensure_reference", "files_digest"]


def files_digest(paths: list[Path]) -> str:
    """SHA-256 over the names and contents of files."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _current_digest(store: Store, graph: URIRef) -> str | None:
    rows = store.select(SPARQL_PREFIXES + "SELECT ?d WHERE { GRAPH ?g { ?g cg:sha256 ?d } }", {"g": graph})
    return str(rows[0]["d"]) if rows else None


def _ensure(store: Store, graph: URIRef, files: list[Path], label: str) -> bool:
    digest = files_digest(files)
    if _current_digest(store, graph) == digest:
        return False
    data = Graph()
    for path in files:
        data.parse(path, format="turtle")
    data.add((graph, RDF.type, CG.Dataset))
    data.add((graph, RDFS.label, Literal(label)))
    data.add((graph, CG.sha256, Literal(digest)))
    data.add((graph, CG.sourceKind, Literal("reference" if graph == REFERENCE_GRAPH else "ontology")))
    store.replace_graph(graph, data)
    return True


def ensure_ontology(store: Store) -> bool:
    """Load ``ontology/chipgraph.ttl`` and the alignments; True if (re)loaded."""
    return _ensure(store, ONTOLOGY_GRAPH, ontology_files(), "chipgraph ontology and alignments")


def ensure_reference(store: Store) -> bool:
    """Load ``ontology/reference/*.ttl``; True if (re)loaded."""
    files = reference_files()
    if not files:
        return False
    return _ensure(store, REFERENCE_GRAPH, files, "chipgraph curated reference list")
