"""Claims: who a statement is attributed to, and whether it is asserted at all.

* Attribution: "according to Bloomberg", "SIA claims", "as reported by
  Reuters", "X told the FT" put the source on the evidence
  (``Evidence.reported_by``). The verbs come from ``cg:trigger`` on
  ``cg:reportedBy`` in the ontology.
* Denial and negation: a statement in a clause with a denial cue before its
  verb ("SMIC denied supplying", "never had", "failed to", "it is not clear")
  is not stored as a positive fact. Hedges ("may have", "suggested") drop
  the statement too. Both cue lists are ``cg:denialCue`` / ``cg:hedgeCue``.
"""

from __future__ import annotations

from rdflib import URIRef

from graph.extract import rx as re
from graph.extract.lexicon import Lexicon
from graph.extract.terms import CG
from graph.extract.view import SentenceView, phrase_pattern, verb_forms

__all__ = ["ClaimRules"]

_SOURCE_CLASSES = frozenset((CG.Organization, CG.Company, CG.GovernmentBody, CG.Person))
#: what every attribution before a source holds ("according to", "as reported by", "citing", "told")
_BEFORE_HINT = re.compile(r"(?i)accord|report|told|cit")
_CUE_TOKEN = re.compile(r"\w+(?:'\w+)*")
_NOT_DENIAL = re.compile(r"\bnot only\b|\bno doubt\b|\bnot just\b", re.IGNORECASE)


_AUXILIARIES = frozenset(("is", "was", "are", "were", "has", "have", "had", "do", "does", "did", "it", "to", "be"))


def _telling_word(cue: str) -> str:
    """A word every occurrence of the cue contains, not an auxiliary when it can be helped."""
    words: list[str] = _CUE_TOKEN.findall(cue) or [cue]
    return next((w for w in words if w not in _AUXILIARIES), words[-1])


class ClaimRules:
    """Attribution and negation rules built from the ontology's cue lists."""

    def __init__(self, lexicon: Lexicon) -> None:
        verbs = [t for t in lexicon.attribution if " " not in t or t.startswith("according")]
        before = [t for t in lexicon.attribution if t.endswith((" to", " by")) or t == "citing"]
        verb_alt = "|".join(phrase_pattern(v) for v in verbs if v not in before)
        self._after = re.compile(rf"^\s*(?:has\s+|have\s+|had\s+|also\s+|was\s+)?(?:{verb_alt})")
        #: every word form an attribution can use: a sentence without any attributes nothing
        self._source_words = frozenset(
            {f for phrase in lexicon.attribution for w in phrase.split() for f in verb_forms(w)}
            | {"report", "reports", "reported", "told"}
        )
        before_alt = "|".join(phrase_pattern(b) for b in before)
        self._before = re.compile(rf"(?:{before_alt}|\breport(?:s|ed)?\s+by|\btold)\s+(?:the\s+)?$", re.IGNORECASE)
        denial = sorted(lexicon.denial, key=len, reverse=True)
        # case-sensitive: "May 2023" is a month, not a hedge
        self._denial = re.compile(r"\b(?:" + "|".join(re.escape(d) for d in denial) + r")\b")
        hedge = sorted(lexicon.hedge, key=len, reverse=True)
        self._hedge = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in hedge) + r")\b")
        #: a telling word of each cue ("not" of "is not"): a sentence without any has nothing denied or hedged
        self._cue_words = frozenset(_telling_word(cue) for cue in (*denial, *hedge))

    def reporters(self, view: SentenceView) -> tuple[URIRef, ...]:
        """Sources the sentence attributes its statements to."""
        found: list[URIRef] = []
        if self._source_words.isdisjoint(_CUE_TOKEN.findall(view.masked.lower())):
            return ()
        for i, m in enumerate(view.mentions):
            if m.cls not in _SOURCE_CLASSES or m.iri is None:
                continue
            s, e = view.span(i)
            after = view.masked[e : e + 40]
            before = view.masked[max(0, s - 40) : s]
            said = self._after.match(after) or (_BEFORE_HINT.search(before) and self._before.search(before))
            if said and m.iri not in found:
                found.append(m.iri)
        return tuple(found)

    def negated(self, view: SentenceView, start: int, end: int) -> bool:
        """Whether a denial or hedge cue governs the masked range (a clause up to its verb)."""
        memo = view.__dict__
        cued = memo.get("_cued")
        if cued is None:
            cued = memo["_cued"] = not self._cue_words.isdisjoint(_CUE_TOKEN.findall(view.masked))
        if not cued:
            return False
        span = view.masked[start:end]
        span = _NOT_DENIAL.sub(" ", span)
        return bool(self._denial.search(span) or self._hedge.search(span))
