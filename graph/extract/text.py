"""Sentences with offsets, and the boilerplate lines that are not article text.

Every sentence keeps its character offsets in the article text so evidence
can always point back (``text[start:end] == sentence``).

>>> [s.text for s in split_sentences("SMIC makes chips. Huawei Technologies Co. buys them.")]
['SMIC makes chips.', 'Huawei Technologies Co. buys them.']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graph.extract import rx as re

__all__ = ["Sentence", "content_lines", "split_sentences"]

#: longest sentence the rules look at; longer runs are cut (no punctuation at all)
MAX_SENTENCE_CHARS = 1200

# abbreviations after which a full stop does not end a sentence
_ABBREVIATIONS = frozenset(
    [
        "co",
        "corp",
        "inc",
        "ltd",
        "plc",
        "bhd",
        "llc",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "gov",
        "sen",
        "rep",
        "gen",
        "col",
        "lt",
        "jr",
        "sr",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "approx",
        "dept",
        "est",
        "fig",
        "int'l",
        "nos",
    ]
)
_CORPORATE = frozenset(("co", "corp", "inc", "ltd", "plc", "llc", "bhd"))
# the punctuation is matched (not looked behind for) so the engine jumps to candidate characters; lines
# (content_lines) hold no newline, so a full stop, "!" or "?" before white space is the only boundary
_BOUNDARY = re.compile(r"[.!?]([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F\u3000-\u9fff])")
_BOILERPLATE = re.compile(
    r"^(?:verified by|more about|send us news|tip us off|other stories you might like|select language|"
    r"this article is more than|share this|subscribe|sign up|read more|related:|advertisement|cookie|"
    r"all rights reserved|copyright|©|follow us|click here|this is an ai translated post)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[•·▪‣◦*\-–]|\d+[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and character offsets in the article."""

    index: int
    start: int
    end: int
    text: str


def content_lines(text: str) -> list[tuple[int, int]]:
    """Offsets of the lines that are article text, boilerplate lines left out.

    Dropped: empty lines, menu and share lines, bullet lists of one or two
    words (language pickers), and short lines repeated in the article
    (bylines, site names).
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
    counts = Counter(text[s:e] for s, e in spans)
    kept: list[tuple[int, int]] = []
    for s, e in spans:
        line = text[s:e]
        words = line.split()
        if _BOILERPLATE.match(line):
            continue
        if _BULLET.match(line) and len(words) <= 4:
            continue
        if len(words) <= 2 and not line.endswith((".", "!", "?")):
            continue
        if counts[line] > 1 and len(words) <= 8:
            continue
        if line == "®":
            continue
        kept.append((s, e))
    return kept


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"'“":
        word_start -= 1
    word = text[word_start:dot].lower()
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith", "U.S"
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        punct = match.start()
        at = punct + 1  # just after the punctuation
        cut = at + len(match.group(1) or "")
        if text[punct] == "." and _is_abbreviation(text, punct):
            # "Co. buys" is one sentence, but "Co. The" or "Corp. Trump said" usually starts a new one
            following = text[match.end() : match.end() + 40]
            opener = re.match(r"(?:The|This|It|In|A|An|On|At|But|As|He|She|They|We)\b", following)
            corporate = text[max(0, punct - 5) : punct].lower().rsplit(" ", 1)[-1] in _CORPORATE
            new_subject = corporate and re.match(r"[A-Z][a-z]+\s+[a-z]", following)
            if not (opener or new_subject):
                continue
        if cut > cursor:
            pieces.append((cursor, cut))
        cursor = match.end()
    if cursor < end:
        pieces.append((cursor, end))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while e - s > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", s, s + MAX_SENTENCE_CHARS)
            cut = cut if cut > s else s + MAX_SENTENCE_CHARS
            out.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            out.append((s, e))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of the article's content lines, with offsets into ``text``."""
    sentences: list[Sentence] = []
    for line_start, line_end in content_lines(text):
        for s, e in _split_line(text, line_start, line_end):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                sentences.append(Sentence(len(sentences), s, e, text[s:e]))
    return sentences
