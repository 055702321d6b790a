"""Dates of measures: parsing date phrases, and the part of a sentence that may date a measure.

A date belongs to a measure only when it is stated in the clause that states
the measure. "The Chinese tech giant, impacted by sanctions, began selling its
phone in September 2023" dates the sales, not the sanctions; "Huawei, which
was added to the Entity List in May 2019, launched ..." dates the listing.
:func:`measure_scope` keeps the right pieces of the sentence:

* the sentence is cut into pieces at clause breaks (";", " - ", "but",
  "while", ...) and at commas (not inside "September 1, 2023" or "25,000");
* a piece that opens with a relative pronoun or a participle ("which ...",
  "impacted by ...", "citing ...") is an aside about what comes before it;
* a trigger inside an aside is dated only by that aside; a trigger in the
  main clause by the main pieces of its clause, plus an aside that directly
  follows the trigger's own piece ("Japan's curbs, which took effect in July
  2023, ...").

>>> str(parse_date("In August 2022, the US banned", None))
'2022-08'
"""

from __future__ import annotations

from datetime import date

from rdflib import Literal
from rdflib.namespace import XSD

from graph.extract import rx as re

__all__ = ["may_hold_date", "measure_scope", "parse_date"]

_MONTH_NAMES = (
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
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_FULL = re.compile(_MONTH + r"\s+(\d{1,2}),?\s+((?:19|20)\d{2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+" + _MONTH + r"\s+((?:19|20)\d{2})\b")
_MONTH_YEAR = re.compile(_MONTH + r"(?:\s+of)?\s+((?:19|20)\d{2})\b")
_YEAR = re.compile(
    r"\b(?:in|since|from|during|of|by|until|through|early|late|mid-?)\s+((?:19|20)\d{2})\b", re.IGNORECASE
)
_LAST_MONTH = re.compile(r"\blast\s+" + _MONTH)
_THIS_YEAR_MONTH = re.compile(r"\b(?:in\s+)?" + _MONTH + r"\s+(?:of\s+)?this\s+year")
_LAST_YEAR = re.compile(r"\blast\s+year\b")
_THIS_YEAR = re.compile(r"\b(?:earlier\s+)?this\s+year\b")
_RELATIVE_HINT = re.compile(r"\b(?:last|this)\b")
_DIGIT = re.compile(r"\d")


def may_hold_date(text: str, published: date | None) -> bool:
    """Whether :func:`parse_date` could find anything in the text (a digit, or "last"/"this" with a date)."""
    return bool(_DIGIT.search(text) or (published is not None and _RELATIVE_HINT.search(text)))


def parse_date(text: str, published: date | None) -> Literal | None:
    """The first date in a text, at the precision given; relative dates need ``published``.

    >>> str(parse_date("from September 1, 2023", None))
    '2023-09-01'
    >>> parse_date("last July", None) is None
    True
    >>> str(parse_date("since last July", date(2022, 7, 21)))
    '2021-07'
    """
    if _DIGIT.search(text):
        full = _FULL.search(text)
        if full:
            try:
                d = date(int(full.group(3)), _MONTHS[full.group(1).lower()], int(full.group(2)))
                return Literal(d.isoformat(), datatype=XSD.date)
            except ValueError:
                pass
        dm = _DAY_MONTH.search(text)
        if dm:
            try:
                d = date(int(dm.group(3)), _MONTHS[dm.group(2).lower()], int(dm.group(1)))
                return Literal(d.isoformat(), datatype=XSD.date)
            except ValueError:
                pass
        ym = _MONTH_YEAR.search(text)
        if ym:
            return Literal(f"{ym.group(2)}-{_MONTHS[ym.group(1).lower()]:02d}", datatype=XSD.gYearMonth)
        year = _YEAR.search(text)
        if year:
            return Literal(year.group(1), datatype=XSD.gYear)
    if published is None or not _RELATIVE_HINT.search(text):
        return None
    last_month = _LAST_MONTH.search(text)
    if last_month:
        month = _MONTHS[last_month.group(1).lower()]
        yr = published.year if month < published.month else published.year - 1
        return Literal(f"{yr}-{month:02d}", datatype=XSD.gYearMonth)
    this_year = _THIS_YEAR_MONTH.search(text)
    if this_year:
        return Literal(f"{published.year}-{_MONTHS[this_year.group(1).lower()]:02d}", datatype=XSD.gYearMonth)
    if _LAST_YEAR.search(text):
        return Literal(str(published.year - 1), datatype=XSD.gYear)
    if _THIS_YEAR.search(text):
        return Literal(str(published.year), datatype=XSD.gYear)
    return None


# a comma cuts the sentence unless it sits in a number ("25,000") or between a day and a year ("1, 2023")
_CUT = re.compile(r",(?!(?<=\d,)\s*\d)")
#: nothing but the measure's items between a trigger and a relative clause: "controls on A, B and C, which ..."
_ITEMS_ONLY = re.compile(r"(?:\s*(?:⟨\d+⟩|,|and\b|or\b|&))*\s*")
_ASIDE_OPENER = re.compile(
    r"\s*(?:[–—-]\s*)?(?:which|who|whom|whose|where|when|that|citing|including|despite|amid|after|"
    r"as|although|though|while|with|[a-z]+ed\b|[a-z]+ing\b|hit|cut|set|put|made|built|held|led|known|"
    r"given|taken|seen|shown|done|won|spun|bought|sold|brought|sought|caught|kept|left|meant|sent)\b"
)


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma pieces of ``text[start:end]``."""
    out = []
    cursor = start
    for cut in _CUT.finditer(text, start, end):
        out.append((cursor, cut.start()))
        cursor = cut.end()
    out.append((cursor, end))
    return out


def measure_scope(text: str, clause: tuple[int, int], trigger: tuple[int, int]) -> str:
    """The parts of ``text`` (a sentence, masked or not) that may date the measure at ``trigger``.

    ``clause`` is the trigger's clause, as the clause breaks bound it.

    >>> s = "The giant, impacted by sanctions, began selling phones in September 2023."
    >>> measure_scope(s, (0, len(s)), (23, 32))
    ' impacted by sanctions'
    >>> s = "In 2020, the US banned exports of tools to SMIC, which makes chips for Huawei in 2023."
    >>> measure_scope(s, (0, 47), (16, 30))
    'In 2020,  the US banned exports of tools to SMIC'
    """
    left, right = clause
    pieces = _pieces(text, left, right)
    # the piece the clause continues into after the clause end, if it is an aside on the trigger ("curbs, which ...")
    after = text[right : right + 12]
    asides = [i > 0 and bool(_ASIDE_OPENER.match(text, s, e)) for i, (s, e) in enumerate(pieces)]
    home = next((i for i, (s, e) in enumerate(pieces) if s <= trigger[0] < max(e, s + 1)), len(pieces) - 1)
    if asides[home]:
        return text[pieces[home][0] : pieces[home][1]]
    kept = [text[s:e] for i, (s, e) in enumerate(pieces) if not asides[i]]
    # an aside right after the trigger's own piece describes the measure: "Japan's curbs, which took effect in ..."
    if home + 1 < len(pieces) and asides[home + 1] and text[trigger[1] : pieces[home][1]].strip() == "":
        kept.append(text[pieces[home + 1][0] : pieces[home + 1][1]])
    elif _ITEMS_ONLY.fullmatch(text, trigger[1], right) and re.match(r",\s*(?:which|that)\b", after):
        end = text.find(",", right + 1)
        kept.append(text[right : end if end > 0 else len(text)])
    return ", ".join(kept)
