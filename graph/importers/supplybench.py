"""Import SupplyBench (wintechis) into ``SUPPLYBENCH_GRAPH``, keeping its own triples in ``SUPPLYBENCH_RAW_GRAPH``.

The Turtle files are read from their folder (``<shared_data>/supplybench``,
CC BY-NC-SA 4.0: never copied into the repository). ``abox.ttl`` and
``tbox.ttl`` are loaded unchanged into ``SUPPLYBENCH_RAW_GRAPH``, so the 67
questions of ``queries.n3`` still run (:func:`load_questions`,
:func:`question_query`); the mapping below, documented as axioms in
``ontology/alignment/supplybench.ttl``, is materialised in ``SUPPLYBENCH_GRAPH``:

==============================================  ======================================================
SupplyBench                                     chipgraph
==============================================  ======================================================
``esn:Enterprise``                              ``cg:Company`` resolved like an article's name, its
                                                Wikidata id first (``owl:sameAs wd:Q...`` kept);
                                                ``cg:externalId "supplybench:weQ20"``,
                                                ``skos:exactMatch`` the SupplyBench resource,
                                                ``sbt:organizationType`` (IDM, Fabless, Foundry,
                                                OSAT, Equipment manufacturer, Materials producer)
``org:hasRegisteredSite`` + ``parentFeature``+  ``cg:headquarteredIn`` the country: the nearest
                                                ``geonames:A.PCLI`` feature (or a feature whose
                                                Wikidata id is a known country)
``org:Site`` of ``org:hasSite``                 ``cg:Facility`` (label, ``sbt:siteType``, coordinates),
                                                ``company cg:operates facility``,
                                                ``facility cg:locatedIn country``
``sn:SupplyFlow`` (``esn:supplier`` S,          ``S cg:suppliesTo C``
``esn:customer`` C)
==============================================  ======================================================

Financial observations, memberships and publications stay in the raw graph
only. Every mapped fact has an evidence node whose row is the SupplyBench
resource it came from (``abox.ttl#company/weQ20.ttl#Q675`` for a flow), with
``prov:wasDerivedFrom`` that resource, so a reader can follow it into the raw graph.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import SKOS
from rdflib.term import Node

from graph.errors import IngestError
from graph.ids import SUPPLYBENCH_GRAPH, SUPPLYBENCH_RAW_GRAPH, mint_entity
from graph.importers.align import WIKIDATA, Aligner, Alignment, lexicon_for
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
from graph.prefixes import SPARQL_PREFIXES
from graph.store.terms import from_ox
from graph.vocab import CG

__all__ = [
    "FILES",
    "SUPPLYBENCH",
    "Question",
    "Triples",
    "import_supplybench",
    "load_questions",
    "question_query",
    "read_supplybench",
    "supplybench_triples",
]

IMPORTER_VERSION = "supplybench/1"
FILES = ("abox.ttl", "tbox.ttl")
QUERIES = "queries.n3"

ESN = Namespace("https://paul.ti.rw.fau.de/~ju32haqi/supply-networks/abstraction-examples/esn-ontology#")
SN = Namespace("https://purl.org/supply-network/onto#")
ORG = Namespace("https://www.w3.org/ns/org#")  # SupplyBench spells the W3C org ontology with https
GN = Namespace("http://www.geonames.org/ontology#")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SBT = Namespace(
    "https://github.com/wintechis/natural-language-query-answering/tree/main/knowledge-graph/velektronik-graph-clean/tbox.ttl#"
)
_BASE = "https://solid.iis.fraunhofer.de/oe-40200/2024/10/velektronik-graph-clean/"
_PCLI = GN["A.PCLI"]

SUPPLYBENCH = DatasetInfo(
    kind="supplybench",
    graph=SUPPLYBENCH_GRAPH,
    label="SupplyBench: semiconductor supply-network knowledge graph (wintechis)",
    homepage="https://github.com/wintechis/supplybench",
    license="http://creativecommons.org/licenses/by-nc-sa/4.0/",
    license_name="CC BY-NC-SA 4.0",
    attribution=(
        '"SupplyBench", Chair of Technical Information Systems (wintechis), FAU Erlangen-Nürnberg / '
        "Fraunhofer IIS, https://github.com/wintechis/supplybench (commit 029ae82, snapshot v0.2), CC BY-NC-SA 4.0."
    ),
    files=FILES,
    commit="029ae82",
    version="v0.2",
    changes=(
        "Mapped to the chipgraph ontology by chipgraph (see ontology/alignment/supplybench.ttl): enterprises became "
        "cg:Company nodes resolved to chipgraph's entities, sites cg:Facility, supply flows cg:suppliesTo, registered "
        "sites cg:headquarteredIn countries; the original abox.ttl and tbox.ttl are kept unchanged in "
        f"{SUPPLYBENCH_RAW_GRAPH}. This derived graph is under the same licence (CC BY-NC-SA 4.0)."
    ),
)


def _local(iri: Node) -> str:
    """The part of a SupplyBench IRI after its base (``company/weQ20.ttl#this``)."""
    text = str(iri)
    return text[len(_BASE) :] if text.startswith(_BASE) else text


def _key(iri: Node) -> str:
    """``supplybench:weQ20`` for a company, ``supplybench:site/weQ434`` for a site."""
    local = _local(iri)
    kind, _, rest = local.partition("/")
    name = rest.split(".ttl", 1)[0]
    return f"supplybench:{name}" if kind == "company" else f"supplybench:{kind}/{name}"


def _row(iri: Node) -> str:
    return f"abox.ttl#{_local(iri)}"


class Triples:
    """The dataset's triples, indexed for the few lookups the mapping makes (rdflib terms)."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self._sp: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        self._po: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        self._p: dict[Node, list[Node]] = defaultdict(list)
        for s, p, o in triples:
            self._sp[(s, p)].append(o)
            self._po[(p, o)].append(s)
            self._p[p].append(o)

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """Objects of ``subject predicate ?``."""
        return self._sp.get((subject, predicate), [])

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        """Subjects of ``? predicate obj``."""
        return self._po.get((predicate, obj), [])

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of ``subject predicate ?`` (the smallest), if any."""
        found = self.objects(subject, predicate)
        return min(found, key=str) if found else None

    def all_objects(self, predicate: Node) -> set[Node]:
        """Every object of ``predicate``."""
        return set(self._p.get(predicate, []))

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return triple[2] in self.objects(triple[0], triple[1])


def read_supplybench(folder: Path) -> Triples:
    """Parse ``abox.ttl`` and ``tbox.ttl`` (with Oxigraph's parser: rdflib's takes ten times as long)."""
    import pyoxigraph as ox

    def parse(path: Path) -> Iterable[tuple[Node, Node, Node]]:
        try:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)
        except (SyntaxError, OSError) as exc:
            raise IngestError(f"cannot parse {path}: {exc}") from exc

    return Triples(t for name in FILES for t in parse(folder / name))


class _Builder:
    def __init__(self, graph: Triples, aligner: Aligner, info: DatasetInfo) -> None:
        self.g = graph
        self.aligner = aligner
        self.info = info
        self.triples: list[Triple] = []
        self.counts: dict[str, int] = {}
        self.companies: dict[Node, Alignment] = {}
        self._countries: dict[Node, Alignment | None] = {}
        self._facility_labels: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def evidence(self, s: URIRef, p: URIRef, o: URIRef, source: Node, rule: str) -> None:
        self.triples += fact_with_evidence(
            s, p, o, info=self.info, row=_row(source), rule=rule, derived_from=URIRef(str(source))
        )

    def _in_reference(self, iri: str) -> bool:
        entry = self.aligner.lexicon.entries.get(URIRef(iri))
        return entry is not None and entry.source == "reference"

    # -- countries ---------------------------------------------------------------------

    def _wikidata(self, node: Node) -> list[str]:
        return sorted(str(o) for o in self.g.objects(node, OWL.sameAs) if str(o).startswith(WIKIDATA))

    def _country_of_feature(self, feature: Node) -> Alignment | None:
        """The country a geonames feature is, if it is one (coded A.PCLI or a known country's QID)."""
        if feature in self._countries:
            return self._countries[feature]
        found: Alignment | None = None
        qids = self._wikidata(feature)
        known = any(
            (iri := self.aligner.wikidata(q)) is not None
            and (entry := self.aligner.lexicon.entries.get(iri)) is not None
            and entry.cls == CG.Country
            for q in qids
        )
        if (feature, GN.featureCode, _PCLI) in self.g or known:
            name = str(self.g.value(feature, RDFS.label) or _local(feature))
            found = self.aligner.country(
                f"supplybench:{_local(feature).split('/')[-1].split('.ttl')[0]}", name, wikidata=qids
            )
            iri = URIRef(found.iri)
            self.triples.append((iri, RDF.type, CG.Country))
            if not self._in_reference(found.iri):
                self.triples.append((iri, RDFS.label, Literal(found.label)))
                self.count("countries:new")
            self.triples += [(iri, OWL.sameAs, URIRef(q)) for q in qids]
            self.triples.append((iri, SKOS.exactMatch, URIRef(str(feature))))
            self.count("countries")
        self._countries[feature] = found
        return found

    def countries_of(self, place: Node) -> list[Alignment]:
        """The nearest countries up the ``geonames:parentFeature`` chain of a place."""
        seen = {place}
        frontier = [place]
        while frontier:
            found = [c for f in frontier if (c := self._country_of_feature(f)) is not None]
            if found:
                return sorted({c.iri: c for c in found}.values(), key=lambda c: c.iri)
            parents = []
            for feature in frontier:
                for parent in self.g.objects(feature, GN.parentFeature):
                    if parent not in seen:
                        seen.add(parent)
                        parents.append(parent)
            frontier = parents
        return []

    # -- companies, sites, flows ----------------------------------------------------------

    def enterprises(self) -> None:
        types = {t: str(self.g.value(t, RDFS.label)) for t in set(self.g.all_objects(SBT.organizationType))}
        for node in sorted(self.g.subjects(RDF.type, ESN.Enterprise), key=str):
            label = str(self.g.value(node, RDFS.label) or "").strip()
            if not label:
                self.count("enterprises:unnamed")
                continue
            qids = self._wikidata(node)
            a = self.aligner.organization(_key(node), [label], wikidata=qids)
            self.companies[node] = a
            iri = URIRef(a.iri)
            self.triples.append((iri, RDF.type, URIRef(a.cls)))
            if not self._in_reference(a.iri):
                self.triples.append((iri, RDFS.label, Literal(a.label)))
            if label != a.label:
                self.triples.append((iri, SKOS.altLabel, Literal(label)))
            self.triples += [(iri, OWL.sameAs, URIRef(q)) for q in qids]
            self.triples += [
                (iri, SKOS.exactMatch, URIRef(str(node))),
                (iri, CG.externalId, Literal(_key(node))),
            ]
            for kind in self.g.objects(node, SBT.organizationType):
                self.triples += [(iri, SBT.organizationType, kind), (kind, RDFS.label, Literal(types[kind]))]
            self.count("enterprises")
            self._headquarters(node, a, label)

    def _headquarters(self, node: Node, a: Alignment, label: str) -> None:
        sites = sorted(self.g.objects(node, ORG.hasRegisteredSite), key=str)
        countries = [c for site in sites for c in self.countries_of(site)]
        if not countries:
            self.count("headquarters:unresolved")
            return
        country = countries[0]
        if len({c.iri for c in countries}) > 1:
            self.aligner.notes.append(
                f"{label} ({_key(node)}): registered site in several countries "
                f"({', '.join(c.label for c in countries)}); {country.label} is kept"
            )
        known = self.aligner.reference_home(a.iri)
        if known is not None and str(known) != country.iri:
            self.aligner.notes.append(
                f"{label} ({_key(node)}): SupplyBench says headquartered in {country.label}, "
                f"the reference list says {known.rsplit('/', 1)[-1]}; the reference is kept"
            )
            self.count("headquarters_conflicts")
            return
        self.evidence(URIRef(a.iri), CG.headquarteredIn, URIRef(country.iri), node, "supplybench:registered-site")
        self.count("headquarters")

    def sites(self) -> None:
        site_types = {t: str(self.g.value(t, RDFS.label)) for t in set(self.g.all_objects(SBT.siteType))}
        labels: dict[str, int] = {}
        owned = sorted(((c, s) for c in self.companies for s in self.g.objects(c, ORG.hasSite)), key=str)
        for _, site in owned:
            text = str(self.g.value(site, RDFS.label) or "")
            labels[text] = labels.get(text, 0) + 1
        made: set[Node] = set()
        for company, site in owned:
            label = str(self.g.value(site, RDFS.label) or "").strip()
            if not label:
                self.count("sites:unnamed")
                continue
            name = label if labels[label] == 1 else f"{label} ({_key(site).rsplit('/', 1)[-1]})"
            facility = mint_entity(CG.Facility, name)
            if site not in made:
                made.add(site)
                self.triples += [
                    (facility, RDF.type, CG.Facility),
                    (facility, RDFS.label, Literal(name)),
                    (facility, SKOS.exactMatch, URIRef(str(site))),
                    (facility, CG.externalId, Literal(_key(site))),
                ]
                for kind in self.g.objects(site, SBT.siteType):
                    self.triples += [(facility, SBT.siteType, kind), (kind, RDFS.label, Literal(site_types[kind]))]
                for prop in (WGS.lat, WGS.long):
                    self.triples += [(facility, prop, value) for value in self.g.objects(site, prop)]
                countries = self.countries_of(site)
                for country in countries:
                    self.evidence(facility, CG.locatedIn, URIRef(country.iri), site, "supplybench:site-place")
                self.count("facilities")
                if not countries:
                    self.count("facilities:country-unresolved")
            self.evidence(URIRef(self.companies[company].iri), CG.operates, facility, site, "supplybench:has-site")
            self.count("operates")

    def flows(self) -> None:
        for flow in sorted(self.g.subjects(RDF.type, SN.SupplyFlow), key=str):
            supplier = self.g.value(flow, ESN.supplier)
            customer = self.g.value(flow, ESN.customer)
            if supplier not in self.companies or customer not in self.companies:
                self.count("flows:party-undescribed")
                continue
            s, c = URIRef(self.companies[supplier].iri), URIRef(self.companies[customer].iri)
            if s == c:
                self.count("flows:same-node")
                continue
            self.evidence(s, CG.suppliesTo, c, flow, "supplybench:supply-flow")
            self.count("flows")


def supplybench_triples(
    graph: Triples, aligner: Aligner, info: DatasetInfo = SUPPLYBENCH
) -> tuple[list[Triple], dict[str, int]]:
    """The mapped triples (without the dataset node) and their counts."""
    builder = _Builder(graph, aligner, info)
    builder.enterprises()
    builder.sites()
    builder.flows()
    triples = list(dict.fromkeys(builder.triples))
    return triples, dict(sorted(builder.counts.items()))


def _raw_intact(kg: KnowledgeGraph, expected: int | None) -> bool:
    return expected is not None and kg.store.count(SUPPLYBENCH_RAW_GRAPH) == expected


def _recorded_raw_size(kg: KnowledgeGraph) -> int | None:
    rows = kg.store.select(
        SPARQL_PREFIXES + "SELECT ?n WHERE { GRAPH ?g { ?raw <http://rdfs.org/ns/void#triples> ?n } }",
        {"g": SUPPLYBENCH_GRAPH, "raw": SUPPLYBENCH_RAW_GRAPH},
    )
    return int(rows[0]["n"]) if rows else None  # type: ignore[call-overload]


def import_supplybench(kg: KnowledgeGraph, path: Path | None = None, *, force: bool = False) -> ImportResult:
    """Import (or re-import) SupplyBench from ``path`` (default ``<shared_data>/supplybench``).

    An unchanged dataset (same files, importer and reference list, raw graph
    whole) is left alone unless ``force``; a changed one reloads the raw graph
    and replaces the mapped graph.
    """
    started = time.perf_counter()
    folder = require_files(
        Path(path) if path is not None else kg.settings.shared_data / "supplybench", FILES, "SupplyBench"
    )
    digests = file_digests(folder, FILES)
    lexicon, fingerprint = lexicon_for(kg.settings)
    digest = dataset_digest(digests, IMPORTER_VERSION, fingerprint)
    graph = read_supplybench(folder)
    aligner = Aligner(lexicon, "supplybench")
    triples, counts = supplybench_triples(graph, aligner)
    existing = existing_sources(kg.store, {a.iri for a in aligner.records}, exclude=[SUPPLYBENCH_GRAPH])
    report = aligner.report(existing, news_organizations(kg.store))
    previous = stored_digest(kg.store, SUPPLYBENCH_GRAPH)
    if previous == digest and not force and _raw_intact(kg, _recorded_raw_size(kg)):
        counts["triples"] = kg.store.count(SUPPLYBENCH_GRAPH)
        counts["raw_triples"] = kg.store.count(SUPPLYBENCH_RAW_GRAPH)
        return ImportResult("supplybench", "unchanged", digest, time.perf_counter() - started, {}, counts, report)
    with kg.writing() as store:
        store.drop_graph(SUPPLYBENCH_RAW_GRAPH)
        for name in FILES:
            store.load(folder / name, "turtle", SUPPLYBENCH_RAW_GRAPH)
        raw = store.count(SUPPLYBENCH_RAW_GRAPH)
        # the mapped graph, with the digest, goes last: an interrupted import re-imports next time
        triples += dataset_triples(SUPPLYBENCH, digests, digest, datetime.now(UTC), parts={SUPPLYBENCH_RAW_GRAPH: raw})
        store.replace_graph(SUPPLYBENCH_GRAPH, triples)
    counts["triples"] = len(triples)
    counts["raw_triples"] = raw
    status = "replaced" if previous is not None else "added"
    graphs = {str(SUPPLYBENCH_GRAPH): len(triples), str(SUPPLYBENCH_RAW_GRAPH): raw}
    return ImportResult("supplybench", status, digest, time.perf_counter() - started, graphs, counts, report)


# -- the 67 questions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One SupplyBench question and its graph pattern."""

    label: str
    category: str
    patterns: str  # SPARQL triple patterns (``p__plus`` written as the path ``p+``)

    def to_dict(self) -> dict[str, str]:
        """Plain JSON."""
        return {"label": self.label, "category": self.category, "patterns": self.patterns}


def _term(term: Node) -> str:
    if isinstance(term, Variable):
        return "?" + str(term)
    if isinstance(term, URIRef) and str(term).endswith("__plus"):
        # the benchmark writes the property path p+ as a predicate named p__plus
        return f"<{str(term).removesuffix('__plus')}>+"
    return str(term.n3())


def load_questions(folder: Path) -> list[Question]:
    """The questions of ``queries.n3``, sorted by label."""
    path = Path(folder) / QUERIES
    if not path.is_file():
        raise IngestError(f"no SupplyBench questions at {path}")
    graph = Graph().parse(path, format="n3")
    dc_subject = URIRef("http://purl.org/dc/elements/1.1/subject")
    questions = []
    for node, formula in graph.subject_objects(RDF.value):
        patterns: Iterable[tuple[Node, Node, Node]] = formula  # type: ignore[assignment]
        text = " .\n  ".join(" ".join(_term(t) for t in triple) for triple in patterns)
        questions.append(
            Question(str(graph.value(node, RDFS.label)), str(graph.value(node, dc_subject) or ""), text + " .")
        )
    return sorted(questions, key=lambda q: q.label)


def question_query(question: Question, graph: URIRef | None = SUPPLYBENCH_RAW_GRAPH) -> str:
    """A SELECT over the raw graph (or the default graph with ``graph=None``) answering the question."""
    body = f"GRAPH <{graph}> {{\n  {question.patterns}\n}}" if graph is not None else question.patterns
    return f"SELECT * WHERE {{\n{body}\n}}"
