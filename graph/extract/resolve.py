"""Entity resolution: one node per real entity, in an article and across articles.

A mention resolves, in order, to: the reference or dataset entry whose name
or alias it is (any script, any case for long names); an entry whose name it
extends only by generic company words ("Huawei Technologies Co" is Huawei,
"Samsung SDI" is not Samsung Electronics); a close spelling variant of an
entry (rapidfuzz, guarded so names that differ in a distinctive word are not
merged); an earlier name in the same article it abbreviates or extends; and
otherwise a new IRI minted from its canonical name, so the same name gets the
same node in every article. Definite descriptions ("the company") and
surnames ("Jin wrote") link to an earlier mention.
"""

from __future__ import annotations

import functools
import re as std_re  # patterns built from one article's names: not kept in rx's cache
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz, process
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.extract import rx as re
from graph.extract.lexicon import GENERIC_COMPANY_WORDS, LexEntry, Lexicon, norm_key, strip_legal_suffix
from graph.extract.mentions import Mention, parse_node_size
from graph.extract.terms import CG
from graph.extract.text import Sentence
from graph.ids import format_nm, mint_node
from graph.ids import mint_entity as _mint_entity
from graph.records import EntityRecord

__all__ = ["ResolvedArticle", "Resolver"]

_ORG = frozenset((CG.Company, CG.Organization, CG.GovernmentBody))
#: words that may extend a company's name without making it another company
_GENERIC_COMPANY_WORDS = GENERIC_COMPANY_WORDS | {"the"}
_FUZZY_MIN = 92.0
#: IRIs minted from names, remembered (minting normalises and slugs the name each time)
mint_entity = functools.lru_cache(maxsize=65536)(_mint_entity)


@dataclass
class ResolvedArticle:
    """Mentions with their IRIs, and the entity records they add up to."""

    mentions: list[Mention]
    entities: dict[URIRef, EntityRecord] = field(default_factory=dict)


class Resolver:
    """Resolves the mentions of one article against a lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._bodies: dict[URIRef, list[LexEntry]] = {}
        self._bodies_size = 0
        self._org_keys: dict[str, URIRef] = {}
        self._first_words: dict[str, URIRef] = {}
        for iri, entry in lexicon.entries.items():
            if entry.cls not in _ORG:
                continue
            for name in (entry.label, *entry.aliases):
                key = norm_key(strip_legal_suffix(name))
                if key and len(lexicon.by_key.get(key, [])) <= 1:
                    self._org_keys.setdefault(key, iri)
        self._org_choices = list(self._org_keys)
        #: name key -> its close spelling variant in the lexicon (the lexicon does not change once loaded)
        self._fuzzy_memo: dict[str, URIRef | None] = {}
        self._us = lexicon.lookup("United States")

    # -- names -------------------------------------------------------------------

    def _org_iri(self, mention: Mention, seen: dict[str, URIRef]) -> tuple[URIRef, str]:
        name = re.sub(r"^(?:the|The)\s+", "", mention.name or mention.text).strip()
        canonical = strip_legal_suffix(name)
        entry = self.lexicon.lookup_cached(name) or self.lexicon.lookup_cached(canonical)
        if entry is not None and entry.cls in _ORG:
            return entry.iri, entry.label
        key = norm_key(canonical)
        words = key.split()
        # "Huawei Technologies": a known company plus generic words only
        for n in range(len(words) - 1, 0, -1):
            head = " ".join(words[:n])
            rest = words[n:]
            if head in self._org_keys and all(w in _GENERIC_COMPANY_WORDS for w in rest):
                iri = self._org_keys[head]
                return iri, self.lexicon.entries[iri].label
        fuzzy = self._fuzzy(key)
        if fuzzy is not None:
            return fuzzy, self.lexicon.entries[fuzzy].label
        for other_key, iri in seen.items():
            if other_key.startswith(key + " ") or key.startswith(other_key + " "):
                extra = (other_key[len(key) :] if len(other_key) > len(key) else key[len(other_key) :]).split()
                if all(w in _GENERIC_COMPANY_WORDS for w in extra):
                    return iri, ""
        iri = mint_entity(mention.cls, canonical)
        seen[key] = iri
        return iri, canonical

    def _fuzzy(self, key: str) -> URIRef | None:
        if key in self._fuzzy_memo:
            return self._fuzzy_memo[key]
        found = self._fuzzy_match(key)
        if len(self._fuzzy_memo) < 100_000:
            self._fuzzy_memo[key] = found
        return found

    def _fuzzy_match(self, key: str) -> URIRef | None:
        if len(key) < 6 or not self._org_choices:
            return None
        best = process.extractOne(key, self._org_choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN)
        if best is None:
            return None
        choice = best[0]
        mine, theirs = set(key.split()), set(choice.split())
        # a differing word must be a spelling variant, not another word ("Samsung SDI" vs "Samsung Electronics")
        if len(mine) != len(theirs) or (
            mine - theirs and not all(max(fuzz.ratio(w, t) for t in theirs) >= 80 for w in mine - theirs)
        ):
            return None
        return self._org_keys[choice]

    # -- descriptions --------------------------------------------------------------

    def _antecedent(self, mention: Mention, earlier: list[Mention]) -> Mention | None:
        words = mention.text.lower().split()
        if mention.cls == CG.GovernmentBody and words[-1] == "administration":
            return self._administration(mention, earlier)
        if mention.cls == CG.Country:
            # "the country": the country the article has talked about most so far, the first named on a tie (the topic)
            named = [m for m in earlier if m.cls == CG.Country and m.kind in ("name", "metonym", "demonym") and m.iri]
            if not named:
                return None
            mentioned: dict[URIRef | None, int] = {}
            for m in named:
                mentioned[m.iri] = mentioned.get(m.iri, 0) + 1
            return max(named, key=lambda m: mentioned[m.iri])
        demonym_country = None
        for word in mention.name.split():
            entry = self.lexicon.lookup_cached(word)
            if entry is not None and entry.cls == CG.Country:
                demonym_country = entry.iri
        candidates = [
            m for m in reversed(earlier) if m.iri is not None and m.kind in ("name", "acronym") and m.cls in _ORG
        ]
        # the most talked-about organisation so far wins, the most recent one on a tie
        counts: dict[URIRef | None, int] = {}
        for m in candidates:
            counts[m.iri] = counts.get(m.iri, 0) + 1
        candidates.sort(key=lambda m: -counts[m.iri])
        if mention.cls == CG.Company:
            candidates = [m for m in candidates if m.cls == CG.Company]
        elif mention.cls == CG.Organization:
            cue = words[-1]
            named = [m for m in candidates if cue in m.text.lower()]
            candidates = named or [m for m in candidates if m.cls != CG.Company]
        else:
            candidates = [m for m in candidates if m.cls == mention.cls]
        if demonym_country is not None:
            homed = [m for m in candidates if m.iri is not None and self._home(m.iri) == demonym_country]
            candidates = homed or candidates
        return candidates[0] if candidates else None

    def _home(self, iri: URIRef | None) -> URIRef | None:
        entry = self.lexicon.entries.get(iri) if iri is not None else None
        return entry.headquartered_in if entry is not None else None

    def _administration(self, mention: Mention, earlier: list[Mention]) -> Mention | None:
        leader = mention.name.split()[-1] if mention.name else ""
        for m in reversed(earlier):
            if m.cls == CG.Person and leader and leader in m.text.split() and m.role:
                for word in m.role.split():
                    entry = self.lexicon.lookup_cached(word)
                    if entry is not None and entry.cls == CG.Country:
                        return mention.evolve(iri=entry.iri, cls=CG.Country, kind="descr")
        if self._us is not None and (leader[:1].isupper() or not leader):
            # "the Biden administration": in English news an administration named after a leader is the US one
            return mention.evolve(iri=self._us.iri, cls=CG.Country, kind="descr")
        return None

    # -- people ---------------------------------------------------------------------

    def _person_iri(self, mention: Mention, people: dict[str, URIRef]) -> URIRef:
        name = mention.text.strip()
        key = norm_key(name)
        if key in people:
            return people[key]
        for other, iri in people.items():
            if set(key.split()) <= set(other.split()):
                return iri
        iri = mint_entity(CG.Person, name)
        people[key] = iri
        return iri

    def _short_person_mentions(
        self, sentences: list[Sentence], mentions: list[Mention], people: dict[str, URIRef]
    ) -> list[Mention]:
        tokens: dict[str, URIRef] = {}
        for key, iri in people.items():
            parts = key.split()
            for part in (parts[0], parts[-1]):
                if len(part) >= 2:
                    tokens.setdefault(part, iri)
        if not tokens:
            return []
        taken = bytearray(max((m.end for m in mentions), default=0) + 1)  # 1 where a mention lies
        for m in mentions:
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
        found = []
        # the capitalised one-word forms ("Wang") of the people's name parts, as [A-Z][a-z]+ would find them
        forms = sorted({t.capitalize() for t in tokens if t.isascii() and t.isalpha() and t.islower()}, reverse=True)
        if not forms:
            return []
        pattern = std_re.compile(r"\b(" + "|".join(forms) + r")\b(?!\s+[A-Z])")
        for sentence in sentences:
            for match in pattern.finditer(sentence.text):
                person = tokens.get(match.group(1).lower())
                if person is None:
                    continue
                prev = sentence.text[max(0, match.start() - 2) : match.start()]
                if re.search(r"[A-Z][a-z]*\s$", prev):
                    continue
                s, e = sentence.start + match.start(), sentence.start + match.end()
                if taken.find(1, s, e) != -1:
                    continue
                found.append(
                    Mention(s, e, match.group(1), CG.Person, "short", "person-short-name", sentence.index, iri=person)
                )
        return found

    # -- the article -------------------------------------------------------------------

    def resolve(self, mentions: list[Mention], sentences: list[Sentence]) -> ResolvedArticle:
        """Give every mention an IRI (dropping descriptions with no antecedent)."""
        seen_orgs: dict[str, URIRef] = {}
        people: dict[str, URIRef] = {}
        labels: dict[URIRef, str] = {}
        out: list[Mention] = []
        for m in mentions:
            if (
                m.kind == "descr"
                and m.extra.get("body")
                and re.search(r"\b(?:government|authorities|administration)$", m.text)
            ):
                # "the Chinese government" is the country acting
                country = next(
                    (
                        e
                        for e in (self.lexicon.lookup_cached(w) for w in m.name.split())
                        if e is not None and e.cls == CG.Country
                    ),
                    None,
                ) or next((c for c in self.lexicon.countries() if any(d in m.text for d in c.demonyms)), None)
                if country is not None:
                    out.append(m.evolve(iri=country.iri, cls=CG.Country))
                    continue
            if m.kind == "descr" and m.extra.get("body"):
                target = self._antecedent(m, out)
                if target is None:
                    name = re.sub(r"^(?:the|The)\s+", "", m.text)
                    entry = self.lexicon.lookup_cached(name)
                    iri = entry.iri if entry is not None else mint_entity(CG.GovernmentBody, name)
                    labels.setdefault(iri, entry.label if entry is not None else name)
                    out.append(m.evolve(kind="name", iri=iri, name=labels[iri], rule="named-description"))
                    continue
            if m.kind == "descr":
                target = self._antecedent(m, out)
                if target is not None and target.iri is not None:
                    out.append(m.evolve(iri=target.iri, cls=target.cls if m.cls != CG.Country else CG.Country))
                continue
            if m.cls == CG.ProcessNode:
                size = m.size_nm if m.size_nm is not None else parse_node_size(m.text)
                if size is None:
                    continue
                out.append(m.evolve(iri=mint_node(size), name=format_nm(size), size_nm=size))
                continue
            if m.iri is not None:
                out.append(m)
                continue
            if m.cls == CG.Person:
                iri = self._person_iri(m, people)
                labels.setdefault(iri, m.text.strip())
                out.append(m.evolve(iri=iri, name=labels[iri]))
                continue
            if m.cls in _ORG:
                iri, label = self._org_iri(m, seen_orgs)
                if label:
                    labels.setdefault(iri, label)
                out.append(m.evolve(iri=iri, name=labels.get(iri, label)))
                continue
            name = _clean_thing_name(m.name or m.text)
            iri = mint_entity(m.cls, name)
            labels.setdefault(iri, name)
            out.append(m.evolve(iri=iri, name=labels[iri]))
        out += self._short_person_mentions(sentences, out, people)
        out.sort(key=lambda m: (m.start, -m.end))
        out = self._qualified_bodies(out, sentences)
        return ResolvedArticle(out, self._records(out, labels))

    def _qualified_bodies(self, mentions: list[Mention], sentences: list[Sentence]) -> list[Mention]:
        """A body's short name right after another country is that country's body of the name.

        "China's Commerce Minister", "Chinese Commerce Minister": "Commerce" alone is the US
        department, but qualified by China it is the Chinese body whose name has that word.
        Without such a body the mention keeps its resolution.
        """
        text_of = {s.index: s for s in sentences}
        result = list(mentions)
        for k in range(1, len(result)):
            prev, m = result[k - 1], result[k]
            entry = self.lexicon.entries.get(m.iri) if m.iri is not None else None
            if (
                entry is None
                or entry.cls != CG.GovernmentBody
                or prev.cls != CG.Country
                or prev.iri is None
                or prev.sent != m.sent
                or entry.headquartered_in in (None, prev.iri)
            ):
                continue
            sentence = text_of[m.sent]
            gap = sentence.text[prev.end - sentence.start : m.start - sentence.start]
            if gap not in (" ", "'s ", "’s "):
                continue
            word = m.text.strip().lower()
            body = next(
                (
                    e
                    for e in self._bodies_of(prev.iri)
                    if any(word in name.lower().split() for name in (e.label, *e.aliases))
                ),
                None,
            )
            if body is not None:
                result[k] = m.evolve(iri=body.iri, name=body.label, rule="country-qualified-body")
        return result

    def _bodies_of(self, country: URIRef) -> list[LexEntry]:
        """Government bodies of the reference list based in ``country``."""
        if self._bodies_size != len(self.lexicon.entries):  # the lexicon grew (dataset imports)
            self._bodies = {}
            self._bodies_size = len(self.lexicon.entries)
        found = self._bodies.get(country)
        if found is None:
            found = self._bodies[country] = [
                e for e in self.lexicon.entries.values() if e.cls == CG.GovernmentBody and e.headquartered_in == country
            ]
        return found

    def _records(self, mentions: list[Mention], labels: dict[URIRef, str]) -> dict[URIRef, EntityRecord]:
        grouped: dict[URIRef, list[Mention]] = {}
        for m in mentions:
            if m.iri is not None:
                grouped.setdefault(m.iri, []).append(m)
        records: dict[URIRef, EntityRecord] = {}
        for iri, group in grouped.items():
            entry = self.lexicon.entries.get(iri)
            named = [m for m in group if m.kind not in ("descr", "short")]
            if not named:
                continue  # only described, never named, in this article: no entity record of its own
            cls = entry.cls if entry is not None else named[0].cls
            label = entry.label if entry is not None else (labels.get(iri) or named[0].name or named[0].text)
            aliases = tuple(dict.fromkeys(m.text.strip() for m in named if m.text.strip() and m.text.strip() != label))
            attributes: list[tuple[URIRef, Literal]] = []
            if cls == CG.ProcessNode:
                if entry is not None and entry.literals:
                    attributes += list(entry.literals)  # the reference's own literal, so there is one value
                else:
                    size = named[0].size_nm or parse_node_size(label) or Decimal("0")
                    attributes.append((CG.nodeSizeNm, Literal(Decimal(size), datatype=XSD.decimal)))
            if cls == CG.Person:
                role = next((m.role for m in group if m.role), None)
                if role:
                    attributes.append((CG.role, Literal(role)))
            records[iri] = EntityRecord(
                iri=iri,
                cls=cls,
                label=label,
                aliases=aliases,
                same_as=entry.same_as if entry is not None else (),
                attributes=tuple(attributes),
                spans=tuple((m.start, m.end) for m in group),
            )
        return records


def _clean_thing_name(name: str) -> str:
    name = re.sub(r"^(?:the|a|an|its|their|his|her)\s+", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", name)


_NAME_RESOLVERS: dict[int, tuple[Lexicon, Resolver]] = {}


def resolve_name(lexicon: Lexicon, name: str, cls: URIRef = CG.Company) -> tuple[URIRef, str, str]:
    """The IRI and label a bare organisation name gets, exactly as if an article named it.

    For names that come without a sentence (dataset rows), so datasets and news
    meet on the same nodes. ``how`` says why: ``"name"`` (an entry's name or
    alias), ``"variant"`` (an entry's name plus generic company words, or a
    close spelling of it) or ``"new"`` (an IRI minted from the canonical name).

    >>> from graph.extract.lexicon import load_lexicon
    >>> resolve_name(load_lexicon(None, False), "Nvidia Corp.")[2]
    'name'
    >>> str(resolve_name(load_lexicon(None, False), "Acme Widgets Ltd")[0]).rsplit("/", 1)[-1]
    'acme-widgets'
    """
    cached = _NAME_RESOLVERS.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        cached = (lexicon, Resolver(lexicon))
        _NAME_RESOLVERS[id(lexicon)] = cached
    resolver = cached[1]
    mention = Mention(0, len(name), name, cls, "name", "dataset-name", 0, name=name)
    iri, label = resolver._org_iri(mention, {})
    entry = lexicon.entries.get(iri)
    if entry is None:
        return iri, label, "new"
    stripped = re.sub(r"^(?:the|The)\s+", "", name).strip()
    direct = lexicon.lookup(stripped) or lexicon.lookup(strip_legal_suffix(stripped))
    return iri, entry.label, "name" if direct is not None and direct.iri == iri else "variant"
