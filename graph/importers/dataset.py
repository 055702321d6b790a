"""What every dataset import shares: the dataset node, row evidence, the change digest and the result.

A dataset lives in its own named graph whose IRI is also the IRI of the
dataset node (``<graph> a cg:Dataset``) carrying its provenance: where it
comes from (repository, commit), its licence and the attribution text it
asks for, the SHA-256 of every file read, when it was imported and a change
digest (``cg:sha256``) over the files, the importer version and the entity
lists alignment depends on. A re-import with the same digest writes nothing.

Every fact a dataset contributes has an evidence node naming the file and
row it came from::

    <evidence> a cg:Evidence ; rdf:subject <s> ; rdf:predicate <p> ; rdf:object <o> ;
        cg:sourceRow "provision.csv#50" ; cg:sourceDataset <graph> ; cg:sourceKind "eto" ;
        cg:rule "eto:provision" ; cg:confidence 1.0 .
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD
from rdflib.term import Node

from graph.errors import DatasetNotFound
from graph.ids import ONTOLOGY_GRAPH, is_article_iri, mint
from graph.importers.align import AlignmentReport
from graph.prefixes import SPARQL_PREFIXES
from graph.store import Store
from graph.vocab import CG

__all__ = [
    "DatasetInfo",
    "ImportResult",
    "Triple",
    "dataset_digest",
    "dataset_triples",
    "existing_sources",
    "fact_with_evidence",
    "file_digests",
    "news_organizations",
    "require_files",
    "source_of_graph",
    "stored_digest",
]

Triple = tuple[Node, Node, Node]
VOID_TRIPLES = URIRef("http://rdfs.org/ns/void#triples")


@dataclass(frozen=True)
class DatasetInfo:
    """Who made a dataset, under which licence, and which files of it are read."""

    kind: str  # the cg:sourceKind of its facts: "eto", "supplybench"
    graph: URIRef
    label: str
    homepage: str
    license: str
    license_name: str
    attribution: str
    files: tuple[str, ...]
    commit: str | None = None
    version: str | None = None
    changes: str = ""


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    dataset: str
    status: str  # "added", "replaced" or "unchanged"
    digest: str
    seconds: float
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples written
    counts: dict[str, int] = field(default_factory=dict)
    alignment: AlignmentReport | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "dataset": self.dataset,
            "status": self.status,
            "digest": self.digest,
            "seconds": round(self.seconds, 3),
            "graphs": dict(self.graphs),
            "counts": dict(self.counts),
            "alignment": self.alignment.to_dict() if self.alignment is not None else None,
        }


def require_files(path: Path, names: Iterable[str], dataset: str) -> Path:
    """The dataset folder, or :class:`DatasetNotFound` naming what is missing."""
    folder = Path(path)
    if not folder.is_dir():
        raise DatasetNotFound(f"no {dataset} dataset folder at {folder} (set CHIPGRAPH_SHARED_DATA or give a PATH)")
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise DatasetNotFound(f"the {dataset} dataset at {folder} lacks {', '.join(missing)}")
    return folder


def file_digests(folder: Path, names: Iterable[str]) -> dict[str, str]:
    """SHA-256 of each named file."""
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def dataset_digest(digests: Mapping[str, str], *extra: str) -> str:
    """The change digest: file digests plus whatever else the import depends on."""
    h = hashlib.sha256()
    for name in sorted(digests):
        h.update(f"{name}\x1f{digests[name]}\x1e".encode())
    for part in extra:
        h.update(part.encode() + b"\x1e")
    return h.hexdigest()


def stored_digest(store: Store, graph: URIRef) -> str | None:
    """The change digest of a dataset graph as stored, if any."""
    rows = store.select(
        SPARQL_PREFIXES + "SELECT ?d WHERE { GRAPH ?g { ?g a cg:Dataset ; cg:sha256 ?d } }", {"g": graph}
    )
    return str(rows[0]["d"]) if rows else None


def dataset_triples(
    info: DatasetInfo,
    digests: Mapping[str, str],
    digest: str,
    imported_at: datetime,
    *,
    parts: Mapping[URIRef, int] | None = None,
) -> list[Triple]:
    """The dataset node: provenance, licence, attribution, file digests, import time."""
    g = info.graph
    triples: list[Triple] = [
        (g, RDF.type, CG.Dataset),
        (g, RDFS.label, Literal(info.label)),
        (g, CG.sourceKind, Literal(info.kind)),
        (g, CG.sha256, Literal(digest)),
        (g, DCTERMS.source, URIRef(info.homepage)),
        (g, DCTERMS.license, URIRef(info.license)),
        (g, DCTERMS.rights, Literal(f"{info.license_name}; attribution required, non-commercial use only")),
        (g, DCTERMS.bibliographicCitation, Literal(info.attribution)),
        (g, PROV.generatedAtTime, Literal(imported_at.isoformat(timespec="seconds"), datatype=XSD.dateTime)),
    ]
    if info.commit:
        triples.append((g, DCTERMS.hasVersion, Literal(info.commit)))
        triples.append((g, PROV.wasDerivedFrom, URIRef(f"{info.homepage}/tree/{info.commit}")))
    if info.version:
        triples.append((g, DCTERMS.hasVersion, Literal(info.version)))
    if info.changes:
        triples.append((g, DCTERMS.provenance, Literal(info.changes)))
    for name, sha in sorted(digests.items()):
        part = mint("dataset-file", info.kind, name)
        triples += [
            (g, DCTERMS.hasPart, part),
            (part, RDF.type, PROV.Entity),
            (part, DCTERMS.title, Literal(name)),
            (part, CG.sha256, Literal(sha)),
        ]
    for graph, count in (parts or {}).items():
        # a graph loaded verbatim next to this one: its size tells a reader it is whole
        triples += [(g, DCTERMS.hasPart, graph), (graph, VOID_TRIPLES, Literal(count))]
    return triples


def source_of_graph(graph: str) -> str:
    """The source kind of a named graph: news for articles, else its last path segment."""
    return "news" if is_article_iri(graph) else graph.rsplit("/", 1)[-1]


def existing_sources(store: Store, iris: Iterable[str], exclude: Iterable[URIRef]) -> dict[str, set[str]]:
    """For each IRI, the sources whose graphs already type it (``exclude``-d graphs and the ontology aside)."""
    skipped = {str(g) for g in exclude} | {str(ONTOLOGY_GRAPH)}
    wanted = sorted(set(iris))
    found: dict[str, set[str]] = {}
    for start in range(0, len(wanted), 500):
        values = " ".join(f"<{iri}>" for iri in wanted[start : start + 500])
        rows = store.select(f"SELECT DISTINCT ?e ?g WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?e a ?t }} }}")
        for row in rows:
            graph = str(row["g"])
            if graph not in skipped:
                found.setdefault(str(row["e"]), set()).add(source_of_graph(graph))
    return found


def news_organizations(store: Store) -> dict[str, str]:
    """IRI -> label of the organisations articles name (near-miss candidates)."""
    rows = store.select(
        SPARQL_PREFIXES
        + """SELECT DISTINCT ?e ?label WHERE { GRAPH ?a {
            ?a a cg:Article . ?e a ?t ; rdfs:label ?label
            VALUES ?t { cg:Company cg:Organization cg:GovernmentBody } } }"""
    )
    return {str(r["e"]): str(r["label"]) for r in rows}


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(value, 3))), datatype=XSD.decimal)


def fact_with_evidence(
    subject: Node,
    predicate: URIRef,
    obj: Node,
    *,
    info: DatasetInfo,
    row: str,
    rule: str,
    confidence: float = 1.0,
    derived_from: URIRef | None = None,
    fact: bool = True,
) -> list[Triple]:
    """A fact (unless ``fact`` is False) and the evidence node naming its dataset row."""
    node = mint("evidence", str(info.graph), row, str(subject), str(predicate), str(obj))
    triples: list[Triple] = [(subject, predicate, obj)] if fact else []
    triples += [
        (node, RDF.type, CG.Evidence),
        (node, RDF.subject, subject),
        (node, RDF.predicate, predicate),
        (node, RDF.object, obj),
        (node, CG.sourceRow, Literal(row)),
        (node, CG.sourceDataset, info.graph),
        (node, CG.sourceKind, Literal(info.kind)),
        (node, CG.rule, Literal(rule)),
        (node, CG.confidence, _decimal(confidence)),
    ]
    if derived_from is not None:
        triples.append((node, PROV.wasDerivedFrom, derived_from))
    return triples
