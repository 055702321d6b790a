"""ETO Chip Explorer import: mapping, provenance, alignment, idempotence, CLI.

Runs on the real dataset in ``../shared/data/eto-chip-explorer`` (never copied
into the repository); skips visibly when it is absent.
"""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest
from conftest import SHARED_DATA
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from typer.testing import CliRunner

from graph.cli import app
from graph.errors import DatasetNotFound
from graph.ids import ETO_GRAPH, ID_BASE
from graph.importers import import_eto
from graph.importers.align import DISTINCT_NAMES
from graph.kg import KnowledgeGraph
from graph.prefixes import SPARQL_PREFIXES
from graph.settings import Settings

ETO_DIR = SHARED_DATA / "eto-chip-explorer"


def iri(local: str) -> URIRef:
    return URIRef(ID_BASE + local)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if not (ETO_DIR / "provision.csv").is_file():
        pytest.skip(f"ETO Chip Explorer not found at {ETO_DIR} (set CHIPGRAPH_SHARED_DATA)")
    settings = Settings(store=tmp_path_factory.mktemp("eto") / "store", shared_data=SHARED_DATA)
    kg = KnowledgeGraph.open(settings)
    result = import_eto(kg)
    yield kg, result
    kg.close()


def rows(kg: KnowledgeGraph, query: str, **bindings: Node) -> list[dict]:
    return kg.store.select(SPARQL_PREFIXES + query, bindings or None)


def provision_row(provider: str, provided: str) -> int:
    with (ETO_DIR / "provision.csv").open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), 1):
            if row["provider_name"] == provider and row["provided_name"] == provided:
                return n
    raise AssertionError(f"no provision {provider} -> {provided}")


def test_counts_match_the_dataset_documentation(imported):
    _kg, result = imported
    counts = result.counts
    assert result.status == "added"
    assert counts["provisions"] == 1300
    assert (counts["provisions:quantified"], counts["provisions:unquantified"]) == (1054, 246)
    assert (counts["goes_into"], counts["type_of"]) == (53, 86)
    inputs = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("inputs:")}
    assert inputs == {
        "tool_resource": 90,
        "material_resource": 17,
        "process": 11,
        "design_resource": 7,
        "ultimate_output": 1,
    }
    assert counts["stages"] == 3 and counts["countries"] == 23
    assert counts["organizations"] == 373  # 380 organisation rows, 4 providers with several aliases
    assert result.seconds < 60


def test_dataset_node_carries_provenance_licence_and_file_digests(imported):
    kg, result = imported
    source = (ETO_DIR / "SOURCE.md").read_text(encoding="utf-8")
    found = rows(
        kg,
        """SELECT ?label ?licence ?citation ?version ?at ?sha ?kind WHERE { GRAPH ?g {
            ?g a cg:Dataset ; rdfs:label ?label ; dcterms:license ?licence ; dcterms:bibliographicCitation ?citation ;
               dcterms:hasVersion ?version ; prov:generatedAtTime ?at ; cg:sha256 ?sha ; cg:sourceKind ?kind } }""",
        g=ETO_GRAPH,
    )
    assert len(found) == 1
    node = found[0]
    assert str(node["licence"]) == "http://creativecommons.org/licenses/by-nc/4.0/"
    assert "CC BY-NC 4.0" in str(node["citation"]) and "Emerging Technology Observatory" in str(node["citation"])
    assert str(node["version"]) == "46e010644c2399c812fd89c62cd6297e9cf58525"
    assert str(node["sha"]) == result.digest and str(node["kind"]) == "eto"
    files = rows(
        kg,
        "SELECT ?name ?sha WHERE { GRAPH ?g { ?g dcterms:hasPart ?f . ?f dcterms:title ?name ; cg:sha256 ?sha } }",
        g=ETO_GRAPH,
    )
    documented = dict(re.findall(r"\| (\w+\.csv) \| \d+ \| ([0-9a-f]{64}) \|", source))
    assert {str(r["name"]): str(r["sha"]) for r in files} == documented


def test_a_provision_keeps_share_year_source_and_row(imported):
    kg, _ = imported
    found = rows(
        kg,
        """SELECT ?share ?year ?row ?rule WHERE { GRAPH ?g {
            ?p a cg:Provision ; cg:provider ?asml ; cg:provided ?euv ; cg:marketShare ?share ; cg:year ?year .
            ?ev rdf:subject ?p ; cg:sourceRow ?row ; cg:rule ?rule ; cg:sourceDataset ?g } }""",
        g=ETO_GRAPH,
        asml=iri("org/asml"),
        euv=iri("equipment/euv-lithography-system"),
    )
    assert len(found) == 1
    assert found[0]["share"].datatype == XSD.decimal and float(found[0]["share"]) == 100.0
    assert found[0]["year"] == Literal("2025", datatype=XSD.gYear)
    assert str(found[0]["row"]) == f"provision.csv#{provision_row('ASML', 'EUV lithography tools')}"
    # the direct fact, with evidence from the same row
    made = rows(
        kg,
        """SELECT ?row ?conf WHERE { GRAPH ?g { ?asml cg:makes ?euv .
            ?ev rdf:subject ?asml ; rdf:predicate cg:makes ; rdf:object ?euv ; cg:sourceRow ?row ;
                cg:confidence ?conf ; cg:sourceKind "eto" } }""",
        g=ETO_GRAPH,
        asml=iri("org/asml"),
        euv=iri("equipment/euv-lithography-system"),
    )
    assert [str(r["row"]) for r in made] == [str(found[0]["row"])] and float(made[0]["conf"]) == 1.0


def test_an_unquantified_provision_is_kept_without_a_share(imported):
    kg, _ = imported
    found = rows(
        kg,
        """SELECT ?p ?share ?year WHERE { GRAPH ?g {
            ?p a cg:Provision ; cg:provider ?amd ; cg:provided ?cpu ; cg:year ?year .
            ?cpu cg:externalId "eto:N1" OPTIONAL { ?p cg:marketShare ?share } } }""",
        g=ETO_GRAPH,
        amd=iri("org/amd"),
    )
    assert len(found) == 1 and "share" not in found[0] and str(found[0]["year"]) == "2019"


def test_inputs_get_classes_type_hierarchy_flow_and_stages(imported):
    kg, _ = imported

    def node(external: str) -> tuple[str, set[str]]:
        found = rows(
            kg, "SELECT ?e ?t WHERE { GRAPH ?g { ?e cg:externalId ?x ; a ?t } }", g=ETO_GRAPH, x=Literal(external)
        )
        assert found, external
        return str(found[0]["e"]), {str(r["t"]).rsplit("#", 1)[-1] for r in found}

    euv, euv_types = node("eto:N20")
    litho, _ = node("eto:N19")
    photolithography, process_types = node("eto:N25")
    chip, chip_types = node("eto:N99")
    _resist, resist_types = node("eto:N31")
    fabrication, _ = node("eto:S2")
    # curated reference things are reused: news about "EUV machines" lands on the same node
    assert euv == str(iri("equipment/euv-lithography-system")) and litho == str(iri("equipment/lithography-equipment"))
    assert euv_types == {"Equipment"} and resist_types == {"Material"} and chip_types == {"Product"}
    assert process_types == {"ProductionProcess"}
    facts = {
        (str(r["s"]), str(r["p"]).rsplit("#", 1)[-1], str(r["o"]))
        for r in rows(
            kg,
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o VALUES ?p { cg:typeOf cg:goesInto cg:inStage } } }",
            g=ETO_GRAPH,
        )
    }
    assert (euv, "typeOf", litho) in facts
    assert (litho, "goesInto", photolithography) in facts
    assert (photolithography, "inStage", fabrication) in facts
    assert any(p == "goesInto" and o == chip for _, p, o in facts)


def test_companies_resolve_to_the_reference_nodes(imported):
    _kg, result = imported
    by_name = {a.name: a for a in result.alignment.entries if a.kind == "organization"}
    for name, local in [
        ("ASML", "org/asml"),
        ("TSMC", "org/tsmc"),
        ("SMIC", "org/smic"),
        ("Applied Materials", "org/applied-materials"),
        ("Nvidia", "org/nvidia"),
        ("Tokyo Electron", "org/tokyo-electron"),
    ]:
        assert by_name[name].iri == str(iri(local)), name
        assert "reference" in by_name[name].existing
    # countries by ISO code
    countries = {a.name: a for a in result.alignment.entries if a.kind == "country"}
    assert (
        countries["Netherlands"].iri == str(iri("country/netherlands")) and countries["Netherlands"].how == "iso-code"
    )


def test_companies_sharing_a_word_stay_apart(imported):
    _kg, result = imported
    by_name = {a.name: a for a in result.alignment.entries if a.kind == "organization"}
    assert by_name["Lam Research"].iri != by_name["ACM Research"].iri
    assert by_name["Tokyo Electron"].iri != by_name["Tokyo Ohka Kogyo"].iri
    # checked by hand: ETO's "NanYa" (substrates) is Nan Ya PCB, not the DRAM maker Nanya Technology
    assert DISTINCT_NAMES["eto:P298"] == "Nan Ya PCB"
    assert by_name["NanYa"].iri == str(iri("org/nan-ya-pcb")) and by_name["NanYa"].how == "distinct"
    misses = {(m.name, m.candidate_label) for m in result.alignment.near_misses}
    assert ("Lam Research", "ACM Research") in misses and ("NanYa", "Nanya Technology") in misses
    assert all(m.iri != m.candidate for m in result.alignment.near_misses)


def test_reimport_is_idempotent_and_force_replaces(imported):
    kg, first = imported
    generation = kg.store.generation
    again = import_eto(kg)
    assert again.status == "unchanged" and again.digest == first.digest
    assert kg.store.generation == generation  # nothing written
    assert again.counts["triples"] == kg.store.count(ETO_GRAPH) == first.counts["triples"]
    forced = import_eto(kg, force=True)
    assert forced.status == "replaced" and kg.store.count(ETO_GRAPH) == first.counts["triples"]


def test_a_changed_dataset_replaces_its_graph(tmp_path, imported):
    kg, _ = imported
    changed = tmp_path / "eto"  # a scratch copy outside the repository
    shutil.copytree(ETO_DIR, changed)
    text = (changed / "provision.csv").read_text(encoding="utf-8")
    (changed / "provision.csv").write_text(
        text.replace("ASML,P88,EUV lithography tools,N20,100.0", "ASML,P88,EUV lithography tools,N20,99.0"),
        encoding="utf-8",
    )
    try:
        result = import_eto(kg, changed)
        assert result.status == "replaced"
        shares = rows(
            kg,
            "SELECT ?s WHERE { GRAPH ?g { ?p cg:provider ?asml ; cg:provided ?euv ; cg:marketShare ?s } }",
            g=ETO_GRAPH,
            asml=iri("org/asml"),
            euv=iri("equipment/euv-lithography-system"),
        )
        assert [float(r["s"]) for r in shares] == [99.0]
    finally:
        assert import_eto(kg).status == "replaced"  # back to the real data for the other tests


def test_a_missing_folder_is_a_clear_error(imported, tmp_path):
    kg, _ = imported
    with pytest.raises(DatasetNotFound, match="no ETO Chip Explorer dataset folder"):
        import_eto(kg, tmp_path / "nowhere")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "providers.csv").write_text("provider_name\n", encoding="utf-8")
    with pytest.raises(DatasetNotFound, match=r"lacks inputs\.csv"):
        import_eto(kg, tmp_path / "partial")


def test_cli_prints_counts_and_the_alignment_report(tmp_path):
    if not ETO_DIR.is_dir():
        pytest.skip(f"ETO Chip Explorer not found at {ETO_DIR}")
    runner = CliRunner()
    store = str(tmp_path / "store")
    out = runner.invoke(app, ["import", "eto", str(ETO_DIR), "--store", store, "--limit", "5"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "eto: added" in out.output and "near misses" in out.output and "merges with existing nodes" in out.output
    report = runner.invoke(app, ["import", "eto", str(ETO_DIR), "--store", store, "--report", "json"])
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    assert data["status"] == "unchanged" and data["counts"]["provisions"] == 1300
    assert any(m["iri"].endswith("/org/asml") for m in data["alignment"]["merges"])
    assert data["alignment"]["near_misses"] and data["alignment"]["counts"]["merged"] > 100
    missing = runner.invoke(app, ["import", "eto", str(tmp_path / "nowhere"), "--store", store])
    assert missing.exit_code == 3 and "no ETO Chip Explorer dataset folder" in missing.output


def test_import_on_every_backend(settings):
    if not ETO_DIR.is_dir():
        pytest.skip(f"ETO Chip Explorer not found at {ETO_DIR}")
    kg = KnowledgeGraph.open(settings.model_copy(update={"shared_data": SHARED_DATA}))
    try:
        first = import_eto(kg)
        assert first.status == "added" and kg.store.count(ETO_GRAPH) == first.counts["triples"]
        assert import_eto(kg).status == "unchanged"
    finally:
        kg.close()
