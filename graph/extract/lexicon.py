"""The extractor's lexicons, all read from data rather than written in code.

* trigger, cue, denial and hedge lexicons come from ``ontology/chipgraph.ttl``;
* named entities (countries with demonyms and metonyms, companies, bodies,
  products, generic categories) come from ``ontology/reference/*.ttl``;
* when present, the ETO Chip Explorer providers and the SupplyBench
  enterprises under ``settings.shared_data`` grow the company list at load
  time (they are read, never copied into the repository).
"""

from __future__ import annotations

import csv
import functools
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from graph.extract import rx as re
from graph.extract.terms import CG
from graph.ids import mint_entity
from graph.ontology import CG_NAMESPACE, class_ancestors, cues, load_ontology, reference_files, triggers

__all__ = [
    "GENERIC_COMPANY_WORDS",
    "LEGAL_SUFFIXES",
    "LexEntry",
    "Lexicon",
    "load_lexicon",
    "norm_key",
    "strip_legal_suffix",
]

log = logging.getLogger(__name__)

#: words of company names that do not tell one company from another (legal forms, generic trade words)
GENERIC_COMPANY_WORDS = frozenset(
    (
        "co",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "holdings",
        "holding",
        "group",
        "company",
        "plc",
        "nv",
        "ag",
        "se",
        "sa",
        "llc",
        "gmbh",
        "kk",
        "bhd",
        "technology",
        "technologies",
        "semiconductor",
        "semiconductors",
        "electronics",
        "industries",
        "industry",
        "international",
        "global",
        "enterprises",
    )
)

#: legal-form words that end company names and are dropped from canonical names
LEGAL_SUFFIXES = (
    "Co",
    "Co.",
    "Corp",
    "Corp.",
    "Corporation",
    "Inc",
    "Inc.",
    "Incorporated",
    "Ltd",
    "Ltd.",
    "Limited",
    "Holdings",
    "Holding",
    "Group",
    "NV",
    "N.V.",
    "AG",
    "SE",
    "SA",
    "S.A.",
    "plc",
    "PLC",
    "LLC",
    "GmbH",
    "KK",
    "K.K.",
    "Bhd",
    "Co Ltd",
    "Co., Ltd.",
    "Co. Ltd.",
)
_SUFFIX_RE = re.compile(
    r"(?:,?\s+(?:" + "|".join(re.escape(s) for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True)) + r"))+\s*$"
)
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")

_ORG_CLASSES = (CG.Company, CG.Organization, CG.GovernmentBody)


@functools.lru_cache(maxsize=65536)
def norm_key(name: str) -> str:
    """Case-, punctuation- and article-insensitive key of a name.

    >>> norm_key("The Semiconductor Manufacturing Int'l Corp.")
    'semiconductor manufacturing intl corp'
    >>> norm_key("US’") == norm_key("US")
    True
    """
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = _PUNCT.sub("", text.replace("-", " ").replace("/", " "))
    text = _SPACES.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


@functools.lru_cache(maxsize=65536)
def strip_legal_suffix(name: str) -> str:
    """The name without trailing legal-form words.

    >>> strip_legal_suffix("Huawei Technologies Co., Ltd.")
    'Huawei Technologies'
    >>> strip_legal_suffix("Group")
    'Group'
    """
    stripped = _SUFFIX_RE.sub("", name).strip().rstrip(",")
    return stripped or name


@dataclass(frozen=True)
class LexEntry:
    """One known entity and the names it goes by."""

    iri: URIRef
    cls: URIRef
    label: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    same_as: tuple[URIRef, ...] = ()
    headquartered_in: URIRef | None = None
    heads: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    source: str = "reference"
    literals: tuple[tuple[URIRef, Literal], ...] = ()


@dataclass
class Lexicon:
    """Everything the rules look words up in."""

    entries: dict[URIRef, LexEntry] = field(default_factory=dict)
    #: norm_key of a name -> the entries it may denote
    by_key: dict[str, list[URIRef]] = field(default_factory=dict)
    #: surface strings for the phrase matcher: (surface, iri, kind) with kind name/demonym/metonym
    surfaces: list[tuple[str, URIRef, str]] = field(default_factory=list)
    #: property -> (forward triggers, inverse triggers)
    property_triggers: dict[URIRef, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    class_cues: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    sanction_kinds: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    statuses: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    attribution: tuple[str, ...] = ()
    denial: tuple[str, ...] = ()
    hedge: tuple[str, ...] = ()
    #: generic category entities (with cg:head / cg:modifier)
    categories: list[LexEntry] = field(default_factory=list)

    def add(self, entry: LexEntry) -> None:
        """Add an entry and its surface forms (first definition of an IRI wins)."""
        if entry.iri in self.entries:
            return
        self.entries[entry.iri] = entry
        for name in (entry.label, *entry.aliases):
            for variant in {name, strip_legal_suffix(name)}:
                key = norm_key(variant)
                if key:
                    bucket = self.by_key.setdefault(key, [])
                    if entry.iri not in bucket:
                        bucket.append(entry.iri)
                    self.surfaces.append((variant, entry.iri, "name"))
        self.surfaces += [(d, entry.iri, "demonym") for d in entry.demonyms]
        self.surfaces += [(m, entry.iri, "metonym") for m in entry.metonyms]
        if entry.heads:
            self.categories.append(entry)

    def lookup(self, name: str) -> LexEntry | None:
        """The entry a name denotes, if exactly one does."""
        iris = self.by_key.get(norm_key(name)) or self.by_key.get(norm_key(strip_legal_suffix(name)))
        if iris and len(iris) == 1:
            return self.entries[iris[0]]
        return None

    def lookup_cached(self, name: str) -> LexEntry | None:
        """:meth:`lookup` remembered per name (the lexicon does not change after loading)."""
        cache = self.__dict__.setdefault("_lookup_cache", {})
        if name not in cache:
            cache[name] = self.lookup(name)
        found: LexEntry | None = cache[name]
        return found

    def countries(self) -> list[LexEntry]:
        """All country entries (remembered once the lexicon is in use)."""
        cached: tuple[int, list[LexEntry]] | None = self.__dict__.get("_countries")
        if cached is None or cached[0] != len(self.entries):
            cached = (len(self.entries), [e for e in self.entries.values() if e.cls == CG.Country])
            self.__dict__["_countries"] = cached
        return cached[1]


def _texts(graph: Graph, subject: URIRef, prop: URIRef) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in graph.objects(subject, prop) if isinstance(v, Literal)))


def _domain_class(graph: Graph, subject: URIRef) -> URIRef | None:
    for cls in graph.objects(subject, RDF.type):
        if isinstance(cls, URIRef) and str(cls).startswith(CG_NAMESPACE) and CG.Entity in class_ancestors(cls):
            return cls
    return None


def _entries_from_reference(paths: Iterable[Path]) -> list[LexEntry]:
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # a half-written reference file must not stop extraction
            log.warning("skipping reference file %s: %s", path, exc)
    out: list[LexEntry] = []
    for subject in sorted({s for s in graph.subjects(RDFS.label, None) if isinstance(s, URIRef)}):
        cls = _domain_class(graph, subject)
        if cls is None or cls == CG.Sanction or CG.Sanction in class_ancestors(cls):
            continue
        label = str(graph.value(subject, RDFS.label))
        hq = graph.value(subject, CG.headquarteredIn)
        out.append(
            LexEntry(
                iri=subject,
                cls=cls,
                label=label,
                aliases=tuple(a for a in _texts(graph, subject, SKOS.altLabel) if a != label),
                demonyms=_texts(graph, subject, CG.demonym),
                metonyms=_texts(graph, subject, CG.metonym),
                same_as=tuple(o for o in graph.objects(subject, OWL.sameAs) if isinstance(o, URIRef)),
                headquartered_in=hq if isinstance(hq, URIRef) else None,
                heads=_texts(graph, subject, CG.head),
                modifiers=_texts(graph, subject, CG.modifier),
                literals=tuple(
                    (CG.nodeSizeNm, v) for v in graph.objects(subject, CG.nodeSizeNm) if isinstance(v, Literal)
                ),
            )
        )
    return out


_PLAUSIBLE_NAME = re.compile(r"^[A-Z0-9][\w&.'\-~]*(?:\s+(?:[A-Z0-9&][\w&.'\-~]*|of|and|de|the|für))*$")


def plausible_dataset_name(name: str) -> bool:
    """Whether a dataset company name is safe to look for in running text.

    Multi-word capitalised names are; single words must not look like an
    ordinary English word ("Screen", "Focus"): they need a capital inside,
    a digit or symbol, or be an acronym.

    >>> [plausible_dataset_name(n) for n in ("Applied Materials", "Screen", "GlobalFoundries", "Various companies")]
    [True, False, True, False]
    """
    name = name.strip()
    if len(name) < 3 or not _PLAUSIBLE_NAME.match(name):
        return False
    if " " in name:
        return True
    return bool(re.search(r"[a-z][A-Z]|[0-9&\-]|^[A-Z]{3,}$", name))


def _entries_from_eto(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    rows: list[tuple[str, tuple[str, ...], str]] = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("provider_type") != "organization":
                continue
            names = [n.strip() for n in (row.get("provider_name", ""), row.get("alias", "")) if n and n.strip()]
            if names:
                rows.append((names[0], tuple(names[1:]), (row.get("country") or "").strip()))
    return rows


_SB_BLOCK = re.compile(r"#this> a ([^;]*?);\s*rdfs:label \"((?:[^\"\\]|\\.)*)\"", re.DOTALL)


def _entries_from_supplybench(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [label for kinds, label in _SB_BLOCK.findall(text) if "Enterprise" in kinds]


def _add_dataset_companies(lexicon: Lexicon, names: Iterable[tuple[str, tuple[str, ...]]], source: str) -> None:
    for name, aliases in names:
        usable = tuple(n for n in (name, *aliases) if plausible_dataset_name(n))
        if not usable:
            continue
        known = next((lexicon.lookup(n) for n in usable if lexicon.lookup(n) is not None), None)
        if known is not None:
            continue  # already in the reference list under one of its names
        canonical = strip_legal_suffix(usable[0])
        iri = mint_entity(CG.Company, canonical)
        lexicon.add(LexEntry(iri=iri, cls=CG.Company, label=canonical, aliases=usable, source=source))


def _iso_index(lexicon: Lexicon) -> dict[str, URIRef]:
    graph = Graph()
    for path in reference_files():
        try:
            graph.parse(path, format="turtle")
        except Exception:  # noqa: S112 - reported when the entries were read
            continue
    return {str(code): s for s, code in graph.subject_objects(CG.isoCode) if isinstance(s, URIRef)}


def _ontology_lexicons(lexicon: Lexicon) -> None:
    graph = load_ontology()
    for prop in (
        CG.headquarteredIn,
        CG.suppliesTo,
        CG.manufacturesFor,
        CG.makes,
        CG.uses,
        CG.hasComponent,
        CG.affiliatedWith,
        CG.operates,
        CG.locatedIn,
        CG.subsidiaryOf,
    ):
        lexicon.property_triggers[prop] = (triggers(prop), triggers(prop, inverse=True))
    for cls in (
        CG.Organization,
        CG.Company,
        CG.GovernmentBody,
        CG.Person,
        CG.Facility,
        CG.Equipment,
        CG.Product,
        CG.Material,
        CG.Technology,
    ):
        lexicon.class_cues[cls] = cues(cls)
    for kind in (CG.Sanction, CG.ExportControl, CG.EntityListing, CG.Tariff, CG.Exemption, CG.CounterSanction):
        lexicon.sanction_kinds[kind] = triggers(kind)
    for status in (CG.InForce, CG.Proposed, CG.Considered, CG.Threatened, CG.Extended, CG.Lifted):
        lexicon.statuses[status] = triggers(status)
    lexicon.attribution = triggers(CG.reportedBy)
    lexicon.denial = tuple(sorted(str(v) for v in graph.objects(CG.Evidence, CG.denialCue)))
    lexicon.hedge = tuple(sorted(str(v) for v in graph.objects(CG.Evidence, CG.hedgeCue)))


@functools.cache
def load_lexicon(shared_data: Path | None = None, use_datasets: bool = True) -> Lexicon:
    """Build (once per process and arguments) the lexicon from ontology, reference list and datasets."""
    lexicon = Lexicon()
    _ontology_lexicons(lexicon)
    for entry in _entries_from_reference(reference_files()):
        lexicon.add(entry)
    if use_datasets and shared_data is not None:
        iso = _iso_index(lexicon)
        eto = shared_data / "eto-chip-explorer" / "providers.csv"
        if eto.is_file():
            try:
                rows = _entries_from_eto(eto)
                _add_dataset_companies(lexicon, ((n, a) for n, a, _ in rows), "eto")
                # dataset rows carry a home country: keep it for apposition-free articles
                for name, _aliases, country in rows:
                    found = lexicon.lookup(name)
                    if found is not None and found.source == "eto" and country in iso:
                        lexicon.entries[found.iri] = LexEntry(**{**found.__dict__, "headquartered_in": iso[country]})
            except (OSError, csv.Error, UnicodeDecodeError) as exc:
                log.warning("cannot read %s: %s", eto, exc)
        sb = shared_data / "supplybench" / "abox.ttl"
        if sb.is_file():
            try:
                _add_dataset_companies(lexicon, ((n, ()) for n in _entries_from_supplybench(sb)), "supplybench")
            except OSError as exc:
                log.warning("cannot read %s: %s", sb, exc)
    return lexicon
