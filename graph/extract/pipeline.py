"""The rule-based extractor: article -> sentences -> mentions -> entities -> claims -> Extraction.

Each stage is its own module; this one wires them and turns what they find
into the pipeline records (:mod:`graph.records`) with evidence: the
sentence, its offsets, the rule, a confidence per rule, and who the article
attributes the statement to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from rdflib import URIRef

from graph.extract.claims import ClaimRules
from graph.extract.labels import imposer_name, sanction_label
from graph.extract.lexicon import Lexicon, load_lexicon
from graph.extract.mentions import Mention, MentionFinder
from graph.extract.relations import RawFact, RelationRules
from graph.extract.resolve import Resolver
from graph.extract.sanctions import SanctionDraft, SanctionRules
from graph.extract.terms import CG
from graph.extract.text import Sentence, split_sentences
from graph.extract.view import SentenceView
from graph.ids import mint
from graph.records import Article, EntityRecord, Evidence, Extraction, Fact, SanctionRecord

__all__ = ["RuleExtractor"]

log = logging.getLogger(__name__)

#: longest text the rules read; the rest of a longer article is left out (with a warning)
MAX_TEXT_CHARS = 400_000


class RuleExtractor:
    """Rule-based extractor: spaCy tokenizer and phrase matcher, regular patterns, ontology lexicons."""

    name = "chipgraph-rules/1.0"

    def __init__(self, lexicon: Lexicon | None = None, *, shared_data: Path | None = None) -> None:
        self.lexicon = lexicon or load_lexicon(shared_data)
        self.finder = MentionFinder(self.lexicon)
        self.resolver = Resolver(self.lexicon)
        self.relations = RelationRules(self.lexicon)
        self.sanctions = SanctionRules(self.lexicon)
        self.claims = ClaimRules(self.lexicon)
        self._categories = frozenset(c.iri for c in self.lexicon.categories)
        self._imposer_names: dict[URIRef, str] = {}

    def extract(self, article: Article) -> Extraction:
        """Extract entities, facts and sanctions; never raises on odd text."""
        try:
            return self._extract(article)
        except Exception as exc:  # the edge: odd text must give an empty result, not a failed ingest
            log.exception("extraction failed for article %s", article.id)
            return Extraction(article, self.name, warnings=(f"extraction failed: {type(exc).__name__}: {exc}",))

    def _extract(self, article: Article) -> Extraction:
        warnings: list[str] = []
        text = article.text
        if len(text) > MAX_TEXT_CHARS:
            warnings.append(f"only the first {MAX_TEXT_CHARS} characters were read")
            text = text[:MAX_TEXT_CHARS]
        sentences = split_sentences(text)
        if not sentences:
            return Extraction(article, self.name, warnings=tuple(warnings))
        mentions = self.finder.find(text, sentences)
        resolved = self.resolver.resolve(mentions, sentences)
        by_sentence: dict[int, list[Mention]] = {}
        for m in resolved.mentions:
            by_sentence.setdefault(m.sent, []).append(m)

        facts: dict[tuple[URIRef, URIRef, URIRef, int], Fact] = {}
        drafts: list[SanctionDraft] = []
        antecedent_iri: URIRef | None = None
        negated = self.claims.negated
        for sentence in sentences:
            view = SentenceView.build(sentence, by_sentence.get(sentence.index, []))
            if not view.mentions:
                continue
            antecedent = next((i for i, m in enumerate(view.mentions) if m.iri == antecedent_iri), None)
            # each rule only runs when the sentence holds what it needs
            rel = self.relations
            classes = {m.cls for m in view.mentions}
            several = len(view.mentions) > 1
            calls: list[Iterable[RawFact]] = [rel.headquarters(view, antecedent)]
            if several:
                calls += [rel.verbs(view, negated), rel.manufacturing_for(view)]
            if "'s" in view.masked or "’s" in view.masked or "its " in view.masked:
                calls.append(rel.possessives(view, antecedent))
                if several:
                    calls.append(rel.made_for_owners(view))
            if any(m.extra.get("maker_of") for m in view.mentions):
                calls.append(rel.maker_of(view))
            if "chip" in view.masked:
                calls.append(rel.chip_makers(view))
            if several and (" from " in view.masked or " of " in view.masked):
                calls.append(rel.goods_sources(view))
            if CG.ProcessNode in classes:
                calls.append(rel.nodes(view, negated))
            if CG.Person in classes:
                calls.append(rel.people(view))
            if CG.Country in classes and several:
                calls += [rel.origins(view), rel.located(view)]
            if CG.Facility in classes:
                calls.append(rel.facilities(view))
            raw: list[RawFact] = [fact for call in calls for fact in call]
            reporters = self.claims.reporters(view) if raw else ()  # only a fact's evidence names its source
            evidence_for = _evidence_factory(sentence.text, sentence.start, sentence.end, reporters)
            for f in raw:
                key = (f.subject, f.predicate, f.object, sentence.index)
                if f.subject != f.object and key not in facts:
                    facts[key] = Fact(f.subject, f.predicate, f.object, evidence_for(f.rule, f.confidence))
            drafts += self.sanctions.sentence(view, drafts, article.published, negated)
            first_org = next((m for m in view.mentions if m.cls == CG.Company and m.iri is not None), None)
            if first_org is not None:
                antecedent_iri = first_org.iri

        drafts = self.sanctions.finish(drafts)
        records = dict(resolved.entities)
        sanction_records, sanction_facts = self._sanctions(article, drafts, sentences, records)
        all_facts = list(facts.values()) + sanction_facts
        for fact in all_facts:
            for iri in (fact.subject, fact.object):
                if isinstance(iri, URIRef) and iri not in records:
                    record = self._record_for(iri)
                    if record is not None:
                        records[iri] = record
        known = set(records) | {s.iri for s in sanction_records}
        all_facts = [f for f in all_facts if f.subject in known and f.object in known]
        # a generic category ("chips", "chipmaking equipment") is an entity of the article only when a fact uses it
        used = {f.subject for f in all_facts} | {f.object for f in all_facts}
        records = {iri: r for iri, r in records.items() if iri not in self._categories or iri in used}
        return Extraction(
            article,
            self.name,
            entities=tuple(records.values()),
            facts=tuple(all_facts),
            sanctions=tuple(sanction_records),
            warnings=tuple(warnings),
        )

    def _record_for(self, iri: URIRef) -> EntityRecord | None:
        entry = self.lexicon.entries.get(iri)
        if entry is None:
            return None
        return EntityRecord(iri=iri, cls=entry.cls, label=entry.label, same_as=entry.same_as, attributes=entry.literals)

    def _sanctions(
        self,
        article: Article,
        drafts: list[SanctionDraft],
        sentences: list[Sentence],
        records: dict[URIRef, EntityRecord],
    ) -> tuple[list[SanctionRecord], list[Fact]]:
        records_out: list[SanctionRecord] = []
        facts: list[Fact] = []
        article_iri = str(article.iri)
        for draft in drafts:
            if not draft.imposers and not draft.targets and not draft.restricts and not draft.exempts:
                continue
            iri = mint("sanction", article_iri, str(draft.start), str(draft.kind))
            evidence = Evidence(draft.text, draft.start, draft.end, 0.7, f"sanction-{_local(draft.kind)}")
            sizes = [t[1] for t in draft.thresholds if isinstance(t[1], Decimal)]
            threshold = min(sizes) if sizes else None
            records_out.append(
                SanctionRecord(
                    iri=iri,
                    kind=draft.kind,
                    label=self._label(draft, threshold, records),
                    evidence=evidence,
                    status=draft.status,
                    date=draft.date,
                    threshold_nm=threshold,
                )
            )
            role_evidence = Evidence(draft.text, draft.start, draft.end, 0.7, "sanction-roles")
            for prop, values in (
                (CG.imposedBy, draft.imposers),
                (CG.targets, draft.targets),
                (CG.restricts, draft.restricts),
                (CG.exempts, draft.exempts),
                (CG.nodeThreshold, [t[0] for t in draft.thresholds]),
            ):
                for value in dict.fromkeys(values):
                    facts.append(Fact(iri, prop, value, role_evidence))
            for extra in draft.extra_sentences:
                s = sentences[extra]
                ev = Evidence(s.text, s.start, s.end, 0.6, "sanction-anaphora")
                facts += [Fact(iri, CG.exempts, e, ev) for e in draft.exempts]
            for again in draft.repeats:
                # the same measure named again ("despite US sanctions"): each sentence is evidence of it
                s = sentences[again]
                ev = Evidence(s.text, s.start, s.end, 0.6, "sanction-mention")
                facts += [Fact(iri, CG.imposedBy, i, ev) for i in dict.fromkeys(draft.imposers)]
        return records_out, facts

    def _label(self, draft: SanctionDraft, threshold: Decimal | None, records: dict[URIRef, EntityRecord]) -> str:
        """A short label from the sanction's roles ("US export control on chipmaking equipment (targets SMIC, 2020)")."""

        def name(iri: URIRef) -> str:
            record = records.get(iri)
            entry = self.lexicon.entries.get(iri)
            if entry is not None:
                return entry.label
            return record.label if record is not None else _local(iri).replace("-", " ")

        def imposer(iri: URIRef) -> str:
            shown = self._imposer_names.get(iri)
            if shown is None:
                entry = self.lexicon.entries.get(iri)
                shown = name(iri) if entry is None else imposer_name(entry.label, entry.aliases, entry.cls)
                if entry is not None:
                    self._imposer_names[iri] = shown  # the lexicon does not change once loaded
            return shown

        # a country and its own body: "Japan (METI)", or the body alone when its name says the country
        shown: list[str] = []
        for iri in draft.imposers:
            bodies = [imposer(b) for b in draft.imposers if self.sanctions.home_of(b) == iri]
            if not bodies:
                if self.sanctions.home_of(iri) not in draft.imposers:
                    shown.append(imposer(iri))
                continue
            country = imposer(iri)
            if all(country in body.split() for body in bodies):
                shown += bodies
            else:
                shown.append(f"{country} ({', '.join(bodies)})")
        return sanction_label(
            draft.kind,
            imposers=shown,
            targets=[name(t) for t in draft.targets],
            restricts=[name(r) for r in draft.restricts],
            exempts=[name(e) for e in draft.exempts],
            threshold_nm=threshold,
            status=draft.status,
            date=draft.date,
        )


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _evidence_factory(
    sentence: str, start: int, end: int, reporters: tuple[URIRef, ...]
) -> Callable[[str, float], Evidence]:
    def make(rule: str, confidence: float) -> Evidence:
        return Evidence(sentence, start, end, confidence, rule, reporters)

    return make
