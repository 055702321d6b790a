"""Finding and describing entities: search by name or alias in any script,
resolve a user's name to one IRI, and describe an entity with its facts,
their evidence and the sanctions that apply to it.

All parameters are bound into queries, never formatted into them.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rdflib import URIRef

from graph.errors import EntityNotFound, InvalidParameter
from graph.ids import ID_BASE, is_article_iri, local_id
from graph.prefixes import SPARQL_PREFIXES
from graph.store import Store
from graph.store.terms import Term

__all__ = ["EntityHit", "EntityIndex", "describe_entity", "evidence_for", "normalize_name"]


def normalize_name(text: str) -> str:
    """Casefolded NFKC form without punctuation, for matching names.

    >>> normalize_name("  Taiwan Semiconductor Manufacturing Co., Ltd. ")
    'taiwan semiconductor manufacturing co ltd'
    >>> normalize_name("中芯國際")
    '中芯國際'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = [c if (c.isalnum() or c.isspace()) else " " for c in text]
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class EntityHit:
    """One search result."""

    iri: str
    label: str
    types: tuple[str, ...]
    matched: str
    score: float


#: how close (rapidfuzz ratio, 0-100) a misspelt name must be to resolve without asking
_RESOLVE_MIN_RATIO = 88.0

_NAMES_QUERY = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?name ?kind ?type WHERE {
  { SELECT DISTINCT ?e ?name ?kind WHERE {
      { ?e rdfs:label ?name BIND("label" AS ?kind) }
      UNION { ?e skos:altLabel ?name BIND("alias" AS ?kind) }
      UNION { ?e cg:demonym ?name BIND("alias" AS ?kind) }
      UNION { ?e cg:metonym ?name BIND("alias" AS ?kind) }
      FILTER(STRSTARTS(STR(?e), STR(id:)))
  } }
  { SELECT DISTINCT ?e ?type WHERE { ?e a ?type FILTER(STRSTARTS(STR(?type), STR(cg:))) } }
}"""
)
# Every article graph repeats the label and type of each entity it mentions, and the union
# default graph keeps those copies: joined directly, an entity named in n articles gave n x n
# rows (300,000 rows and 8 s for 200 articles). Each side is made distinct before the join.


class EntityIndex:
    """An in-memory name index over the store, rebuilt when the store changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._labels: dict[str, str] = {}
        self._types: dict[str, set[str]] = {}
        self._names: list[tuple[str, str, str]] = []  # (normalized name, surface name, iri)
        self._exact: dict[str, set[str]] = {}
        self._local = threading.local()

    @contextmanager
    def pinned(self) -> Iterator[EntityIndex]:
        """One refresh for a block of lookups by this thread.

        A page asks for dozens of labels; while articles are being ingested
        every lookup would otherwise find the store moved on and rebuild the
        index again (an entity page took 17 s at p99 under a stream of
        writes). Writes finished before the block are seen; those landing
        during it are left for the next request, which keeps one response
        consistent.
        """
        self._refresh()
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            yield self
        finally:
            self._local.depth = depth

    def _refresh(self) -> None:
        if getattr(self._local, "depth", 0):
            return
        # Rebuild only for writes finished before this call, and only once for all the threads
        # waiting: a page asks for dozens of labels, and re-checking against a store written
        # several times a second rebuilt the index over and over (entity pages took 17 s at
        # p99 while articles were ingested). The generation is read before the names query,
        # so a write landing during a rebuild is never counted as included.
        wanted = self.store.generation
        if self._generation >= wanted:
            return
        with self._lock:
            if self._generation >= wanted:
                return
            generation = self.store.generation
            labels: dict[str, str] = {}
            types: dict[str, set[str]] = {}
            names: dict[tuple[str, str], str] = {}
            for row in self.store.select(_NAMES_QUERY):
                iri, name = str(row["e"]), str(row["name"])
                if is_article_iri(iri):
                    continue
                types.setdefault(iri, set()).add(str(row["type"]).rsplit("#", 1)[-1])
                if str(row["kind"]) == "label":
                    labels.setdefault(iri, name)
                names[(normalize_name(name), iri)] = name
            self._labels, self._types = labels, types
            self._names = [(norm, surface, iri) for (norm, iri), surface in names.items() if norm]
            exact: dict[str, set[str]] = {}
            for norm, _surface, iri in self._names:
                exact.setdefault(norm, set()).add(iri)
            self._exact = exact
            self._generation = generation

    def label(self, iri: str) -> str:
        """The entity's name (its IRI's last segment if it has none)."""
        self._refresh()
        return self._labels.get(iri, iri.rsplit("/", 1)[-1])

    def types(self, iri: str) -> tuple[str, ...]:
        """Local names of the entity's cg: classes."""
        self._refresh()
        return tuple(sorted(self._types.get(iri, ())))

    def search(
        self, query: str, *, types: set[str] | None = None, limit: int = 20, offset: int = 0, min_score: float = 60.0
    ) -> tuple[list[EntityHit], int]:
        """Entities whose name or alias matches ``query`` (exact, prefix, fuzzy).

        Returns one page of hits, best first, and the total number of hits.
        """
        self._refresh()
        needle = normalize_name(query)
        best: dict[str, tuple[float, str]] = {}
        if needle:
            choices = [norm for norm, _, _ in self._names]
            for norm, score, index in process.extract(
                needle, choices, scorer=fuzz.WRatio, limit=None, score_cutoff=min_score
            ):
                _, surface, iri = self._names[index]
                if norm == needle:
                    score = 100.0 + 10
                elif norm.startswith(needle) or needle in norm.split():
                    score += 5
                if iri not in best or score > best[iri][0]:
                    best[iri] = (score, surface)
        else:
            best = {iri: (0.0, self._labels.get(iri, "")) for iri in self._types}
        hits = [
            EntityHit(
                iri, self._labels.get(iri, iri), tuple(sorted(self._types.get(iri, ()))), surface, min(score, 100.0)
            )
            for iri, (score, surface) in best.items()
            if not types or self._types.get(iri, set()) & types
        ]
        hits.sort(key=lambda h: (-h.score, h.label.casefold(), h.iri))
        return hits[offset : offset + limit], len(hits)

    def resolve_in(self, nodes: Container[str], text: str) -> str:
        """:meth:`resolve` for an analysed graph: ``text`` itself when a node, else the IRI it names.

        Raises :class:`EntityNotFound` when that entity is not among ``nodes``.
        """
        iri = text if text in nodes else self.resolve(text)
        return self.require_in(nodes, iri)

    def require_in(self, nodes: Container[str], iri: str) -> str:
        """``iri`` when it is among ``nodes``; :class:`EntityNotFound` naming it otherwise."""
        if iri not in nodes:
            raise EntityNotFound(f"{self.label(iri)} ({local_id(iri) or iri}) is not in the analysed graph")
        return iri

    def resolve(self, text: str) -> str:
        """The IRI a user means by ``text``: an IRI, a local id (``org/smic``),
        an exact name or alias, or the single clearly best fuzzy match.

        Raises :class:`EntityNotFound` (with suggestions) otherwise.
        """
        self._refresh()
        candidate = text.strip()
        if not candidate:
            raise InvalidParameter("an entity name or id is needed")
        for iri in (candidate, ID_BASE + candidate):
            if iri in self._types:
                return iri
        exact = self._exact.get(normalize_name(candidate), set())
        if len(exact) == 1:
            return next(iter(exact))
        if len(exact) > 1:
            # prefer the entity whose label (not alias) matches, then the one with most types known
            by_label = [i for i in exact if normalize_name(self._labels.get(i, "")) == normalize_name(candidate)]
            pool = sorted(by_label or exact)
            return pool[0]
        hits, _ = self.search(candidate, limit=5, min_score=60)
        if "/" not in candidate and "://" not in candidate:
            # a misspelt name: only a close, unambiguous spelling variant counts
            needle = normalize_name(candidate)
            close = {
                iri
                for norm, _surface, iri in self._names
                if len(needle) >= 4 and fuzz.ratio(needle, norm) >= _RESOLVE_MIN_RATIO
            }
            if len(close) == 1:
                return next(iter(close))
        suggestions = ", ".join(f"{h.label} ({local_id(h.iri)})" for h in hits[:5])
        raise EntityNotFound(f"no entity named {text!r}" + (f"; did you mean: {suggestions}?" if suggestions else ""))


_FACTS_OUT = (
    SPARQL_PREFIXES
    + """
SELECT ?p ?o ?g WHERE {
  GRAPH ?g { ?e ?p ?o }
  FILTER(STRSTARTS(STR(?p), STR(cg:)) && ?p != cg:mentions && isIRI(?o))
}"""
)
_FACTS_IN = (
    SPARQL_PREFIXES
    + """
SELECT ?s ?p ?g WHERE {
  GRAPH ?g { ?s ?p ?e }
  FILTER(STRSTARTS(STR(?p), STR(cg:)) && ?p != cg:mentions)
}"""
)
_EVIDENCE = (
    SPARQL_PREFIXES
    + """
SELECT ?ev ?g ?sentence ?start ?end ?confidence ?rule ?reporter ?row ?dataset ?source WHERE {
  GRAPH ?g {
    ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cg:confidence ?confidence ; cg:rule ?rule .
    OPTIONAL { ?ev cg:sentence ?sentence ; cg:charStart ?start ; cg:charEnd ?end }
    OPTIONAL { ?ev cg:reportedBy ?reporter }
    OPTIONAL { ?ev cg:sourceRow ?row }
    OPTIONAL { ?ev cg:sourceDataset ?dataset }
    OPTIONAL { ?ev cg:sourceKind ?source }
  }
} ORDER BY DESC(?confidence) ?g ?start"""
)


def _py(value: Term | None) -> Any:
    if value is None:
        return None
    to_python = getattr(value, "toPython", None)
    result = to_python() if to_python else str(value)
    return str(result) if isinstance(result, URIRef) else result


def evidence_for(store: Store, subject: URIRef, predicate: URIRef, obj: Term) -> list[dict[str, Any]]:
    """Every piece of evidence for one statement, most confident first."""
    rows = store.select(_EVIDENCE, {"s": subject, "p": predicate, "o": obj})
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = str(row["ev"])
        item = merged.setdefault(
            key,
            {
                "graph": str(row["g"]),
                "article": str(row["g"]) if is_article_iri(str(row["g"])) else None,
                "sentence": _py(row.get("sentence")),
                "start": _py(row.get("start")),
                "end": _py(row.get("end")),
                "confidence": float(row["confidence"]),
                "rule": str(row["rule"]),
                "source": _py(row.get("source")) or ("news" if is_article_iri(str(row["g"])) else "dataset"),
                "row": _py(row.get("row")),
                "dataset": _py(row.get("dataset")),
                "reported_by": [],
            },
        )
        reporter = row.get("reporter")
        if reporter is not None and str(reporter) not in item["reported_by"]:
            item["reported_by"].append(str(reporter))
    return list(merged.values())


def describe_entity(store: Store, index: EntityIndex, iri: str) -> dict[str, Any]:
    """Labels, aliases, types, Wikidata links, facts in and out with evidence,
    the sanctions that apply, and the articles mentioning the entity."""
    with index.pinned():
        return _describe_entity(store, index, iri)


def _describe_entity(store: Store, index: EntityIndex, iri: str) -> dict[str, Any]:
    entity = URIRef(iri)
    if not index.types(iri):
        raise EntityNotFound(f"no entity {iri}")
    about = store.select(
        SPARQL_PREFIXES
        + """
        SELECT ?alias ?same ?role WHERE {
          { ?e skos:altLabel ?alias } UNION { ?e owl:sameAs ?same } UNION { ?e cg:role ?role }
        }""",
        {"e": entity},
    )
    mentions = store.select(SPARQL_PREFIXES + "SELECT DISTINCT ?a WHERE { ?a cg:mentions ?e }", {"e": entity})

    def fact(subject: URIRef, predicate: URIRef, obj: URIRef, graph: str, other: str) -> dict[str, Any]:
        return {
            "subject": str(subject),
            "predicate": str(predicate).rsplit("#", 1)[-1],
            "object": str(obj),
            "other": other,
            "other_label": index.label(other),
            "graph": graph,
            "evidence": evidence_for(store, subject, predicate, obj),
        }

    outgoing: dict[tuple[str, str], dict[str, Any]] = {}
    for row in store.select(_FACTS_OUT, {"e": entity}):
        key = (str(row["p"]), str(row["o"]))
        if key not in outgoing:
            outgoing[key] = fact(entity, row["p"], row["o"], str(row["g"]), str(row["o"]))  # type: ignore[arg-type]
    incoming: dict[tuple[str, str], dict[str, Any]] = {}
    for row in store.select(_FACTS_IN, {"e": entity}):
        key = (str(row["s"]), str(row["p"]))
        if key not in incoming:
            incoming[key] = fact(row["s"], row["p"], entity, str(row["g"]), str(row["s"]))  # type: ignore[arg-type]
    sanction_roles = {"targets", "restricts", "exempts", "imposedBy"}
    sanctions = [
        {"sanction": f["subject"], "label": f["other_label"], "role": f["predicate"], "evidence": f["evidence"]}
        for f in incoming.values()
        if f["predicate"] in sanction_roles
    ]
    return {
        "iri": iri,
        "id": local_id(iri),
        "label": index.label(iri),
        "types": list(index.types(iri)),
        "aliases": sorted({str(r["alias"]) for r in about if "alias" in r}),
        "same_as": sorted({str(r["same"]) for r in about if "same" in r}),
        "wikidata": sorted({str(r["same"]) for r in about if "same" in r and "wikidata.org" in str(r["same"])}),
        "roles": sorted({str(r["role"]) for r in about if "role" in r}),
        "facts_out": sorted(outgoing.values(), key=lambda f: (f["predicate"], f["other_label"])),
        "facts_in": sorted(
            (f for f in incoming.values() if f["predicate"] not in sanction_roles),
            key=lambda f: (f["predicate"], f["other_label"]),
        ),
        "sanctions": sanctions,
        "articles": sorted(str(r["a"]) for r in mentions),
    }
