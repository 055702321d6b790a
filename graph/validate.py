"""SHACL validation of the store against ``ontology/shapes.ttl``.

Domain and range shapes for every ``cg:`` object property are generated
from the ontology here rather than written twice. The ontology graph is part
of the data graph so ``sh:class`` sees subclasses (a cg:Company is a
cg:Organization).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

from graph.ids import SUPPLYBENCH_RAW_GRAPH
from graph.ontology import load_shapes, property_info
from graph.store import Store

__all__ = ["ValidationReport", "domain_range_shapes", "validate_graph", "validate_store"]

SH = Namespace("http://www.w3.org/ns/shacl#")
_ENTITY = URIRef("https://w3id.org/chipgraph/ontology#Entity")

#: graphs whose vocabulary is not chipgraph's and which the shapes do not describe
SKIPPED_GRAPHS = (SUPPLYBENCH_RAW_GRAPH,)


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of a SHACL run."""

    conforms: bool
    violations: int
    results: list[dict[str, Any]] = field(default_factory=list)
    triples: int = 0


def domain_range_shapes() -> Graph:
    """SHACL shapes checking the domain and range of every cg: object property."""
    shapes = Graph()
    for prop, info in property_info().items():
        for target, cls in ((SH.targetSubjectsOf, info.domain), (SH.targetObjectsOf, info.range)):
            if cls is None or not str(cls).startswith(str(_ENTITY).rsplit("#", 1)[0]):
                continue
            shape = BNode()
            kind = "domain" if target == SH.targetSubjectsOf else "range"
            shapes.add((shape, RDF.type, SH.NodeShape))
            shapes.add((shape, target, prop))
            shapes.add((shape, SH["class"], cls))
            shapes.add((shape, SH.message, Literal(f"{kind} of {info.label}: expected a {cls.split('#')[-1]}")))
    return shapes


def validate_graph(data: Graph) -> ValidationReport:
    """Validate an rdflib graph (which should include the ontology triples)."""
    from pyshacl import validate

    shapes = Graph()
    for triple in load_shapes():
        shapes.add(triple)
    for triple in domain_range_shapes():
        shapes.add(triple)
    conforms, report_graph, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    results = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        results.append(
            {
                "focus": str(report_graph.value(result, SH.focusNode)),
                "path": str(report_graph.value(result, SH.resultPath) or ""),
                "value": str(report_graph.value(result, SH.value) or ""),
                "message": str(report_graph.value(result, SH.resultMessage) or ""),
                "severity": str(report_graph.value(result, SH.resultSeverity) or "").rsplit("#", 1)[-1],
            }
        )
    results.sort(key=lambda r: (r["focus"], r["path"]))
    return ValidationReport(bool(conforms), len(results), results, len(data))


def validate_store(store: Store, *, graphs: Iterable[URIRef] | None = None) -> ValidationReport:
    """Validate the union of the store's graphs (all but foreign-vocabulary ones)."""
    names = list(graphs) if graphs is not None else [g for g in store.graph_names() if g not in SKIPPED_GRAPHS]
    data = Graph()
    for name in names:
        for s, p, o, _ in store.quads(graph=name):
            data.add((s, p, o))
    return validate_graph(data)
