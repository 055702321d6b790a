"""Relation rules: facts between resolved mentions of one sentence.

Each rule is a general English pattern over the masked sentence
(:class:`~graph.extract.view.SentenceView`), type-checked against what the
predicate may link:

* apposition and premodifiers give ``headquarteredIn`` ("Dutch supplier
  ASML", "US-based Intel", "Taiwan's TSMC", "China's largest chipmaker,
  SMIC", "chipmakers such as SMIC" after a demonym);
* verbs from the ontology's trigger lexicons, active, passive and inverse,
  with coordinated subjects and objects ("TSMC and Samsung can make 7nm
  chips" gives two facts); the object's class picks the predicate ("make" a
  product is ``makes``, "make chips for" a company is ``manufacturesFor``);
* possessives ("Nvidia's A100", "its Mate 60 Pro") give ``makes``;
* a node in a clause with a making verb gives ``atNode`` to its subject or
  product; people with a role title get ``affiliatedWith`` and a role;
  country premodifiers of goods give ``originCountry``; facilities get
  ``operates`` and ``locatedIn``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import URIRef

from graph.extract import rx as re
from graph.extract.lexicon import Lexicon
from graph.extract.mentions import Mention
from graph.extract.terms import CG
from graph.extract.view import GROUP, PhraseIndex, SentenceView
from graph.ontology import class_ancestors

__all__ = ["RawFact", "RelationRules"]

#: a claim check: is the masked range (start, end) of the view denied or hedged?
Negation = Callable[[SentenceView, int, int], bool]
_ORG = CG.Organization
_GOODS = (CG.Product, CG.Equipment, CG.Technology)
_MADE_GOODS = frozenset((CG.Equipment, CG.Product))

#: what each predicate may link in extraction (narrower than the ontology's domain/range, per the gold format)
SIGNATURES: dict[URIRef, tuple[tuple[URIRef, ...], tuple[URIRef, ...]]] = {
    CG.headquarteredIn: ((_ORG,), (CG.Country,)),
    CG.suppliesTo: ((_ORG,), (CG.Company,)),
    CG.manufacturesFor: ((CG.Company,), (CG.Company,)),
    CG.makes: ((_ORG,), _GOODS),
    CG.uses: ((CG.Company,), _GOODS),
    CG.originCountry: ((CG.Product, CG.Equipment), (CG.Country,)),
    CG.hasComponent: ((CG.Product,), (CG.Product,)),
    CG.atNode: ((CG.Product, CG.Company), (CG.ProcessNode,)),
    CG.affiliatedWith: ((CG.Person,), (_ORG,)),
    CG.operates: ((_ORG,), (CG.Facility,)),
    CG.locatedIn: ((CG.Facility, CG.Company), (CG.Country,)),
    CG.subsidiaryOf: ((CG.Company,), (CG.Company,)),
}
#: order in which a trigger's candidate predicates are tried
_PRIORITY = (
    CG.manufacturesFor,
    CG.suppliesTo,
    CG.affiliatedWith,
    CG.operates,
    CG.subsidiaryOf,
    CG.hasComponent,
    CG.makes,
    CG.uses,
    CG.locatedIn,
    CG.headquarteredIn,
)
_BE = r"(?:is|are|was|were|be|been|being|has been|have been|had been|'s)"
_PARTICLES = ("to", "for", "from", "on", "in", "by", "with", "of")
_MAKING = r"(?:make|makes|made|making|produce|produces|produced|producing|manufactur\w*|fabricat\w*|mass[- ]produc\w*|build|builds|built|building|release|releases|released|releasing|develop\w*|ship\w*|roll\w* out|launch\w*|design\w*|sell\w*|sold|employ\w*|use|uses|used|using|with|at|on)"


_MAKE_HINT = re.compile(r"produc|mak|made|manufactur|fabricat")
_PRODUCTION_HINT = re.compile(r"production|operations|manufacturing|fab|plant|factory")
_IN_MENTION = re.compile(r"\bin\s+⟨")


_PASSIVE_BEFORE = re.compile(rf"\b{_BE}\s+(?:\w+ly\s+)?$")
_NOUN_AFTER_VERB = re.compile(
    r"[\s-]+(?:chains?|shortages?|deals?|agreements?|lines?|constraints?|disruptions?|side|networks?|base"
    r"|restrictions?|controls?|curbs?|bans?|licen[cs]es?|rules?|regulations?|limits?|markets?)\b"
)
_BY_MENTION = re.compile(r"\s+by\s+⟨")
_BY_AGENT = re.compile(rf"\s+by\s+({GROUP})")
_MAKE_FOR = re.compile(
    rf"\b(?:mass[- ])?(?:produc\w*|mak\w*|made|manufactur\w*|fabricat\w*)\s+(?:[^⟨;]{{0,30}})?(?:⟨\d+⟩\s+)?"
    rf"(?:[^;]{{0,50}}?\bfor\s+(?:customers|clients)\s+(?:including|such as|like)\s+|(?:created|designed|developed|ordered)"
    rf"\s+by\s+(?:[^⟨;]{{0,25}}?)|for\s+(?:[^⟨;]{{0,25}}?))({GROUP})"
)
_GOODS_ADJECTIVE = r"(?:(?:new|latest|own|flagship|most|more|less|advanced|powerful)\s+){0,3}"
_POSSESSED_GOODS = re.compile(rf"(⟨\d+⟩)['’]s\s+{_GOODS_ADJECTIVE}({GROUP})")
_ITS_GOODS = re.compile(rf"\bits\s+{_GOODS_ADJECTIVE}({GROUP})")
_MAKERS_SUCH_AS = re.compile(rf"\s+\w+(?:\s*,)?\s+(?:such as|like|including|namely)\s+({GROUP})")
_MAKER_NAMED = re.compile(rf"\s+\w+\s+({GROUP})")
_HEAD_MAKERS_SUCH_AS = re.compile(rf"(?:\s*,)?\s+(?:such as|like|including|namely)\s+({GROUP})")
_HEAD_MAKER_NAMED = re.compile(rf"\s+({GROUP})")
_MAKING_RE = re.compile(rf"\b{_MAKING}\b")
_PERSON_APPOSITION = re.compile(
    rf",\s+(?:(?:a|an|the)\s+)?(?:[\w\-]+\s+){{0,5}}?(?:of|for|at|with|from)\s+(?:the\s+)?({GROUP})"
)
_PERSON_WORKS = re.compile(
    rf"\s+(?:is|was|works|worked|serves|served)\s+(?:[\w\-]+\s+){{0,10}}?(?:of|for|at|with)\s+(?:the\s+|its\s+)?"
    rf"(?:[\w\-]+\s+){{0,3}}?({GROUP})"
)
#: "Gina Raimondo, the US Commerce Secretary": the body in front of the person's title
_BODY_TITLE_APPOSITION = re.compile(
    r",\s+(?:(?:a|an|the)\s+)?(?:⟨\d+⟩(?:['’]s)?\s+)?(⟨\d+⟩)(?:['’]s)?\s+((?:[A-Za-z][\w\-]*\s+){0,2}[A-Za-z][\w\-]*)"
)
#: "lithography tools from ASML": goods and the company they come from
_GOODS_FROM = re.compile(rf"(⟨\d+⟩)\s+(?:[a-z][\w\-]*\s+){{0,2}}?from\s+(?:the\s+)?({GROUP})")
#: a clause's verb that takes goods in: "uses lithography tools from ASML", "imports wafers from"
_TAKING_IN = re.compile(r"\b(?:us|employ|rel|buy|bought|purchas|import|procur|sourc|obtain|acquir|order|install)\w*")
#: "Samsung and SK hynix, the only suppliers of advanced HBM": who makes the goods in an apposition
_MAKERS_OF = re.compile(
    rf"({GROUP}),\s+(?:the|a|an|one of the)\s+(?:(?!and\b|or\b)[\w'’\-]+\s+){{0,3}}?"
    r"(?:makers?|producers?|manufacturers?|suppliers?|vendors?)\s+of\s+(?:[a-z][\w\-]*\s+){0,2}?(⟨\d+⟩)"
)
_TO_FOR = re.compile(rf"\bto\s+({GROUP})\s+for\s+$")
_ORIGIN_LEAD = re.compile(rf"({GROUP})(?:-(?:made|built|origin|designed))?\s*[-\s]?(?:made\s+)?$")
_PRODUCTION_IN = re.compile(
    rf"({GROUP})\s+(?:can\s+|will\s+|to\s+)?(?:continue\s+|began\s+|begun\s+|started\s+)?[^;.]{{0,60}}?"
    rf"\b(?:production|operations|manufacturing|fab|plant|factory)\b[^;.]{{0,50}}?\bin\s+(⟨\d+⟩)"
)


@functools.cache
def _particle_re(particle: str) -> re.Pattern[str]:
    """The object after a verb's particle: "sell <to> ... X"."""
    return re.compile(rf"\b(?<!according ){particle}\s+(?:[^⟨;]{{0,40}}?)({GROUP})")


_HOME_TO = re.compile(
    rf"({GROUP}),?\s+(?:the\s+|which\s+(?:is|are)\s+)?homes?\s+(?:to|of)\s+(?:[a-z][\w\-]*\s+){{0,3}}?({GROUP})"
)
_SUPPLYING = re.compile(r"\b(?:provid|supply|supplie|sell|sold|ship|offer|deliver|licens)\w*")
_NAMED_AFTER = re.compile(rf"\s*,?\s+(?:such as\s+|like\s+|including\s+|namely\s+)?({GROUP})")
_APPOSITION_BEFORE = re.compile(rf"({GROUP}),\s+(?:the|a|an|one of the)\s+(?:(?!and\b|or\b)[\w'’\-]+\s+){{0,4}}$")
_MAKES_OWNED = re.compile(
    r"\b(?:mak|produc|manufactur|fabricat|build)\w*\s+(?:(?:most|many|all|some|much|part)\s+of\s+)?"
    r"((?:⟨\d+⟩['’]s(?:\s*,\s*|\s+and\s+|\s+or\s+|\s+))+)(?:(?!and\b|or\b)[\w\-]+\s+){0,2}?⟨(\d+)⟩"
)
_PLACEHOLDER_ID = re.compile(r"⟨(\d+)⟩")
_RELATIVE_OPENER = re.compile(r",\s*(?:which|who)$")
#: what may stand between a name and its relative clause: "YMTC (Yangtze Memory)", "SMIC, based in Shanghai"
_RESTATED = re.compile(r"\s*\([^()]{0,40}\)\s*")
_BEFORE_NON_SUBJECT = re.compile(r"\b(?:by|with|from|of|to|for|in|on|at|against|than|into|via)\s+(?:the\s+)?$")


def _subject_groups(view: SentenceView) -> list[tuple[int, int, list[int], list[int]]]:
    """Groups with the organisations and people that can be their clause's subject, and all of them (once per view).

    A group after a preposition is not a subject ("backed by Toyota", "working with IBM"), but a relative
    clause can still be about it ("competes with TSMC, which makes ...").
    """
    memo = view.__dict__
    found: list[tuple[int, int, list[int], list[int]]] | None = memo.get("_subject_groups")
    if found is None:
        m = view.masked
        agent = [is_a(x, (_ORG, CG.Person)) for x in view.mentions]
        found = [
            (gs, ge, [] if _BEFORE_NON_SUBJECT.search(m, max(0, gs - 14), gs) else agents, agents)
            for gs, ge, members in view.groups()
            for agents in ([i for i in members if agent[i]],)
        ]
        memo["_subject_groups"] = found
    return found


@dataclass(frozen=True, init=False)
class RawFact:
    """A fact found in one sentence, before evidence is attached."""

    subject: URIRef
    predicate: URIRef
    object: URIRef
    rule: str
    confidence: float

    def __init__(self, subject: URIRef, predicate: URIRef, obj: URIRef, rule: str, confidence: float) -> None:
        # one dict update instead of a frozen setattr per field (facts are made by the hundred per article)
        self.__dict__.update(subject=subject, predicate=predicate, object=obj, rule=rule, confidence=confidence)


_IS_A: dict[tuple[URIRef, tuple[URIRef, ...]], bool] = {}


def is_a(mention: Mention, classes: tuple[URIRef, ...]) -> bool:
    """Whether the mention's class is (a subclass of) one of ``classes``."""
    key = (mention.cls, classes)
    found = _IS_A.get(key)
    if found is None:
        ancestors = class_ancestors(mention.cls)
        found = _IS_A[key] = any(c in ancestors for c in classes)
    return found


#: subjects a predicate never has although its domain admits them: governments regulate, not make or sell
_NOT_SUBJECT: dict[URIRef, tuple[URIRef, ...]] = {
    CG.makes: (CG.GovernmentBody,),
    CG.suppliesTo: (CG.GovernmentBody,),
}


def fits(predicate: URIRef, subject: Mention, obj: Mention) -> bool:
    """Whether the predicate may link these two mentions."""
    domain, range_ = SIGNATURES[predicate]
    excluded = _NOT_SUBJECT.get(predicate)
    if excluded is not None and is_a(subject, excluded):
        return False
    return subject.iri != obj.iri and is_a(subject, domain) and is_a(obj, range_)


class RelationRules:
    """The relation rules, compiled once from the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        entries: list[tuple[str, URIRef, bool, str | None]] = []
        for prop, (forward, inverse) in lexicon.property_triggers.items():
            for phrase, inv in [(p, False) for p in forward] + [(p, True) for p in inverse]:
                words = phrase.split()
                particle = words[-1] if len(words) > 1 and words[-1] in _PARTICLES else None
                core = " ".join(words[:-1]) if particle else phrase
                core = re.sub(r"^be\s+", "", core)
                entries.append((core, prop, inv, particle))
        self._triggers: dict[str, list[tuple[URIRef, bool, str | None]]] = {}
        for core, prop, inv, particle in entries:
            self._triggers.setdefault(core, []).append((prop, inv, particle))
        self._verb_index = PhraseIndex(list(self._triggers))
        company_cues = sorted(lexicon.class_cues.get(CG.Company, ()), key=len, reverse=True)
        org_cues = company_cues + sorted(
            lexicon.class_cues.get(CG.Organization, ()) + lexicon.class_cues.get(CG.GovernmentBody, ()),
            key=len,
            reverse=True,
        )
        self._cue = r"(?:" + "|".join(re.escape(c) for c in org_cues) + r")(?:s|es)?"
        self._company_cue = r"(?:" + "|".join(re.escape(c) for c in company_cues) + r")(?:s|es)?"
        self._homes = {
            iri: e.headquartered_in
            for iri, e in lexicon.entries.items()
            if e.cls == CG.GovernmentBody and e.headquartered_in is not None and e.source == "reference"
        }
        cue = self._cue
        self._lead_re = re.compile(rf"^\s*(⟨\d+⟩)['’]s\s+(?:[\w\-]+\s+){{0,3}}?{self._company_cue}\b(?!,?\s+⟨)")
        self._appos_after_re = re.compile(
            rf"(⟨\d+⟩),?\s+(?:[–—-]\s+)?(?:(?:a|an|the|one of the|one of)\s+)?(?:(⟨\d+⟩)['’]s|(⟨\d+⟩)(?:-based)?)\s+"
            rf"(?:[\w\-]+\s+|⟨\d+⟩\s*){{0,3}}?{cue}"
        )
        self._appos_cue_country_re = re.compile(
            rf"(⟨\d+⟩),\s+(?:a|an|the)\s+(?:[\w\-]+\s+){{0,3}}?{cue}\s+(?:for|of|in|from)\s+(?:the\s+)?(⟨\d+⟩)"
        )
        self._hq_patterns = tuple(
            (re.compile(p), rule, conf)
            for p, rule, conf in (
                # Taiwan's TSMC / China's largest chipmaker, SMIC / the country's biggest foundry SMIC
                (rf"(⟨\d+⟩)['’]s\s+(?:[\w\-]+\s+){{0,4}}?{cue},?\s+({GROUP})", "possessive-apposition", 0.85),
                (rf"(⟨\d+⟩)['’]s\s+({GROUP})", "possessive", 0.8),
                # Dutch supplier ASML / US memory chipmaker Micron / Chinese AI start-up DeepSeek
                (
                    rf"(⟨\d+⟩)\s+(?P<mid>(?:(?:[\w\-()]+|⟨\d+⟩)\s+){{0,4}}?){cue}\s+(?P<members>{GROUP})",
                    "demonym-apposition",
                    0.85,
                ),
                # Chinese chipmakers such as SMIC and Hua Hong
                (
                    rf"(⟨\d+⟩)\s+(?P<mid>(?:[^,;.⟨]|⟨\d+⟩){{0,40}}?)\b{cue}\b(?P<post>[^;.]{{0,40}}?)(?:such as|like|including|namely)\s+"
                    rf"(?:[a-z][\w\-]*\s+){{0,3}}?(?P<members>{GROUP})",
                    "demonym-such-as",
                    0.75,
                ),
                # Chinese toolmakers Naura and AMEC / Chinese toolmakers such as Naura (the maker is a mention)
                (
                    rf"(⟨\d+⟩)\s+(?P<maker>⟨\d+⟩)(?:\s*,?\s+(?:such as|like|including|namely))?\s+(?P<members>{GROUP})",
                    "demonym-maker",
                    0.75,
                ),
                # US-based Intel
                (rf"(⟨\d+⟩)-based\s+(?:[\w\-]+\s+){{0,3}}?({GROUP})", "based-apposition", 0.9),
                # the largest chipmaker in China, SMIC
                (rf"\b{cue}\s+in\s+(⟨\d+⟩),\s+({GROUP})", "cue-in-country", 0.85),
            )
        )
        # kinds of chips a maker is named for: "memory chipmaker", "AI chip designer"
        self._chip_kinds = {
            mod.lower(): c.iri for c in lexicon.categories if "chip" in c.heads for mod in c.modifiers if mod
        }
        mods = "|".join(sorted((re.escape(k) for k in self._chip_kinds), key=len, reverse=True))
        self._chip_maker_re = (
            re.compile(
                rf"(?i:\b({mods}))\s+chip[\s-]?(?:makers?|designers?|producers?|manufacturers?|suppliers?|firms?"
                r"|compan(?:y|ies))\b"
            )
            if mods
            else None
        )
        #: default categories of products (cg:modifier ""): too vague to be made or used
        self._demonyms = {d: e.iri for e in lexicon.countries() for d in e.demonyms}
        self._vague = {c.iri for c in lexicon.categories if "" in c.modifiers and c.cls != CG.Equipment}

    # -- helpers -------------------------------------------------------------------

    def _facts(
        self, view: SentenceView, pred: URIRef, subs: list[int], objs: list[int], rule: str, conf: float
    ) -> Iterator[RawFact]:
        for s in subs:
            for o in objs:
                sm, om = view.at(s), view.at(o)
                if sm.iri is None or om.iri is None or not fits(pred, sm, om):
                    continue
                if pred in (CG.makes, CG.uses) and om.iri in self._vague:
                    continue  # "makes chips" says nothing: every chip firm does
                yield RawFact(sm.iri, pred, om.iri, rule, conf)

    # -- headquarters -----------------------------------------------------------------

    @staticmethod
    def _hq_matches(view: SentenceView, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of a headquarters pattern; those that start at a mention are tried at every country.

        Trying each country (rather than finding matches left to right) keeps an earlier
        mention from hiding the country behind it ("X supplies Y to Chinese chipmakers such
        as SMIC"); in the span a pattern names ``mid`` (between the demonym and the cue) only
        what the makers make may stand ("Chinese memory makers such as YMTC"), and in ``post``
        (between the cue and "such as") no other noun phrase may begin ("and ASML suppliers").
        """
        m = view.masked
        if not pattern.pattern.startswith("(⟨"):
            yield from pattern.finditer(m)
            return
        for i, mention in enumerate(view.mentions):
            if mention.cls != CG.Country:
                continue
            match = pattern.match(m, view.span(i)[0])
            if match is None:
                continue
            mid, post = match.groupdict().get("mid") or "", match.groupdict().get("post") or ""
            if "⟨" in mid and not all(view.at(int(k)).extra.get("maker_of") for k in re.findall(r"⟨(\d+)⟩", mid)):
                continue
            if re.search(r"\b(?:and|or)\s+⟨", post):
                continue  # "Dutch regulators and ASML suppliers such as Zeiss": the list is the suppliers'
            maker = match.groupdict().get("maker")
            if maker and view.at(int(maker[1:-1])).extra.get("maker_of") != "head":
                continue  # only a mention that names makers ("toolmakers") stands for the cue
            yield match

    def headquarters(self, view: SentenceView, antecedent: int | None = None) -> Iterator[RawFact]:
        m = view.masked
        if not any(x.cls == CG.Country or x.kind == "descr" or x.countries for x in view.mentions):
            yield from self._government_homes(view)
            return
        if antecedent is None and not any(is_a(x, (_ORG,)) for x in view.mentions):
            return  # every rule below needs an organisation to place
        # a description naming a country: "The Chinese tech giant", "the Dutch company"
        for mention in view.mentions:
            if mention.kind == "descr" and mention.cls != CG.Country and mention.iri is not None:
                for word in re.findall(r"[A-Z][\w\-]+", mention.name):
                    country = self._demonyms.get(word) or self._demonyms.get(word.split("-")[0])
                    if country is not None and not word.endswith("-based"):
                        yield RawFact(mention.iri, CG.headquarteredIn, country, "description-demonym", 0.7)
        # "China's premier chip manufacturer has ..." refers back to the last company
        if antecedent is not None:
            lead = self._lead_re.match(m)
            if lead:
                where = int(lead.group(1)[1:-1])
                subject, home = view.at(antecedent).iri, view.at(where).iri
                if view.at(where).cls == CG.Country and subject is not None and home is not None:
                    yield RawFact(subject, CG.headquarteredIn, home, "possessive-description", 0.6)
        patterns = self._hq_patterns
        for pattern, rule, conf in patterns:
            if rule.startswith("possessive") and "s " not in m:
                continue
            if rule.startswith("based") and "-based" not in m:
                continue
            if rule == "demonym-such-as" and not re.search(r"such as|like|including|namely", m):
                continue
            if rule == "cue-in-country" and " in ⟨" not in m:
                continue
            for match in self._hq_matches(view, pattern):
                where = int(match.group(1)[1:-1])
                if view.at(where).cls != CG.Country:
                    continue
                group = match.group("members") if "members" in pattern.groupindex else match.group(2)
                own = {possessed: owner for owner, possessed in view.possessors(group)}
                for member in view.group_members(group):
                    owner = own.get(member, where)
                    if view.at(owner).cls == CG.Country:
                        yield from self._facts(view, CG.headquarteredIn, [member], [owner], rule, conf)
        # SMIC, China's top chipmaker / Huawei, a Chinese company / Micron, based in the US
        for match in self._appos_after_re.finditer(m):
            org = int(match.group(1)[1:-1])
            where = int((match.group(2) or match.group(3))[1:-1])
            if view.at(where).cls == CG.Country:
                yield from self._facts(view, CG.headquarteredIn, [org], [where], "apposition-after", 0.8)
        for match in self._appos_cue_country_re.finditer(m):
            org, where = int(match.group(1)[1:-1]), int(match.group(2)[1:-1])
            if view.at(where).cls == CG.Country:
                yield from self._facts(view, CG.headquarteredIn, [org], [where], "apposition-cue-country", 0.7)
        # "Japan and the Netherlands, home to Tokyo Electron and ASML": member by member, or all to one country
        for match in _HOME_TO.finditer(m) if "home" in m else ():
            countries = [i for i in view.group_members(match.group(1)) if view.at(i).cls == CG.Country]
            orgs = view.group_members(match.group(2))
            if len(countries) == 1:
                yield from self._facts(view, CG.headquarteredIn, orgs, countries, "home-to", 0.8)
            elif len(countries) == len(orgs):
                for member, place in zip(orgs, countries, strict=True):
                    yield from self._facts(view, CG.headquarteredIn, [member], [place], "home-to", 0.75)
        for match in re.finditer(r"(⟨\d+⟩),?\s+(?:is\s+)?(?:based|headquartered)\s+in\s+(⟨\d+⟩)", m):
            org, where = int(match.group(1)[1:-1]), int(match.group(2)[1:-1])
            yield from self._facts(view, CG.headquarteredIn, [org], [where], "based-in", 0.9)
        yield from self._government_homes(view)
        # a country or demonym that opens an organisation's own name ("Chinese Foreign Ministry")
        for i, mention in enumerate(view.mentions):
            if mention.countries and mention.iri is not None and is_a(mention, (_ORG,)):
                if mention.cls == CG.Company and not mention.extra.get("demonym"):
                    continue  # "Taiwan Semiconductor" is a name, not a statement of where the firm is based
                for country in mention.countries:
                    yield RawFact(mention.iri, CG.headquarteredIn, country, "name-country", 0.7)
            # "Chinese Minister of Industry ..." / "the US Department of Commerce" after a demonym mention
            if i > 0 and mention.cls == CG.GovernmentBody and mention.iri is not None:
                prev = view.at(i - 1)
                gap = m[view.span(i - 1)[1] : view.span(i)[0]]
                if prev.cls == CG.Country and re.fullmatch(r"\s+(?:[A-Z][a-z]+\s+)?(?:of\s+|for\s+)?(?:the\s+)?", gap):
                    yield from self._facts(view, CG.headquarteredIn, [i], [i - 1], "country-body", 0.75)

    def _government_homes(self, view: SentenceView) -> Iterator[RawFact]:
        """A government body belongs to its country whenever it is named."""
        for mention in view.mentions:
            home = self._homes.get(mention.iri) if mention.kind == "name" and mention.iri is not None else None
            if home is not None and mention.iri is not None:
                yield RawFact(mention.iri, CG.headquarteredIn, home, "government-home", 0.6)

    # -- verbs ------------------------------------------------------------------------

    def verbs(self, view: SentenceView, negated: Negation) -> Iterator[RawFact]:
        m = view.masked
        for vs, ve, key, surface in view.phrases(self._verb_index):
            if _NOUN_AFTER_VERB.match(m, ve, ve + 16):
                continue  # a noun: "supply chain", "production lines"
            left, right = view.clause(vs)
            before = m[left:vs]
            participle = surface.endswith(("ed", "en", "t"))
            passive = participle and bool(_PASSIVE_BEFORE.search(before))
            reduced = participle and bool(_BY_MENTION.match(m, ve, ve + 6))
            subj_ids = self._subject(view, left, vs)
            for prop, inverse, particle in self._triggers[key]:
                objs, _ = self._object(view, prop, ve, right, particle)
                if passive or reduced:
                    agent = _BY_AGENT.match(m[ve:right])
                    if agent is None:
                        continue
                    agent_ids = view.group_members(agent.group(1))
                    subs, objs2 = agent_ids, subj_ids
                    if reduced and not passive:
                        objs2 = self._left_group(view, left, vs)
                    subs, objs = (objs2, subs) if inverse else (subs, objs2)
                else:
                    subs = subj_ids
                    subs, objs = (objs, subs) if inverse else (subs, objs)
                if not subs or not objs:
                    continue
                if negated(view, left, vs) or negated(view, vs, min(ve + 12, right)):
                    break
                facts = list(self._facts(view, prop, subs, objs, f"verb-{key.replace(' ', '-')}", 0.7))
                if facts:
                    yield from facts
                    if prop != CG.suppliesTo:
                        break

    def _left_group(self, view: SentenceView, left: int, pos: int) -> list[int]:
        ids = view.ids_in(left, pos)
        return ids[-1:] if ids else []

    def _subject(self, view: SentenceView, left: int, pos: int) -> list[int]:
        """The nearest group of organisations or people before the verb in its clause.

        In a relative clause with none ("Lam Research and KLA, which sell tools to YMTC"), the group the
        clause is about: the one right before ", which".
        """
        best: list[int] = []
        for gs, ge, agents, _ in _subject_groups(view):
            if ge > pos:
                break
            if gs >= left and agents:
                best = agents
        if not best and left:
            relative = _RELATIVE_OPENER.search(view.masked, max(0, left - 12), left)
            if relative:
                for _gs, ge, _, antecedents in reversed(_subject_groups(view)):
                    if ge <= relative.start():
                        if view.masked[ge : relative.start()].strip(" )") == "" or _RESTATED.fullmatch(
                            view.masked, ge, relative.start()
                        ):
                            best = antecedents
                        break
        return best

    def _object(
        self, view: SentenceView, prop: URIRef, start: int, right: int, particle: str | None
    ) -> tuple[list[int], int]:
        m = view.masked
        window_end = min(right, start + 90)
        if particle:
            found = _particle_re(particle).search(m[start:window_end])
            if not found:
                return [], -1
            members = view.group_members(found.group(1))
            return members, start + found.start(1)
        _, range_ = SIGNATURES[prop]
        # the object comes before the next verb: "makes memory chips and had been supplying Apple"
        window_end = next((vs for vs, *_ in view.phrases(self._verb_index) if start < vs < window_end), window_end)
        goods_wanted = range_ == _GOODS
        for gs, ge, members in view.groups():
            if gs < start or ge > window_end:
                continue
            typed = [i for i in members if is_a(view.at(i), range_)]
            if typed:
                return typed, gs
            if goods_wanted and any(is_a(view.at(i), (_ORG, CG.Person)) for i in members):
                break  # "had been supplying Apple before the iPhone maker": the verb's object is the company
        return [], -1

    # -- special patterns ---------------------------------------------------------------

    def manufacturing_for(self, view: SentenceView) -> Iterator[RawFact]:
        """ "X ... produce chips created/designed by Y" and "make chips for Y"."""
        m = view.masked
        if ("for" not in m and "by" not in m) or not _MAKE_HINT.search(m):
            return
        for match in _MAKE_FOR.finditer(m):
            left, right = view.clause(match.start())
            subs = self._subject(view, left, match.start())
            objs = view.group_members(match.group(1))
            if not any(view.at(i).cls == CG.Company for i in objs):
                # "for customers including Chinese chip designer PanSemi": the customer is further on
                later = [g for g in view.groups() if match.end(1) <= g[0] < min(right, match.end(1) + 60)]
                objs = next((g[2] for g in later if any(view.at(i).cls == CG.Company for i in g[2])), objs)
            yield from self._facts(view, CG.manufacturesFor, subs, objs, "make-for", 0.75)

    def made_for_owners(self, view: SentenceView) -> Iterator[RawFact]:
        """ "TSMC makes most of Nvidia's and Apple's processors": a maker manufactures for the goods' owners."""
        m = view.masked
        for match in _MAKES_OWNED.finditer(m):
            left, _ = view.clause(match.start())
            subs = self._subject(view, left, match.start())
            owners = [int(x) for x in _PLACEHOLDER_ID.findall(match.group(1))]
            goods = int(match.group(2))
            if is_a(view.at(goods), _GOODS):
                yield from self._facts(view, CG.manufacturesFor, subs, owners, "make-owned-goods", 0.7)

    def possessives(self, view: SentenceView, antecedent: int | None) -> Iterator[RawFact]:
        """ "Nvidia's A100 and H100", "its Mate 60 Pro" give ``makes``."""
        m = view.masked
        for match in _POSSESSED_GOODS.finditer(m):
            owner = int(match.group(1)[1:-1])
            goods = view.group_members(match.group(2))
            yield from self._facts(view, CG.makes, [owner], goods, "possessive-makes", 0.75)
        for match in _ITS_GOODS.finditer(m):
            left, _ = view.clause(match.start())
            recipient = _TO_FOR.search(m, left, match.start())
            # "supplies HBM to Nvidia for its H200": the goods are the recipient's
            subs = view.group_members(recipient.group(1)) if recipient else self._subject(view, left, match.start())
            if not subs and antecedent is not None:
                subs = [antecedent]
            goods = view.group_members(match.group(1))
            yield from self._facts(view, CG.makes, subs[:1], goods, "its-makes", 0.65)

    def maker_of(self, view: SentenceView) -> Iterator[RawFact]:
        """ "chipmaking tool makers like Advantest", "Tokyo Electron, the largest chip equipment maker"."""
        m = view.masked
        for i, mention in enumerate(view.mentions):
            if not mention.extra.get("maker_of"):
                continue
            s, e = view.span(i)
            after = m[e : e + 80]
            # the maker word follows the goods ("equipment makers"), or is the head itself ("toolmakers")
            own_head = mention.extra["maker_of"] == "head"
            such = (_HEAD_MAKERS_SUCH_AS if own_head else _MAKERS_SUCH_AS).match(after)
            if such:
                yield from self._facts(view, CG.makes, view.group_members(such.group(1)), [i], "maker-such-as", 0.75)
            name_after = (_HEAD_MAKER_NAMED if own_head else _MAKER_NAMED).match(after)
            if name_after:
                named = view.group_members(name_after.group(1))
                plural = own_head and mention.text.rstrip().endswith("s")  # "chip toolmakers A and B": both
                yield from self._facts(view, CG.makes, named if plural else named[:1], [i], "maker-apposition", 0.7)
            appos = re.search(r"(⟨\d+⟩),\s+(?:[^,;⟨]|⟨\d+⟩['’]s){0,50}$", m[:s])
            if appos:
                yield from self._facts(view, CG.makes, [int(appos.group(1)[1:-1])], [i], "maker-apposition", 0.7)

    def chip_makers(self, view: SentenceView) -> Iterator[RawFact]:
        """ "memory chipmaker YMTC", "Samsung and SK hynix, the two largest memory chipmakers" give ``makes``."""
        m = view.masked
        if self._chip_maker_re is None or "chip" not in m:
            return
        for match in self._chip_maker_re.finditer(m):
            kind = self._chip_kinds.get(match.group(1).lower())
            if kind is None:
                continue
            named = _NAMED_AFTER.match(m, match.end())
            makers = view.group_members(named.group(1)) if named else []
            if not match.group(0).endswith("s"):
                makers = makers[:1]  # "chip designer A and B": the description is A's
            appos = _APPOSITION_BEFORE.search(m, max(0, match.start() - 120), match.start())
            if appos:
                makers += view.group_members(appos.group(1))
            for i in makers:
                if view.at(i).iri is not None and is_a(view.at(i), (CG.Company,)):
                    yield RawFact(view.at(i).iri, CG.makes, kind, "chip-kind-maker", 0.7)  # type: ignore[arg-type]

    def nodes(self, view: SentenceView, negated: Negation) -> Iterator[RawFact]:
        """``atNode`` for the subject (or product) of a clause that makes something at a node."""
        m = view.masked
        for i, node in enumerate(view.mentions):
            if node.cls != CG.ProcessNode or node.threshold or node.iri is None:
                continue
            ns, ne = view.span(i)
            left, right = view.clause(ns)
            between = m[left:ns]
            if negated(view, left, ns):
                continue
            subs = self._subject(view, left, ns)
            companies = [s for s in subs if view.at(s).cls == CG.Company]
            relative = re.search(r"(?:,\s*(?:which|that)|\bwhich)\s+(?:\w+ly\s+)?[a-z]", between)
            product_left = left
            opener = m[max(0, left - 10) : left + 16]
            # a relative clause on what comes before ("which employs"), not "which Bloomberg confirmed"
            if re.search(r"\b(?:which|that)\s+(?:\w+ly\s+)?[a-z]", opener):
                # the clause is a relative one on what comes before: "the Mate 60 Pro, which employs 7nm CPUs"
                relative = relative or re.search(r"\b(?:which|that)\s", opener)
                product_left = view.clause(max(0, left - 12))[0]
            products = [
                j
                for j in view.ids_in(product_left, ns)
                if view.at(j).cls == CG.Product and view.at(j).kind in ("name", "thing")
            ]
            if products and (relative or re.search(rf"⟨{products[-1]}⟩\s+(?:with|at|on|using|built on|made on)\b", m)):
                yield RawFact(view.at(products[-1]).iri, CG.atNode, node.iri, "product-node", 0.75)  # type: ignore[arg-type]
                if relative:
                    continue
            after_node = m[ne : ne + 25]
            verb_between = _MAKING_RE.search(between[-90:])
            node_word = re.match(r"\s+(?:node|process|technology|chips?|semiconductors?|⟨\d+⟩)", after_node)
            tool = re.match(r"\s+(?:[a-z][\w\-]*\s+){0,2}⟨(\d+)⟩", after_node)
            if tool and view.at(int(tool.group(1))).cls == CG.Equipment:
                companies = []  # "developing a 28nm lithography scanner": the node is the tool's, not the maker's
            elif _SUPPLYING.search(between):
                companies = []  # "provide design tools for the 3nm process": a supplier, not a maker at the node
            if companies and (verb_between or node_word):
                yield from self._facts(view, CG.atNode, companies, [i], "subject-node", 0.7)
            elif not companies and node_word and re.search(r"node|process", after_node):
                ids = [j for j in view.ids_in(ne, right) if view.at(j).cls == CG.Company]
                yield from self._facts(view, CG.atNode, ids[:1], [i], "node-subject", 0.6)
            # "SMIC's 7nm process"
            poss = re.search(r"(⟨\d+⟩)['’]s\s+(?:\w+\s+){0,2}$", m[:ns])
            if poss:
                owner = int(poss.group(1)[1:-1])
                yield from self._facts(view, CG.atNode, [owner], [i], "possessive-node", 0.75)

    def people(self, view: SentenceView) -> Iterator[RawFact]:
        """A person's organisation from apposition or a title before the name."""
        m = view.masked
        for i, person in enumerate(view.mentions):
            if person.cls != CG.Person:
                continue
            s, e = view.span(i)
            after = m[e : e + 140]
            appos = _PERSON_APPOSITION.match(after)
            if appos:
                yield from self._facts(
                    view, CG.affiliatedWith, [i], view.group_members(appos.group(1))[:1], "person-apposition", 0.8
                )
            works = _PERSON_WORKS.match(after)
            if works:
                yield from self._facts(
                    view, CG.affiliatedWith, [i], view.group_members(works.group(1))[:1], "person-works", 0.7
                )
            before = m[max(0, s - 120) : s]
            titled = re.search(r"(⟨\d+⟩)\s+(?:[\w\-]+\s+){0,3}$", before) or re.search(
                r"(?:of|for|at)\s+(?:the\s+)?(⟨\d+⟩),?\s+$", before
            )
            if titled and person.role:
                yield from self._facts(view, CG.affiliatedWith, [i], [int(titled.group(1)[1:-1])], "title-person", 0.75)
            body_title = _BODY_TITLE_APPOSITION.match(after) if person.role and not appos else None
            if body_title and person.role and person.role.split()[-1].lower() in body_title.group(2).lower().split():
                body = int(body_title.group(1)[1:-1])  # the title after the body is the person's own
                yield from self._facts(view, CG.affiliatedWith, [i], [body], "person-title-apposition", 0.75)

    def goods_sources(self, view: SentenceView) -> Iterator[RawFact]:
        """Where goods come from and who makes them.

        "Naura uses lithography tools from ASML": ASML makes them and supplies Naura;
        "Samsung and SK hynix, the only suppliers of advanced HBM": both make HBM.
        """
        m = view.masked
        for match in _GOODS_FROM.finditer(m):
            goods = int(match.group(1)[1:-1])
            if not is_a(view.at(goods), _GOODS):
                continue
            makers = [i for i in view.group_members(match.group(2)) if view.at(i).cls == CG.Company]
            yield from self._facts(view, CG.makes, makers, [goods], "goods-from", 0.7)
            left, _ = view.clause(match.start())
            if _TAKING_IN.search(m, left, match.start()):
                users = self._subject(view, left, match.start())
                yield from self._facts(view, CG.suppliesTo, makers, users, "goods-from-user", 0.65)
        for match in _MAKERS_OF.finditer(m):
            goods = int(match.group(2)[1:-1])
            makers = [i for i in view.group_members(match.group(1)) if view.at(i).cls == CG.Company]
            yield from self._facts(view, CG.makes, makers, [goods], "makers-of-apposition", 0.7)

    def origins(self, view: SentenceView) -> Iterator[RawFact]:
        """Countries in front of equipment or made goods ("US chip equipment", "Dutch-made machinery")."""
        m = view.masked
        for i, item in enumerate(view.mentions):
            if item.cls not in _MADE_GOODS or item.iri is None:
                continue
            s, _ = view.span(i)
            lead = _ORIGIN_LEAD.search(m[max(0, s - 80) : s])
            if not lead:
                continue
            made = "-made" in m[max(0, s - 80) : s] or item.kind == "thing"
            if item.cls == CG.Product and not made:
                continue
            for c in view.group_members(lead.group(1)):
                if view.at(c).cls == CG.Country:
                    yield from self._facts(view, CG.originCountry, [i], [c], "origin-premodifier", 0.7)

    def facilities(self, view: SentenceView) -> Iterator[RawFact]:
        """Who operates a facility and where it is."""
        m = view.masked
        for i, fac in enumerate(view.mentions):
            if fac.cls != CG.Facility or fac.iri is None:
                continue
            s, e = view.span(i)
            left = 0
            owner = re.search(r"(⟨\d+⟩)['’]s\s+(?:\w+\s+){0,3}$", m[:s])
            if re.search(r"\b(?:its|their)\s+(?:\w+\s+){0,3}$", m[:s]) or owner is None:
                subs = self._subject(view, left, s)
            else:
                subs = [int(owner.group(1)[1:-1])]
            yield from self._facts(view, CG.operates, subs[:1], [i], "facility-owner", 0.65)
            for country in view.ids_in(max(0, s - 30), min(len(m), e + 30)):
                if view.at(country).cls == CG.Country and re.search(
                    rf"(?:⟨{country}⟩\s+(?:\w+\s+){{0,2}}⟨{i}⟩|⟨{i}⟩\s+(?:in|across|throughout)\s+⟨{country}⟩)", m
                ):
                    yield from self._facts(view, CG.locatedIn, [i], [country], "facility-country", 0.7)

    def located(self, view: SentenceView) -> Iterator[RawFact]:
        """Companies with stated production in a country ("production of chips in China")."""
        m = view.masked
        if not _PRODUCTION_HINT.search(m) or not _IN_MENTION.search(m):
            return
        for match in _PRODUCTION_IN.finditer(m):
            country = int(match.group(2)[1:-1])
            subs = [j for j in view.group_members(match.group(1)) if view.at(j).cls == CG.Company]
            yield from self._facts(view, CG.locatedIn, subs, [country], "production-in", 0.6)
