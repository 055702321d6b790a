"""Ingestion benchmark on a synthetic news corpus: extraction alone and end to end.

Articles are built from sentence templates filled with the names of the
curated reference list (``ontology/reference/*.ttl``: companies, countries,
equipment, products, materials, technologies, process nodes), so every
article holds supply, manufacturing, headquarters, subsidiary and sanction
statements the rule extractor recognises, among filler sentences it must read
and discard, much like real coverage. Deterministic for a seed.

At 100, 1,000 and 10,000 articles it measures:

* **extraction only**: ``extractor.extract`` over the corpus (no store);
* **end to end**: ``KnowledgeGraph.ingest_articles`` over the corpus into a
  fresh embedded store (extraction, provenance triples and the store writes:
  what ``chipgraph ingest`` does), and for comparison ``ingest_article`` one
  article at a time (what the API does per request); each in a child process
  so the peak RSS is the run's own, with wall and CPU time.

The cost-vs-size exponent is the slope of log(seconds) over log(articles);
1 is linear. Targets (issue 8): >= 50 articles/s end to end, 1,000 articles in
< 30 s, exponent <= ~1.

Usage::

    python -m bench.corpus                       # 100, 1000, 10000 articles
    python -m bench.corpus --sizes 100,1000      # fewer
    python -m bench.corpus --write-dir /tmp/corpus --sizes 100   # the articles as .txt files
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["TARGETS", "build_articles", "fit_exponent", "reference_names", "run"]

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("CHIPGRAPH_BENCH_DIR", "/tmp/chipgraph-bench"))
SIZES = (100, 1_000, 10_000)
TARGETS = {"articles_per_s": 50.0, "seconds_for_1000": 30.0, "exponent": 1.1}

#: the reference classes templates draw names from
CLASSES = ("Company", "Country", "Equipment", "Product", "Material", "Technology", "ProcessNode")

# Each template is one sentence; {company}, {company2}, {country}, ... are
# filled with reference names. They are phrased as news is (attribution,
# dates, subordinate clauses), not as bare triples.
FACT_TEMPLATES = (
    "{company} supplies {equipment} to {company2}, according to people familiar with the matter.",
    "{company} has been shipping {equipment} to {company2} since {year}, the company said.",
    "{company2} relies on {equipment} made by {company} for its most advanced lines.",
    "{company} will manufacture {product} for {company2} using its {node} process, {paper} reported.",
    "{company} manufactures chips for {company2} at its plant in {country}.",
    "{company}, which is headquartered in {country}, sells {material} to {company2}.",
    "{company} is headquartered in {country}.",
    "{company} uses {technology} in its newest {product}.",
    "{company} said it had started mass production of {product} at the {node} node.",
    "{company} is a subsidiary of {company2}.",
    "{company} makes {equipment} and sells it to chipmakers in {country}.",
    "The {product} from {company2} contains {material} supplied by {company}.",
    "{company} buys {material} from {company2}, the filing showed.",
)
SANCTION_TEMPLATES = (
    "In {month} {year}, {country} imposed export controls on {company}, restricting sales of {equipment}.",
    "{country} added {company} to its entity list, {paper} reported.",
    "{country} is considering new restrictions on shipments of {product} to {country2}.",
    "Officials in {country} threatened to ban the export of {equipment} to {country2}.",
    "{country} lifted the ban on sales of {product} to {company} in {year}.",
)
FILLER = (
    "Analysts said demand for chips remained strong through the quarter.",
    "Shares of {company} rose {pct} percent in early trading on {weekday}.",
    "The company declined to comment on the report.",
    "Industry executives expect the shortage of mature-node capacity to ease next year.",
    "The talks have dragged on for months and no agreement has been announced.",
    "{company} reported revenue of ${bn} billion for the quarter, ahead of forecasts.",
    "The move is part of a broader effort to secure supplies of critical technology.",
    "Spokespeople for both companies did not respond to requests for comment.",
    "{paper} said the figures could not be independently verified.",
    "The government has pledged billions of dollars in subsidies for domestic production.",
    "Investors have been watching the sector closely since the start of the year.",
    "The plan still needs approval from regulators, a process that could take a year.",
    "Several analysts cut their forecasts, citing weaker smartphone sales.",
    "Earlier this year, {company} said it would invest ${bn} billion in new capacity in {country}.",
)
PAPERS = ("Reuters", "Bloomberg", "the Financial Times", "Nikkei Asia", "the Wall Street Journal", "DigiTimes")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class SyntheticArticle:
    """One generated article."""

    id: str
    title: str
    text: str
    published: date


@cache
def reference_names() -> dict[str, tuple[str, ...]]:
    """English labels of the reference entities per class (``Company``: ("TSMC", ...), ...)."""
    from rdflib import RDF, RDFS, Graph

    from graph.ontology import reference_files
    from graph.vocab import CG

    graph = Graph()
    for path in reference_files():
        graph.parse(path, format="turtle")
    names: dict[str, tuple[str, ...]] = {}
    for cls in CLASSES:
        labels = {
            str(label)
            for entity in graph.subjects(RDF.type, CG[cls])
            for label in graph.objects(entity, RDFS.label)
            if getattr(label, "language", None) in (None, "en")
        }
        names[cls] = tuple(sorted(labels))
    return names


def _fill(template: str, rng: random.Random, names: dict[str, tuple[str, ...]], focus: list[str]) -> str:
    # a few companies recur through an article, as they do in real coverage
    company, company2 = rng.sample(focus, 2) if rng.random() < 0.7 else rng.sample(names["Company"], 2)
    country, country2 = rng.sample(names["Country"], 2)
    return template.format(
        company=company,
        company2=company2,
        country=country,
        country2=country2,
        equipment=rng.choice(names["Equipment"]),
        product=rng.choice(names["Product"]),
        material=rng.choice(names["Material"]),
        technology=rng.choice(names["Technology"]),
        node=rng.choice(names["ProcessNode"]),
        paper=rng.choice(PAPERS),
        month=rng.choice(MONTHS),
        weekday=rng.choice(WEEKDAYS),
        year=rng.randint(2018, 2025),
        pct=rng.randint(1, 9),
        bn=rng.randint(1, 40),
    )


def _capitalised(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def build_articles(n: int, *, seed: int = 0, words: int = 600) -> list[SyntheticArticle]:
    """``n`` deterministic news-like articles of about ``words`` words.

    >>> a, b = build_articles(2, words=120)
    >>> a.id, a.text == build_articles(1, words=120)[0].text, len(a.text.split()) >= 120
    ('syn-0', True, True)
    """
    names = reference_names()
    articles = []
    for number in range(n):
        rng = random.Random(f"{seed}-{number}")
        focus = rng.sample(names["Company"], 4)
        paragraphs: list[str] = []
        count = 0
        while count < words:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                roll = rng.random()
                pool = FACT_TEMPLATES if roll < 0.3 else SANCTION_TEMPLATES if roll < 0.42 else FILLER
                sentences.append(_capitalised(_fill(rng.choice(pool), rng, names, focus)))
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        published = date(2018 + rng.randint(0, 7), rng.randint(1, 12), rng.randint(1, 28))
        title = f"{focus[0]} and {focus[1]} deepen ties as {rng.choice(names['Country'])} weighs curbs"
        articles.append(SyntheticArticle(f"syn-{number}", title, "\n\n".join(paragraphs), published))
    return articles


def write_articles(directory: Path, n: int, *, seed: int = 0) -> list[Path]:
    """Write ``n`` articles as ``.txt`` files (title on the first line) for ``chipgraph ingest``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for article in build_articles(n, seed=seed):
        path = directory / f"{article.id}.txt"
        path.write_text(f"{article.title}\n\n{article.text}\n", encoding="utf-8")
        paths.append(path)
    return paths


def fit_exponent(sizes: list[float], seconds: list[float]) -> float | None:
    """Least-squares slope of log(seconds) over log(size): 1 is linear growth.

    >>> round(fit_exponent([100, 1000, 10000], [1.0, 10.0, 100.0]), 3)
    1.0
    >>> fit_exponent([100], [1.0]) is None
    True
    """
    points = [(math.log(x), math.log(y)) for x, y in zip(sizes, seconds, strict=True) if x > 0 and y > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else None


# -- the measurements, each in a child process ------------------------------------------


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def _records(n: int, seed: int) -> list[Any]:
    from graph.records import Article

    return [Article(id=a.id, text=a.text, title=a.title, published=a.published) for a in build_articles(n, seed=seed)]


def _child_extract(n: int, seed: int) -> dict[str, Any]:
    from graph.extract import load_extractor
    from graph.settings import Settings

    extractor = load_extractor(Settings(backend="memory"))
    articles = _records(n, seed)
    extractor.extract(articles[0])  # warm the lazy caches
    facts = 0
    cpu = _cpu_s()
    started = time.perf_counter()
    for article in articles:
        facts += len(extractor.extract(article).facts)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_s": _cpu_s() - cpu, "facts": facts, "peak_rss_mb": _peak_rss_mb()}


def _child_ingest(n: int, seed: int, store: str, batch: bool) -> dict[str, Any]:
    from graph.kg import KnowledgeGraph
    from graph.settings import Settings

    kg = KnowledgeGraph.open(Settings(backend="embedded", store=Path(store)))
    kg.extractor.extract(_records(1, seed + 1)[0])  # load and warm the extractor outside the timing
    articles = _records(n, seed)
    checkpoints: list[tuple[int, float]] = []
    cpu = _cpu_s()
    started = time.perf_counter()

    def checkpoint(number: int) -> None:
        if number % max(1, n // 10) == 0:
            checkpoints.append((number, round(time.perf_counter() - started, 3)))

    if batch:  # what `chipgraph ingest` does: writes overlap the next extraction
        done = itertools.count(1)
        results = kg.ingest_articles(articles, progress=lambda _: checkpoint(next(done)))
    else:
        results = []
        for number, article in enumerate(articles, 1):
            results.append(kg.ingest_article(article))
            checkpoint(number)
    seconds = time.perf_counter() - started
    cpu = _cpu_s() - cpu
    quads = kg.store.count()
    kg.close()
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "triples": sum(r.triples for r in results),
        "facts": sum(r.facts for r in results),
        "quads": quads,
        "checkpoints": checkpoints,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _in_child(kind: str, **kwargs: Any) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its figures."""
    code = f"import json, bench.corpus as c; print(json.dumps(c._child_{kind}(**{kwargs!r})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"bench.corpus {kind} failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def run(sizes: tuple[int, ...] | list[int] = SIZES, *, seed: int = 0) -> dict[str, Any]:
    """Extraction-only and end-to-end ingestion at each corpus size; see the module docstring."""
    words = [len(a.text.split()) for a in build_articles(20, seed=seed)]
    figures: dict[str, Any] = {
        "targets": TARGETS,
        "mean_words": round(sum(words) / len(words)),
        "sizes": {},
    }
    WORKDIR.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        extraction = _in_child("extract", n=n, seed=seed)
        runs = {}
        for mode, batch in (("sequential", False), ("batch", True)):
            store = Path(tempfile.mkdtemp(prefix=f"corpus-{n}-", dir=WORKDIR))
            try:
                runs[mode] = _in_child("ingest", n=n, seed=seed, store=str(store / "store"), batch=batch)
                runs[mode]["store_mb"] = round(_dir_size_mb(store), 1)
            finally:
                shutil.rmtree(store, ignore_errors=True)
        ingest, one_by_one = runs["batch"], runs["sequential"]
        figures["sizes"][n] = {
            "extract_s": round(extraction["seconds"], 2),
            "extract_cpu_s": round(extraction["cpu_s"], 2),
            "extract_per_s": round(n / extraction["seconds"], 1),
            "ingest_s": round(ingest["seconds"], 2),
            "ingest_cpu_s": round(ingest["cpu_s"], 2),
            "ingest_per_s": round(n / ingest["seconds"], 1),
            "sequential_s": round(one_by_one["seconds"], 2),
            "sequential_per_s": round(n / one_by_one["seconds"], 1),
            # CPU per article (all threads; immune to other load on the machine, unlike wall time)
            "extract_cpu_ms_per_article": round(1000 * extraction["cpu_s"] / n, 1),
            "batch_cpu_ms_per_article": round(1000 * ingest["cpu_s"] / n, 1),
            "sequential_cpu_ms_per_article": round(1000 * one_by_one["cpu_s"] / n, 1),
            # what a transactional store write adds to extraction, per article
            "write_cpu_ms_per_article": round(1000 * (one_by_one["cpu_s"] - extraction["cpu_s"]) / n, 1),
            "facts_per_article": round(ingest["facts"] / n, 1),
            "triples_per_article": round(ingest["triples"] / n),
            "quads": ingest["quads"],
            "store_mb": ingest["store_mb"],
            "peak_rss_mb": round(ingest["peak_rss_mb"]),
            "checkpoints": ingest["checkpoints"],
        }
    done = sorted(figures["sizes"])
    for kind in ("extract", "ingest", "sequential"):
        exponent = fit_exponent(done, [figures["sizes"][n][f"{kind}_s"] for n in done])
        figures[f"{kind}_exponent"] = None if exponent is None else round(exponent, 3)
    largest = figures["sizes"][done[-1]]
    met: dict[str, bool | None] = {
        "articles_per_s": largest["ingest_per_s"] >= TARGETS["articles_per_s"],
        "seconds_for_1000": figures["sizes"][1000]["ingest_s"] < TARGETS["seconds_for_1000"]
        if 1000 in figures["sizes"]
        else None,
        "exponent": None if figures["ingest_exponent"] is None else figures["ingest_exponent"] <= TARGETS["exponent"],
    }
    figures["met"] = met
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated article counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-dir", type=Path, help="only write the articles as .txt files into this folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.write_dir:
        paths = write_articles(args.write_dir, sizes[0], seed=args.seed)
        print(f"wrote {len(paths)} articles to {args.write_dir}", file=sys.stderr)
        return 0
    print(json.dumps(run(sizes, seed=args.seed), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
