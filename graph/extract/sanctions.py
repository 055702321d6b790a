"""Sanctions as first-class records: kind, imposers, targets, items, threshold, date, status.

A sentence holds a sanction when it has one of the ontology's sanction-kind
triggers ("export controls", "entity list", "tariffs", "exemption",
"its own sanctions"). Around the trigger:

* imposers are the agent of a passive ("imposed by the US"), the possessor
  or premodifier ("Washington's limitations", "US sanctions"), the partners
  of an agreement, or the clause subject when it does the imposing ("the US
  government had banned", "Japan will restrict", not "China has been
  critical of the restrictions"); a president or minister stands for their
  country; with none in the sentence, the last imposer of the article, then
  the article's usual one;
* targets follow "on", "against", "targeting", "to", "with" or "from", or
  are the subject of "X was added to the entity list" or of "X, hit by
  sanctions"; a demonym before "companies" targets the country;
* restricted items are the goods and nodes in the trigger's scope (not
  what the goods are "capable of producing"); a node "and below" is the
  threshold; exempted companies are the ones allowed to continue;
* the date comes from the clause that states the measure
  (:func:`graph.extract.dates.measure_scope`), the status from the
  ontology's status triggers (proposed, considered, threatened, extended,
  lifted; else in force).

Then, per article (:meth:`SanctionRules.finish`): a measure never targets
its own imposer (a counter-sanction keeps the country it answers as its
target, not as a co-imposer), and bare mentions of the same imposer's
measures ("despite US sanctions", "US sanctions designed to ...") are one
record with every sentence as evidence. A sentence that starts by referring
back ("The exemptions, introduced last year, mean ...") adds to the
previous record of that kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef

from graph.extract import rx as re
from graph.extract.dates import may_hold_date, measure_scope, parse_date
from graph.extract.lexicon import Lexicon
from graph.extract.mentions import Mention
from graph.extract.relations import is_a
from graph.extract.terms import CG
from graph.extract.view import GROUP, PhraseIndex, SentenceView

__all__ = ["SanctionDraft", "SanctionRules", "parse_date"]

Trigger = tuple[int, int, str, URIRef]

_KIND_ORDER = (CG.CounterSanction, CG.Exemption, CG.EntityListing, CG.Tariff, CG.ExportControl, CG.Sanction)
_STATUS_ORDER = (CG.Threatened, CG.Considered, CG.Proposed, CG.Extended, CG.Lifted, CG.InForce)
_MODIFIER_WORD = (
    r"(?!(?:in|on|to|of|for|with|by|from|at|and|or|the|a|an|is|are|was|were|has|have|had|will|would|said|says|that"
    r"|after|before|since|during|despite|against|amid|over|under|about|into|as|than|but|while|because|which|who"
    r"|it|its|their|his|her|they|he|she|we|be|been|being|can|could|may|might|must|should|do|does|did|not)\b)"
    r"[a-z][\w\-]*"
)
_RELATIVE = re.compile(r",\s*(?:which|that|who)\b[^,]*,")
# "added", "announced", "warned" report speech only before a quote or a clause ("added that"), not an object
# ("added Sicarrier to the Entity List", "announced sanctions")
_SPEAKER = re.compile(
    r"\s+(?:has\s+|had\s+)?(?:said|says|told|stated|noted|argued|(?:added|announced|warned)(?=\s*(?:[,.:\"“”]|that\b|$)))"
)
_TRADE = re.compile(
    rf"\b(?:exports?|sales?|shipments?|transfers?|supply|supplies)\s+of\s+(?:its\s+|the\s+|their\s+)?(?:[^⟨;,]{{0,20}}?)({GROUP})"
    rf"(?:[^⟨;]{{0,40}}?\bto\s+(?:the\s+)?({GROUP}))?"
)
_WEAK = frozenset({"measure", "rule", "block", "limitation", "restriction", "curb", "withhold", "cut off"})
#: "in response to" says a measure answers another only when the sentence also names a measure
_RESPONSE_ONLY = frozenset({"in response to", "retaliate", "retaliation", "retaliatory"})

# imposers
#: what stands between a premodifying imposer and the trigger: "US('s) (new) (chip) sanctions"
_PREMODIFIER_GAP = re.compile(
    rf"(?:['’]s)?\s+(?:(?:own|new|latest|sweeping|extensive|additional|fresh|tough|tighter|unilateral"
    rf"|[a-z]+-[a-z]+|chip|tech|technology|trade|export|⟨\d+⟩|{_MODIFIER_WORD})\s+){{0,3}}"
)
_AGENT = re.compile(rf"\s*(?:\w+\s+){{0,2}}?(?:by|from)\s+(?:the\s+)?({GROUP})")
_AGREEMENT_HINT = re.compile(r"agreement|deal|pact|accord|arrangement")
_PARTNERS = re.compile(rf"\b(?:agreement|deal|pact|accord|arrangement)\s+with\s+(?:the\s+)?({GROUP})[^⟨]{{0,20}}$")
_WHICH_IMPOSED = re.compile(
    rf"[^⟨;]{{0,60}}?(?:⟨\d+⟩[^⟨;]{{0,40}}?){{0,4}},\s*which\s+(?:the\s+)?({GROUP})\s+(?:had\s+|has\s+|have\s+)?"
    rf"(?:imposed|introduced|announced|adopted|enacted|issued|implemented|put in place|unveiled)\b"
)
_RESPONSE = re.compile(
    rf"({GROUP})['’]s\s+(?:\w+\s+)?(?:response|retaliation|reaction|countermeasures?|answer)\s*,?\s+"
    rf"(?:including|such as|with|in the form of)\s+$"
)
_SELF_SPEAKER = re.compile(
    r"\s+(?:has\s+|had\s+)?(?:said|says|announced|stated)\s+(?:on\s+\w+\s+)?(?:that\s+)?(?:it|they)\b"
)
#: a group right after a preposition is not a clause subject ("across China", "imposed by the US", "on Chinese firms")
_AFTER_PREPOSITION = re.compile(
    r"\b(?:on|against|to|with|for|of|by|from|in|across|at|into|over|under|within|throughout|between|among|via"
    r"|through|about|toward|towards|than|like|including|despite|amid)\s+(?:the\s+)?$"
)
#: what a subject does when it imposes: "the US imposed", "Japan will restrict", "Washington has secured an agreement"
_IMPOSING = re.compile(
    r"\b(?:impos|introduc|announc|implement|issu|adopt|enact|expand|extend|tighten|broaden|widen|plan|consider|"
    r"weigh|mull|threat|propos|add|plac|put|slap|levy|levied|unveil|roll|set|agree|secur|ban|bar|restrict|limit|"
    r"curb|block|prohibit|forbid|forbade|requir|decid|move|moving|seek|sought|push|pass|approv|sign|order|grant|"
    r"renew|lift|eas|revok|rescind|drop|keep|kept|maintain|enforc|appl|retaliat|launch|draft|finali|publish|"
    r"updat|toughen|escalat|step|ramp|hike|rais|increas|doubl|tripl|target|blacklist|sanction|penali|list|prepar|"
    r"aim|intend|want|warn|vow|pledg|promis|hit|slapp|control|tariff|duty|duties|wield|us|employ|deploy|"
    r"respond|reacted|reacting|reacts)\w*"
)
#: a subject that works against a measure does not impose it: "China plans to circumvent US sanctions"
_REACTION = re.compile(
    r"\b(?:circumvent|dodg|evad|skirt|tackl|overcom|counter(?!-)|push\w* back|critic|condemn|oppos|protest|resist|"
    r"withstand|surviv|bypass|get\w* around|work\w* around|navigat|escap|defy|defie|flout|violat|ignor|despite|amid|"
    r"fac(?:e|es|ed|ing)\b|hurt|impacted|affected|complain|lobb|challeng|sue|sued|su(?:es|ing)\b|comply|complie|"
    r"adapt|cope|weather|offset|mitigat|los[te]|suffer|purchas|buy|bought|obtain|acquir|smuggl|stockpil)\w*"
)
#: what may stand between a subject and a verbal trigger: "the US (has also) banned"
_AUXILIARY = re.compile(
    r"^(?:\s*(?:will|would|shall|should|could|can|may|might|must|has|have|had|is|are|was|were|be|been|being|"
    r"did|does|do|to|also|already|now|then|further|recently|first|again|reportedly|officially|formally|quietly|"
    r"government|administration|authorities|officials|regulators?|lawmakers|ministry|department|cabinet|"
    r"effectively|last\s+\w+|this\s+\w+|on\s+[A-Z]\w+|in(?:\s+\w+(?:\s+\d{4})?)?|,))*\s*$"
)
_GOVERNMENT_ROLE = re.compile(r"president|minister|premier", re.IGNORECASE)

# targets and items
_TARGET_AFTER = re.compile(
    rf"\b(?:on|against|targeting|targets|(?<!according )to|with|at|into)\s+(?:[^⟨;,]{{0,60}}?|[^⟨;]{{0,30}}?such as\s+)({GROUP})"
)
_DIRECT = re.compile(r"\w+\s+(?:the\s+)?⟨")
_CAPABLE = re.compile(r"\b(?:capable of|used to|used for|needed to|to make|to produce|for making|designed to)\b")
_ITEM_GAP = re.compile(
    r"\b(?:on|of|for|over|including|include|includes|cover|covers|covering|such as|to|from|like)\b|^\s*$"
)
#: a comma then a verb: what follows belongs to another clause ("X, impacted by sanctions, began selling Y")
_ITEM_LIST_GAP = re.compile(r"(?:\s*(?:⟨\d+⟩|,|and\b|or\b|&))*\s*$")
_OTHER_CLAUSE = re.compile(
    r",\s+(?:[a-z]+ed|began|begun|made|said|says|is|are|was|were|has|have|had|will|would|can|could|did|does"
    r"|sold|bought|went|got|took|left|kept|built|won|ran|came|saw|told|became|remains?)\b"
)
_PASSIVE_TARGET = re.compile(
    rf"({GROUP})\s*,?\s+(?:was|were|has been|have been|had been|is|are|been|being)?\s*(?:\w+\s+)?(?:added|put|placed|hit"
    rf"|targeted|sanctioned|blacklisted|impacted|affected|crippled|subjected)\b(?:[^⟨]|⟨\d+⟩){{0,40}}$"
)
#: "YMTC, which was added to the Entity List": the relative clause's antecedent is the target
_ANTECEDENT = re.compile(rf"({GROUP})\s*,\s*(?:which|who)$")
_PASSIVE_ONLY = re.compile(
    r"^\s*(?:was|were|has been|have been|had been|is|are|been|being)?\s*(?:\w+\s+)?(?:added|put|placed|hit|targeted"
    r"|sanctioned|blacklisted|impacted|affected|crippled|subjected)\b(?:[^⟨]|⟨\d+⟩){0,40}$"
)
# words a pattern needs, looked for before running it
_PASSIVE_HINT = re.compile(r"added|put|placed|hit|targeted|sanctioned|blacklisted|impacted|affected|crippled|subjected")
_POSSESSIVE_HINT = re.compile(r"['’]s\b")
_TRADE_HINT = re.compile(r"(?:export|sale|shipment|transfer|suppl)[^;]*\bof\b")
_OBJECT_HINT = re.compile(r"threaten|sanction|blacklist|penali|ban|bar|add|target")
_CUT_OFF = re.compile(rf"\bcut(?:s|ting)?\s+({GROUP})\s+off\b")
_LIST_HINT = re.compile(r"including|such as")
#: the listed targets of "added 36 Chinese companies, including YMTC, to the Entity List"
_LISTED = re.compile(
    rf"\b(?:add\w*|blacklist\w*|sanction\w*|target\w*|plac\w*|put)\s+[^;⟨]{{0,40}}?(?:⟨\d+⟩[^;⟨]{{0,30}}?)?"
    rf"(?:including|such as)\s+(?:[a-z][\w\-]*\s+){{0,3}}?({GROUP})[^;⟨]{{0,25}}?\s+(?:to|on|from)\s+(?:\w+\s+){{0,3}}$"
)
#: "added 140 companies to its Entity List, including Piotech and SiCarrier": the list after the measure
_LISTED_AFTER = re.compile(rf"\s*,\s*(?:including|such as)\s+(?:[a-z][\w\-]*\s+){{0,3}}?({GROUP})")
_ADDED_TO = re.compile(r"\b(?:add\w*|plac\w*|put)\b[^;⟨]{0,60}?\b(?:to|on)\s+(?:\w+\s+){0,3}$")
_GROUP_NEXT = re.compile(rf"\s+({GROUP})")
_NEXT_PLACEHOLDER = re.compile(r"[\s-]*⟨")
_COVERED = re.compile(
    rf"({GROUP})(?:\s+[a-z]+)?\s+(?:was|were|is|are|will be|would be|has been|have been)\s+(?:also\s+)?"
    rf"(?:covered|affected|included|hit|restricted|banned)\s+by\s+(?:the\s+)?(?:[\w\-]+\s+){{0,2}}$"
)
_CURBED = re.compile(
    rf"\b(?:curb\w*|restrict\w*|limit\w*|imped\w*|hamper\w*|hamstring\w*|cripple\w*)\s+(?:the\s+)?({GROUP})['’]s\b"
)
_OBJECT_OF = re.compile(
    rf"\b(?:threaten\w*|sanction\w*|blacklist\w*|penali[sz]\w*|ban(?:s|ned|ning)?|bar(?:s|red|ring)?|add\w*"
    rf"|target\w*)\s+({GROUP})(?:\s+⟨\d+⟩)?\s+(?:with|to|from|for)\b"
)
_EXEMPTED = re.compile(
    rf"(?:allow\w*|permit\w*|exempt\w*|grant\w*|let|lets|mean\w* that|waiver\w* (?:for|to))\s+(?:[^⟨;]{{0,40}}?)({GROUP})"
)
_REQUIREMENT = re.compile(r"\b(?:require|need|requirement|apply for)\w*", re.IGNORECASE)
_ANAPHORIC = re.compile(r"^\s*(?:The|This|These|Those|Such)\s+(?:[\w\-]+\s+){0,2}?$")
_GOODS = (CG.Equipment, CG.Product, CG.Technology)
_ITEMS = (*_GOODS, CG.ProcessNode)
_TARGETABLE = frozenset((CG.Country, CG.Company, CG.Organization, CG.Person))


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
    #: later sentences that refer back to this measure and add to it ("The exemptions ... mean that ...")
    extra_sentences: list[int] = field(default_factory=list)
    #: later sentences that mention the same measure again ("despite US sanctions")
    repeats: list[int] = field(default_factory=list)

    @property
    def generic(self) -> bool:
        """Whether the draft says no more than who imposes it ("US sanctions")."""
        return not (self.targets or self.restricts or self.exempts or self.thresholds or self.date)


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

    def _home_of(self, iri: URIRef) -> URIRef | None:
        entry = self.lexicon.entries.get(iri)
        return entry.headquartered_in if entry is not None else None

    def home_of(self, iri: URIRef) -> URIRef | None:
        """The country a government body belongs to (None for anything else)."""
        return self._homes.get(iri)

    # -- finding --------------------------------------------------------------------

    def triggers(self, view: SentenceView) -> list[Trigger]:
        """Sanction triggers in the masked sentence: (start, end, phrase, kind)."""
        return [(s, e, key, self._kind_of[key]) for s, e, key, _ in view.phrases(self._kinds)]

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
        if {key for _, _, key, _ in found} <= _RESPONSE_ONLY:
            return []  # "investments in response to tightening regulations": no measure named
        clusters: list[list[Trigger]] = []
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
            first = cluster[0][0]
            if negated(view, view.clause(first)[0], first):
                continue
            draft = self._draft(view, cluster)
            if may_hold_date(view.masked, published):
                scope = measure_scope(view.masked, view.clause(first), cluster[0][:2])
                draft.date = parse_date(scope, published) if may_hold_date(scope, published) else None
            draft.status = self._status(view)
            if n == 0 and self._merge_anaphora(view, draft, cluster, previous):
                continue
            if not draft.imposers:
                earlier = drafts or previous
                if earlier:
                    # the country carries over; a ministry is an imposer only where the text names it acting
                    carried = [self._homes.get(i, i) for i in earlier[-1].imposers]
                    draft.imposers = list(dict.fromkeys(carried))
                    if any(self._home_of(t) in draft.imposers for t in draft.targets):
                        draft.imposers = []  # a country seldom sanctions its own firms: the article's usual imposer
            keys = {key for _, _, key, _ in cluster}
            if keys <= _WEAK and not draft.imposer_explicit and not (draft.targets or draft.restricts):
                continue
            if not draft.imposers and not draft.targets and not draft.restricts:
                continue
            for mention in view.mentions:
                iri = mention.iri
                home = self._homes.get(iri) if iri is not None else None
                if (
                    iri is not None
                    and home in draft.imposers
                    and iri not in draft.imposers
                    and iri not in draft.targets
                ):
                    draft.imposers.append(iri)  # the ministry of the imposing country acts for it
            drafts.append(draft)
        return drafts

    def finish(self, drafts: list[SanctionDraft]) -> list[SanctionDraft]:
        """Article-level clean-up: usual imposer, no self-targets, one record per bare mention of a measure."""
        imposers = [i for d in drafts if d.imposer_explicit for i in d.imposers]
        if imposers:
            # a measure nobody in its sentence or before imposes: the article's usual imposer
            usual = Counter(imposers).most_common(1)[0][0]  # on a tie, the first named
            for draft in drafts:
                if not draft.imposers:
                    draft.imposers = [usual]
        for draft in drafts:
            for body in list(draft.imposers):
                home = self._homes.get(body)
                if home is not None and home not in draft.imposers:
                    draft.imposers.insert(0, home)  # a ministry acts for its country
            self._no_self_target(draft)
        kept: list[SanctionDraft] = []
        bare: dict[tuple[URIRef, frozenset[URIRef], URIRef | None], SanctionDraft] = {}
        for draft in drafts:
            key = (draft.kind, frozenset(draft.imposers), draft.status)
            if draft.generic and draft.imposers:
                same = bare.get(key)
                if same is not None:
                    if draft.sentence != same.sentence and draft.sentence not in same.repeats:
                        same.repeats.append(draft.sentence)
                    continue
                bare[key] = draft
            kept.append(draft)
        return kept

    def _no_self_target(self, draft: SanctionDraft) -> None:
        """A measure does not target its imposer; a counter-sanction answers its target and is not imposed by it."""
        if draft.kind == CG.CounterSanction and draft.targets:
            answered = set(draft.targets)
            remaining = [i for i in draft.imposers if i not in answered and self._homes.get(i) not in answered]
            if remaining:
                draft.imposers = remaining
        imposing = set(draft.imposers) | {self._homes[i] for i in draft.imposers if i in self._homes}
        draft.targets = [t for t in draft.targets if t not in imposing]

    def _draft(self, view: SentenceView, cluster: list[Trigger]) -> SanctionDraft:
        kinds = {k for *_, k in cluster}
        kind = next(k for k in _KIND_ORDER if k in kinds)
        if kind == CG.Exemption and _REQUIREMENT.search(view.masked):
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
        view: SentenceView, draft: SanctionDraft, cluster: list[Trigger], previous: list[SanctionDraft]
    ) -> bool:
        """ "The exemptions, introduced last year, mean ..." adds to the previous record of that kind."""
        if not previous or not _ANAPHORIC.match(view.masked[: cluster[0][0]]):
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

    # -- imposers ----------------------------------------------------------------------

    def _imposers(self, view: SentenceView, draft: SanctionDraft, found: list[Trigger]) -> None:
        by_agent: list[URIRef] = []
        by_modifier: list[URIRef] = []
        by_subject: list[URIRef] = []
        for trigger in found:
            agent, modifier, subject = self._imposers_of(view, trigger)
            by_agent += [i for i in agent if i not in by_agent]
            by_modifier += [i for i in modifier if i not in by_modifier]
            by_subject += [i for i in subject if i not in by_subject]
        draft.imposers = by_agent or by_modifier or by_subject
        draft.imposer_explicit = bool(draft.imposers)

    def _imposers_of(self, view: SentenceView, trigger: Trigger) -> tuple[list[URIRef], ...]:
        """(agents, premodifiers, subjects) that impose the measure at one trigger (remembered per view)."""
        memo: dict[int, tuple[list[URIRef], ...]] = view.__dict__.setdefault("_imposers", {})
        found = memo.get(trigger[0])
        if found is None:
            found = memo[trigger[0]] = self._find_imposers(view, trigger)
        return found

    def _find_imposers(self, view: SentenceView, trigger: Trigger) -> tuple[list[URIRef], ...]:
        m = view.masked
        start, end = trigger[0], trigger[1]
        by_agent: list[URIRef] = []
        by_modifier: list[URIRef] = []
        by_subject: list[URIRef] = []

        def add(into: list[URIRef], i: int) -> None:
            mention = view.at(i)
            if not self._is_government(mention):
                return
            iri = self._as_government(mention)
            if iri is not None and iri not in into:
                into.append(iri)

        left, _ = view.clause(start)
        # premodifier / possessor: "US sanctions", "Washington's limitations", "the Commerce Department's rules"
        for i in self._premodifier(view, left, start):
            add(by_modifier, i)
        # agent: "imposed by the US", "penalties imposed by Washington"
        agent = _AGENT.match(m, end, end + 80) if ("by" in m or "from" in m) else None
        if agent:
            for i in view.group_members(agent.group(1)):
                add(by_agent, i)
        # "the controls on X, which Tokyo imposed in 2019": the relative clause's subject imposes
        if not by_agent and "which" in m:
            which = _WHICH_IMPOSED.match(m, end, end + 120)
            if which:
                for i in view.group_members(which.group(1)):
                    add(by_agent, i)
        # "China's response, including export controls on gallium": who responds imposes
        response = _RESPONSE.search(m, max(0, start - 60), start) if "respon" in m or "retaliat" in m else None
        if response:
            for i in view.group_members(response.group(1)):
                add(by_modifier, i)
        # partners of an agreement impose it too: "an agreement with the Netherlands and Japan to restrict"
        partners = _PARTNERS.search(m[left:start]) if _AGREEMENT_HINT.search(m, left, start) else None
        if partners:
            for i in view.group_members(partners.group(1)):
                add(by_subject, i)
        # the nearest subject before it in its clause that does the imposing: "the US government had banned",
        # "Japan will restrict" (not "China has been critical of the restrictions")
        for gs, ge, members in reversed(view.groups()):
            if ge > start:
                continue
            if gs < left:
                break
            if _AFTER_PREPOSITION.search(m, max(0, gs - 14), gs):
                continue
            if _SPEAKER.match(m, ge) and not _SELF_SPEAKER.match(m, ge):
                continue  # "X said the restrictions ...", but "METI said it would remove the controls" is X acting
            if m.startswith(("-made", "-based"), ge):
                continue
            governments = [i for i in members if view.at(i).kind != "demonym" and self._is_government(view.at(i))]
            if not governments:
                continue  # "Chinese companies" are not a government
            gap = m[ge:start]
            if not _REACTION.search(gap) and (_AUXILIARY.match(gap) or _IMPOSING.search(gap)):
                for i in governments:
                    add(by_subject, i)
            break
        return by_agent, by_modifier, by_subject

    def _premodifier(self, view: SentenceView, left: int, start: int) -> list[int]:
        """The group of governments right before a trigger, over modifiers and goods ("US chip sanctions")."""
        m = view.masked
        for gs, ge, members in reversed(view.groups()):
            if ge > start:
                continue
            if gs < left or not _PREMODIFIER_GAP.fullmatch(m, ge, start):
                return []
            if any(self._is_government(view.at(i)) for i in members):
                return members
            if not all(is_a(view.at(i), _ITEMS) for i in members):
                return []  # only goods may stand between the imposer and the measure
        return []

    @staticmethod
    def _is_government(mention: Mention) -> bool:
        if mention.cls == CG.Country and mention.kind in ("name", "metonym", "descr", "demonym"):
            return True
        if mention.cls == CG.GovernmentBody:
            return True
        return bool(mention.cls == CG.Person and mention.role and _GOVERNMENT_ROLE.search(mention.role))

    def _as_government(self, mention: Mention) -> URIRef | None:
        if mention.cls == CG.Person:
            for word in (mention.role or "").split():
                entry = self.lexicon.lookup_cached(word)
                if entry is not None and entry.cls == CG.Country:
                    return entry.iri
            return None
        return mention.iri

    # -- targets, items, exemptions ------------------------------------------------------

    def _roles(self, view: SentenceView, draft: SanctionDraft, found: list[Trigger]) -> None:
        m = view.masked
        for idx, (start, end, _key, kind) in enumerate(found):
            scope_end = found[idx + 1][0] if idx + 1 < len(found) else len(m)
            relative = _RELATIVE.match(m, end)  # "The new rules, which take effect in July, cover ..."
            _, clause_end = view.clause(relative.end() if relative else end)
            scope_end = max(min(scope_end, clause_end), min(clause_end, end + 120))
            scope = m[end:scope_end]
            # targets after a preposition (when the scope names anyone at all)
            named = any(view.at(i).cls in _TARGETABLE for i in view.ids_in(end, scope_end))
            for tm in _TARGET_AFTER.finditer(scope) if named else ():
                direct = _DIRECT.match(tm.group(0)) is not None
                for i in view.group_members(tm.group(1)):
                    if view.at(i).cls == CG.Person and not direct:
                        continue
                    self._add_target(view, draft, i)
            self._items(view, draft, end, scope_end, scope)
            # left side: "X was added to the entity list", "X, hit by sanctions", "blocks on companies such as X"
            left, _ = view.clause(start)
            before = m[left:start]
            passive = _PASSIVE_TARGET.search(before) if _PASSIVE_HINT.search(before) else None
            if passive:
                for i in view.group_members(passive.group(1)):
                    self._add_target(view, draft, i)
            elif left and _PASSIVE_HINT.search(before) and _PASSIVE_ONLY.match(before):
                antecedent = _ANTECEDENT.search(m, max(0, left - 160), left)
                if antecedent:
                    for i in view.group_members(antecedent.group(1)):
                        self._add_target(view, draft, i)
            covered = _COVERED.search(before) if "by" in before else None
            if covered:
                for i in view.group_members(covered.group(1)):
                    mention = view.at(i)
                    if is_a(mention, _GOODS) and mention.iri not in draft.restricts:
                        draft.restricts.append(mention.iri)  # type: ignore[arg-type]
                    else:
                        self._add_target(view, draft, i)
            for i in self._reacting(view, left, start):
                self._add_target(
                    view, draft, i
                )  # "Huawei will survive the sanctions": who copes with a measure is its target
            cut_off = _CUT_OFF.search(m, left, scope_end) if "off" in m else None
            if cut_off:
                for i in view.group_members(cut_off.group(1)):
                    self._add_target(view, draft, i)  # "rules that cut China off from AI chips"
            listed = _LISTED.search(m, left, start) if _LIST_HINT.search(m, left, start) else None
            if listed:
                for i in view.group_members(listed.group(1)):
                    self._add_target(view, draft, i)  # "added 36 companies, including YMTC, to its trade blacklist"
            elif _ADDED_TO.search(m, left, start):
                for i in self._listed_after(view, end):
                    self._add_target(view, draft, i)
            curbed = _CURBED.search(m, left, scope_end) if _POSSESSIVE_HINT.search(m, left, scope_end) else None
            if curbed:
                for i in view.group_members(curbed.group(1)):
                    self._add_target(view, draft, i)
            clause_left, clause_right = view.clause(start)
            trades = (
                _TRADE.finditer(m, clause_left, clause_right)
                if _TRADE_HINT.search(m, clause_left, clause_right)
                else ()
            )
            for trade in trades:
                for i in view.group_members(trade.group(1)):
                    mention = view.at(i)
                    if is_a(mention, _GOODS) and mention.iri not in draft.restricts:
                        draft.restricts.append(mention.iri)  # type: ignore[arg-type]
                if trade.group(2):
                    for i in view.group_members(trade.group(2)):
                        self._add_target(view, draft, i)
            object_of = _OBJECT_OF.search(m, left, scope_end) if _OBJECT_HINT.search(m, left, scope_end) else None
            if object_of:
                for i in view.group_members(object_of.group(1)):
                    self._add_target(view, draft, i)
            if kind == CG.Exemption or draft.kind == CG.Exemption:
                self._exempts(view, draft)

    @staticmethod
    def _listed_after(view: SentenceView, end: int) -> list[int]:
        """Who a list names right after a measure: ", including (chip toolmakers) Piotech and SiCarrier"."""
        after = _LISTED_AFTER.match(view.masked, end)
        if after is None:
            return []
        members = view.group_members(after.group(1))
        if members and all(is_a(view.at(i), _GOODS) for i in members):
            following = _GROUP_NEXT.match(view.masked, after.end(1))  # what they make came first
            members = view.group_members(following.group(1)) if following else []
        return members

    @staticmethod
    def _reacting(view: SentenceView, left: int, start: int) -> list[int]:
        """The nearest subject before a trigger whose verb works against the measure ("X plans to circumvent")."""
        m = view.masked
        for gs, ge, members in reversed(view.groups()):
            if ge > start:
                continue
            if gs < left:
                break
            if _AFTER_PREPOSITION.search(m, max(0, gs - 14), gs) or _NEXT_PLACEHOLDER.match(m, ge):
                continue  # "in China", or a premodifier: "US chip equipment"
            if not any(view.at(i).cls == CG.Country or is_a(view.at(i), (CG.Company,)) for i in members):
                continue
            return members if _REACTION.search(m, ge, start) else []
        return []

    def _items(self, view: SentenceView, draft: SanctionDraft, end: int, scope_end: int, scope: str) -> None:
        """Goods and nodes in the trigger's scope, except what they are "capable of producing"."""
        m = view.masked
        capable = _CAPABLE.search(scope)
        cut = end + (capable.start() if capable else len(scope))
        resume = scope.find(",", capable.end()) if capable else -1
        resume_at = end + resume if resume >= 0 else len(m)  # ", including X" lists restricted items again
        for i in view.ids_in(end, scope_end):
            mention = view.at(i)
            if mention.iri is None:
                continue
            gap = _RELATIVE.sub(" ", m[end : view.span(i)[0]])
            excluded = cut <= view.span(i)[0] < resume_at
            if not _ITEM_GAP.search(gap) and not _ITEM_LIST_GAP.match(gap):
                continue  # neither after a preposition nor further along a list that opens the scope
            if _OTHER_CLAUSE.search(gap):
                continue  # the item belongs to another clause: "X, impacted by sanctions, began selling Y"
            if mention.cls == CG.ProcessNode:
                if mention.threshold:
                    draft.thresholds.append((mention.iri, mention.size_nm))
                elif not excluded:
                    draft.restricts.append(mention.iri)
            elif is_a(mention, _GOODS) and not excluded and mention.iri not in draft.restricts:
                draft.restricts.append(mention.iri)

    def _add_target(self, view: SentenceView, draft: SanctionDraft, i: int) -> None:
        mention = view.at(i)
        if mention.iri is None:
            return
        wanted = mention.cls == CG.Country or (
            is_a(mention, (CG.Organization, CG.Person)) and mention.cls != CG.GovernmentBody
        )
        if wanted and mention.iri not in draft.targets:
            draft.targets.append(mention.iri)

    @staticmethod
    def _exempts(view: SentenceView, draft: SanctionDraft) -> None:
        for em in _EXEMPTED.finditer(view.masked):
            for i in view.group_members(em.group(1)):
                mention = view.at(i)
                if mention.cls == CG.Company and mention.iri is not None:
                    if mention.iri not in draft.exempts:
                        draft.exempts.append(mention.iri)
                    if mention.iri in draft.targets:
                        draft.targets.remove(mention.iri)

    def _status(self, view: SentenceView) -> URIRef:
        found = {self._status_of[key] for _, _, key, _ in view.phrases(self._statuses)}
        status: URIRef = next((s for s in _STATUS_ORDER if s in found), CG.InForce)
        return status


def _family(kind: URIRef) -> str:
    if kind == CG.Exemption:
        return "exemption"
    if kind == CG.CounterSanction:
        return "counter"
    return "measure"
