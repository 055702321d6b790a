"""Import ETO Chip Explorer (CSET's Advanced Semiconductor Supply Chain Dataset) into ``ETO_GRAPH``.

The CSV files are read from their folder (``<shared_data>/eto-chip-explorer``,
CC BY-NC 4.0: never copied into the repository) and mapped as follows:

============================  =====================================================================
ETO                           chipgraph (all in ``https://w3id.org/chipgraph/graph/eto``)
============================  =====================================================================
providers.csv, organization   ``cg:Company`` (the pseudo-provider "Various companies":
                              ``cg:Organization``), resolved like an article's name;
                              ``cg:externalId "eto:P88"``, aliases as ``skos:altLabel``,
                              ``cg:headquarteredIn`` its country (with row evidence)
providers.csv, country        the reference ``cg:Country`` with that ISO alpha-3 code
                              (``EUR`` Europe and "Various countries" are minted)
inputs.csv                    tool_resource ``cg:Equipment``, material_resource ``cg:Material``,
                              design_resource ``cg:DesignResource``, process
                              ``cg:ProductionProcess`` (``cg:inStage`` its stage),
                              ultimate_output ``cg:Product``; description as ``rdfs:comment``;
                              an exact name or alias of a reference thing reuses its node
stages.csv                    ``cg:ProductionProcess`` (S1 Design, S2 Fabrication, S3 ATP)
sequence.csv "goes into"      ``cg:goesInto`` (input -> process or final chip)
sequence.csv "is type of"     ``cg:typeOf`` (narrower -> broader input)
provision.csv                 a ``cg:Provision`` (``cg:provider``, ``cg:provided``,
                              ``cg:marketShare`` percent when given, ``cg:year``,
                              ``dcterms:source`` the row's source text) and, for a company
                              providing an equipment, material or design input, the direct
                              fact ``company cg:makes input``
============================  =====================================================================

An empty share means "a major provider, not quantified": the provision is
kept without ``cg:marketShare``. Every fact carries an evidence node with its
row (``provision.csv#50`` is the 50th data row, header not counted), rule
(``eto:provision``, ``eto:goes-into``...) and confidence 1.0: the dataset
states presence as firmly as shares, so unquantified rows are not discounted.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from graph.errors import IngestError
from graph.ids import ETO_GRAPH, mint
from graph.importers.align import Aligner, Alignment, lexicon_for
from graph.importers.dataset import (
    DatasetInfo,
    ImportResult,
    Triple,
    dataset_digest,
    dataset_triples,
    existing_sources,
    fact_with_evidence,
    file_digests,
    news_organizations,
    require_files,
    stored_digest,
)
from graph.kg import KnowledgeGraph
from graph.vocab import CG

__all__ = ["ETO", "FILES", "INPUT_CLASSES", "EtoTables", "eto_triples", "import_eto", "read_eto"]

#: bump when the mapping changes, so unchanged files still re-import
IMPORTER_VERSION = "eto/1"
FILES = ("providers.csv", "inputs.csv", "provision.csv", "sequence.csv", "stages.csv")
DEFAULT_COMMIT = "46e010644c2399c812fd89c62cd6297e9cf58525"

INPUT_CLASSES: dict[str, URIRef] = {
    "tool_resource": CG.Equipment,
    "material_resource": CG.Material,
    "design_resource": CG.DesignResource,
    "process": CG.ProductionProcess,
    "ultimate_output": CG.Product,
}
#: classes whose provider "makes" them (processes and stages are provided, not made)
_MADE = (CG.Equipment, CG.Material, CG.DesignResource, CG.Product)

ETO = DatasetInfo(
    kind="eto",
    graph=ETO_GRAPH,
    label="ETO Chip Explorer: Advanced Semiconductor Supply Chain Dataset (CSET)",
    homepage="https://github.com/georgetown-cset/eto-chip-explorer",
    license="http://creativecommons.org/licenses/by-nc/4.0/",
    license_name="CC BY-NC 4.0",
    attribution=(
        'Data: Emerging Technology Observatory, "Advanced Semiconductor Supply Chain Dataset" (ETO Chip Explorer), '
        "Center for Security and Emerging Technology (CSET), Georgetown University, "
        "https://github.com/georgetown-cset/eto-chip-explorer (commit 46e0106), "
        "https://eto.tech/dataset-docs/chipexplorer . Licensed under CC BY-NC 4.0. Most data derived from the "
        'CSET report "The Semiconductor Supply Chain: Assessing National Competitiveness" (2021), updated with '
        "CSET analysis of TechInsights data (2025)."
    ),
    files=FILES,
    commit=DEFAULT_COMMIT,
    changes=(
        "Converted to RDF by chipgraph: providers, inputs and stages became entities (companies and countries "
        "resolved to chipgraph's nodes), provision rows became cg:Provision records plus cg:makes facts, "
        "sequence rows became cg:goesInto and cg:typeOf facts; every fact names its source row."
    ),
)

Row = dict[str, str]


@dataclass(frozen=True)
class EtoTables:
    """The five CSV files as (data row number, row) pairs."""

    providers: list[tuple[int, Row]]
    inputs: list[tuple[int, Row]]
    provision: list[tuple[int, Row]]
    sequence: list[tuple[int, Row]]
    stages: list[tuple[int, Row]]
    commit: str


def _read(path: Path) -> list[tuple[int, Row]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return [
                (n, {k: (v or "").strip() for k, v in row.items() if k})
                for n, row in enumerate(csv.DictReader(handle), 1)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise IngestError(f"cannot read {path}: {exc}") from exc


def read_eto(folder: Path) -> EtoTables:
    """Read the dataset's CSV files (and its snapshot commit from SOURCE.md when given)."""
    folder = require_files(folder, FILES, "ETO Chip Explorer")
    commit = DEFAULT_COMMIT
    source = folder / "SOURCE.md"
    if source.is_file():
        found = re.search(r"commit[^`\n]*`([0-9a-f]{40})`", source.read_text(encoding="utf-8", errors="replace"))
        commit = found.group(1) if found else commit
    providers, inputs, provision, sequence, stages = (_read(folder / name) for name in FILES)
    return EtoTables(providers, inputs, provision, sequence, stages, commit)


def _year(text: str) -> Literal | None:
    return Literal(text, datatype=XSD.gYear) if re.fullmatch(r"\d{4}", text) else None


def _share(text: str, where: str) -> Literal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise IngestError(f"{where}: market share {text!r} is not a number") from None
    if not 0 <= value <= 100:
        raise IngestError(f"{where}: market share {text} is not a percentage")
    return Literal(value, datatype=XSD.decimal)


class _Builder:
    """Turns the tables into triples, keeping counts."""

    def __init__(self, tables: EtoTables, aligner: Aligner, info: DatasetInfo) -> None:
        self.tables = tables
        self.aligner = aligner
        self.info = info
        self.triples: list[Triple] = []
        self.counts: dict[str, int] = {}
        self.nodes: dict[str, Alignment] = {}  # ETO id -> alignment
        self.pseudo: set[str] = set()  # "Various companies" / "Various countries"

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def describe(self, a: Alignment, names: list[str], external: str, comment: str = "") -> None:
        iri = URIRef(a.iri)
        self.triples.append((iri, RDF.type, URIRef(a.cls)))
        in_reference = self.aligner.lexicon.entries.get(iri) is not None and (
            self.aligner.lexicon.entries[iri].source == "reference"
        )
        if not in_reference:
            self.triples.append((iri, RDFS.label, Literal(a.label)))
        for name in dict.fromkeys(names):
            if name and name != a.label:
                self.triples.append((iri, SKOS.altLabel, Literal(name)))
        self.triples.append((iri, CG.externalId, Literal(external)))
        if comment:
            self.triples.append((iri, RDFS.comment, Literal(comment)))

    def evidence(self, s: URIRef, p: URIRef, o: URIRef, row: str, rule: str, *, fact: bool = True) -> None:
        self.triples += fact_with_evidence(s, p, o, info=self.info, row=row, rule=rule, fact=fact)
        self.count("evidence")

    # -- providers ------------------------------------------------------------------

    def providers(self) -> None:
        by_id: dict[str, list[tuple[int, Row]]] = {}
        for n, row in self.tables.providers:
            by_id.setdefault(row["provider_id"], []).append((n, row))
        countries: dict[str, str] = {}  # alpha-3 (or ETO code) -> ETO id
        for pid, rows in by_id.items():
            first = rows[0][1]
            if first["provider_type"] != "country":
                continue
            code = first["provider_name"]
            name = first["alias"] or code
            iso = code if re.fullmatch(r"[A-Z]{3}", code) else None
            a = self.aligner.country(f"eto:{pid}", name, code=iso)
            if code.startswith("Various"):
                self.pseudo.add(pid)
            self.nodes[pid] = a
            countries[code] = pid
            comment = "ETO's aggregate of providers in countries it does not name." if pid in self.pseudo else ""
            self.describe(a, [name], f"eto:{pid}", comment)
            self.count("countries")
        for pid, rows in by_id.items():
            n, first = rows[0]
            if first["provider_type"] != "organization":
                continue
            names = [first["provider_name"]] + [r["alias"] for _, r in rows if r["alias"]]
            pseudo = first["provider_name"].startswith("Various")
            a = self.aligner.organization(f"eto:{pid}", names, cls=CG.Organization if pseudo else CG.Company)
            self.nodes[pid] = a
            comment = "ETO's aggregate of providers it does not name." if pseudo else ""
            if pseudo:
                self.pseudo.add(pid)
            self.describe(a, names, f"eto:{pid}", comment)
            self.count("organizations")
            home = countries.get(first["country"])
            if home is None or pseudo or home in self.pseudo:
                continue
            country = URIRef(self.nodes[home].iri)
            known = self.aligner.reference_home(a.iri)
            if known is not None and known != country:
                self.aligner.notes.append(
                    f"{first['provider_name']} (eto:{pid}): ETO says headquartered in {first['country']}, "
                    f"the reference list says {known.rsplit('/', 1)[-1]}; the reference is kept"
                )
                self.count("headquarters_conflicts")
                continue
            self.evidence(URIRef(a.iri), CG.headquarteredIn, country, f"providers.csv#{n}", "eto:provider-country")
            self.count("headquarters")

    # -- inputs, stages, sequence ---------------------------------------------------

    def stages(self) -> None:
        for _n, row in self.tables.stages:
            sid = row["stage_id"]
            a = self.aligner.thing(f"eto:{sid}", row["stage_name"], CG.ProductionProcess)
            self.nodes[sid] = a
            self.describe(a, [row["stage_name"]], f"eto:{sid}", row.get("description", ""))
            self.count("stages")

    def inputs(self) -> None:
        for n, row in self.tables.inputs:
            nid = row["input_id"]
            cls = INPUT_CLASSES.get(row["type"])
            if cls is None:
                raise IngestError(f"inputs.csv#{n}: unknown input type {row['type']!r}")
            a = self.aligner.thing(f"eto:{nid}", row["input_name"], cls)
            self.nodes[nid] = a
            self.describe(a, [row["input_name"]], f"eto:{nid}", row.get("description", ""))
            self.count(f"inputs:{row['type']}")
            stage = row.get("stage_id", "")
            if stage:
                if stage not in self.nodes:
                    raise IngestError(f"inputs.csv#{n}: unknown stage {stage!r}")
                self.evidence(URIRef(a.iri), CG.inStage, URIRef(self.nodes[stage].iri), f"inputs.csv#{n}", "eto:stage")

    def sequence(self) -> None:
        for n, row in self.tables.sequence:
            source = self._node(row["input_id"], f"sequence.csv#{n}")
            for column, prop, rule, key in (
                ("goes_into_id", CG.goesInto, "eto:goes-into", "goes_into"),
                ("is_type_of_id", CG.typeOf, "eto:is-type-of", "type_of"),
            ):
                if row.get(column):
                    target = self._node(row[column], f"sequence.csv#{n}")
                    self.evidence(source, prop, target, f"sequence.csv#{n}", rule)
                    self.count(key)

    def _node(self, eto_id: str, where: str) -> URIRef:
        if eto_id not in self.nodes:
            raise IngestError(f"{where}: unknown ETO id {eto_id!r}")
        return URIRef(self.nodes[eto_id].iri)

    # -- provision ----------------------------------------------------------------------

    def provision(self) -> None:
        for n, row in self.tables.provision:
            where = f"provision.csv#{n}"
            provider = self._node(row["provider_id"], where)
            provided_alignment = self.nodes.get(row["provided_id"])
            provided = self._node(row["provided_id"], where)
            record = mint("provision", "eto", row["provider_id"], row["provided_id"])
            self.triples += [
                (record, RDF.type, CG.Provision),
                (record, CG.provider, provider),
                (record, CG.provided, provided),
            ]
            share = _share(row.get("share_provided", ""), where)
            if share is not None:
                self.triples.append((record, CG.marketShare, share))
                self.count("provisions:quantified")
            else:
                self.count("provisions:unquantified")
            year = _year(row.get("year", ""))
            if year is not None:
                self.triples.append((record, CG.year, year))
            if row.get("source"):
                self.triples.append((record, DCTERMS.source, Literal(row["source"])))
            self.evidence(record, CG.provided, provided, where, "eto:provision", fact=False)
            self.count("provisions")
            provider_alignment = self.nodes[row["provider_id"]]
            if (
                provider_alignment.kind == "organization"
                and row["provider_id"] not in self.pseudo
                and provided_alignment is not None
                and URIRef(provided_alignment.cls) in _MADE
            ):
                self.evidence(provider, CG.makes, provided, where, "eto:provision")
                self.count("makes")


def eto_triples(tables: EtoTables, aligner: Aligner, info: DatasetInfo = ETO) -> tuple[list[Triple], dict[str, int]]:
    """The mapped triples of the dataset (without the dataset node) and their counts."""
    builder = _Builder(tables, aligner, info)
    builder.providers()
    builder.stages()
    builder.inputs()
    builder.sequence()
    builder.provision()
    triples = list(dict.fromkeys(builder.triples))
    return triples, dict(sorted(builder.counts.items()))


def import_eto(kg: KnowledgeGraph, path: Path | None = None, *, force: bool = False) -> ImportResult:
    """Import (or re-import) ETO Chip Explorer from ``path`` (default ``<shared_data>/eto-chip-explorer``).

    An unchanged dataset (same files, importer and reference list) is left
    alone unless ``force``; a changed one replaces ``ETO_GRAPH`` atomically.
    """
    started = time.perf_counter()
    folder = Path(path) if path is not None else kg.settings.shared_data / "eto-chip-explorer"
    tables = read_eto(folder)
    digests = file_digests(folder, FILES)
    lexicon, fingerprint = lexicon_for(kg.settings)
    digest = dataset_digest(digests, IMPORTER_VERSION, fingerprint)
    info = DatasetInfo(**{**ETO.__dict__, "commit": tables.commit})
    aligner = Aligner(lexicon, "eto")
    triples, counts = eto_triples(tables, aligner, info)
    existing = existing_sources(kg.store, {a.iri for a in aligner.records}, exclude=[ETO_GRAPH])
    report = aligner.report(existing, news_organizations(kg.store))
    previous = stored_digest(kg.store, ETO_GRAPH)
    if previous == digest and not force:
        counts["triples"] = kg.store.count(ETO_GRAPH)
        return ImportResult("eto", "unchanged", digest, time.perf_counter() - started, {}, counts, report)
    triples += dataset_triples(info, digests, digest, datetime.now(UTC))
    with kg.writing() as store:
        store.replace_graph(ETO_GRAPH, triples)
    counts["triples"] = len(triples)
    status = "replaced" if previous is not None else "added"
    return ImportResult(
        "eto", status, digest, time.perf_counter() - started, {str(ETO_GRAPH): len(triples)}, counts, report
    )
