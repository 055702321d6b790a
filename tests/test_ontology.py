"""The ontology, its generated vocabulary, the shapes and the alignment."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from graph.ontology import (
    CG_NAMESPACE,
    alignment_files,
    generate_vocab_source,
    load_ontology,
    load_shapes,
    property_info,
    reference_files,
)
from graph.vocab import CG

REQUIRED_CLASSES = [
    "Organization",
    "Company",
    "GovernmentBody",
    "Country",
    "Person",
    "Equipment",
    "ProcessNode",
    "Product",
    "Technology",
    "Facility",
    "Sanction",
    "ExportControl",
    "EntityListing",
    "Tariff",
    "Exemption",
    "CounterSanction",
    "Article",
]
REQUIRED_OBJECT_PROPERTIES = [
    "headquarteredIn",
    "suppliesTo",
    "manufacturesFor",
    "makes",
    "uses",
    "originCountry",
    "hasComponent",
    "atNode",
    "affiliatedWith",
    "operates",
    "locatedIn",
    "subsidiaryOf",
    "mentions",
    "imposedBy",
    "targets",
    "restricts",
    "exempts",
]


def test_vocab_is_generated_from_the_ontology() -> None:
    from pathlib import Path

    import graph.vocab

    assert Path(graph.vocab.__file__).read_text(encoding="utf-8") == generate_vocab_source(), (
        "graph/vocab.py drifted from ontology/chipgraph.ttl: run python -m graph.ontology"
    )


def test_vocabulary_is_closed() -> None:
    assert CG.Company == URIRef(CG_NAMESPACE + "Company")
    with pytest.raises(AttributeError):
        _ = CG.Compnay  # a misspelt term fails loudly


@pytest.mark.parametrize("name", REQUIRED_CLASSES)
def test_required_classes(name: str) -> None:
    assert (URIRef(CG_NAMESPACE + name), RDF.type, OWL.Class) in load_ontology()


@pytest.mark.parametrize("name", REQUIRED_OBJECT_PROPERTIES)
def test_required_object_properties(name: str) -> None:
    assert (URIRef(CG_NAMESPACE + name), RDF.type, OWL.ObjectProperty) in load_ontology()


def test_class_hierarchy() -> None:
    onto = load_ontology()
    assert (CG.Company, RDFS.subClassOf, CG.Organization) in onto
    assert (CG.GovernmentBody, RDFS.subClassOf, CG.Organization) in onto
    assert (CG.manufacturesFor, RDFS.subPropertyOf, CG.suppliesTo) in onto
    for kind in (CG.ExportControl, CG.EntityListing, CG.Tariff, CG.Exemption, CG.CounterSanction):
        assert (kind, RDFS.subClassOf, CG.Sanction) in onto


def test_data_properties_for_dates_sizes_status_confidence() -> None:
    onto = load_ontology()
    for name in ("date", "nodeSizeNm", "confidence", "thresholdNm"):
        assert (URIRef(CG_NAMESPACE + name), RDF.type, OWL.DatatypeProperty) in onto
    statuses = set(onto.subjects(RDF.type, CG.SanctionStatus))
    assert statuses == {CG.InForce, CG.Proposed, CG.Considered, CG.Threatened, CG.Extended, CG.Lifted}


def test_every_term_has_label_and_comment_and_properties_domain_range() -> None:
    onto = load_ontology()
    missing = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if not str(term).startswith(CG_NAMESPACE):
                continue
            for needed in (RDFS.label, RDFS.comment):
                if onto.value(term, needed) is None:
                    missing.append(f"{term} lacks {needed}")
            if kind != OWL.Class:
                for needed in (RDFS.domain, RDFS.range):
                    if onto.value(term, needed) is None:
                        missing.append(f"{term} lacks {needed}")
    assert not missing, "\n".join(missing)


def test_every_property_has_a_dependency_direction() -> None:
    directions = {info.direction for info in property_info().values()}
    assert directions <= {"forward", "reverse", "none"}
    assert property_info()[CG.suppliesTo].direction == "forward"
    assert property_info()[CG.headquarteredIn].direction == "reverse"


def test_shapes_and_alignment_parse() -> None:
    assert len(load_shapes()) > 50
    files = alignment_files()
    assert files, "the SupplyBench alignment file is missing"
    alignment = Graph()
    for path in files:
        alignment.parse(path)
    assert any(p == OWL.propertyChainAxiom for _, p, _ in alignment.triples((CG.suppliesTo, None, None)))


def test_reference_entities_are_well_formed() -> None:
    files = reference_files()
    assert files, "ontology/reference/*.ttl is missing"
    data = Graph()
    for path in files:
        data.parse(path)
    classes = set(load_ontology().subjects(RDF.type, OWL.Class))
    entities = {s for s, o in data.subject_objects(RDF.type) if str(o).startswith(CG_NAMESPACE) and o != CG.Dataset}
    assert len(entities) > 200
    problems = []
    names: dict[str, set[URIRef]] = {}
    for entity in entities:
        labels = list(data.objects(entity, RDFS.label))
        if len(labels) != 1:
            problems.append(f"{entity} has {len(labels)} labels")
        for cls in data.objects(entity, RDF.type):
            if str(cls).startswith(CG_NAMESPACE) and cls not in classes:
                problems.append(f"{entity} has unknown class {cls}")
        for name in (*labels, *data.objects(entity, SKOS.altLabel)):
            names.setdefault(str(name), set()).add(entity)  # type: ignore[arg-type]
    shared = {n: e for n, e in names.items() if len(e) > 1}
    assert not problems, "\n".join(problems)
    assert not shared, f"names shared by different entities: {shared}"
    # aliases in other scripts resolve to the same node
    smic = [e for e in entities if str(data.value(e, RDFS.label)) == "SMIC"]
    assert smic and {"中芯国际", "中芯國際"} <= {str(a) for a in data.objects(smic[0], SKOS.altLabel)}
