"""Sanctions as first-class records: kind, imposers, targets, items, threshold, date, status.

A sentence holds a sanction when it has one of the ontology's sanction-kind
triggers ("export controls", "entity list", "tariffs", "exemption",
"its own sanctions"). Around the trigger:

* imposers are the country or government body that is its subject, its
  possessor or premodifier ("Washington's limitations", "US sanctions"),
  the agent of a passive ("imposed by the US"), "the Biden administration";
  with none in the sentence, the last imposer of the article carries over;
* targets follow "on", "against", "targeting", "to", "with" or "from", or
  are the subject of "X was added to the entity list" or of "X, hit by
  sanctions"; a demonym before "companies" targets the country;
* restricted items are the goods and nodes in the trigger's scope (not
  what the goods are "capable of producing"); a node "and below" is the
  threshold; exempted companies are the ones allowed to continue;
* dates ("In 2020", "in August 2022", "last July") and status triggers
  (proposed, considered, threatened, extended, lifted; else in force).

A sentence that starts by referring back ("The exemptions, introduced last
year, mean ...") adds to the previous record of that kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.extract import rx as re
from graph.extract.lexicon import Lexicon
from graph.extract.mentions import Mention
from graph.extract.relations import is_a
from graph.extract.terms import CG
from graph.extract.view import GROUP, PhraseIndex, SentenceView

__all__ = ["SanctionDraft", "SanctionRules", "parse_date"]

_KIND_ORDER = (CG.CounterSanction, CG.Exemption, CG.EntityListing, CG.Tariff, CG.ExportControl, CG.Sanction)
_STATUS_ORDER = (CG.Threatened, CG.Considered, CG.Proposed, CG.Extended, CG.Lifted, CG.InForce)
_MODIFIER_WORD = (
    r"(?!(?:in|on|to|of|for|with|by|from|at|and|or|the|a|an|is|are|was|were|has|have|had|will|would|said|says|that)\b)"
    r"[a-z][\w\-]*"
)
_RELATIVE = re.compile(r",\s*(?:which|that|who)\b[^,]*,")
_SPEAKER = re.compile(r"\s+(?:has\s+|had\s+)?(?:said|says|told|announced|stated|added|noted|warned|argued)\b")
_TRADE = re.compile(
    rf"\b(?:exports?|sales?|shipments?|transfers?|supply|supplies)\s+of\s+(?:its\s+|the\s+|their\s+)?(?:[^⟨;,]{{0,20}}?)({GROUP})"
    rf"(?:[^⟨;]{{0,40}}?\bto\s+(?:the\s+)?({GROUP}))?"
)
_WEAK = frozenset({"measure", "rule", "block", "limitation", "restriction", "curb", "withhold", "cut off"})
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
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
        ]
    )
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"


@dataclass
class SanctionDraft:
    """A sanction being assembled from one or more sentences."""

    kind: URIRef
    sentence: int
    start: int
    end: int
    text: str
    label: str
    imposers: list[URIRef] = field(default_factory=list)
    imposer_explicit: bool = False
    targets: list[URIRef] = field(default_factory=list)
    restricts: list[URIRef] = field(default_factory=list)
    exempts: list[URIRef] = field(default_factory=list)
    thresholds: list[tuple[URIRef, object]] = field(default_factory=list)
    status: URIRef | None = None
    date: Literal | None = None
    extra_sentences: list[int] = field(default_factory=list)


def parse_date(text: str, published: date | None) -> Literal | None:
    """The first date in a clause, at the precision given; relative dates need ``published``.

    >>> str(parse_date("In August 2022, the US banned", None))
    '2022-08'
    >>> str(parse_date("from September 1, 2023", None))
    '2023-09-01'
    >>> parse_date("last July", None) is None
    True
    >>> str(parse_date("since last July", date(2022, 7, 21)))
    '2021-07'
    """
    full = re.search(_MONTH + r"\s+(\d{1,2}),?\s+((?:19|20)\d{2})\b", text)
    if full:
        try:
            d = date(int(full.group(3)), _MONTHS[full.group(1).lower()], int(full.group(2)))
            return Literal(d.isoformat(), datatype=XSD.date)
        except ValueError:
            pass
    dm = re.search(r"\b(\d{1,2})\s+" + _MONTH + r"\s+((?:19|20)\d{2})\b", text)
    if dm:
        try:
            d = date(int(dm.group(3)), _MONTHS[dm.group(2).lower()], int(dm.group(1)))
            return Literal(d.isoformat(), datatype=XSD.date)
        except ValueError:
            pass
    ym = re.search(_MONTH + r"(?:\s+of)?\s+((?:19|20)\d{2})\b", text)
    if ym:
        return Literal(f"{ym.group(2)}-{_MONTHS[ym.group(1).lower()]:02d}", datatype=XSD.gYearMonth)
    year = re.search(
        r"\b(?:in|since|from|during|of|by|until|through|early|late|mid-?)\s+((?:19|20)\d{2})\b", text, re.IGNORECASE
    )
    if year:
        return Literal(year.group(1), datatype=XSD.gYear)
    if published is None:
        return None
    last_month = re.search(r"\blast\s+" + _MONTH, text)
    if last_month:
        month = _MONTHS[last_month.group(1).lower()]
        yr = published.year if month < published.month else published.year - 1
        return Literal(f"{yr}-{month:02d}", datatype=XSD.gYearMonth)
    this_year = re.search(r"\b(?:in\s+)?" + _MONTH + r"\s+(?:of\s+)?this\s+year", text)
    if this_year:
        return Literal(f"{published.year}-{_MONTHS[this_year.group(1).lower()]:02d}", datatype=XSD.gYearMonth)
    if re.search(r"\blast\s+year\b", text):
        return Literal(str(published.year - 1), datatype=XSD.gYear)
    if re.search(r"\b(?:earlier\s+)?this\s+year\b", text):
        return Literal(str(published.year), datatype=XSD.gYear)
    return None


class SanctionRules:
    """Sanction detection compiled once from the ontology's kind and status triggers."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._kind_of: dict[str, URIRef] = {}
        for kind, phrases in lexicon.sanction_kinds.items():
            for phrase in phrases:
                self._kind_of[phrase] = kind
        self._kinds = PhraseIndex(list(self._kind_of))
        self._status_of = {phrase: status for status, phrases in lexicon.statuses.items() for phrase in phrases}
        self._statuses = PhraseIndex(list(self._status_of))
        self._homes = {
            iri: e.headquartered_in
            for iri, e in lexicon.entries.items()
            if e.cls == CG.GovernmentBody and e.headquartered_in is not None
        }
        us = lexicon.lookup("United States")
        self._us = us.iri if us is not None else None

    # -- finding --------------------------------------------------------------------

    def triggers(self, view: SentenceView) -> list[tuple[int, int, str, URIRef]]:
        """Sanction triggers in the masked sentence: (start, end, phrase, kind)."""
        return [(s, e, key, self._kind_of[key]) for s, e, key, _ in self._kinds.find(view.masked)]

    def sentence(
        self,
        view: SentenceView,
        previous: list[SanctionDraft],
        published: date | None,
        negated: Callable[[SentenceView, int, int], bool],
    ) -> list[SanctionDraft]:
        """Sanction drafts of one sentence (or additions to the previous ones).

        Triggers are grouped into one measure unless they have different
        explicit imposers or are of a different family (an exemption or a
        counter-sanction next to the measure it answers).
        """
        found = self.triggers(view)
        if not found:
            return []
        clusters: list[list[tuple[int, int, str, URIRef]]] = []
        explicit: list[list[URIRef]] = []
        for trigger in found:
            probe = SanctionDraft(trigger[3], view.sentence.index, 0, 0, "", "")
            if len(found) > 1:
                self._imposers(view, probe, [trigger])
            family = _family(trigger[3])
            if clusters:
                last_family = {_family(k) for *_, k in clusters[-1]}
                same_family = family in last_family or (family == "measure" and "measure" in last_family)
                clash = bool(probe.imposers and explicit[-1] and set(probe.imposers) != set(explicit[-1]))
                if same_family and not clash:
                    clusters[-1].append(trigger)
                    explicit[-1] = explicit[-1] or probe.imposers
                    continue
            clusters.append([trigger])
            explicit.append(probe.imposers)
        drafts: list[SanctionDraft] = []
        for n, cluster in enumerate(clusters):
            draft = self._draft(view, cluster)
            draft.date = parse_date(view.sentence.text, published)
            draft.status = self._status(view, cluster[0][0])
            first = cluster[0][0]
            if n == 0 and self._merge_anaphora(view, draft, cluster, previous):
                continue
            if not draft.imposers:
                earlier = drafts or previous
                if earlier:
                    draft.imposers = list(earlier[-1].imposers)
            keys = {key for _, _, key, _ in cluster}
            if keys <= _WEAK and not draft.imposer_explicit and not (draft.targets or draft.restricts):
                continue
            if not draft.imposers and not draft.targets and not draft.restricts:
                continue
            if negated(view, view.clause(first)[0], first):
                continue
            for mention in view.mentions:
                home = self._homes.get(mention.iri) if mention.iri is not None else None
                if (
                    home is not None
                    and mention.iri is not None
                    and home in draft.imposers
                    and mention.iri not in draft.imposers
                ):
                    draft.imposers.append(mention.iri)  # the ministry of the imposing country acts for it
            draft.label = _label(view, draft.kind)
            drafts.append(draft)
        return drafts

    def _draft(self, view: SentenceView, cluster: list[tuple[int, int, str, URIRef]]) -> SanctionDraft:
        kinds = {k for *_, k in cluster}
        kind = next(k for k in _KIND_ORDER if k in kinds)
        if kind == CG.Exemption and re.search(
            r"\b(?:require|need|requirement|apply for)\w*", view.masked, re.IGNORECASE
        ):
            # "need licences to export", "licence requirement": an export control, not an exemption
            kind = next((k for k in _KIND_ORDER if k in kinds - {CG.Exemption}), CG.ExportControl)
        draft = SanctionDraft(
            kind=kind,
            sentence=view.sentence.index,
            start=view.sentence.start,
            end=view.sentence.end,
            text=view.sentence.text,
            label="",
        )
        self._imposers(view, draft, cluster)
        self._roles(view, draft, cluster)
        return draft

    @staticmethod
    def _merge_anaphora(
        view: SentenceView,
        draft: SanctionDraft,
        cluster: list[tuple[int, int, str, URIRef]],
        previous: list[SanctionDraft],
    ) -> bool:
        """ "The exemptions, introduced last year, mean ..." adds to the previous record of that kind."""
        anaphoric = re.match(r"^\s*(?:The|This|These|Those|Such)\s+(?:[\w\-]+\s+){0,2}?$", view.masked[: cluster[0][0]])
        if not anaphoric or not previous:
            return False
        same = [p for p in previous if p.kind == draft.kind]
        if draft.kind == CG.Sanction:
            same = [p for p in previous if p.kind != CG.Sanction] or list(previous)
        if not same:
            return False
        target = same[-1]
        for attr in ("targets", "restricts", "exempts", "thresholds"):
            for value in getattr(draft, attr):
                if value not in getattr(target, attr):
                    getattr(target, attr).append(value)
        target.extra_sentences.append(view.sentence.index)
        return True

    # -- roles -----------------------------------------------------------------------

    def _imposers(self, view: SentenceView, draft: SanctionDraft, found: list[tuple[int, int, str, URIRef]]) -> None:
        m = view.masked
        by_agent: list[URIRef] = []
        by_modifier: list[URIRef] = []
        by_subject: list[URIRef] = []
        target_list = [by_modifier]

        def add(i: int) -> None:
            mention = view.at(i)
            iri = self._as_government(mention)
            if iri is not None and iri not in target_list[0]:
                target_list[0].append(iri)

        for start, end, _key, _kind in found:
            target_list[0] = by_modifier
            left, _ = view.clause(start)
            # premodifier / possessor: "US sanctions", "Washington's limitations", "the Commerce Department's rules"
            pre = re.search(
                rf"({GROUP})(?:['’]s)?\s+(?:(?:own|new|latest|sweeping|extensive|additional|fresh|tough|tighter|unilateral|[a-z]+-[a-z]+|chip|tech|technology|trade|export|{_MODIFIER_WORD})\s+){{0,3}}$",
                m[left:start],
            )
            if pre:
                for i in view.group_members(pre.group(1)):
                    if self._is_government(view.at(i)):
                        add(i)
            # agent: "imposed by the US", "penalties imposed by Washington"
            agent = re.match(rf"\s*(?:\w+\s+){{0,2}}?(?:by|from)\s+(?:the\s+)?({GROUP})", m[end : end + 80])
            target_list[0] = by_agent
            if agent:
                for i in view.group_members(agent.group(1)):
                    if self._is_government(view.at(i)):
                        add(i)
            # partners of an agreement impose it too: "an agreement with the Netherlands and Japan to restrict"
            target_list[0] = by_subject
            partners = re.search(
                rf"\b(?:agreement|deal|pact|accord|arrangement)\s+with\s+(?:the\s+)?({GROUP})[^⟨]{{0,20}}$",
                m[left:start],
            )
            if partners:
                for i in view.group_members(partners.group(1)):
                    if self._is_government(view.at(i)):
                        add(i)
            # subject of the clause: "the US government had banned export of", "Japan will restrict exports"
            target_list[0] = by_subject
            for gs, ge, members in view.groups():
                if (
                    gs >= left
                    and ge <= start
                    and not re.search(r"\b(?:on|against|to|with|for|of)\s+$", m[max(0, gs - 10) : gs])
                    and not _SPEAKER.match(m, ge)
                ):
                    for i in members:
                        if self._is_government(view.at(i)) and not re.match(r"-made|-based", m[ge : ge + 6]):
                            add(i)
        draft.imposers = by_agent or by_modifier or by_subject
        draft.imposer_explicit = bool(draft.imposers)

    def _is_government(self, mention: Mention) -> bool:
        if mention.cls == CG.Country and mention.kind in ("name", "metonym", "descr", "demonym"):
            return True
        if mention.cls == CG.GovernmentBody:
            return True
        return bool(
            mention.cls == CG.Person
            and mention.role
            and re.search(r"president|minister|premier", mention.role, re.IGNORECASE)
        )

    def _as_government(self, mention: Mention) -> URIRef | None:
        if mention.cls == CG.Person:
            for word in (mention.role or "").split():
                entry = self.lexicon.lookup_cached(word)
                if entry is not None and entry.cls == CG.Country:
                    return entry.iri
            return None
        return mention.iri

    def _roles(self, view: SentenceView, draft: SanctionDraft, found: list[tuple[int, int, str, URIRef]]) -> None:
        m = view.masked
        for idx, (start, end, _key, kind) in enumerate(found):
            scope_end = found[idx + 1][0] if idx + 1 < len(found) else len(m)
            _, clause_end = view.clause(end)
            scope_end = max(min(scope_end, clause_end), min(clause_end, end + 120))
            scope = m[end:scope_end]
            # targets after a preposition
            for tm in re.finditer(
                rf"\b(?:on|against|targeting|targets|to|with|at|into)\s+(?:[^⟨;,]{{0,60}}?|[^⟨;]{{0,30}}?such as\s+)({GROUP})",
                scope,
            ):
                direct = re.match(r"\w+\s+(?:the\s+)?⟨", tm.group(0)) is not None
                for i in view.group_members(tm.group(1)):
                    if view.at(i).cls == CG.Person and not direct:
                        continue
                    self._add_target(view, draft, i, tm.group(0))
            # items in the scope, except what they are "capable of producing"
            capable = re.search(
                r"\b(?:capable of|used to|used for|needed to|to make|to produce|for making|designed to)\b", scope
            )
            cut = end + (capable.start() if capable else len(scope))
            resume = scope.find(",", capable.end()) if capable else -1
            resume_at = end + resume if resume >= 0 else len(m)  # ", including X" lists restricted items again
            for i in view.ids_in(end, scope_end):
                mention = view.at(i)
                if mention.iri is None:
                    continue
                gap = _RELATIVE.sub(" ", m[end : view.span(i)[0]])
                excluded = cut <= view.span(i)[0] < resume_at
                if not re.search(
                    r"\b(?:on|of|for|over|including|include|includes|cover|covers|covering|such as|to|from|like)\b|^\s*$",
                    gap,
                ):
                    continue
                if re.search(r",\s+(?!⟨|and\b|or\b)[a-z]", gap):
                    continue  # the item belongs to another clause: "X, impacted by sanctions, began selling Y"
                if mention.cls == CG.ProcessNode:
                    if mention.threshold:
                        draft.thresholds.append((mention.iri, mention.size_nm))
                    elif not excluded:
                        draft.restricts.append(mention.iri)
                elif (
                    is_a(mention, (CG.Equipment, CG.Product, CG.Technology))
                    and not excluded
                    and mention.iri not in draft.restricts
                ):
                    draft.restricts.append(mention.iri)
            # left side: "X was added to the entity list", "X, hit by sanctions", "blocks on companies such as X"
            left, _ = view.clause(start)
            before = m[left:start]
            passive = re.search(
                rf"({GROUP})\s*,?\s+(?:was|were|has been|have been|had been|is|are|been|being)?\s*(?:\w+\s+)?(?:added|put|placed|hit|targeted|sanctioned|blacklisted|impacted|affected|crippled|subjected)\b(?:[^⟨]|⟨\d+⟩){{0,40}}$",
                before,
            )
            if passive:
                for i in view.group_members(passive.group(1)):
                    self._add_target(view, draft, i, "")
            covered = re.search(
                rf"({GROUP})(?:\s+[a-z]+)?\s+(?:was|were|is|are|will be|would be|has been|have been)\s+(?:also\s+)?(?:covered|affected|included|hit|restricted|banned)\s+by\s+(?:the\s+)?(?:[\w\-]+\s+){{0,2}}$",
                before,
            )
            if covered:
                for i in view.group_members(covered.group(1)):
                    mention = view.at(i)
                    if is_a(mention, (CG.Equipment, CG.Product, CG.Technology)) and mention.iri not in draft.restricts:
                        draft.restricts.append(mention.iri)  # type: ignore[arg-type]
                    else:
                        self._add_target(view, draft, i, "")
            curbed = re.search(
                rf"\b(?:curb\w*|restrict\w*|limit\w*|imped\w*|hamper\w*|hamstring\w*|cripple\w*)\s+(?:the\s+)?({GROUP})['’]s\b",
                m[left:scope_end],
            )
            if curbed:
                for i in view.group_members(curbed.group(1)):
                    self._add_target(view, draft, i, "")
            clause_left, clause_right = view.clause(start)
            for trade in _TRADE.finditer(m, clause_left, clause_right):
                for i in view.group_members(trade.group(1)):
                    mention = view.at(i)
                    if is_a(mention, (CG.Equipment, CG.Product, CG.Technology)) and mention.iri not in draft.restricts:
                        draft.restricts.append(mention.iri)  # type: ignore[arg-type]
                if trade.group(2):
                    for i in view.group_members(trade.group(2)):
                        self._add_target(view, draft, i, "")
            object_of = re.search(
                rf"\b(?:threaten\w*|sanction\w*|blacklist\w*|penali[sz]\w*|bann\w*|barr\w*|add\w*|target\w*)\s+({GROUP})\s+(?:with|to|from|for)\b",
                m[left:scope_end],
            )
            if object_of:
                for i in view.group_members(object_of.group(1)):
                    self._add_target(view, draft, i, "")
            if kind == CG.Exemption or draft.kind == CG.Exemption:
                self._exempts(view, draft)

    def _add_target(self, view: SentenceView, draft: SanctionDraft, i: int, context: str) -> None:
        mention = view.at(i)
        if mention.iri is None:
            return
        wanted = (mention.cls == CG.Country and mention.iri not in draft.imposers) or (
            is_a(mention, (CG.Organization, CG.Person)) and mention.cls != CG.GovernmentBody
        )
        if wanted and mention.iri not in draft.targets:
            draft.targets.append(mention.iri)

    def _exempts(self, view: SentenceView, draft: SanctionDraft) -> None:
        m = view.masked
        for em in re.finditer(
            rf"(?:allow\w*|permit\w*|exempt\w*|grant\w*|let|lets|mean\w* that|waiver\w* (?:for|to))\s+(?:[^⟨;]{{0,40}}?)({GROUP})",
            m,
        ):
            for i in view.group_members(em.group(1)):
                mention = view.at(i)
                if mention.cls == CG.Company and mention.iri is not None:
                    if mention.iri not in draft.exempts:
                        draft.exempts.append(mention.iri)
                    if mention.iri in draft.targets:
                        draft.targets.remove(mention.iri)

    def _status(self, view: SentenceView, first: int) -> URIRef:
        found = {self._status_of[key] for _, _, key, _ in self._statuses.find(view.masked)}
        status: URIRef = next((s for s in _STATUS_ORDER if s in found), CG.InForce)
        return status


def _family(kind: URIRef) -> str:
    if kind == CG.Exemption:
        return "exemption"
    if kind == CG.CounterSanction:
        return "counter"
    return "measure"


def _label(view: SentenceView, kind: URIRef) -> str:
    text = re.sub(r"\s+", " ", view.sentence.text).strip()
    name = {
        CG.ExportControl: "export control",
        CG.EntityListing: "entity listing",
        CG.Tariff: "tariff",
        CG.Exemption: "exemption",
        CG.CounterSanction: "counter-sanction",
    }.get(kind, "sanction")
    return f"{name}: {text[:120]}{'…' if len(text) > 120 else ''}"
