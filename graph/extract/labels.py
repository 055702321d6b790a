"""Short, informative labels for sanction records, made from their roles.

A sanction's label names who imposes what on whom, with its threshold,
target, date and status when it has them::

    US export control on chipmaking equipment (10nm and below, targets SMIC, 2020)
    US exemption for Samsung Electronics, SK hynix, TSMC (extended)
    US tariff on legacy chips (considered)
    China counter-sanction on United States
    US sanctions

Kind and status names are the ontology's own labels (the shortest English
label of each term), so the words live in ``ontology/chipgraph.ttl``. The
sentence a sanction comes from stays in its evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from rdflib import Literal, URIRef

from graph.extract.terms import CG
from graph.ontology import labels_of

__all__ = ["imposer_name", "sanction_label"]

#: how many names of one role a label lists before "and N more"
MAX_NAMES = 3
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@functools.cache
def _term_name(term: URIRef) -> str:
    """The shortest English label of an ontology term ("exemption" rather than "exemption or licence")."""
    label, alternatives = labels_of(term)
    return min([label, *alternatives], key=lambda name: (len(name), name))


def _names(values: Sequence[str]) -> str:
    shown = list(dict.fromkeys(values))
    if len(shown) <= MAX_NAMES:
        return ", ".join(shown)
    return ", ".join(shown[:MAX_NAMES]) + f" and {len(shown) - MAX_NAMES} more"


def _when(value: Literal | None) -> str:
    """ "2020", "August 2022", "1 September 2023"."""
    if value is None:
        return ""
    text = str(value)
    parts = text.split("-")
    try:
        if len(parts) == 2:
            return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return text
    return text


def imposer_name(label: str, aliases: Iterable[str], cls: URIRef) -> str:
    """How a label names an imposer: "US" for United States, "METI" for a long ministry name.

    >>> imposer_name("United States", ["U.S.", "US", "USA", "America"], CG.Country)
    'US'
    >>> imposer_name("China", ["PRC"], CG.Country)
    'China'
    """
    longest = 12 if cls == CG.Country else 25 if cls == CG.GovernmentBody else None
    if longest is None or len(label) <= longest:
        return label
    most = 3 if cls == CG.Country else 8
    acronyms = [a for a in aliases if 2 <= len(a) <= most and a.isascii() and a.isalpha() and a.isupper()]
    return min(acronyms, key=lambda a: (len(a), a)) if acronyms else label


def sanction_label(
    kind: URIRef,
    *,
    imposers: Sequence[str] = (),
    targets: Sequence[str] = (),
    restricts: Sequence[str] = (),
    exempts: Sequence[str] = (),
    threshold_nm: Decimal | None = None,
    status: URIRef | None = None,
    date: Literal | None = None,
) -> str:
    """A label from a sanction's roles (already given as display names).

    >>> from graph.extract.terms import CG
    >>> sanction_label(CG.ExportControl, imposers=["US"], targets=["SMIC"], restricts=["chipmaking equipment"],
    ...                threshold_nm=Decimal(10), date=Literal("2020"))
    'US export control on chipmaking equipment (10nm and below, targets SMIC, 2020)'
    >>> sanction_label(CG.Exemption, imposers=["US"], exempts=["Samsung Electronics", "SK hynix", "TSMC"],
    ...                restricts=["advanced chips"], status=CG.Extended)
    'US exemption for Samsung Electronics, SK hynix, TSMC (extended)'
    >>> sanction_label(CG.CounterSanction, imposers=["China"], targets=["United States"])
    'China counter-sanction on United States'
    >>> sanction_label(CG.Sanction, imposers=["US"])
    'US sanctions'
    """
    name = _term_name(kind)
    if kind == CG.Sanction:
        name += "s"  # news speaks of "sanctions"
    head = f"{'/'.join(dict.fromkeys(imposers))} {name}".strip()
    details: list[str] = []
    if kind == CG.Exemption and exempts:
        head += f" for {_names(exempts)}"
    elif restricts:
        head += f" on {_names(restricts)}"
        if targets:
            details.append(f"targets {_names(targets)}")
    elif targets:
        head += f" on {_names(targets)}"
    if threshold_nm is not None:
        details.insert(0, f"{threshold_nm}nm and below")
    when = _when(date)
    if when:
        details.append(when)
    if status is not None and status != CG.InForce:
        details.append(_term_name(status))
    label = head + (f" ({', '.join(details)})" if details else "")
    return label[:1].upper() + label[1:] if label else _term_name(kind)
