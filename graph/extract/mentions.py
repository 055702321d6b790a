"""Finding mentions: the spans of an article that name or describe an entity.

Sources, strongest first: the gazetteer (reference list and datasets, by a
spaCy ``PhraseMatcher``), process-node spellings, capitalised names with a
legal suffix, an organisation head word or a class cue in front of them,
people (by a role title, an apposition or a speech verb), unnamed noun
phrases with a class head noun (generic categories, facilities), and
definite descriptions ("the company", "the Chinese tech giant") that
:mod:`graph.extract.resolve` links to an earlier mention.
"""

from __future__ import annotations

import re as std_re  # patterns built from one article's names: not kept in rx's cache
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import URIRef

from graph.extract import rx as re
from graph.extract.lexicon import LEGAL_SUFFIXES, Lexicon
from graph.extract.nlp import blank_pipeline
from graph.extract.terms import CG
from graph.extract.text import Sentence

__all__ = ["Mention", "MentionFinder", "parse_node_size"]


@dataclass(frozen=True, init=False)
class Mention:
    """A span of the article text that refers to an entity.

    ``kind`` is how it refers: ``name`` (a proper name), ``demonym``
    ("Dutch"), ``metonym`` ("Washington"), ``node`` (a process node),
    ``category`` (an unnamed noun phrase standing for a generic category),
    ``thing`` (an unnamed but specific noun phrase: "14nm tooling"),
    ``facility``, or ``descr`` (a definite description to resolve).
    """

    start: int
    end: int
    text: str
    cls: URIRef
    kind: str
    rule: str
    sent: int
    iri: URIRef | None = None
    name: str = ""
    size_nm: Decimal | None = None
    role: str | None = None
    countries: tuple[URIRef, ...] = ()  # countries named inside the span ("Chinese Foreign Ministry")
    threshold: bool = False  # a node followed by "and below"
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        cls: URIRef,
        kind: str,
        rule: str,
        sent: int,
        iri: URIRef | None = None,
        name: str = "",
        size_nm: Decimal | None = None,
        role: str | None = None,
        countries: tuple[URIRef, ...] = (),
        threshold: bool = False,
        extra: dict[str, str] | None = None,
    ) -> None:
        # one update of the instance dict instead of a frozen setattr per field: 3x faster, still frozen after
        self.__dict__.update(
            start=start,
            end=end,
            text=text,
            cls=cls,
            kind=kind,
            rule=rule,
            sent=sent,
            iri=iri,
            name=name,
            size_nm=size_nm,
            role=role,
            countries=countries,
            threshold=threshold,
            extra={} if extra is None else extra,
        )

    def evolve(self, **changes: object) -> Mention:
        """A copy with some fields changed: ``dataclasses.replace`` without its per-call field checks."""
        copy = object.__new__(Mention)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "twenty-two": 22,
    "twenty-eight": 28,
    "forty": 40,
    "forty-five": 45,
    "sixty-five": 65,
    "ninety": 90,
}
_NODE = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:\.\d{1,2})?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?:\s?-\s?|\s)?(?P<unit>nm|nanomet(?:er|re)s?)(?![a-zA-Z])(?:-class)?",
    re.IGNORECASE,
)
#: a unit a node spelling needs ("nm" not inside a word like "government", "nanometre")
_NODE_HINT = re.compile(r"(?i:nm(?![a-z])|nanomet)")
_THRESHOLD_AFTER = re.compile(
    r"^(?:\s*(?:node|process|level|technology))?\s+(?:and|or)\s+(?:below|smaller|under|beyond|more advanced|lower)",
    re.IGNORECASE,
)
_NOT_NODE_AFTER = re.compile(r"^\s*(?:wavelength|light|laser|thick|wide|resolution)", re.IGNORECASE)


def parse_node_size(text: str) -> Decimal | None:
    """Size in nanometres of a node spelling, or None.

    >>> [str(parse_node_size(t)) for t in ("5nm", "7 nm", "five-nanometre", "14-nanometers", "1.4nm")]
    ['5', '7', '5', '14', '1.4']
    """
    match = _NODE.search(text)
    if not match:
        return None
    num = match.group("num").lower()
    value = Decimal(_NUMBER_WORDS[num]) if num in _NUMBER_WORDS else Decimal(num)
    if value <= 0 or value > 1000:
        return None
    return value.normalize() if value != value.to_integral_value() else value.to_integral_value()


# words that are capitalised but do not start a name
_NOT_NAME_START = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "its",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "in",
        "on",
        "at",
        "for",
        "from",
        "to",
        "by",
        "with",
        "of",
        "and",
        "or",
        "but",
        "as",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "until",
        "although",
        "though",
        "despite",
        "according",
        "however",
        "meanwhile",
        "also",
        "still",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "he",
        "she",
        "they",
        "we",
        "it",
        "i",
        "you",
        "there",
        "here",
        "what",
        "which",
        "who",
        "why",
        "how",
        "some",
        "many",
        "several",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "currently",
        "previously",
        "recently",
        "last",
        "next",
        "earlier",
        "later",
        "yesterday",
        "today",
        "tomorrow",
        "ceo",
        "cfo",
        "cto",
        "chief",
        "president",
        "minister",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chairman",
        "chairwoman",
        "director",
        "head",
        "analyst",
        "analysts",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "professor",
        "senator",
        "former",
        "vice",
        "deputy",
        "premier",
        "prime",
        "chancellor",
        "governor",
        "ambassador",
        "trade",
        "commerce",
        "foreign",
        "economy",
        "finance",
        "state",
        "national",
        "local",
        "new",
        "old",
        "first",
        "second",
        "chinese",
        "american",
        "key",
        "two",
        "doing",
        "citing",
        "other",
        "such",
        "all",
        "any",
        "each",
        "every",
        "both",
        "mainland",
        "semiconductor",
        "chip",
        "chips",
    ]
)
_TITLE_WORDS = (
    "President|Vice President|Minister|Prime Minister|Secretary|Chancellor|Premier|Governor|Senator|Representative|"
    "Ambassador|Commissioner|Chairman|Chairwoman|Chair|CEO|Chief Executive|Chief Executive Officer|CFO|CTO|COO|"
    "Founder|Co-founder|Director|Spokesman|Spokeswoman|Spokesperson|Professor|Analyst|Economist|Leader|"
    "General Secretary|Chief|Head|Lawmaker|Rep\\.|Sen\\.|Dr\\.|Mr\\.|Ms\\.|Mrs\\."
)
_TITLE_BEFORE = re.compile(
    r"(?:\b(?:" + _TITLE_WORDS + r")|\b(?:" + _TITLE_WORDS.lower() + r"))"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w\-]*|and|&)(?:\s+(?:[A-Z][\w\-]*|and|of|&)){0,6})?,?\s+$"
)
# "Minister of Industry and Information Technology", and in wire copy "minister of industry and information technology"
_TITLED_BODY = re.compile(
    r"\b(?:[Mm]inister|[Ss]ecretary|[Mm]inistry|[Dd]epartment)\s+(?:of|for)\s+(?:the\s+)?"
    r"((?:[A-Z][\w\-]*)(?:\s+(?:[A-Z][\w\-]*|and|of|the|&))*|[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,5})"
)
_ROLE_APPOS = re.compile(
    r"^,\s+(?:(?:a|an|the)\s+)?(?P<role>(?:[\w\-'’]+\s+){0,4}?(?i:"
    + _TITLE_WORDS.lower()
    + r"|researcher|expert|scientist|engineer|strategist|official|executive|founder|partner|fellow)s?)\b",
)
_SPEECH_AFTER = re.compile(
    r"^\s+(?:has\s+|had\s+|also\s+)?(?:said|says|told|wrote|writes|added|explained|noted|argued|warned|stated|"
    r"pointed out|analyzed|analysed|commented|believes|thinks|urged|called|claimed|estimated|is|was|works)\b"
)
_CJK_PAREN = re.compile(r"^\s*[（(]\s*[\u3000-\u9fff\uac00-\ud7af]+\s*[)）]")
_NAME_TOKEN = r"[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?"  # noqa: S105 - a pattern, not a secret

_CAP = r"(?:[A-Z][\w&'’.\-]*[\w&]|[A-Z])"
_CHAIN = re.compile(rf"{_CAP}(?:\s+(?:(?:of|for|and|on|the|&|de)\s+)*{_CAP})*")
_ORG_HEAD_CLASS = {
    "ministry": CG.GovernmentBody,
    "department": CG.GovernmentBody,
    "bureau": CG.GovernmentBody,
    "commission": CG.GovernmentBody,
    "administration": CG.GovernmentBody,
    "office": CG.GovernmentBody,
    "authority": CG.GovernmentBody,
    "agency": CG.GovernmentBody,
    "parliament": CG.GovernmentBody,
    "congress": CG.GovernmentBody,
    "senate": CG.GovernmentBody,
    "cabinet": CG.GovernmentBody,
    "council": CG.GovernmentBody,
    "institute": CG.Organization,
    "academy": CG.Organization,
    "association": CG.Organization,
    "university": CG.Organization,
    "federation": CG.Organization,
    "alliance": CG.Organization,
    "consortium": CG.Organization,
    "party": CG.Organization,
    "foundation": CG.Organization,
    "center": CG.Organization,
    "centre": CG.Organization,
    "times": CG.Organization,
    "post": CG.Organization,
    "journal": CG.Organization,
    "news": CG.Organization,
    "herald": CG.Organization,
}
_ORG_HEADS = frozenset(_ORG_HEAD_CLASS)
_COMPANY_HEADS = frozenset(
    [
        "technologies",
        "technology",
        "semiconductor",
        "semiconductors",
        "electronics",
        "microelectronics",
        "systems",
        "devices",
        "instruments",
        "materials",
        "micro",
        "memory",
        "industries",
        "networks",
        "labs",
        "robotics",
        "photonics",
        "optoelectronics",
        "circuits",
        "solutions",
        "manufacturing",
        "electric",
        "chemical",
        "chemicals",
        "engineering",
        "precision",
        "telecom",
        "communications",
        "computing",
        "integrated",
    ]
)
_LEGAL = {s.rstrip(".").lower() for s in LEGAL_SUFFIXES if " " not in s}
_ORG_CLASSES = frozenset((CG.Company, CG.Organization, CG.GovernmentBody))
_MODEL_CLASSES = frozenset((CG.Product, CG.Equipment))
_ANALYSTS_AT = re.compile(
    r"\b(?:analysts?|economists?|strategists?|researchers?|experts?)\s+(?:at|from|with)\s+$", re.IGNORECASE
)
_MODEL = re.compile(
    r"\b(?:(?P<brand>[A-Z][A-Za-z]+)\s+)?(?P<model>[A-Z]{1,4}[:\-]?\d{2,5}[A-Za-z]{0,3}|\d{3,5}[A-Z]{1,2})"
    r"(?:\s+(?:Pro|Max|Ultra|Plus|Mini|Lite))?\b"
)
#: what every model number contains: two digits, after a capital ("A100", "NXT:2050i") or before one ("9000S")
_MODEL_HINT = re.compile(r"\d\d(?:(?<=[A-Z]\d\d)|(?<=[A-Z][:\-]\d\d)|\d[A-Z])")
_MODEL_EQUIPMENT_AFTER = re.compile(
    r"^(?:\s+(?:and|or)\s+[\w:\-]+)?(?:\s+[a-z\-]+)?\s+(?:systems?|machines?|tools?|scanners?|steppers?)\b"
)
_CALLED = re.compile(r"(?:,\s*)?\b(?:called|named|dubbed|known as)\s+$")


_TOKEN = re.compile(r"\w+")
_POSSESSIVE_S = re.compile(r"['’]s\b")
#: what makes plural sites identifiable: a number or an owner before them ("two existing factories", "its plants")
_COUNTED = re.compile(
    r"(?:\b(?:its|their|our|his|her|these|those|both|all|two|three|four|five|six|\d+)|['’]s)\s+$", re.IGNORECASE
)
_SITE_AFTER = re.compile(r"\s+(?:in|across|throughout|near|at)\s+(?:the\s+)?[A-Z]")
_ANALYST_AFTER = re.compile(r"\s+(?:analyst|analysts|economist|economists|strategist|strategists)\s+[A-Z][a-z]")
_FOR_AFTER = re.compile(r"\s+(?:intended |designed |used )?for ([\w\s\-]{0,60})")
_MAKER_AFTER = re.compile(r"\s+(?:makers?|vendors?|suppliers?|producers?)\b")
_LIST_HINT = re.compile(r"such as|including|like|namely")
_COMPOUND_NEXT = re.compile(r"[\s-]+([a-z][\w-]*)")
_NEXT_LOWER_WORD = re.compile(r"\s+([a-z]\w*)")


def _gate(phrases: Iterable[str]) -> frozenset[str]:
    """Lower-case words one of which any match of ``\\b(?:phrase)(?:s|es|ies)?\\b`` contains."""
    gate: set[str] = set()
    for phrase in phrases:
        tokens = _TOKEN.findall(phrase.lower())
        if tokens:
            first = tokens[0]
            gate |= {first, first + "s", first + "es", first + "ies"}
    return frozenset(gate)


def _called_before(before: str) -> re.Match[str] | None:
    """``_CALLED.search(before)``, only where one of its words is there."""
    if "called" in before or "named" in before or "dubbed" in before or "known as" in before:
        return _CALLED.search(before)
    return None


def _is_lower_word(word: str) -> bool:
    return word[:1].islower()


class MentionFinder:
    """Finds mentions in an article's sentences using one lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        from spacy.matcher import PhraseMatcher

        self.lexicon = lexicon
        self.nlp = blank_pipeline()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._surface_info: dict[str, list[tuple[str, URIRef, str]]] = {}
        patterns: dict[str, list[str]] = {}
        for surface, iri, kind in lexicon.surfaces:
            entry = lexicon.entries[iri]
            if entry.heads or entry.cls == CG.ProcessNode:
                continue  # categories and nodes have rules of their own (modifiers, spellings, thresholds)
            surface = surface.strip()
            if len(surface) < 2:
                continue
            key = surface.lower()
            self._surface_info.setdefault(key, []).append((surface, iri, kind))
            patterns.setdefault(key, []).append(surface)
        docs = list(self.nlp.tokenizer.pipe(sorted(patterns)))
        for doc in docs:
            self.matcher.add(doc.text.lower(), [doc])
        cue_words: dict[str, URIRef] = {}
        for cls in (CG.GovernmentBody, CG.Organization, CG.Company):
            for cue in lexicon.class_cues.get(cls, ()):
                cue_words[cue] = cls
        self.org_cues = cue_words
        self._org_cue_re = re.compile(
            r"\b(" + "|".join(sorted((re.escape(c) for c in cue_words), key=len, reverse=True)) + r")s?\s+$",
            re.IGNORECASE,
        )
        self._longest_cue = max((len(c) for c in cue_words), default=0)
        self._category_memo: dict[tuple[str, tuple[str, ...], str, bool], tuple[Any, Any, str, str]] = {}
        company_alt = "|".join(
            sorted((re.escape(c) for c, k in cue_words.items() if k == CG.Company), key=len, reverse=True)
        )
        item = r"[A-Z][^,;.()]{0,40}?(?:\s*\([^()]{1,30}\))?"
        self._company_list_re = re.compile(
            rf"\b(?:{company_alt})s?\s*,?\s+(?:such as|including|like|namely)\s+(?:{item},\s+){{0,8}}"
            rf"(?:{item},?\s+(?:and|or)\s+)?$"
        )
        self._person_cues = lexicon.class_cues.get(CG.Person, ())
        heads: dict[str, list[int]] = {}
        for i, cat in enumerate(lexicon.categories):
            for head in cat.heads:
                heads.setdefault(head.lower(), []).append(i)
        self.category_heads = heads
        head_alt = "|".join(sorted((re.escape(h) for h in heads), key=len, reverse=True))
        self._head_re = re.compile(rf"\b(?:{head_alt})(?:s|es)?\b", re.IGNORECASE) if heads else None
        # the same on lower-cased text: case-sensitive, and led by the heads' first letters, it scans 2.5x faster
        firsts = "".join(sorted({re.escape(h[0]) for h in heads}))
        self._head_lower_re = re.compile(rf"(?<!\w)(?=[{firsts}])(?:{head_alt})(?:s|es)?\b") if heads else None
        self._modifier_re = {
            cat.iri: re.compile(
                r"(?<![\w-])(?:"
                + "|".join(re.escape(m.lower()) for m in sorted(cat.modifiers, key=len, reverse=True) if m)
                + r")(?![\w-])"
            )
            for cat in lexicon.categories
            if any(cat.modifiers)
        }
        fac = lexicon.class_cues.get(CG.Facility, ())
        fac_alt = "|".join(sorted((re.escape(f) for f in fac), key=len, reverse=True))
        self._facility_re = re.compile(rf"\b(?:{fac_alt})(?:s|es|ies)?\b", re.IGNORECASE) if fac else None
        self._descr_re = self._build_descr_re()
        # words one of these patterns needs, so a sentence without any skips it (a set test, not a regex scan)
        self._head_gate = _gate(heads)
        self._facility_gate = _gate(fac)
        self._facility_cues = frozenset(f.lower() for f in fac)
        self._descr_gate = _gate([*self.org_cues, "country", "nation"])
        from graph.extract.view import verb_forms

        for forward, inverse in lexicon.property_triggers.values():
            for phrase in (*forward, *inverse):
                first = phrase.split()[0]
                if first not in ("be", "mass"):
                    _VERB_FORMS.update(f for f in verb_forms(first) if f != first or first.endswith("e"))
                _VERB_BASES.add(first)
        _VERB_FORMS.update(("says", "said", "sells", "wants", "plans", "needs", "buys", "gets", "got", "bought"))
        _VERB_FORMS.difference_update(_ADJECTIVE_OK | {"used", "advanced", "integrated"})

    # -- gazetteer ---------------------------------------------------------------

    def _gazetteer(self, text: str, sentences: list[Sentence]) -> list[Mention]:
        doc = self.nlp.make_doc(text)
        strings = self.nlp.vocab.strings
        candidates: list[tuple[int, int, tuple[str, URIRef, str]]] = []
        for match_id, start, end in self.matcher(doc):
            first, last = doc[start], doc[end - 1]
            s, e = first.idx, last.idx + len(last.text)
            info = self._case_ok(text[s:e], self._surface_info.get(strings[match_id], []))
            if info is not None:
                candidates.append((s, e, info))
        # longest first, then earliest: the non-overlapping spans a reader would pick
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = bytearray(len(text))  # 1 where a chosen span lies: an overlap test is one C-level find
        sent_of = _sentence_index(sentences)
        out: list[Mention] = []
        for s, e, (_surface, iri, kind) in candidates:
            if taken.find(1, s, e) != -1:
                continue
            sent = sent_of(s)
            if sent is None:
                continue
            entry = self.lexicon.entries[iri]
            if entry.source != "reference" and not self._dataset_name_ok(text, s, text[s:e], sentences):
                continue
            taken[s:e] = b"\x01" * (e - s)
            out.append(
                Mention(s, e, text[s:e], entry.cls, kind, f"gazetteer-{entry.source}", sent, iri=iri, name=entry.label)
            )
        out.sort(key=lambda m: m.start)
        return out

    @staticmethod
    def _case_ok(found: str, candidates: list[tuple[str, URIRef, str]]) -> tuple[str, URIRef, str] | None:
        exact = [c for c in candidates if c[0] == found]
        if exact:
            return sorted(exact, key=lambda c: c[2] != "name")[0]
        for cand in candidates:
            surface = cand[0]
            if surface.islower():
                return cand  # lowercase aliases ("chipmaking equipment") match in any case
            if " " in surface and len(surface) >= 8 and found[:1].isupper():
                return cand  # "SK Hynix" for "SK hynix"
        return None

    @staticmethod
    def _dataset_name_ok(text: str, start: int, found: str, sentences: list[Sentence]) -> bool:
        if " " in found:
            return True
        if any(s.start == start for s in sentences) and found[1:].islower():
            return False  # a capitalised common word opening a sentence
        return not (found[1:].islower() and re.search(rf"\b{re.escape(found.lower())}\b", text))

    # -- process nodes ---------------------------------------------------------------

    def _nodes(self, sentence: Sentence) -> list[Mention]:
        out: list[Mention] = []
        if not _NODE_HINT.search(sentence.text):
            return out  # no unit in the sentence: skip the slow number-word pattern
        for match in _NODE.finditer(sentence.text):
            after = sentence.text[match.end() : match.end() + 40]
            if _NOT_NODE_AFTER.match(after):
                continue
            size = parse_node_size(match.group(0))
            if size is None or size > 250:
                continue
            out.append(
                Mention(
                    sentence.start + match.start(),
                    sentence.start + match.end(),
                    match.group(0),
                    CG.ProcessNode,
                    "node",
                    "node-spelling",
                    sentence.index,
                    size_nm=size,
                    threshold=bool(_THRESHOLD_AFTER.match(after)),
                )
            )
        return out

    # -- capitalised names ---------------------------------------------------------------

    def _names(self, sentence: Sentence, taken: list[tuple[int, int]], local: list[Mention]) -> list[Mention]:
        text = sentence.text
        out: list[Mention] = []
        spans = {(m.start, m.end) for m in local}
        for match in _CHAIN.finditer(text):
            s, e = match.start(), match.end()
            poss = _POSSESSIVE_S.search(text, s, e)
            if poss:
                e = poss.start()
            if (sentence.start + s, sentence.start + e) in spans:
                continue  # the chain is a mention found already
            if " " not in text[s:e] and text[s:e].lower().rstrip(".,") in _NOT_NAME_START:
                continue  # one function word ("The", "However"): nothing of a name is left
            inside = [m for m in local if sentence.start + s <= m.start and m.end <= sentence.start + e]
            chain_words = text[s:e].split()
            org_like = any(
                w.lower().rstrip(".") in _ORG_HEAD_CLASS or w.rstrip(".").lower() in _LEGAL for w in chain_words[1:]
            )
            if inside and org_like and all(m.cls == CG.Country for m in inside) and len(chain_words) > len(inside) + 1:
                segments = [(s, e)]  # "Korea Development Bank": the country is part of the name
            else:
                segments = []
                cursor = s
                for m in sorted(inside, key=lambda m: m.start):
                    segments.append((cursor, m.start - sentence.start))
                    cursor = m.end - sentence.start
                segments.append((cursor, e))
            for seg_s, seg_e in segments:
                mention = self._segment(sentence, seg_s, seg_e, taken)
                if mention is not None:
                    out.append(mention)
        return out

    def _segment(self, sentence: Sentence, s: int, e: int, taken: list[tuple[int, int]]) -> Mention | None:
        text = sentence.text
        words = text[s:e].split()
        # drop function words ("The", "In") in front and connectors at the end
        while words and words[0].lower().rstrip(".,") in _NOT_NAME_START and words[0].lower() not in _ORG_HEAD_CLASS:
            s = text.index(words[0], s) + len(words[0])
            while s < e and not text[s].isalnum():
                s += 1
            words = words[1:]
        while words and words[-1].lower() in ("of", "and", "for", "the", "on", "&", "de"):
            e = text.rindex(words[-1], s, e)
            while e > s and text[e - 1].isspace():
                e -= 1
            words = words[:-1]
        if len(words) > 2 and s == 0 and words[1] in ("of", "for") and self.lexicon.lookup_cached(words[0]) is None:
            # "Shares of X Corp", "Exports of X": a sentence-opening common noun, not part of the name
            s = text.index(words[2], s)
            words = words[2:]
        if not words or not words[0][:1].isupper():
            return None
        inside = [(a, b) for a, b in taken if sentence.start + s <= a and b <= sentence.start + e]
        if _overlaps(sentence.start + s, sentence.start + e, [t for t in taken if t not in inside]):
            return None
        mention = self._classify_chain(sentence, s, e, words)
        if mention is not None and inside:
            countries = tuple(m.iri for m in self._country_mentions if m.iri and (m.start, m.end) in inside)
            mention = mention.evolve(countries=countries, extra={**mention.extra, "absorbs": "1"})
        return mention

    def _models(self, sentence: Sentence, taken: list[tuple[int, int]]) -> list[Mention]:
        """Model numbers: "A100", "Kirin 9000S", "NXT:2050i" (equipment when a tool noun follows)."""
        out: list[Mention] = []
        text = sentence.text
        if not _MODEL_HINT.search(text):
            return out
        for match in _MODEL.finditer(text):
            model = match.group("model")
            if re.fullmatch(r"(?:19|20)\d{2}", model) or re.fullmatch(r"[A-Z]\d{1}", model):
                continue
            start = match.start()
            brand = match.group("brand")
            if brand and (brand.lower() in _NOT_NAME_START or brand.lower() in _MONTH_WORDS):
                start = match.start("model")
            elif brand and self.lexicon.lookup_cached(brand) is not None:
                start = match.start("model")  # "Nvidia H20": the maker is its own mention
            s, e = sentence.start + start, sentence.start + match.end()
            if _overlaps(s, e, taken) or model in _NOT_MODELS:
                continue
            if re.match(r"\s*(?:%|percent|billion|million|nm\b|nanomet)", text[match.end() :]):
                continue
            cls = CG.Equipment if _MODEL_EQUIPMENT_AFTER.match(text[match.end() :]) else CG.Product
            out.append(
                Mention(
                    s,
                    e,
                    text[start : match.end()],
                    cls,
                    "name",
                    "model-number",
                    sentence.index,
                    name=text[start : match.end()],
                )
            )
        return out

    def _titled_bodies(self, sentence: Sentence, taken: list[tuple[int, int]]) -> list[Mention]:
        """ "Minister of Industry and Information Technology Jin": the body a title names."""
        out: list[Mention] = []
        lowered = sentence.text.lower()
        if "minist" not in lowered and "secretary" not in lowered and "department" not in lowered:
            return out
        for match in _TITLED_BODY.finditer(sentence.text):
            words = match.group(1).split()
            for k in range(len(words), 0, -1):
                phrase = " ".join(words[:k])
                if words[k - 1].lower() in ("and", "of", "the", "&"):
                    continue
                entry = next(
                    (
                        e
                        for e in (
                            self.lexicon.lookup_cached(f"{p} {phrase}")
                            for p in ("Ministry of", "Department of", "Ministry for")
                        )
                        if e is not None and e.cls in _ORG_CLASSES
                    ),
                    None,
                )
                if entry is None:
                    continue
                s = sentence.start + match.start(1)
                e = s + len(phrase)
                if not _overlaps(s, e, taken):
                    out.append(
                        Mention(
                            s,
                            e,
                            phrase,
                            entry.cls,
                            "name",
                            "title-body",
                            sentence.index,
                            iri=entry.iri,
                            name=entry.label,
                        )
                    )
                break
        return out

    def _classify_chain(self, sentence: Sentence, s: int, e: int, words: list[str]) -> Mention | None:
        text = sentence.text
        span = text[s:e]
        before = text[max(0, s - 60) : s]
        after = text[e : e + 60]
        last = words[-1].rstrip(".").lower()
        lowered = [w.lower().rstrip(".") for w in words]
        start, end = sentence.start + s, sentence.start + e

        def make(cls: URIRef, rule: str, kind: str = "name") -> Mention:
            return Mention(start, end, span, cls, kind, rule, sentence.index, name=span)

        if len(words) >= 2 and last in _LEGAL:
            return make(CG.Company, "name-legal-suffix")
        if len(words) >= 2 and not _ORG_HEADS.isdisjoint(lowered):
            for head, cls in _ORG_HEAD_CLASS.items():
                if head in lowered:
                    return make(cls, "name-org-head")
        if len(words) >= 2 and last in _COMPANY_HEADS and lowered[0] not in _COMPANY_HEADS:
            return make(CG.Company, "name-company-head")
        if (
            len(words) <= 3
            and before.rstrip()[-4:].lower().endswith(("at", "from", "with"))
            and _ANALYSTS_AT.search(before)
        ):
            return make(CG.Company, "name-analysts-at")
        cue = self._cue_before(before) or _called_before(before)
        if cue is not None and cue.end() == len(before):
            cue_word = cue.group(0).strip(" ,").lower()
            cls = next((c for w, c in self.org_cues.items() if cue_word.startswith(w)), CG.Company)
            called = _called_before(before)
            if called:
                rest = before[: called.start()].rstrip(" ,") + " "
                inner = self._cue_before(rest)
                cls = self.org_cues.get(inner.group(1).lower(), CG.Company) if inner else CG.Organization
            if len(words) <= 4:
                return make(cls, "name-after-cue")
        if len(words) <= 3 and _ANALYST_AFTER.match(after) and not _ANALYSTS_AT.search(before):
            return make(CG.Company, "name-before-analyst")  # "Bernstein analyst Mark Li"
        if len(words) <= 4 and _LIST_HINT.search(text, 0, s) and self._listed_after_cue(text[:s]):
            return make(CG.Company, "name-in-list")  # "suppliers such as JSR, Shin-Etsu Chemical and Stella Chemifa"
        if re.match(r"^\s*\(\s*[A-Z]{2,6}\s*[),]", after) and len(words) >= 2:
            return make(CG.Organization, "name-with-acronym")
        if 2 <= len(words) <= 3 and all(re.fullmatch(_NAME_TOKEN, w) for w in words):
            role = self._person_role(before, after)
            if role is not None:
                mention = make(CG.Person, "person-context", "name")
                return mention.evolve(role=role or None)
        return None

    def _listed_after_cue(self, before: str) -> bool:
        """Whether a name continues a list of names after a company cue ("suppliers such as A, B and ")."""
        return self._company_list_re.search(before, max(0, len(before) - 300)) is not None

    def _cue_before(self, before: str) -> re.Match[str] | None:
        """``_org_cue_re.search(before)``, started where a match ending the text can begin."""
        if not before[-1:].isspace():
            return None
        return self._org_cue_re.search(before, max(0, len(before.rstrip()) - self._longest_cue - 1))

    def _person_role(self, before: str, after: str) -> str | None:
        """The role a person's context gives ("" when the context is a speech verb), else None."""
        appos = _ROLE_APPOS.match(after)
        if appos:
            return appos.group("role")
        title = _TITLE_BEFORE.search(before)
        if title:
            return title.group(0).strip()
        if _SPEECH_AFTER.match(after) or _CJK_PAREN.match(after):
            return ""
        return None

    # -- unnamed noun phrases ------------------------------------------------------------

    def _noun_phrases(
        self,
        sentence: Sentence,
        taken: list[tuple[int, int]],
        nodes: list[Mention],
        words: frozenset[str],
        local: Iterable[Mention] = (),
    ) -> list[Mention]:
        if self._head_re is None or self._head_gate.isdisjoint(words):
            return []
        text = sentence.text
        out: list[Mention] = []
        # a class noun right after a model name is that model's head noun, not a thing of its own: "the MI308 chip"
        model_ends = {m.end - sentence.start for m in local if m.kind == "name" and m.cls in _MODEL_CLASSES}
        lowered = text.lower()
        if self._head_lower_re is not None and len(lowered) == len(text):
            heads = self._head_lower_re.finditer(lowered)
        else:
            heads = self._head_re.finditer(text)
        for match in heads:
            hs, he = match.start(), match.end()
            if _overlaps(sentence.start + hs, sentence.start + he, taken):
                continue
            # a compound goes on: "chip industry", "chipmaking tool makers"
            follow = _COMPOUND_NEXT.match(text, he)
            head_word = match.group(0).lower()
            maker_head = head_word.rstrip("s").endswith("maker")  # "chip toolmakers": a head that names makers
            maker_of = maker_head
            if follow:
                nxt = follow.group(1)
                if nxt in ("maker", "makers", "supplier", "suppliers", "vendor", "vendors", "producer", "producers"):
                    maker_of = True
                elif nxt.rstrip("s") in self.category_heads or nxt in _CONTINUATION_NOUNS:
                    continue
            mods, ms = _premodifiers(text, hs)
            trim = self._trim_modifiers(text, sentence.start, ms, hs, taken)
            if trim == hs and model_ends and len(text[:hs].rstrip()) in model_ends:
                continue
            np_start, np_end = trim, he
            cls, iri, name, kind = self._categorise(head_word, mods, text[he : he + 60])
            if cls is None:
                continue
            surface = text[trim:he]
            node_mod = [n for n in nodes if sentence.start + ms <= n.start < sentence.start + hs]
            if node_mod and cls == CG.Equipment:
                surface = text[node_mod[0].start - sentence.start : he]
                iri, kind, name = None, "thing", surface
            elif kind == "category" and any(m[:1].isupper() for m in mods) and self._specific(mods, text, ms, hs):
                first_cap = next(i for i, m in enumerate(mods) if m[:1].isupper())
                surface = text[text.index(mods[first_cap], ms) : he]
                iri, kind, name = None, "thing", surface
            elif re.search(r"\w-(?:made|built|origin|designed)\b", text[ms:hs]):
                surface = text[ms:he]
                iri, kind, name = None, "thing", surface
            if np_start >= np_end:
                continue
            mention = Mention(
                sentence.start + np_start,
                sentence.start + np_end,
                surface,
                cls,
                kind,
                "noun-phrase",
                sentence.index,
                iri=iri,
                name=name,
                extra={"maker_of": "head" if maker_head else "1"} if maker_of else {},
            )
            out.append(mention)
        return out

    @staticmethod
    def _trim_modifiers(text: str, sent_start: int, ms: int, hs: int, taken: list[tuple[int, int]]) -> int:
        """Start of a noun phrase after any earlier mention inside its modifiers ("US chip equipment")."""
        start = ms
        for a, b in taken:
            if sent_start + ms <= a and b <= sent_start + hs:
                start = max(start, b - sent_start)
        while start < hs and not text[start].isalnum():
            start += 1
        if text[start : start + 2] == "s " and text[start - 1 : start] in ("'", "’"):
            start += 2
        return start

    def _specific(self, mods: list[str], text: str, ms: int, hs: int) -> bool:
        caps = [m for m in mods if m[:1].isupper()]
        for word in caps:
            if self.lexicon.lookup_cached(word) is not None or word in self._demonyms:
                return False
            if word.upper() == word and len(word) <= 4:
                return False  # "AI", "US"
        return True

    def _categorise(self, head_word: str, mods: list[str], after: str) -> tuple[URIRef | None, URIRef | None, str, str]:
        post_match = _FOR_AFTER.match(after.lower())
        # the category depends only on the head, its modifiers, what it is "for" and a maker noun after it
        key = (
            head_word.lower(),
            tuple(mods),
            post_match.group(1) if post_match else "",
            bool(_MAKER_AFTER.match(after)),
        )
        found = self._category_memo.get(key)
        if found is None:
            found = self._categorise_uncached(head_word, mods, after)
            if len(self._category_memo) < 50_000:
                self._category_memo[key] = found
        return found

    def _categorise_uncached(
        self, head_word: str, mods: list[str], after: str
    ) -> tuple[URIRef | None, URIRef | None, str, str]:
        singular = _singular(head_word)
        candidates = [self.lexicon.categories[i] for i in self.category_heads.get(singular, [])]
        if not candidates:
            return None, None, "", ""
        mod_text = " ".join(mods).lower()
        post_match = _FOR_AFTER.match(after.lower())
        post_text = post_match.group(1) if post_match else ""
        best = None
        for cat in candidates:
            pattern = self._modifier_re.get(cat.iri)
            if pattern is None:
                continue
            for hit in (*pattern.finditer(mod_text), *pattern.finditer(post_text)):
                if best is None or len(hit.group(0)) > best[1]:
                    best = (cat, len(hit.group(0)))
        if best is None:
            defaults = [c for c in candidates if "" in c.modifiers]
            if defaults:
                best = (defaults[0], 0)
            elif len(candidates) == 1:
                best = (candidates[0], 0)
        if best is None:
            return None, None, "", ""
        cat = best[0]
        maker = _MAKER_AFTER.match(after)
        if cat.cls == CG.Equipment and not maker and not self._equipment_context(mods, mod_text, best[1]):
            return None, None, "", ""
        return cat.cls, cat.iri, cat.label, "category"

    @staticmethod
    def _equipment_context(mods: list[str], mod_text: str, matched: int) -> bool:
        # bare "equipment" is chip equipment only when nothing says otherwise ("defense equipment")
        if matched:
            return True
        lower = [m for m in mods if m[:1].islower() and m not in _ADJECTIVE_OK]
        return not lower

    # -- facilities ----------------------------------------------------------------

    def _facilities(self, sentence: Sentence, taken: list[tuple[int, int]], words: frozenset[str]) -> list[Mention]:
        if self._facility_re is None or self._facility_gate.isdisjoint(words):
            return []
        text = sentence.text
        out = []
        for match in self._facility_re.finditer(text):
            hs, he = match.start(), match.end()
            if _overlaps(sentence.start + hs, sentence.start + he, taken):
                continue
            follow = _NEXT_LOWER_WORD.match(text, he)
            if follow and follow.group(1) in _CONTINUATION_NOUNS | {"equipment", "tools", "gear"}:
                continue
            _, ms = _premodifiers(text, hs)
            lead = max(0, ms - 40)
            network = re.search(r"(?:\b[a-z]+\s+)?\b(?:network|cluster|string|group|series)\s+of\s+$", text[lead:ms])
            if network and not _overlaps(sentence.start + lead + network.start(), sentence.start + ms, taken):
                ms = lead + network.start()
                if text[ms:].split()[0] in _DETERMINERS:
                    ms += len(text[ms:].split()[0]) + 1
            elif (
                match.group(0).lower() not in self._facility_cues  # a plural: "fabs", not "campus"
                and not _COUNTED.search(text, 0, ms)
                and not _SITE_AFTER.match(text, he)
            ):
                continue  # "Chinese fabs", "domestic fabs": plants in general, not one identifiable site
            np_end = he
            loc = re.match(r"\s+(?:in|across)\s+((?:[A-Z][\w\-]+)(?:\s+[A-Z][\w\-]+)?)", text[he:])
            if loc and not _overlaps(sentence.start + he + loc.start(1), sentence.start + he + loc.end(), taken):
                np_end = he + loc.end()  # a city names the site; a country stays a mention of its own
            np = text[ms:np_end]
            out.append(
                Mention(
                    sentence.start + ms,
                    sentence.start + np_end,
                    np,
                    CG.Facility,
                    "facility",
                    "facility-noun-phrase",
                    sentence.index,
                    name=np,
                )
            )
        return out

    # -- definite descriptions ---------------------------------------------------------

    def _build_descr_re(self) -> re.Pattern[str]:
        cues = [*self.org_cues, "country", "nation"]
        alt = "|".join(sorted((re.escape(c) for c in cues), key=len, reverse=True))
        return re.compile(rf"\b(?:[Tt]he|[Ii]ts|[Tt]heir)\s+((?:[\w\-’']+\s+){{0,3}}?)({alt})(?:s|es)?\b")

    def _is_demonym_span(self, span: tuple[int, int]) -> bool:
        return any((m.start, m.end) == span and m.kind == "demonym" for m in self._country_mentions)

    def _descriptions(self, sentence: Sentence, taken: list[tuple[int, int]], words: frozenset[str]) -> list[Mention]:
        out: list[Mention] = []
        if self._descr_gate.isdisjoint(words):
            return out
        for match in self._descr_re.finditer(sentence.text):
            s, e = sentence.start + match.start(), sentence.start + match.end()
            inner = [t for t in taken if s <= t[0] and t[1] <= e]
            if _overlaps(s, e, [t for t in taken if t not in inner]):
                continue
            if any(not self._is_demonym_span(t) for t in inner):
                continue
            follow = sentence.text[match.end() : match.end() + 3]
            if follow.startswith(("'s", "’s")) and match.group(2).lower() in ("country", "nation"):
                pass
            elif re.match(r"\s*(?:of|for)\b", sentence.text[match.end() : match.end() + 5]):
                continue  # "the head of", "the department of X" is a name or a role, not a reference
            plural = sentence.text[match.end(2) : match.end()] in ("s", "es")
            if plural:
                continue
            cue = match.group(2).lower()
            cls = CG.Country if cue in ("country", "nation") else self.org_cues.get(cue, CG.Company)
            named_body = cls == CG.GovernmentBody and any(self._is_demonym_span(t) for t in inner)
            possessive = not match.group(0).lower().startswith("the")
            if possessive and cls == CG.Country:
                continue
            out.append(
                Mention(
                    s,
                    e,
                    match.group(0),
                    cls,
                    "descr",
                    "definite-description",
                    sentence.index,
                    name=match.group(1).strip(),
                    extra={"possessive": "1"} if possessive else ({"body": "1"} if named_body else {}),
                )
            )
        return out

    # -- everything -------------------------------------------------------------------

    def find(self, text: str, sentences: list[Sentence]) -> list[Mention]:
        """All mentions in the sentences, non-overlapping, in text order."""
        mentions = self._gazetteer(text, sentences)
        mentions = [m for m in mentions if not _metonym_is_place(m, text)]
        self._country_mentions = [m for m in mentions if m.cls == CG.Country]
        by_sent: dict[int, list[Mention]] = {}
        for m in mentions:
            by_sent.setdefault(m.sent, []).append(m)
        for sentence in sentences:
            local = by_sent.setdefault(sentence.index, [])
            words = frozenset(_TOKEN.findall(sentence.text.lower()))
            taken = [(m.start, m.end) for m in local]
            nodes = [n for n in self._nodes(sentence) if not _overlaps(n.start, n.end, taken)]
            local += nodes
            nodes = [m for m in local if m.kind == "node"]
            taken += [(n.start, n.end) for n in nodes]
            models = self._models(sentence, taken)
            local += models
            taken += [(m.start, m.end) for m in models]
            bodies = self._titled_bodies(sentence, taken)
            local += bodies
            taken += [(b.start, b.end) for b in bodies]
            names = self._names(sentence, taken, local)
            for name in names:
                if name.extra.get("absorbs"):
                    local[:] = [m for m in local if not (name.start <= m.start and m.end <= name.end)]
            local += names
            taken = [(m.start, m.end) for m in local]
            phrases = self._noun_phrases(sentence, taken, nodes, words, local)
            local += phrases
            taken += [(m.start, m.end) for m in phrases]
            facilities = self._facilities(sentence, taken, words)
            local += facilities
            taken += [(m.start, m.end) for m in facilities]
            descriptions = self._descriptions(sentence, taken, words)
            for d in descriptions:
                local[:] = [m for m in local if not (d.start <= m.start and m.end <= d.end)]
            local += descriptions
        out = [m for sent in by_sent.values() for m in sent]
        out += self._acronym_uses(sentences, out)
        out = [self._with_countries(m) for m in out]
        return sorted(out, key=lambda m: (m.start, -m.end))

    def _acronym_uses(self, sentences: list[Sentence], mentions: list[Mention]) -> list[Mention]:
        """Acronyms defined in parentheses after a new name, and their later uses."""
        defined: dict[str, Mention] = {}
        text_of = {s.index: s for s in sentences}
        found: list[Mention] = []
        for m in mentions:
            if m.iri is not None or m.kind != "name" or m.cls not in _ORG_CLASSES:
                continue
            sentence = text_of[m.sent]
            after = sentence.text[m.end - sentence.start : m.end - sentence.start + 20]
            acr = re.match(r"^\s*\(\s*([A-Z][A-Za-z&]{1,7})\s*[),]", after)
            if acr:
                defined[acr.group(1)] = m
        if not defined:
            return []
        taken = [(m.start, m.end) for m in mentions]
        pattern = std_re.compile(r"\b(" + "|".join(re.escape(a) for a in defined) + r")\b")
        for sentence in sentences:
            for match in pattern.finditer(sentence.text):
                s, e = sentence.start + match.start(), sentence.start + match.end()
                if _overlaps(s, e, taken):
                    continue
                source = defined[match.group(1)]
                found.append(source.evolve(start=s, end=e, text=match.group(1), sent=sentence.index, rule="acronym"))
                taken.append((s, e))
        return found

    def _with_countries(self, mention: Mention) -> Mention:
        """Record a country named at the start of an organisation's name ("Chinese Foreign Ministry")."""
        if mention.cls not in _ORG_CLASSES or mention.countries:
            return mention
        words = mention.text.split()
        tail = re.search(r"\bof\s+(?:the\s+)?([A-Z][\w ]+)$", mention.text)
        if tail and mention.cls == CG.GovernmentBody:
            entry = self.lexicon.lookup_cached(tail.group(1))
            if entry is not None and entry.cls == CG.Country:
                return mention.evolve(countries=(entry.iri,), extra={**mention.extra, "demonym": "1"})
        for n in (2, 1):
            if len(words) > n:
                entry = self.lexicon.lookup_cached(" ".join(words[:n]))
                if entry is not None and entry.cls == CG.Country:
                    is_demonym = " ".join(words[:n]) in entry.demonyms
                    return mention.evolve(
                        countries=(entry.iri,), extra={**mention.extra, "demonym": "1" if is_demonym else ""}
                    )
                demonym = self._demonyms.get(" ".join(words[:n]))
                if demonym is not None:
                    return mention.evolve(countries=(demonym,), extra={**mention.extra, "demonym": "1"})
        return mention

    @property
    def _demonyms(self) -> dict[str, URIRef]:
        if not hasattr(self, "_demonym_cache"):
            self._demonym_cache = {d: e.iri for e in self.lexicon.countries() for d in e.demonyms}
        return self._demonym_cache


_CONTINUATION_NOUNS = frozenset(
    [
        "industry",
        "industries",
        "sector",
        "sectors",
        "market",
        "markets",
        "business",
        "businesses",
        "production",
        "manufacturing",
        "design",
        "designs",
        "supply",
        "supplies",
        "shortage",
        "shortages",
        "export",
        "exports",
        "sales",
        "stocks",
        "war",
        "wars",
        "act",
        "ambitions",
        "company",
        "companies",
        "firm",
        "firms",
        "maker",
        "makers",
        "giant",
        "giants",
        "designer",
        "designers",
        "plant",
        "plants",
        "factory",
        "factories",
        "technology",
        "technologies",
        "material",
        "materials",
        "self-sufficiency",
        "exports",
        "imports",
        "output",
        "capacity",
        "prices",
        "price",
        "demand",
        "investment",
        "investments",
        "subsidies",
        "subsidy",
        "program",
        "programme",
        "initiative",
        "stocks",
        "shares",
        "startup",
        "startups",
        "start-up",
        "start-ups",
        "developer",
        "developers",
        "research",
        "patents",
        "engineers",
        "talent",
        "ecosystem",
        "manufacturer",
        "manufacturers",
        "chipmaker",
        "chipmakers",
        "foundry",
        "foundries",
        "fab",
        "fabs",
        "line",
        "lines",
        "trend",
        "trends",
        "boom",
        "glut",
        "crunch",
        "race",
    ]
)
_ADJECTIVE_OK = frozenset(
    [
        "advanced",
        "similar",
        "used",
        "secondhand",
        "second-hand",
        "new",
        "older",
        "old",
        "most",
        "less",
        "more",
        "its",
        "their",
        "the",
        "some",
        "all",
        "any",
        "certain",
        "specific",
        "key",
        "critical",
        "essential",
        "sophisticated",
        "existing",
        "current",
        "additional",
        "other",
        "such",
        "high-end",
        "cutting-edge",
        "state-of-the-art",
        "needed",
        "required",
        "crucial",
        "vital",
    ]
)
_NOT_MODELS = frozenset(("G20", "COVID-19", "B20", "P5", "F-35", "F-16", "MH17"))
#: inflected verbs of the trigger lexicons: a noun phrase's modifiers never include them ("builds AI chips")
_VERB_FORMS: set[str] = set()
#: the bare verbs of the trigger lexicons ("build", "use"): verbs after "to", nouns elsewhere ("supply chain")
_VERB_BASES: set[str] = set()
_MONTH_WORDS = frozenset(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    )
)
_DETERMINERS = frozenset(
    ("a", "an", "the", "its", "their", "his", "her", "our", "this", "that", "these", "those", "such")
)
_STOP_BEFORE = re.compile(r"^(?:[,;:()\"“”]|and|or|of|to|in|on|at|for|from|by|with|as|than|that|which|is|are|was)$")


_PAREN_END = re.compile(r"\([^()]{1,40}\)\s*$")
_WORD_END = re.compile(r"([\w’'\-]+(?:\s+(?:and|&)\s+[\w\-]+-made)?)\s*$")
_CAPWORD_END = re.compile(r"\b[A-Z]\w+\s+$")
_AUX = frozenset(
    ("is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could", "to")
)
_WINDOW = 160


def _last_char(text: str, pos: int) -> str:
    """The last character before ``pos`` that is not white space ("" if none)."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return text[pos - 1] if pos else ""


def _last_word(window: str, pos: int) -> tuple[int, int] | None:
    """Span of the word ``_WORD_END`` finds before ``pos``, by a scan back instead of an end-anchored search.

    The regular expression is only needed for "US and Dutch-made", a word ending in "-made".
    """
    end = pos
    while end > 0 and window[end - 1].isspace():
        end -= 1
    begin = end
    while begin > 0 and (window[begin - 1].isalnum() or window[begin - 1] in "_’'-"):
        begin -= 1
    if begin == end:
        return None
    if window.endswith("-made", begin, end):
        m = _WORD_END.search(window, 0, pos)
        return m.span(1) if m else None
    return begin, end


def _premodifiers(text: str, head_start: int) -> tuple[list[str], int]:
    """Up to six words before a head noun that can modify it, and where they start."""
    base = max(0, head_start - _WINDOW)  # a window keeps the end-anchored searches linear
    window = text[base:head_start]
    start = head_start
    words: list[str] = []
    pos = len(window)
    for _ in range(6):
        if _last_char(window, pos) == ")":
            paren = _PAREN_END.search(window, 0, pos)
            if paren:
                pos = paren.start()  # "artificial intelligence (AI) semiconductors"
        span = _last_word(window, pos)
        if span is None:
            break
        word_start, word_end = span
        word = window[word_start:word_end]
        low = word.lower()
        if _STOP_BEFORE.match(low) or low in _DETERMINERS or low.isdigit():
            break
        if low in _AUX or low in _VERB_FORMS:
            break
        if low in _VERB_BASES and window[:word_start].rstrip().endswith((" to", "\nto")):
            break  # "to build advanced chips": a verb, not a modifier
        gerund_after_name = low.endswith("ing") and bool(_CAPWORD_END.search(window, 0, word_start))
        gerund_after_name = gerund_after_name or low.endswith(("making", "manufacturing", "mining", "computing"))
        if (
            low.endswith(("ed", "ing"))
            and low not in _ADJECTIVE_OK
            and not low.endswith(("-made", "-based"))
            and low not in ("advanced", "used", "imported", "integrated")
            and not gerund_after_name
        ):
            break
        words.insert(0, word)
        start = base + word_start
        pos = word_start
        if window[pos - 1 : pos] not in (" ", "-"):
            break
    return words, start


def _singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _sentence_index(sentences: list[Sentence]):  # type: ignore[no-untyped-def]
    import bisect

    starts = [s.start for s in sentences]

    def find(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and sentences[i].start <= offset < sentences[i].end:
            return sentences[i].index
        return None

    return find


_PLACE_PREP = re.compile(r"\b(?:in|at|near|around|outside|across|from|to|into|visit(?:ed|ing)?)\s+$", re.IGNORECASE)


def _metonym_is_place(mention: Mention, text: str) -> bool:
    """A capital named as a place ("a plant in Tokyo"), not as a government."""
    if mention.kind != "metonym":
        return False
    after = text[mention.end : mention.end + 3]
    if after.startswith(("'s", "’s")):
        return False
    if re.match(r"\s[A-Z]", text[mention.end : mention.end + 2]):
        return True  # part of a longer name: "Beijing Institute", "Washington Post"
    if text[mention.end : mention.end + 7].startswith("-based"):
        return False
    return bool(_PLACE_PREP.search(text[max(0, mention.start - 20) : mention.start]))
