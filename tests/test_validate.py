"""SHACL validation: good graphs conform, each kind of bad graph is caught."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.ids import mint_entity, mint_node
from graph.ontology import load_ontology
from graph.validate import domain_range_shapes, validate_graph
from graph.vocab import CG

SMIC = mint_entity(CG.Company, "SMIC")
HUAWEI = mint_entity(CG.Company, "Huawei")
CHINA = mint_entity(CG.Country, "China")
US = mint_entity(CG.Country, "United States")
N7 = mint_node(7)
BAN = URIRef("https://w3id.org/chipgraph/id/sanction/test")


def good_graph() -> Graph:
    graph = Graph()
    for triple in load_ontology():
        graph.add(triple)
    for entity, cls, label in (
        (SMIC, CG.Company, "SMIC"),
        (HUAWEI, CG.Company, "Huawei"),
        (CHINA, CG.Country, "China"),
        (US, CG.Country, "United States"),
        (N7, CG.ProcessNode, "7nm"),
    ):
        graph.add((entity, RDF.type, cls))
        graph.add((entity, RDFS.label, Literal(label)))
    graph.add((N7, CG.nodeSizeNm, Literal("7", datatype=XSD.decimal)))
    graph.add((SMIC, CG.headquarteredIn, CHINA))
    graph.add((SMIC, CG.manufacturesFor, HUAWEI))
    graph.add((SMIC, CG.atNode, N7))
    graph.add((BAN, RDF.type, CG.ExportControl))
    graph.add((BAN, RDFS.label, Literal("US export control on SMIC")))
    graph.add((BAN, CG.imposedBy, US))
    graph.add((BAN, CG.targets, SMIC))
    graph.add((BAN, CG.status, CG.InForce))
    graph.add((BAN, CG.date, Literal("2020", datatype=XSD.gYear)))
    return graph


def test_a_good_graph_conforms() -> None:
    report = validate_graph(good_graph())
    assert report.conforms, report.results


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda g: g.add((SMIC, CG.headquarteredIn, HUAWEI)), "range of headquartered in"),
        (lambda g: g.add((N7, CG.suppliesTo, SMIC)), "domain of supplies to"),
        (lambda g: g.remove((HUAWEI, RDFS.label, None)), "rdfs:label"),
        (lambda g: g.add((N7, CG.nodeSizeNm, Literal("5", datatype=XSD.decimal))), "size in nm"),
        (lambda g: g.add((BAN, CG.status, Literal("in force"))), "status"),
        (lambda g: g.add((BAN, CG.date, Literal("last July"))), "date"),
        (lambda g: g.add((BAN, CG.restricts, CHINA)), "restricts"),
        (lambda g: g.add((CHINA, CG.isoCode, Literal("cn"))), "ISO code"),
    ],
)
def test_bad_graphs_fail(damage, expected: str) -> None:
    graph = good_graph()
    damage(graph)
    report = validate_graph(graph)
    assert not report.conforms
    assert any(expected.lower() in (r["message"] + " " + r["path"]).lower() for r in report.results), report.results


def test_domain_and_range_shapes_come_from_the_ontology() -> None:
    shapes = domain_range_shapes()
    targets = {o for _, p, o in shapes if str(p).endswith("targetSubjectsOf")}
    assert {CG.suppliesTo, CG.headquarteredIn, CG.affiliatedWith} <= targets
