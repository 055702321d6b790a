"""Synthetic supply-chain graphs for benchmarks, written as N-Quads.

The graphs look like chipgraph's own data: every core class (countries,
companies, equipment, materials, products, facilities, process nodes,
technologies, people, sanctions), power-law degrees (a few hub companies and
countries, a long tail), facts grouped into article named graphs with one
evidence node each (sentence, offsets, confidence, rule, source kind), dated
articles, sanctions with imposers/targets/restricted items/status/date, a
reference graph of entity descriptions and headquarters, and an ETO graph of
``typeOf`` facts and market-share provisions with their source rows.

Deterministic for a given seed; streamed to the file, so memory stays flat.

Usage::

    python -m bench.synthetic --triples 1000000 -o /tmp/x.nq
    python -m bench.synthetic --entities 100000 --edges 1000000 -o /tmp/big.nq

>>> import io
>>> out = io.StringIO()
>>> stats = write_synthetic(out, entities=300, edges=1000, seed=1)
>>> 950 <= stats.edges <= 1000, stats.quads > 10_000, out.getvalue().count("\\n") == stats.quads
(True, True, True)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

__all__ = ["SyntheticStats", "sizes_for_triples", "write_synthetic", "write_synthetic_file"]

CG = "https://w3id.org/chipgraph/ontology#"
ID = "https://w3id.org/chipgraph/id/"
GRAPH = "https://w3id.org/chipgraph/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
DCT_ISSUED = "<http://purl.org/dc/terms/issued>"
TYPE = f"<{RDF}type>"

#: share of entities per class (countries and process nodes are fixed-size pools)
MIX = {
    "Company": 0.42,
    "Equipment": 0.14,
    "Product": 0.22,
    "Material": 0.05,
    "Facility": 0.05,
    "Technology": 0.03,
    "Person": 0.04,
    "ExportControl": 0.01,
}
SEGMENT = {
    "Company": "org",
    "Equipment": "equipment",
    "Product": "product",
    "Material": "product",
    "Facility": "facility",
    "Technology": "tech",
    "Person": "person",
    "ExportControl": "sanction",
    "Country": "country",
    "ProcessNode": "node",
}
#: (predicate, subject classes, object classes, weight): the mix of facts
FACTS = [
    ("suppliesTo", ("Company",), ("Company",), 24),
    ("manufacturesFor", ("Company",), ("Company",), 8),
    ("makes", ("Company",), ("Product", "Equipment", "Material"), 20),
    ("uses", ("Company", "Facility"), ("Equipment", "Material", "Technology"), 16),
    ("hasComponent", ("Product",), ("Product", "Material"), 9),
    ("originCountry", ("Equipment", "Product"), ("Country",), 5),
    ("atNode", ("Product", "Company"), ("ProcessNode",), 4),
    ("operates", ("Company",), ("Facility",), 3),
    ("locatedIn", ("Facility",), ("Country",), 3),
    ("subsidiaryOf", ("Company",), ("Company",), 2),
    ("affiliatedWith", ("Person",), ("Company",), 2),
]
STATUSES = ["InForce"] * 6 + ["Proposed", "Considered", "Threatened", "Extended", "Lifted"]
RULES = ["svo", "apposition", "passive", "prep-phrase", "coordination"]
FACTS_PER_ARTICLE = 25


@dataclass(frozen=True)
class SyntheticStats:
    """What was written."""

    entities: int
    edges: int  # directed facts between entities (sanction links and provisions included)
    articles: int
    quads: int
    seconds: float


def sizes_for_triples(triples: int) -> tuple[int, int]:
    """(entities, edges) giving about ``triples`` quads (about 13 quads per edge).

    >>> sizes_for_triples(1_000_000)
    (7692, 76923)
    """
    edges = max(10, triples // 13)
    return max(50, edges // 10), edges


def _skewed(rng: random.Random, size: int, power: float = 2.5) -> int:
    """An index in [0, size) with a power-law preference for low indices (hubs)."""
    return min(size - 1, int(size * rng.random() ** power))


def write_synthetic(
    out: TextIO,
    *,
    entities: int = 100_000,
    edges: int = 1_000_000,
    seed: int = 0,
    countries: int = 60,
    eto_fraction: float = 0.05,
) -> SyntheticStats:
    """Write a synthetic chipgraph dataset of about ``entities`` nodes and ``edges`` facts to ``out``."""
    started = time.perf_counter()
    rng = random.Random(seed)
    quads = 0
    buffer: list[str] = []

    def emit(s: str, p: str, o: str, g: str) -> None:
        nonlocal quads
        buffer.append(f"{s} {p} {o} <{g}> .\n")
        quads += 1
        if len(buffer) >= 50_000:
            out.write("".join(buffer))
            buffer.clear()

    def lit(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def typed(value: object, datatype: str) -> str:
        return f'"{value}"^^<{XSD}{datatype}>'

    reference = GRAPH + "reference"
    eto = GRAPH + "eto"
    emit(f"<{reference}>", TYPE, f"<{CG}Dataset>", reference)
    emit(f"<{reference}>", f"<{CG}sourceKind>", lit("reference"), reference)
    emit(f"<{eto}>", TYPE, f"<{CG}Dataset>", eto)
    emit(f"<{eto}>", f"<{CG}sourceKind>", lit("eto"), eto)

    # entities, in per-class pools; lower indices become hubs
    pools: dict[str, list[str]] = {"Country": [], "ProcessNode": []}
    labels: dict[str, str] = {}
    for i in range(countries):
        pools["Country"].append(f"<{ID}country/c{i}>")
    for nm in (2, 3, 5, 7, 10, 14, 16, 22, 28, 40, 65, 90):
        pools["ProcessNode"].append(f"<{ID}node/{nm}nm>")
    rest = max(0, entities - countries - len(pools["ProcessNode"]))
    for cls, share in MIX.items():
        count = max(3, int(rest * share))
        pools[cls] = [f"<{ID}{SEGMENT[cls]}/{cls.lower()}-{i}>" for i in range(count)]
    for cls, members in pools.items():
        for i, node in enumerate(members):
            label = f"{cls} {i}" if cls != "ProcessNode" else node.rsplit("/", 1)[-1][:-1]
            labels[node] = label
            emit(node, TYPE, f"<{CG}{cls}>", reference)
            emit(node, RDFS_LABEL, lit(label), reference)
    total_entities = sum(len(m) for m in pools.values())
    country_pool = pools["Country"]
    written_edges = 0
    for company in pools["Company"]:  # every company has a home country (hubs: the first few)
        emit(company, f"<{CG}headquarteredIn>", country_pool[_skewed(rng, len(country_pool), 2.0)], reference)
        written_edges += 1

    # sanctions: imposer, 1-3 targets, 0-2 restricted items, status and date
    sanction_links = []
    for sanction in pools["ExportControl"]:
        imposer = country_pool[_skewed(rng, len(country_pool), 4.0)]
        sanction_links.append((sanction, "imposedBy", imposer))
        for _ in range(rng.randint(1, 3)):
            pool = pools["Company"] if rng.random() < 0.7 else country_pool
            sanction_links.append((sanction, "targets", pool[_skewed(rng, len(pool))]))
        for _ in range(rng.randint(0, 2)):
            pool = pools["Equipment"] if rng.random() < 0.6 else pools["Product"]
            sanction_links.append((sanction, "restricts", pool[_skewed(rng, len(pool))]))

    weights = [w for *_, w in FACTS]
    article_index = 0
    fact_in_article = FACTS_PER_ARTICLE
    article = ""
    budget = max(0, edges - written_edges)
    eto_budget = int(budget * eto_fraction)
    news_budget = budget - eto_budget
    sanction_iter = iter(sanction_links)
    sanction_fact_every = max(1, news_budget // max(1, len(sanction_links)))
    evidence_no = 0

    def new_article() -> str:
        nonlocal article_index
        article_index += 1
        iri = f"{ID}article/syn-{article_index}"
        year = 2015 + _skewed(rng, 11, 0.6)
        emit(f"<{iri}>", TYPE, f"<{CG}Article>", iri)
        emit(f"<{iri}>", f"<{CG}sourceKind>", lit("news"), iri)
        if rng.random() < 0.9:
            emit(
                f"<{iri}>", DCT_ISSUED, typed(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"), iri
            )
        emit(f"<{iri}>", "<http://www.w3.org/ns/prov#generatedAtTime>", typed("2026-01-01T00:00:00", "dateTime"), iri)
        return iri

    def evidence(s: str, p: str, o: str, g: str, *, row: str | None = None) -> None:
        nonlocal evidence_no
        evidence_no += 1
        ev = f"<{ID}evidence/e{evidence_no}>"
        emit(ev, TYPE, f"<{CG}Evidence>", g)
        emit(ev, f"<{RDF}subject>", s, g)
        emit(ev, f"<{RDF}predicate>", p, g)
        emit(ev, f"<{RDF}object>", o, g)
        emit(ev, f"<{CG}confidence>", typed(round(0.5 + 0.5 * rng.random(), 2), "decimal"), g)
        if row is None:
            start = rng.randint(0, 4000)
            sentence = f"{labels[s]} {p.rsplit('#', 1)[-1][:-1]} {labels[o]}, sources said."
            emit(ev, f"<{CG}sentence>", lit(sentence), g)
            emit(ev, f"<{CG}charStart>", typed(start, "integer"), g)
            emit(ev, f"<{CG}charEnd>", typed(start + len(sentence), "integer"), g)
            emit(ev, f"<{CG}rule>", lit(RULES[evidence_no % len(RULES)]), g)
            emit(ev, f"<{CG}sourceKind>", lit("news"), g)
            emit(ev, PROV_DERIVED, f"<{g}>", g)
        else:
            emit(ev, f"<{CG}rule>", lit("eto-import"), g)
            emit(ev, f"<{CG}sourceKind>", lit("eto"), g)
            emit(ev, f"<{CG}sourceRow>", lit(row), g)

    pick: Callable[[list[str]], str] = lambda pool: pool[_skewed(rng, len(pool))]  # noqa: E731
    for n in range(news_budget):
        if fact_in_article >= FACTS_PER_ARTICLE:
            article, fact_in_article = new_article(), 0
        fact_in_article += 1
        link = next(sanction_iter, None) if n % sanction_fact_every == 0 else None
        if link is not None:
            s, pred, o = link
            p = f"<{CG}{pred}>"
            if pred == "imposedBy":
                emit(s, f"<{CG}status>", f"<{CG}{rng.choice(STATUSES)}>", article)
                emit(
                    s,
                    f"<{CG}date>",
                    typed(f"{2015 + rng.randint(0, 10)}-{rng.randint(1, 12):02d}", "gYearMonth"),
                    article,
                )
        else:
            pred, subjects, objects, _ = rng.choices(FACTS, weights)[0]
            s = pick(pools[rng.choice(subjects)])
            o = pick(pools[rng.choice(objects)])
            if s == o:
                continue
            p = f"<{CG}{pred}>"
        emit(s, p, o, article)
        evidence(s, p, o, article)
        written_edges += 1
    for _ in sanction_iter:  # sanction links left over when edges are few
        pass

    # ETO: typeOf between inputs and market-share provisions by countries and companies
    inputs = pools["Equipment"] + pools["Material"]
    row = 0
    provision = 0
    while eto_budget > 0:
        row += 1
        if rng.random() < 0.3:
            s, o = pick(inputs), pick(inputs)
            if s != o:
                emit(s, f"<{CG}typeOf>", o, eto)
                evidence(s, f"<{CG}typeOf>", o, eto, row=f"sequence.csv#{row}")
                eto_budget -= 1
                written_edges += 1
            continue
        item = pick(inputs)
        remaining = 100.0
        for _ in range(rng.randint(2, 5)):
            share = round(remaining * rng.uniform(0.3, 0.8), 1)
            remaining -= share
            provision += 1
            prov = f"<{ID}provision/p{provision}>"
            provider = pick(country_pool) if rng.random() < 0.5 else pick(pools["Company"])
            emit(prov, TYPE, f"<{CG}Provision>", eto)
            emit(prov, f"<{CG}provider>", provider, eto)
            emit(prov, f"<{CG}provided>", item, eto)
            emit(prov, f"<{CG}marketShare>", typed(share, "decimal"), eto)
            emit(prov, f"<{CG}year>", typed(2022, "gYear"), eto)
            emit(prov, f"<{CG}sourceRow>", lit(f"provision.csv#{provision}"), eto)
            eto_budget -= 1
            written_edges += 1
    out.write("".join(buffer))
    return SyntheticStats(total_entities, written_edges, article_index, quads, time.perf_counter() - started)


def write_synthetic_file(path: Path, **kwargs: int | float) -> SyntheticStats:
    """:func:`write_synthetic` into a file (``.nq``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        return write_synthetic(out, **kwargs)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="N-Quads file to write")
    parser.add_argument("--triples", type=int, help="approximate number of quads (sets entities and edges)")
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--countries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    entities, edges = sizes_for_triples(args.triples) if args.triples else (args.entities, args.edges)
    stats = write_synthetic_file(args.output, entities=entities, edges=edges, seed=args.seed, countries=args.countries)
    print(
        f"wrote {args.output}: {stats.quads} quads, {stats.entities} entities, {stats.edges} edges, "
        f"{stats.articles} articles in {stats.seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
