"""Scoring an extractor against hand annotations (format: ``shared/gold-format.md``).

Three scores, per article and overall (micro-averaged):

* entities, by type: a predicted entity matches a gold one when one of its
  names (label or alias) equals one of the gold names (name or alias) after
  case, punctuation and leading-article normalisation, and the types agree
  (``Organization`` in the gold accepts any organisation type; a predicted
  ``Material`` or ``DesignResource`` is a ``Product``);
* relations, by predicate: subject and object must match through the same
  alias sets; a predicted ``manufacturesFor`` also satisfies a gold
  ``suppliesTo`` (the gold format counts it as one);
* sanction pairs: every imposer -> target, imposer -> restricted item and
  imposer -> exempted pair of every sanction, as a set per article; a
  predicted ``cg:nodeThreshold`` counts as a restricted item.

Matching is one-to-one. The scorer only uses the :class:`~graph.extract.base.Extractor`
interface and the records it returns.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef

from graph.articles import article_from_file
from graph.errors import InvalidParameter
from graph.extract.base import Extractor
from graph.records import Extraction

__all__ = [
    "ArticleScore",
    "EvaluationReport",
    "Score",
    "evaluate_folder",
    "load_gold",
    "normalise_name",
    "score_extraction",
]

_ORG_TYPES = {"Company", "Organization", "GovernmentBody"}
_TYPE_ALIASES = {"Material": "Product", "DesignResource": "Product"}
_RELATION_PREDICATES = (
    "headquarteredIn",
    "suppliesTo",
    "manufacturesFor",
    "makes",
    "uses",
    "originCountry",
    "hasComponent",
    "atNode",
    "affiliatedWith",
    "operates",
    "locatedIn",
    "subsidiaryOf",
)
_ROLES = {"targets": "target", "restricts": "restricts", "exempts": "exempts"}


def normalise_name(name: str) -> str:
    """Case-, punctuation- and article-insensitive form of a name.

    >>> normalise_name("The U.S.’s") == normalise_name("US")
    True
    >>> normalise_name("Semiconductor Manufacturing Int'l Corp.")
    'semiconductor manufacturing intl corp'
    """
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", "", text.replace("-", " ").replace("/", " "))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(?:the|a|an|its|their) ", "", text)


@dataclass
class Score:
    """True positives, false positives and false negatives, and what follows from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        """Accumulate another score into this one."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        """The counts and the three measures, rounded."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


@dataclass
class ArticleScore:
    """Scores of one article, broken down by entity type, predicate and sanction role."""

    article: str
    entities: dict[str, Score] = field(default_factory=dict)
    relations: dict[str, Score] = field(default_factory=dict)
    sanctions: dict[str, Score] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @staticmethod
    def _total(parts: dict[str, Score]) -> Score:
        total = Score()
        for score in parts.values():
            total.add(score)
        return total

    @property
    def entity_total(self) -> Score:
        """All entity types together."""
        return self._total(self.entities)

    @property
    def relation_total(self) -> Score:
        """All predicates together."""
        return self._total(self.relations)

    @property
    def sanction_total(self) -> Score:
        """All sanction roles together."""
        return self._total(self.sanctions)


@dataclass
class EvaluationReport:
    """Scores of every article and their micro-averaged totals."""

    articles: list[ArticleScore]

    def _merged(self, attr: str) -> dict[str, Score]:
        merged: dict[str, Score] = {}
        for article in self.articles:
            for key, score in getattr(article, attr).items():
                merged.setdefault(key, Score()).add(score)
        return dict(sorted(merged.items()))

    @property
    def entities(self) -> dict[str, Score]:
        """Entity scores by type over all articles."""
        return self._merged("entities")

    @property
    def relations(self) -> dict[str, Score]:
        """Relation scores by predicate over all articles."""
        return self._merged("relations")

    @property
    def sanctions(self) -> dict[str, Score]:
        """Sanction-pair scores by role over all articles."""
        return self._merged("sanctions")

    def totals(self) -> dict[str, Score]:
        """Overall entity, relation and sanction-pair scores."""
        out = {"entities": Score(), "relations": Score(), "sanctions": Score()}
        for article in self.articles:
            out["entities"].add(article.entity_total)
            out["relations"].add(article.relation_total)
            out["sanctions"].add(article.sanction_total)
        return out

    def as_dict(self) -> dict[str, Any]:
        """Everything, as plain data (for ``--json``)."""
        return {
            "overall": {k: v.as_dict() for k, v in self.totals().items()},
            "entities_by_type": {k: v.as_dict() for k, v in self.entities.items()},
            "relations_by_predicate": {k: v.as_dict() for k, v in self.relations.items()},
            "sanction_pairs_by_role": {k: v.as_dict() for k, v in self.sanctions.items()},
            "articles": [
                {
                    "article": a.article,
                    "entities": a.entity_total.as_dict(),
                    "relations": a.relation_total.as_dict(),
                    "sanctions": a.sanction_total.as_dict(),
                    "errors": a.errors,
                }
                for a in self.articles
            ],
        }


# -- gold ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Named:
    label: str
    keys: frozenset[str]
    type: str


def load_gold(path: Path) -> dict[str, Any]:
    """Read one gold annotation file, checking its shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidParameter(f"cannot read gold file {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entities", []), list):
        raise InvalidParameter(f"{path} is not a gold annotation (see gold-format.md)")
    return data


def _keys(names: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (normalise_name(n) for n in names if n) if k)


def _gold_entities(gold: dict[str, Any]) -> list[_Named]:
    out = []
    for e in gold.get("entities", []):
        name = str(e.get("name", ""))
        out.append(_Named(name, _keys([name, *e.get("aliases", [])]), str(e.get("type", ""))))
    return out


def _predicted_entities(extraction: Extraction) -> dict[URIRef, _Named]:
    out = {}
    for e in extraction.entities:
        kind = str(e.cls).rsplit("#", 1)[-1]
        out[e.iri] = _Named(e.label, _keys([e.label, *e.aliases]), _TYPE_ALIASES.get(kind, kind))
    return out


def _types_agree(gold: str, predicted: str) -> bool:
    if gold == predicted:
        return True
    return "Organization" in (gold, predicted) and {gold, predicted} <= _ORG_TYPES


def _match(
    gold: list[tuple[str, Any]], predicted: list[tuple[str, Any]], same: Any
) -> tuple[list[tuple[str, Any, str, Any]], list[tuple[str, Any]], list[tuple[str, Any]]]:
    """One-to-one greedy matching: (matched pairs, unmatched gold, unmatched predicted)."""
    used: set[int] = set()
    pairs = []
    missed = []
    for g_key, g in gold:
        hit = next((i for i, (_, p) in enumerate(predicted) if i not in used and same(g, p)), None)
        if hit is None:
            missed.append((g_key, g))
        else:
            used.add(hit)
            pairs.append((g_key, g, predicted[hit][0], predicted[hit][1]))
    extra = [p for i, p in enumerate(predicted) if i not in used]
    return pairs, missed, extra


def score_extraction(gold: dict[str, Any], extraction: Extraction) -> ArticleScore:
    """Score one extraction against one gold annotation."""
    result = ArticleScore(str(gold.get("article", extraction.article.id)))
    gold_entities = _gold_entities(gold)
    predicted = _predicted_entities(extraction)

    # entities
    pairs, missed, extra = _match(
        [(g.type, g) for g in gold_entities],
        [(p.type, p) for p in predicted.values()],
        lambda g, p: bool(g.keys & p.keys) and _types_agree(g.type, p.type),
    )
    for g_type, *_ in pairs:
        result.entities.setdefault(g_type, Score()).tp += 1
    for g_type, _g in missed:
        result.entities.setdefault(g_type, Score()).fn += 1
    for p_type, _p in extra:
        result.entities.setdefault(p_type, Score()).fp += 1
    result.errors["entities_missed"] = [f"{g.label} ({t})" for t, g in missed]
    result.errors["entities_extra"] = [f"{p.label} ({t})" for t, p in extra]

    by_name = {normalise_name(g.label): g.keys for g in gold_entities}

    def gold_keys(name: str) -> frozenset[str]:
        key = normalise_name(name)
        return by_name.get(key) or next((g.keys for g in gold_entities if key in g.keys), frozenset({key}))

    def pred_keys(iri: Any) -> frozenset[str]:
        named = predicted.get(iri)
        return named.keys if named is not None else frozenset({str(iri)})

    def label(iri: Any) -> str:
        named = predicted.get(iri)
        return named.label if named is not None else str(iri)

    # relations
    gold_rel = []
    for r in gold.get("relations", []):
        if "predicate" in r and r["predicate"] in _RELATION_PREDICATES:
            item = (
                gold_keys(r["subject"]),
                r["predicate"],
                gold_keys(r["object"]),
                f"{r['subject']} {r['predicate']} {r['object']}",
            )
            if item not in gold_rel:
                gold_rel.append(item)
    pred_rel = []
    seen_facts = set()
    for f in extraction.facts:
        pred = str(f.predicate).rsplit("#", 1)[-1]
        if pred not in _RELATION_PREDICATES or (f.subject, pred, f.object) in seen_facts:
            continue
        seen_facts.add((f.subject, pred, f.object))
        pred_rel.append(
            (pred_keys(f.subject), pred, pred_keys(f.object), f"{label(f.subject)} {pred} {label(f.object)}")
        )

    def same_relation(g: Any, p: Any) -> bool:
        predicate_ok = g[1] == p[1] or (g[1] == "suppliesTo" and p[1] == "manufacturesFor")
        return predicate_ok and bool(g[0] & p[0]) and bool(g[2] & p[2])

    pairs_r, missed_r, extra_r = _match([(g[1], g) for g in gold_rel], [(p[1], p) for p in pred_rel], same_relation)
    for g_pred, *_ in pairs_r:
        result.relations.setdefault(g_pred, Score()).tp += 1
    for g_pred, _g in missed_r:
        result.relations.setdefault(g_pred, Score()).fn += 1
    for p_pred, _p in extra_r:
        result.relations.setdefault(p_pred, Score()).fp += 1
    result.errors["relations_missed"] = [g[3] for _, g in missed_r]
    result.errors["relations_extra"] = [p[3] for _, p in extra_r]

    # sanction pairs
    gold_pairs: list[tuple[frozenset[str], str, frozenset[str], str]] = []
    for r in gold.get("relations", []):
        if "sanction" not in r:
            continue
        for imposer in r.get("imposedBy", []):
            for field_name, role in _ROLES.items():
                for item in r.get(field_name, []):
                    pair = (gold_keys(imposer), role, gold_keys(item), f"{imposer} -{role}-> {item}")
                    if not any(p[:3] == pair[:3] for p in gold_pairs):
                        gold_pairs.append(pair)
    roles: dict[Any, dict[str, list[Any]]] = {}
    for f in extraction.facts:
        pred = str(f.predicate).rsplit("#", 1)[-1]
        if pred in ("imposedBy", "targets", "restricts", "exempts", "nodeThreshold"):
            roles.setdefault(f.subject, {}).setdefault(pred, []).append(f.object)
    pred_pairs: list[tuple[frozenset[str], str, frozenset[str], str]] = []
    seen_pairs = set()
    for sanction_roles in roles.values():
        for imposer in sanction_roles.get("imposedBy", []):
            for pred, role in (
                ("targets", "target"),
                ("restricts", "restricts"),
                ("nodeThreshold", "restricts"),
                ("exempts", "exempts"),
            ):
                for item in sanction_roles.get(pred, []):
                    if (imposer, role, item) in seen_pairs:
                        continue
                    seen_pairs.add((imposer, role, item))
                    pred_pairs.append(
                        (pred_keys(imposer), role, pred_keys(item), f"{label(imposer)} -{role}-> {label(item)}")
                    )

    def same_pair(g: Any, p: Any) -> bool:
        return g[1] == p[1] and bool(g[0] & p[0]) and bool(g[2] & p[2])

    pairs_s, missed_s, extra_s = _match([(g[1], g) for g in gold_pairs], [(p[1], p) for p in pred_pairs], same_pair)
    for role, *_ in pairs_s:
        result.sanctions.setdefault(role, Score()).tp += 1
    for role, _g in missed_s:
        result.sanctions.setdefault(role, Score()).fn += 1
    for role, _p in extra_s:
        result.sanctions.setdefault(role, Score()).fp += 1
    result.errors["sanction_pairs_missed"] = [g[3] for _, g in missed_s]
    result.errors["sanction_pairs_extra"] = [p[3] for _, p in extra_s]
    return result


def evaluate_folder(gold_dir: Path, articles_dir: Path, extractor: Extractor) -> EvaluationReport:
    """Run the extractor on every article that has a gold file and score it."""
    if not gold_dir.is_dir():
        raise InvalidParameter(f"no gold folder {gold_dir}")
    if not articles_dir.is_dir():
        raise InvalidParameter(f"no articles folder {articles_dir}")
    scores = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = load_gold(gold_path)
        name = gold.get("article") or gold_path.stem + ".txt"
        article_path = articles_dir / name
        if not article_path.is_file():
            candidates = sorted(p for p in articles_dir.glob(gold_path.stem + ".*") if p.suffix != ".json")
            if not candidates:
                raise InvalidParameter(f"no article {name} for gold file {gold_path.name} in {articles_dir}")
            article_path = candidates[0]
        extraction = extractor.extract(article_from_file(article_path))
        scores.append(score_extraction(gold, extraction))
    if not scores:
        raise InvalidParameter(f"no gold files (*.json) in {gold_dir}")
    return EvaluationReport(scores)
