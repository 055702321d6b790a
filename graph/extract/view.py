"""A sentence seen by the relation rules: mentions masked as ``⟨i⟩`` placeholders.

Rules are regular expressions over the masked sentence, so
"Taiwan's TSMC and South Korea's Samsung can make 7nm chips" reads
``⟨0⟩'s ⟨1⟩ and ⟨2⟩'s ⟨3⟩ can make ⟨4⟩ ⟨5⟩``; coordination groups, clause
bounds and verb inflections are computed here once for all rules.

>>> sorted(verb_forms("supply"))
['supplied', 'supplies', 'supply', 'supplying']
>>> "shipped" in verb_forms("ship") and "built" in verb_forms("build")
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import accumulate

from graph.extract import rx as re
from graph.extract.mentions import Mention
from graph.extract.text import Sentence

__all__ = ["GROUP", "PhraseIndex", "SentenceView", "WordList", "phrase_pattern", "verb_forms"]

_IRREGULAR = {
    "make": ("made",),
    "sell": ("sold",),
    "buy": ("bought",),
    "build": ("built",),
    "lead": ("led",),
    "run": ("ran",),
    "take": ("took", "taken"),
    "find": ("found",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "hold": ("held",),
    "begin": ("began", "begun"),
    "bring": ("brought",),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "cut": ("cut",),
    "set": ("set",),
    "put": ("put",),
    "say": ("said",),
    "seek": ("sought",),
    "win": ("won",),
    "withhold": ("withheld",),
    "be": ("is", "are", "was", "were", "been", "being", "'s"),
    "have": ("has", "had", "having"),
    "spin": ("spun",),
    "mean": ("meant",),
    "send": ("sent",),
    "pay": ("paid",),
    "lay": ("laid",),
    "forbid": ("forbade", "forbidden"),
}
_VOWELS = "aeiou"


@functools.cache
def verb_forms(lemma: str) -> frozenset[str]:
    """Inflected forms of an English verb (and the plural of a noun of the same spelling)."""
    word = lemma.lower()
    forms = {word, *_IRREGULAR.get(word, ())}
    if word == "be":
        return frozenset(forms)
    if word.endswith("e") and not word.endswith("ee"):
        stem_ing = word[:-1] + "ing"
        forms |= {word + "s", word + "d", stem_ing}
    elif len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    elif word.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {word + "es", word + "ed", word + "ing"}
    else:
        groups = re.findall(r"[aeiou]+", word)
        cvc = re.search(r"[^aeiou][aeiou][^aeiouwxy]$", word)
        if len(groups) == 1 and cvc:
            forms |= {word + "s", word + word[-1] + "ed", word + word[-1] + "ing"}
        else:
            forms |= {word + "s", word + "ed", word + "ing"}
    return frozenset(forms)


def _word_alternation(word: str) -> str:
    forms = sorted(verb_forms(word), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(f) for f in forms) + ")"


def phrase_pattern(phrase: str) -> str:
    """Regex source for a lexicon phrase with every word inflected ("restrict export" -> "restricting exports")."""
    words = phrase.lower().replace("-", " ").split()
    if not words:
        return r"(?!)"
    fixed = {"to", "for", "on", "in", "from", "of", "with", "by", "the", "its", "own", "and", "a", "an", "as"}
    parts = [re.escape(w) if w in fixed else _word_alternation(w) for w in words]
    return r"\b" + r"[\s-]+(?:the\s+)?".join(parts) + r"\b"


class PhraseIndex:
    """Finds lexicon phrases (every word inflected) fast: candidates by their first word, then one match each.

    >>> index = PhraseIndex(["restrict export", "ban"])
    >>> [(key, text) for _, _, key, text in index.find("Japan restricted exports and banned sales.")]
    [('restrict export', 'restricted exports'), ('ban', 'banned')]
    """

    def __init__(self, phrases: list[str] | tuple[str, ...], *, ignore_case: bool = True) -> None:
        flags = re.IGNORECASE if ignore_case else 0
        self._by_first: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for phrase in sorted(set(phrases), key=len, reverse=True):
            words = phrase.lower().replace("-", " ").split()
            if not words:
                continue
            compiled = re.compile(phrase_pattern(phrase), flags)
            for form in verb_forms(words[0]):
                self._by_first.setdefault(form, []).append((phrase, compiled))
        self._first = frozenset(self._by_first)
        _PHRASE_STARTS.update(self._first)

    def find(self, text: str, words: WordList | None = None) -> list[tuple[int, int, str, str]]:
        """Non-overlapping (start, end, phrase, matched text), longest phrase first at each word.

        ``words`` are the text's words (:class:`WordList`), when the caller already has them.
        """
        found: list[tuple[int, int, str, str]] = []
        if words is None:
            words = WordList(text)
        if self._first.isdisjoint(words.words):
            return found
        by_first = self._by_first
        first = self._first
        listed = words.words
        hits = [i for i in words.hits if listed[i] in first or listed[i].split("-")[0] in first]
        if not hits:
            return found
        starts = words.starts
        cursor = 0
        for i in hits:
            start, key = starts[i], listed[i]
            if start < cursor:
                continue
            candidates = by_first.get(key) or by_first[key.split("-")[0]]
            best: tuple[int, int, str, str] | None = None
            for phrase, pattern in candidates:
                match = pattern.match(text, start)
                if match and (best is None or match.end() > best[1]):
                    best = (match.start(), match.end(), phrase, match.group(0))
            if best is not None:
                found.append(best)
                cursor = best[1]
        return found


_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
#: first words of the phrases of every phrase index
_PHRASE_STARTS: set[str] = set()


_WORD_SPLIT = re.compile(r"([A-Za-z][\w'’\-]*)")


class WordList:
    """The lower-cased words of a text (for set tests), with their offsets when asked."""

    def __init__(self, text: str) -> None:
        # (gap, word, gap, word, ..., gap): the words, and later their offsets, from one split
        self._parts = _WORD_SPLIT.split(text.lower())
        self.words: list[str] = self._parts[1::2]
        self._starts: list[int] | None = None
        self._hits: list[int] | None = None

    @property
    def hits(self) -> list[int]:
        """Indexes of the words that start a phrase of any :class:`PhraseIndex` (found once for all of them)."""
        if self._hits is None:
            starts = _PHRASE_STARTS
            self._hits = [
                i for i, w in enumerate(self.words) if w in starts or ("-" in w and w.split("-")[0] in starts)
            ]
        return self._hits

    @property
    def starts(self) -> list[int]:
        """Offset of each word: the text split into (gap, word, gap, word, ...) and the lengths summed, in C."""
        if self._starts is None:
            ends = list(accumulate(map(len, self._parts)))
            self._starts = ends[0:-1:2]
        return self._starts


_PLACEHOLDER = re.compile(r"⟨(\d+)⟩")
_ELEMENT = r"(?:⟨\d+⟩['’]s\s+)?⟨\d+⟩"
#: a coordination group of mentions: "A", "A and B", "A, B, and C", "Taiwan's A and Korea's B"
_SAID = r"(?!⟨\d+⟩\s+(?:said|says|told|reported|added|noted|wrote|estimated)\b)"
# commas join members only in a list that ends with a conjunction ("A, B and C"); "A, B" is an apposition
GROUP = rf"{_ELEMENT}(?:(?:\s*,\s*{_SAID}{_ELEMENT})*\s*,?\s*(?:and|or|as well as|&)\s+{_ELEMENT})?"
_GROUP_RE = re.compile(GROUP)
#: one element of a group: (possessor or "", member)
_ELEMENT_RE = re.compile(r"(?:⟨(\d+)⟩['’]s\s+)?⟨(\d+)⟩")
# clause breaks: ";", ": ", " - ", ", which", ", who", "if", and the conjunctions while/whereas/but/although/
# though/despite/unless as whole words. Every branch starts with a literal or a class, so the engine skips
# ahead to candidate characters (4x faster than "\bwhile\b|..."); "w(?<!\ww)hile" is "\bwhile".
_CLAUSE_BREAK = re.compile(
    r";|:\s|,\s*(?:which|who)\b|,\s*if\b|\s+if\b|i(?<!\wi)f\b|\s[–—-]\s|w(?<!\ww)h(?:ile|ereas)\b|b(?<!\wb)ut\b"
    r"|a(?<!\wa)lthough\b|t(?<!\wt)hough\b|d(?<!\wd)espite\b|u(?<!\wu)nless\b"
)
#: a parenthesis right after a mention that only restates it: "(SMIC)", "(中芯國際)", "(TSMC, 台積電)"
_RESTATEMENT = re.compile(r"\s*[（(][^()（）]{1,40}[)）]")


@dataclass
class SentenceView:
    """A sentence, its mentions and the masked text the rules match."""

    sentence: Sentence
    mentions: list[Mention]
    masked: str
    _positions: list[tuple[int, int]]

    @classmethod
    def build(cls, sentence: Sentence, mentions: list[Mention]) -> SentenceView:
        """Mask the (non-overlapping, sorted) mentions of a sentence."""
        parts: list[str] = []
        positions: list[tuple[int, int]] = []
        length = 0
        cursor = sentence.start
        kept: list[Mention] = []
        ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
        brackets = "(" in sentence.text or "（" in sentence.text
        for m in ordered:
            if m.start < cursor or m.end > sentence.end:
                continue
            gap = sentence.text[cursor - sentence.start : m.start - sentence.start]
            placeholder = f"⟨{len(kept)}⟩"
            parts.append(gap)
            parts.append(placeholder)
            length += len(gap)
            positions.append((length, length + len(placeholder)))
            length += len(placeholder)
            kept.append(m)
            cursor = m.end
            paren = _RESTATEMENT.match(sentence.text, cursor - sentence.start) if brackets else None
            if paren:
                inside = [o for o in ordered if cursor <= o.start and o.end <= sentence.start + paren.end()]
                if all(o.iri == m.iri for o in inside) and (inside or not re.search(r"[a-z]{3}", paren.group(0))):
                    cursor = sentence.start + paren.end()
        parts.append(sentence.text[cursor - sentence.start :])
        return cls(sentence, kept, "".join(parts), positions)

    @property
    def words(self) -> WordList:
        """The masked text's lower-cased words (computed once for all phrase indexes)."""
        cached: WordList | None = self.__dict__.get("_words")
        if cached is None:
            cached = self.__dict__["_words"] = WordList(self.masked)
        return cached

    def phrases(self, index: PhraseIndex) -> list[tuple[int, int, str, str]]:
        """What ``index`` finds in the masked text (remembered per index)."""
        memo: dict[int, list[tuple[int, int, str, str]]] = self.__dict__.setdefault("_phrases", {})
        found = memo.get(id(index))
        if found is None:
            found = memo[id(index)] = index.find(self.masked, self.words)
        return found

    def at(self, index: int) -> Mention:
        """The mention behind placeholder ``index``."""
        return self.mentions[index]

    def span(self, index: int) -> tuple[int, int]:
        """Where placeholder ``index`` is in the masked text."""
        return self._positions[index]

    def group_members(self, group_text: str) -> list[int]:
        """Indexes of a group's members, possessors ("Taiwan's") left out."""
        return [int(x) for _, x in _ELEMENT_RE.findall(group_text)]

    def possessors(self, group_text: str) -> list[tuple[int, int]]:
        """(possessor, possessed) pairs inside a group ("Taiwan's TSMC")."""
        return [(int(a), int(b)) for a, b in _ELEMENT_RE.findall(group_text) if a]

    def groups(self) -> list[tuple[int, int, list[int]]]:
        """Coordination groups: (start, end in masked text, member indexes)."""
        cached = self.__dict__.get("_groups")
        if cached is None:
            cached = [(g.start(), g.end(), self.group_members(g.group(0))) for g in _GROUP_RE.finditer(self.masked)]
            self.__dict__["_groups"] = cached
        return cached

    def clause(self, pos: int) -> tuple[int, int]:
        """Bounds of the clause around masked position ``pos``."""
        breaks = self.__dict__.get("_breaks")
        if breaks is None:
            breaks = [(b.start(), b.end()) for b in _CLAUSE_BREAK.finditer(self.masked)]
            self.__dict__["_breaks"] = breaks
        left, right = 0, len(self.masked)
        for start, end in breaks:
            if end <= pos:
                left = end
            elif start >= pos:
                right = start
                break
        return left, right

    def index_at(self, masked_pos: int) -> int | None:
        """The placeholder index starting at a masked position."""
        m = _PLACEHOLDER.match(self.masked, masked_pos)
        return int(m.group(1)) if m else None

    def ids_in(self, start: int, end: int) -> list[int]:
        """Placeholders wholly inside a masked range, in order."""
        return [i for i, (s, e) in enumerate(self._positions) if start <= s and e <= end]
