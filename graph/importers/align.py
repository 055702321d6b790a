"""Dataset names to chipgraph IRIs: the alignment every importer shares.

A dataset company must become the very node the news extractor makes for
the same company, or nothing fuses. So names are resolved with the
extractor's own lexicon (:func:`graph.extract.lexicon.load_lexicon`: the
curated reference list plus the ETO and SupplyBench company lists) and its
resolver (:func:`graph.extract.resolve.resolve_name`), in this order:

1. a short list of dataset rows checked by hand to be *another* company than
   the one their name suggests (:data:`DISTINCT_NAMES`);
2. a Wikidata id the dataset gives (``owl:sameAs wd:Q...``) that a known entity has;
3. an organisation entry whose name or alias is the dataset name (any alias
   of the row, legal suffixes ignored);
4. the resolver's guarded variants (generic company words, close spellings);
5. otherwise the IRI minted from the canonical name, which is also what an
   article naming the company would get.

Countries go by ISO alpha-3 code, Wikidata id or name; inputs (equipment,
materials...) by exact name or alias with a compatible class. The report
lists every merge (dataset name -> existing entity, how, and which sources
already had the node) and near misses: close names that were *not* merged,
with their rapidfuzz score and the words that differ.

>>> from graph.extract.lexicon import load_lexicon
>>> aligner = Aligner(load_lexicon(None, False), "example")
>>> a = aligner.organization("example:1", ["ASML Holding N.V."])
>>> a.iri.rsplit("/", 1)[-1], a.how
('asml', 'name')
>>> aligner.organization("example:2", ["Applied Micro Circuits Corporation"]).label
'Applied Micro Circuits'
>>> aligner.country("example:3", "Netherlands", code="NLD").how
'iso-code'
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process
from rdflib import Graph, URIRef

from graph.bootstrap import files_digest
from graph.extract.lexicon import GENERIC_COMPANY_WORDS, LexEntry, Lexicon, load_lexicon, norm_key, strip_legal_suffix
from graph.extract.resolve import resolve_name
from graph.ids import mint_entity
from graph.ontology import class_ancestors, reference_files
from graph.settings import Settings
from graph.vocab import CG

__all__ = [
    "DISTINCT_NAMES",
    "NEAR_MISS_SCORE",
    "Aligner",
    "Alignment",
    "AlignmentReport",
    "NearMiss",
    "lexicon_for",
    "reference_iso_codes",
]

ORG_CLASSES = (CG.Company, CG.Organization, CG.GovernmentBody)
WIKIDATA = "http://www.wikidata.org/entity/"
#: rapidfuzz ratio (of the distinctive words) from which a close name that was not merged is
#: reported; names sharing their first distinctive word are reported whatever their score
NEAR_MISS_SCORE = 80.0
#: words that do not tell companies apart
_GENERIC_WORDS = GENERIC_COMPANY_WORDS | {"electronic", "materials", "microelectronics", "system", "systems"}
#: first words too common to make two names close
_COMMON_FIRST_WORDS = frozenset(
    """the china chinese national new us american global international advanced general united japan korea taiwan
    european asia beijing shanghai shenzhen hangzhou zhejiang jiangsu hefei wuxi suzhou nanjing tianjin guangdong
    xian chengdu wuhan""".split()  # noqa: SIM905 - a word list reads better as text
)

#: dataset rows whose name is a known company's but which are another company (checked by hand):
#: dataset key -> the canonical name to mint instead
DISTINCT_NAMES: dict[str, str] = {
    # ETO's "NanYa" provides package substrates: Nan Ya PCB, not the DRAM maker Nanya Technology
    "eto:P298": "Nan Ya PCB",
}


@dataclass(frozen=True)
class Alignment:
    """One dataset record and the node it became."""

    dataset: str
    key: str  # the dataset's own id ("eto:P88", "supplybench:weQ1029")
    name: str
    kind: str  # "organization", "country" or "input"
    iri: str
    label: str
    cls: str
    how: str  # "distinct", "wikidata", "iso-code", "name", "alias", "variant" or "new"
    matched: str | None = None  # the name, alias, code or QID it matched on
    existing: tuple[str, ...] = ()  # sources that already had the node (reference, news, eto, supplybench)

    @property
    def merged(self) -> bool:
        """Whether the record landed on a node another source already had."""
        return bool(self.existing)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "iri": self.iri,
            "label": self.label,
            "how": self.how,
            "matched": self.matched,
            "existing": list(self.existing),
        }


@dataclass(frozen=True)
class NearMiss:
    """A close name that was not merged."""

    key: str
    name: str
    iri: str
    candidate: str
    candidate_label: str
    candidate_source: str
    score: float
    differs: str  # the words that tell the two apart

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "key": self.key,
            "name": self.name,
            "iri": self.iri,
            "candidate": self.candidate,
            "candidate_label": self.candidate_label,
            "candidate_source": self.candidate_source,
            "score": round(self.score, 1),
            "differs": self.differs,
        }


@dataclass(frozen=True)
class AlignmentReport:
    """Every record's node, the merges among them, and the near misses."""

    dataset: str
    entries: tuple[Alignment, ...]
    near_misses: tuple[NearMiss, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # facts the dataset states but that were not kept, and why

    @property
    def merges(self) -> tuple[Alignment, ...]:
        """The records that landed on a node another source already had."""
        return tuple(a for a in self.entries if a.merged)

    def counts(self) -> dict[str, int]:
        """How many records of each kind, merged with each source, matched each way."""
        out: dict[str, int] = {"records": len(self.entries), "merged": len(self.merges)}
        for a in self.entries:
            plural = "countries" if a.kind == "country" else f"{a.kind}s"
            out[plural] = out.get(plural, 0) + 1
            out[f"how:{a.how}"] = out.get(f"how:{a.how}", 0) + 1
            for source in a.existing:
                out[f"merged:{source}"] = out.get(f"merged:{source}", 0) + 1
        out["near_misses"] = len(self.near_misses)
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON: counts, merges and near misses."""
        return {
            "dataset": self.dataset,
            "counts": self.counts(),
            "merges": [a.to_dict() for a in self.merges],
            "near_misses": [m.to_dict() for m in self.near_misses],
            "notes": list(self.notes),
        }


def lexicon_for(settings: Settings) -> tuple[Lexicon, str]:
    """The lexicon the news extractor uses with these settings, and a fingerprint of its inputs.

    Imports must resolve names with exactly this lexicon; the fingerprint goes
    into their change digest so a changed reference list re-imports.
    """
    shared = settings.shared_data.resolve() if settings.reference_from_datasets else None
    lexicon = load_lexicon(shared, settings.reference_from_datasets)
    h = hashlib.sha256(files_digest(reference_files()).encode())
    if shared is not None:
        for path in (shared / "eto-chip-explorer" / "providers.csv", shared / "supplybench" / "abox.ttl"):
            if path.is_file():
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return lexicon, h.hexdigest()


@functools.cache
def reference_iso_codes() -> dict[str, URIRef]:
    """ISO 3166 alpha-3 code -> reference country IRI (from ``ontology/reference``)."""
    graph = Graph()
    for path in reference_files():
        graph.parse(path, format="turtle")
    return {str(code): s for s, code in graph.subject_objects(CG.isoCode) if isinstance(s, URIRef)}


def _is_org(entry: LexEntry) -> bool:
    return entry.cls in ORG_CLASSES


def _fits(entry_cls: URIRef, wanted: URIRef) -> bool:
    """Whether an entry of ``entry_cls`` may stand for a dataset thing of class ``wanted``."""
    return wanted in class_ancestors(entry_cls)


def _distinctive(name: str) -> str:
    """The words of a name that tell companies apart (legal forms and generic words dropped)."""
    words = norm_key(strip_legal_suffix(name)).split()
    kept = [w for w in words if w not in _GENERIC_WORDS]
    return " ".join(kept or words)


def _differs(a: str, b: str) -> str:
    mine, theirs = norm_key(a).split(), norm_key(b).split()
    only_mine = [w for w in mine if w not in theirs]
    only_theirs = [w for w in theirs if w not in mine]
    return f"{' '.join(only_mine) or '-'} / {' '.join(only_theirs) or '-'}"


class Aligner:
    """Resolves one dataset's records against the lexicon and collects the report."""

    def __init__(self, lexicon: Lexicon, dataset: str, *, iso_codes: Mapping[str, URIRef] | None = None) -> None:
        self.lexicon = lexicon
        self.dataset = dataset
        self.iso = dict(reference_iso_codes() if iso_codes is None else iso_codes)
        self._wikidata: dict[str, URIRef] = {}
        for iri, entry in lexicon.entries.items():
            for same in entry.same_as:
                if str(same).startswith(WIKIDATA):
                    self._wikidata.setdefault(str(same), iri)
        self._records: dict[str, Alignment] = {}
        self.notes: list[str] = []

    # -- lookups -------------------------------------------------------------------

    def _lookup(self, name: str, accept: Any) -> LexEntry | None:
        """The one entry ``accept``-ed among those named ``name`` (legal suffix ignored)."""
        for variant in dict.fromkeys((name, strip_legal_suffix(name))):
            iris = [i for i in self.lexicon.by_key.get(norm_key(variant), []) if accept(self.lexicon.entries[i])]
            if len(iris) == 1:
                return self.lexicon.entries[iris[0]]
        return None

    def _record(self, alignment: Alignment) -> Alignment:
        self._records[alignment.key] = alignment
        return alignment

    @property
    def records(self) -> tuple[Alignment, ...]:
        """Every record aligned so far."""
        return tuple(self._records.values())

    def get(self, key: str) -> Alignment | None:
        """The alignment of a record seen before."""
        return self._records.get(key)

    def reference_home(self, iri: str) -> URIRef | None:
        """The home country the curated reference list gives an entity, if any."""
        entry = self.lexicon.entries.get(URIRef(iri))
        return entry.headquartered_in if entry is not None and entry.source == "reference" else None

    def wikidata(self, qid: str) -> URIRef | None:
        """The known entity with this Wikidata IRI, if any."""
        return self._wikidata.get(qid)

    # -- records ---------------------------------------------------------------------

    def organization(
        self, key: str, names: Sequence[str], *, wikidata: Iterable[str] = (), cls: URIRef = CG.Company
    ) -> Alignment:
        """The node of a dataset company (``names``: its name first, then aliases)."""
        names = [n.strip() for n in names if n and n.strip()]
        if not names:
            raise ValueError(f"record {key} has no name")
        first = names[0]

        def done(iri: URIRef, label: str, entry_cls: URIRef, how: str, matched: str | None) -> Alignment:
            return self._record(
                Alignment(self.dataset, key, first, "organization", str(iri), label, str(entry_cls), how, matched)
            )

        if key in DISTINCT_NAMES:
            label = DISTINCT_NAMES[key]
            return done(mint_entity(cls, label), label, cls, "distinct", None)
        for qid in wikidata:
            iri = self._wikidata.get(qid)
            entry = self.lexicon.entries.get(iri) if iri is not None else None
            if entry is not None and _is_org(entry):
                return done(entry.iri, entry.label, entry.cls, "wikidata", qid.rsplit("/", 1)[-1])
        found = [(position, name, e) for position, name in enumerate(names) if (e := self._lookup(name, _is_org))]
        if found:
            if len({e.iri for _, _, e in found}) > 1:
                # "Hitachi" aka "Hitachi High-Tech": the most specific curated name tells which company it is
                found.sort(key=lambda f: (f[2].source != "reference", -len(f[1])))
                self.notes.append(
                    f"{first} ({key}): its names denote different entities "
                    f"({', '.join(f'{n} = {e.label}' for _, n, e in found)}); "
                    f"{found[0][2].label} is kept (curated entries first, then the most specific name)"
                )
            position, name, entry = found[0]
            # the lexicon's entry for this very row is minted from the row's own name: new, not merged
            how = "new" if entry.source == self.dataset else "name" if position == 0 else "alias"
            return done(entry.iri, entry.label, entry.cls, how, name)
        iri, label, how = resolve_name(self.lexicon, first, cls)
        entry = self.lexicon.entries.get(iri)
        if entry is not None and how != "new":
            return done(iri, entry.label, entry.cls, "variant" if how == "variant" else how, entry.label)
        canonical = strip_legal_suffix(first)
        return done(mint_entity(cls, canonical), canonical, cls, "new", None)

    def country(self, key: str, name: str, *, code: str | None = None, wikidata: Iterable[str] = ()) -> Alignment:
        """The node of a dataset country (by ISO alpha-3 code, Wikidata id or name)."""

        def done(iri: URIRef, label: str, how: str, matched: str | None) -> Alignment:
            return self._record(
                Alignment(self.dataset, key, name, "country", str(iri), label, str(CG.Country), how, matched)
            )

        def label_of(iri: URIRef) -> str:
            entry = self.lexicon.entries.get(iri)
            return entry.label if entry is not None else name

        if code and code in self.iso:
            return done(self.iso[code], label_of(self.iso[code]), "iso-code", code)
        for qid in wikidata:
            iri = self._wikidata.get(qid)
            entry = self.lexicon.entries.get(iri) if iri is not None else None
            if entry is not None and entry.cls == CG.Country:
                return done(entry.iri, entry.label, "wikidata", qid.rsplit("/", 1)[-1])
        entry = self._lookup(name, lambda e: e.cls == CG.Country)
        if entry is not None:
            return done(entry.iri, entry.label, "name", name)
        return done(mint_entity(CG.Country, name), name, "new", None)

    def thing(self, key: str, name: str, cls: URIRef) -> Alignment:
        """The node of a dataset input (equipment, material, process...): exact name, compatible class."""
        entry = self._lookup(name, lambda e: _fits(e.cls, cls) and e.source == "reference")
        if entry is not None:
            return self._record(
                Alignment(self.dataset, key, name, "input", str(entry.iri), entry.label, str(entry.cls), "name", name)
            )
        return self._record(
            Alignment(self.dataset, key, name, "input", str(mint_entity(cls, name)), name, str(cls), "new", None)
        )

    # -- the report ---------------------------------------------------------------------

    def report(
        self,
        existing: Mapping[str, Iterable[str]] | None = None,
        news_names: Mapping[str, str] | None = None,
    ) -> AlignmentReport:
        """The report: ``existing`` maps IRIs to the sources already holding them;
        ``news_names`` (IRI -> label) adds news organisations to the near-miss candidates."""
        existing = existing or {}
        entries = []
        for alignment in self._records.values():
            sources = tuple(sorted(set(existing.get(alignment.iri, ()))))
            entries.append(replace(alignment, existing=sources))
        order = {"organization": 0, "input": 1, "country": 2}
        entries.sort(key=lambda a: (order.get(a.kind, 3), a.key))
        misses = tuple(self._near_misses(entries, news_names or {}))
        return AlignmentReport(self.dataset, tuple(entries), misses, tuple(self.notes))

    def _near_misses(self, entries: list[Alignment], news_names: Mapping[str, str]) -> list[NearMiss]:
        pool: dict[str, tuple[str, str, str]] = {}  # key -> (iri, label, source)
        for entry in self.lexicon.entries.values():
            if not _is_org(entry) or entry.source == self.dataset:
                continue
            for name in (entry.label, *entry.aliases):
                key = _distinctive(name)
                if len(key) >= 3:
                    pool.setdefault(key, (str(entry.iri), entry.label, entry.source))
        for news_iri, news_label in news_names.items():
            key = _distinctive(news_label)
            if len(key) >= 3:
                pool.setdefault(key, (news_iri, news_label, "news"))
        choices = list(pool)
        by_first: dict[str, list[str]] = {}
        for choice in choices:
            by_first.setdefault(choice.split()[0], []).append(choice)
        misses = []
        for a in entries:
            if a.kind != "organization":
                continue
            key = _distinctive(a.name)
            if len(key) < 3:
                continue
            first = key.split()[0]
            close = {c for c, _, _ in process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=NEAR_MISS_SCORE)}
            if first not in _COMMON_FIRST_WORDS:
                close.update(by_first.get(first, ()))  # "Applied Micro Circuits" / "Applied Materials"
            scored = [(fuzz.ratio(key, c), c) for c in close if pool[c][0] != a.iri]
            if not scored:
                continue
            score, choice = max(scored)
            other, other_label, source = pool[choice]
            misses.append(
                NearMiss(a.key, a.name, a.iri, other, other_label, source, float(score), _differs(a.name, other_label))
            )
        misses.sort(key=lambda m: (-m.score, m.key))
        return misses
