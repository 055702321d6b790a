"""Render ``docs/reliability.md`` from what the reliability tests recorded.

    python -m tests.reliability_report          # render from build/reliability/results.json
    python -m tests.reliability_report --run    # run the tests first (theirs and the existing
                                                # tests each case cites), then render

Every case of issue 9 is listed in :data:`CASES` with its expected outcome and the
tests that prove it; the observed outcome is what those tests recorded (see
:mod:`tests.reliability_results`) and, after ``--run``, whether each cited test passed.
``tests/test_reliability_input.py`` checks that every cited test exists.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.reliability_results import RESULTS, ROOT, load_results

__all__ = ["CASES", "Case", "main", "render"]

DOC = ROOT / "docs" / "reliability.md"
JUNIT = RESULTS.parent / "junit.xml"
RELIABILITY_TESTS = (
    "tests/test_reliability_input.py",
    "tests/test_reliability_auth.py",
    "tests/test_reliability_fuzz.py",
    "tests/test_reliability_load.py",
    "tests/test_reliability_crash.py",
)


@dataclass(frozen=True)
class Case:
    """One case of the issue: what must happen, which tests prove it, where they record what they saw."""

    section: str
    case: str
    expected: str
    tests: tuple[str, ...]
    results: tuple[str, ...] = ()


IN, AU, FZ = "tests/test_reliability_input.py", "tests/test_reliability_auth.py", "tests/test_reliability_fuzz.py"
LD, CR = "tests/test_reliability_load.py", "tests/test_reliability_crash.py"
ART, SPQ, ENT = "tests/test_api_articles.py", "tests/test_api_sparql.py", "tests/test_api_entities.py"
STO, VIZ = "tests/test_store.py", "tests/test_visualize.py"

CASES: tuple[Case, ...] = (
    # --- articles
    Case(
        "Articles",
        "Empty article (nothing, BOM and blanks, HTML with only a script, front matter only, blank JSON text)",
        "422 with a message",
        (f"{IN}::test_empty_article_is_422_with_a_message", f"{ART}::test_bad_articles_are_refused_with_a_message"),
        ("articles-empty",),
    ),
    Case(
        "Articles",
        "Over a configured limit (5 kB): a declared Content-Length, and a chunked body that never ends",
        "413 before the body is read whole; the limit is exact",
        (
            f"{IN}::test_article_over_a_configured_limit_is_413_before_the_body_is_read",
            f"{IN}::test_article_at_the_configured_limit_is_accepted_one_byte_more_is_413",
            f"{ART}::test_oversized_article_streamed_without_length_is_413",
        ),
        ("articles-too-large-configured", "articles-limit-boundary"),
    ),
    Case(
        "Articles",
        "Over the 1 MB default (text and JSON; 1 MB + 1, 50 MB announced; 1.2 MB chunked, unterminated)",
        "413 at once, the body never read whole",
        (
            f"{IN}::test_article_over_the_default_1mb_limit_is_413_before_the_body_is_read",
            f"{SPQ}::test_oversized_bodies_are_413_before_being_read",
        ),
        ("articles-too-large-default",),
    ),
    Case(
        "Articles",
        "Not UTF-8 or binary (Latin-1, CP1252, UTF-16/32, PNG, gzip, overlong, surrogates, controls, noise)",
        "415/422, never 500 (400 when the JSON itself is broken)",
        (
            f"{IN}::test_non_utf8_or_binary_is_415_or_422_never_500",
            f"{ART}::test_bad_articles_are_refused_with_a_message",
        ),
        ("articles-not-text",),
    ),
    Case(
        "Articles",
        "HTML: script, style, comments, noscript, template, event handlers, javascript: links",
        "stripped to the visible text; script content never becomes facts",
        (f"{IN}::test_html_is_stripped_to_text_and_script_never_becomes_facts",),
        ("articles-html",),
    ),
    Case(
        "Articles",
        "Other languages (Chinese, Russian, Arabic, Japanese, Korean, Hindi, mixed scripts, bidi controls)",
        "stored and shown intact; no false facts; no crash (control: an English sentence inside is read)",
        (
            f"{IN}::test_other_languages_yield_no_false_facts_and_no_crash",
            f"{IN}::test_an_english_sentence_inside_foreign_text_is_still_read",
        ),
        ("articles-languages",),
    ),
    # --- SPARQL
    Case(
        "SPARQL",
        "Malformed queries, and queries nested or chained deep enough to overflow the parser's stack",
        "400 with the parser's message; no query worker dies",
        (
            f"{IN}::test_malformed_or_stack_breaking_queries_are_400",
            f"{SPQ}::test_malformed_query_is_400_with_the_parser_message",
        ),
        ("sparql-malformed",),
    ),
    Case(
        "SPARQL",
        "Updates nested or chained deep enough to overflow the parser's stack (parsed in the server process)",
        "400; the server process lives",
        (f"{IN}::test_stack_breaking_updates_are_400_and_the_server_lives",),
        ("sparql-update-stack",),
    ),
    Case(
        "SPARQL",
        "UPDATE on the query endpoint (GET, form, direct POST, lower case, comments, \\u escapes), even with the token",
        "400/415; the store unchanged",
        (
            f"{IN}::test_update_on_the_query_endpoint_is_refused",
            f"{SPQ}::test_updates_and_duplicate_queries_are_refused_on_the_query_endpoint",
        ),
        ("sparql-update-on-query",),
    ),
    Case(
        "SPARQL",
        "SERVICE, LOAD, FROM / FROM NAMED <http:...> and <file:...>, dataset parameters, DESCRIBE of a remote IRI",
        "zero outbound requests (loopback canary), no file opened (a FIFO canary), no file content returned",
        (
            f"{IN}::test_no_query_or_update_reaches_the_network_or_the_file_system",
            f"{SPQ}::test_no_query_reaches_the_network",
            f"{SPQ}::test_unsafe_or_malformed_updates_are_400",
        ),
        ("sparql-no-egress",),
    ),
    Case(
        "SPARQL",
        "Cartesian products: one (existing test), and three at once on two workers (embedded store)",
        "503 at the time limit while /health, REST reads and then SPARQL keep answering",
        (
            f"{IN}::test_runaway_queries_are_cancelled_while_health_and_other_reads_answer",
            f"{SPQ}::test_a_runaway_query_is_503_while_other_requests_are_served",
            "tests/test_sandbox.py::test_cartesian_query_is_cancelled_while_another_query_answers",
        ),
        ("sparql-runaway",),
    ),
    # --- RDF input
    Case(
        "RDF uploads and imports",
        "RDF/XML entity expansion: billion laughs, quadratic blow-up, external and parameter entities",
        "refused before parsing, the process lives, memory bounded (the parser alone dies on it)",
        (
            f"{IN}::test_rdfxml_entity_bombs_are_refused_in_bounded_memory",
            f"{STO}::test_entity_expansion_bomb_is_refused_before_parsing",
        ),
        ("rdf-entity-bomb",),
    ),
    Case(
        "RDF uploads and imports",
        "JSON-LD remote contexts (IRI, list, @import, scoped, nested, in @graph) and JSON-LD nested 20,000 deep",
        "never fetched (canary); refused before parsing",
        (f"{IN}::test_jsonld_remote_contexts_are_never_fetched", f"{STO}::test_remote_jsonld_context_is_refused"),
        ("rdf-jsonld-context",),
    ),
    Case(
        "RDF uploads and imports",
        "Triples uploaded over HTTP (SPARQL Update INSERT DATA) carrying markup; an oversized upload",
        "stored as data, nothing expanded; 413 over the body limit",
        (f"{IN}::test_rdf_sent_through_sparql_update_is_data_never_parsed_as_xml",),
        ("rdf-insert-data",),
    ),
    # --- REST parameters
    Case(
        "REST parameters",
        "Quotes, braces, `} ; DROP ALL`, IRIs with spaces, controls, broken %-escapes in every string parameter",
        "bound, never spliced: no 5xx, the store the same triple for triple",
        (
            f"{IN}::test_rest_parameters_are_bound_on_every_endpoint_and_the_store_is_intact",
            f"{ENT}::test_hostile_parameters_are_bound_not_spliced",
            f"{STO}::test_literals_survive_storage_and_binding",
            f"{STO}::test_binding_refuses_iris_that_would_break_out",
        ),
        ("rest-parameters",),
    ),
    # --- pages
    Case(
        "Pages",
        "Entity names and titles with <script>, event handlers, javascript: (article, entity, search, /viz pages)",
        "rendered as text",
        (
            f"{IN}::test_hostile_names_render_as_text_on_every_page",
            f"{ART}::test_article_page_escapes_everything_from_the_article",
            f"{ART}::test_entity_pages_escape_hostile_names",
            f"{VIZ}::test_headings_and_notices_are_escaped",
            f"{VIZ}::test_embedded_json_cannot_close_its_script",
            "tests/test_viz_browser.py::test_hostile_names_render_as_text_in_heading_tooltip_and_menus",
        ),
        ("pages-hostile-names",),
    ),
    Case(
        "Pages",
        "File names and paths from users (URLs with ../ encoded or raw, article ids, viz -o names, symlinks); "
        "`chipgraph export -o` writes where its operator asks, by design",
        "never a file outside its folder",
        (
            f"{IN}::test_paths_from_users_cannot_leave_their_directory",
            f"{IN}::test_dot_segments_sent_raw_are_not_followed",
            f"{VIZ}::test_output_names_that_could_escape_are_refused",
            f"{VIZ}::test_symlinks_out_of_the_folder_are_refused",
            f"{VIZ}::test_cli_output_folder_from_the_environment_and_refusals",
        ),
        ("pages-path-traversal",),
    ),
    # --- generated input
    Case(
        "Generated input",
        "schemathesis over /openapi.json (every operation, positive and negative data, writes authorised)",
        "no 5xx; status codes, media types and bodies as documented",
        (f"{FZ}::test_schemathesis_finds_no_server_error_and_no_schema_violation",),
        ("fuzz-schemathesis",),
    ),
    Case(
        "Generated input",
        "hypothesis: arbitrary bodies and media types to POST /articles",
        "no 5xx; refusals are problem details",
        (
            f"{FZ}::test_ingest_endpoint_never_answers_a_server_error",
            f"{FZ}::test_ingest_fuzzing_left_the_server_healthy",
        ),
        ("fuzz-ingest-bytes",),
    ),
    Case(
        "Generated input",
        "hypothesis: arbitrary text (and HTML-ish text through cleaning) to the extractor",
        "no crash; every evidence offset valid",
        (
            f"{FZ}::test_cleaning_then_extraction_never_crashes",
            "tests/test_extract_robustness.py::test_arbitrary_text",
            "tests/test_extract_robustness.py::test_word_salad_from_the_domain",
        ),
        ("fuzz-clean-extract",),
    ),
    # --- auth
    Case(
        "Auth",
        "Write endpoints found in the app (ingest, delete, SPARQL Update; any route added later)",
        "all need the bearer token; every other POST is a read-only query",
        (f"{AU}::test_every_state_changing_route_needs_the_token",),
        ("auth-write-routes",),
    ),
    Case(
        "Auth",
        "Missing, empty, wrong (same length, other length, case, non-ASCII) tokens and other schemes",
        "401 with WWW-Authenticate; nothing written; the right token accepted",
        (
            f"{AU}::test_missing_or_wrong_tokens_are_401_and_change_nothing",
            f"{ART}::test_ingest_needs_the_right_token",
            f"{SPQ}::test_update_needs_the_token",
        ),
        ("auth-wrong-token",),
    ),
    Case(
        "Auth",
        "Constant-time comparison",
        "hmac.compare_digest only, no == and no length check; reached by wrong tokens of every length",
        (f"{AU}::test_the_token_is_compared_in_constant_time",),
        ("auth-constant-time",),
    ),
    Case(
        "Auth",
        "No token configured (unset, empty; also `chipgraph serve` with CHIPGRAPH_TOKEN='')",
        "writes disabled (403), never open; reads served",
        (
            f"{AU}::test_no_token_configured_means_writes_are_disabled",
            f"{AU}::test_chipgraph_serve_with_an_empty_token_has_writes_off",
            f"{SPQ}::test_writes_are_disabled_without_a_configured_token",
            f"{ART}::test_writes_disabled_without_a_configured_token",
        ),
        ("auth-no-token-unset", "auth-no-token-empty", "auth-no-token-serve"),
    ),
    Case(
        "Auth",
        "The token in responses (health, OpenAPI, pages, error bodies)",
        "never there",
        (f"{AU}::test_the_token_never_appears_in_a_response",),
        ("auth-token-not-leaked",),
    ),
    Case(
        "Auth",
        "CORS",
        "off by default (no Access-Control-* for a foreign origin); exactly the configured origins when set",
        (f"{AU}::test_cors_is_off_by_default", f"{AU}::test_cors_allows_exactly_the_configured_origins"),
        ("cors-default", "cors-configured"),
    ),
    # --- load and faults
    Case(
        "Load and faults",
        "8 query clients (SPARQL and REST) + 1 client ingesting 200 articles, chipgraph serve, embedded store",
        "zero errors, zero lost or half-written articles, p99 reported",
        (f"{LD}::test_eight_query_clients_and_an_ingest_client_lose_nothing",),
        ("load",),
    ),
    Case(
        "Load and faults",
        "kill -9 of the server at random points while ingesting, five times",
        "the store opens; every article whole or absent; acknowledged ones kept; SHACL clean; lost ones re-ingest",
        (f"{CR}::test_kill_9_while_ingesting_leaves_every_article_whole_or_absent",),
        ("crash-kill-9",),
    ),
    Case(
        "Load and faults",
        "Two writers on one embedded store (chipgraph serve, ingest; the library)",
        "a clear error (StoreLocked, exit 1, no traceback), not corruption",
        (
            f"{CR}::test_a_second_server_on_a_held_store_exits_with_a_clear_message",
            f"{CR}::test_a_library_writer_gets_store_locked_while_the_server_runs",
            "tests/test_persistence.py::test_second_writer_gets_a_clear_error",
        ),
        ("crash-two-writers", "crash-two-writers-library"),
    ),
)

#: what these tests found, and where it was fixed
FIXES: tuple[tuple[str, str], ...] = (
    (
        "A query nested ~2,500 brackets or ~900 function calls deep, or chaining ~7,000 operators, overflowed "
        "pyoxigraph's stack: the query worker died (SIGSEGV, a 500), and the same as an update killed the whole "
        "server. Requests nested over 64 levels or with over 3,000 operators are now refused (400), and "
        "tokenizing moved off the event loop (a 1 MB query blocked it for seconds).",
        "graph/store/sparql_text.py (check_complexity), api/routers/sparql.py",
    ),
    (
        "Under load a new query worker's start-up counted against the first query's time limit: the query "
        "was cancelled, the worker killed, the next one met the same fate, and every query answered 503. "
        "Workers now join the pool once they have imported their libraries.",
        "graph/sandbox.py",
    ),
    (
        "A C1 control character or a broken %-escape in default-graph-uri / named-graph-uri was a 500, "
        "in /id/... a 400, in an article url a failed write: IRIs from users are now checked as pyoxigraph "
        "checks them.",
        "graph/store/terms.py (check_iri), api/routers/sparql.py, linked_data.py, articles.py",
    ),
    (
        "JSON-LD objects nested ~10,000 deep crash pyoxigraph (SIGSEGV); an @import inside a context list "
        "was not seen as remote. Both refused before parsing.",
        "graph/store/safety.py",
    ),
    (
        "`chipgraph serve` on a store another process holds printed a 60-line startup traceback; it now "
        "prints the StoreLocked message and exits 1.",
        "graph/cli/store_cmds.py",
    ),
    (
        "The OpenAPI document described errors as application/json (FastAPI's own 422 shape) while the API "
        "sends application/problem+json; POST /articles did not list 400, /sparql/update not 413/415.",
        "api/errors.py (document_problems), api/app.py, api/routers/articles.py",
    ),
    (
        "The entity name index joined labels and types over the union of article graphs: an entity named in "
        "n articles gave n x n rows (300,000 rows, 8 s per rebuild at 200 articles), and a page rebuilt it for "
        "every label while articles streamed in (entity pages 17-22 s at p99 under load). The query is now "
        "distinct on each side (0.08 s) and a page refreshes the index once.",
        "graph/entities.py, api/routers/relations.py, api/routers/sanctions.py",
    ),
    (
        "The API test server's socket lacked IPPROTO_TCP, so asyncio never set TCP_NODELAY and every "
        "keep-alive request in the test suite waited ~40 ms for a delayed ACK.",
        "tests/conftest_api.py",
    ),
)

WEAK_POINTS: tuple[str, ...] = (
    "Latency under load is CPU-bound: one server process, its Python threads sharing one interpreter lock on "
    "two shared cores. Entity pages of hub entities (dozens of facts, each with its evidence) are the slowest "
    "reads while articles stream in; p99 is in the figures above, not bounded by a limit like SPARQL's.",
    "The JSON article body is read whole up to max_request_bytes (1 MB) before max_article_bytes applies to "
    "its text; text/plain bodies are cut at the article limit while streaming.",
    "When every query worker is killed at once, SPARQL waits for their replacements (1-3 s to start): queries "
    "in that window can get 503 'all workers busy'; /health and REST keep answering.",
    "An authorised SPARQL update (or a query) with a few hundred joined patterns can take pyoxigraph's planner "
    "many seconds; queries are cut at the time limit, updates run to the end under the write lock.",
    "RDF/XML nested 100,000 elements deep takes pyoxigraph over 20 s to parse (imports only; no HTTP endpoint "
    "takes RDF/XML).",
    "kill -9 is a process crash, not a power cut: RocksDB's write-ahead log in the page cache survives it; "
    "fsync-level durability on power loss is not tested here.",
)


# --------------------------------------------------------------------------- rendering


def _junit_outcomes(path: Path) -> dict[str, str]:
    """test function id (file::name, parameters dropped) -> passed / failed / skipped."""
    if not path.exists():
        return {}
    outcomes: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/") + ".py"
        name = case.get("name", "").split("[", 1)[0]
        key = f"{module}::{name}"
        state = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            state = "failed"
        elif case.find("skipped") is not None:
            state = "skipped"
        if outcomes.get(key) != "failed":
            outcomes[key] = "failed" if state == "failed" else outcomes.get(key, state)
    return outcomes


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _evidence(case: Case, outcomes: dict[str, str]) -> str:
    parts = []
    for test in case.tests:
        path, name = test.split("::")
        mark = {"passed": " ✔", "failed": " ✘ FAILED", "skipped": " (skipped)"}.get(outcomes.get(test, ""), "")
        parts.append(f"`{Path(path).name}::{name}`{mark}")
    return "<br>".join(parts)


def _observed(case: Case, results: dict[str, Any], outcomes: dict[str, str]) -> str:
    seen = [results[key]["observed"] for key in case.results if key in results]
    if seen:
        return _cell(" / ".join(seen))
    if outcomes and all(outcomes.get(t) == "passed" for t in case.tests):
        return "as expected (the tests passed)"
    return "not recorded: run the tests"


def _figures_section(results: dict[str, Any]) -> list[str]:
    lines = ["## Figures", ""]
    load = results.get("load", {}).get("figures")
    if load:
        lines += [
            "### Load held",
            "",
            f"{load['query_clients']} query clients and {load['ingest_clients']} ingest client against `chipgraph "
            f"serve` (one uvicorn worker, two query workers) on an embedded store, over loopback, for "
            f"{load['seconds']} s, while {load['articles']} articles were ingested.",
            "",
            "| requests | errors | queries/s | articles/s | query p50 | query p99 | query max | ingest p50 | ingest p99 |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {load['query_requests'] + load['ingest_requests']} | {load['errors']} | {load['queries_per_second']} "
            f"| {load['articles_per_second']} | {load['query_p50_ms']} ms | {load['query_p99_ms']} ms "
            f"| {load['query_max_ms']} ms | {load['ingest_p50_ms']} ms | {load['ingest_p99_ms']} ms |",
            "",
            "| request | count | p50 | p99 |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {kind} | {v['requests']} | {v['p50_ms']} ms | {v['p99_ms']} ms |" for kind, v in load["by_kind"].items()
        ]
        lines += [
            "",
            f"Afterwards: {load['articles_whole']} of {load['articles']} articles whole (triples = "
            f"cg:statementCount, {load['triples_in_articles']} triples, each as many as the server reported "
            f"writing), {load['articles_broken']} half-written, 0 lost; every acknowledged article was "
            "readable at once by the query clients.",
            "",
        ]
    crash = results.get("crash-kill-9", {}).get("figures")
    if crash:
        lines += [
            "### Faults survived",
            "",
            "| kills | with a request in flight | in-flight written whole | in-flight absent | acknowledged "
            "kept | half-written | re-ingested | articles at the end | SHACL violations |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {crash['kills']} | {crash['in_flight_at_kill']} | {crash['in_flight_written']} | "
            f"{crash['in_flight_at_kill'] - crash['in_flight_written']} | {crash['acknowledged']} of "
            f"{crash['acknowledged']} | {crash['half_written']} | {crash['reingested']} | {crash['articles_at_end']} "
            f"| {crash['shacl_violations']} ({crash['shacl_triples']} triples) |",
            "",
        ]
    tried = []
    if "fuzz-schemathesis" in results:
        f = results["fuzz-schemathesis"]["figures"]
        tried.append(
            f"| schemathesis (coverage, fuzzing, stateful; seed {f['seed']}) | {f['requests']} requests over "
            f"{f['operations']} operations | {f['failures']} |"
        )
    if "fuzz-ingest-bytes" in results:
        f = results["fuzz-ingest-bytes"]["figures"]
        tried.append(f"| hypothesis: bodies to POST /articles | {f['requests']} ({f['accepted']} ingested) | 0 |")
    if "fuzz-clean-extract" in results:
        f = results["fuzz-clean-extract"]["figures"]
        tried.append(f"| hypothesis: HTML-ish text through cleaning and extraction | {f['texts']} texts | 0 |")
    if "rest-parameters" in results:
        tried.append("| hostile values in every REST string parameter | see the REST case above | 0 |")
    if tried:
        lines += [
            "### Inputs tried",
            "",
            "| generator | inputs | server errors or crashes |",
            "|---|---:|---:|",
            *tried,
            "",
            "tests/test_extract_robustness.py adds 150 arbitrary texts and 150 domain word salads per run.",
            "",
        ]
    return lines


def render(results: dict[str, Any], outcomes: dict[str, str]) -> str:
    """The document, as text."""
    recorded = sorted(v["recorded_at"] for v in results.values()) if results else []
    when = f"{recorded[0]} to {recorded[-1]}" if recorded else "never"
    lines = [
        "# Reliability and security",
        "",
        "What chipgraph does with hostile input, under load and when killed, case by case (issue 9). Every case "
        "is a test that runs in CI (`make test`; the load and crash tests are marked `slow` and run too). The "
        "observed outcomes and figures are what those tests recorded in `build/reliability/results.json`; this "
        "file is generated from it by `python -m tests.reliability_report` (`--run` runs the tests first). A "
        "✔ marks a test that passed in that run.",
        "",
        f"Figures recorded: {when} (UTC).",
        "",
    ]
    section = None
    for case in CASES:
        if case.section != section:
            section = case.section
            lines += [
                f"## {section}",
                "",
                "| case | expected | observed | tests |",
                "|---|---|---|---|",
            ]
        lines.append(
            f"| {_cell(case.case)} | {_cell(case.expected)} | {_observed(case, results, outcomes)} | "
            f"{_evidence(case, outcomes)} |"
        )
        next_index = CASES.index(case) + 1
        if next_index == len(CASES) or CASES[next_index].section != section:
            lines.append("")
    lines += _figures_section(results)
    lines += ["## Found and fixed by these tests", "", "| problem | fixed in |", "|---|---|"]
    lines += [f"| {_cell(problem)} | {_cell(where)} |" for problem, where in FIXES]
    lines += ["", "## Weaker points", ""]
    lines += [f"- {point}" for point in WEAK_POINTS]
    lines += [
        "",
        "## Running them",
        "",
        "```sh",
        ".venv/bin/pytest tests/test_reliability_*.py        # about 3 minutes; -m 'not slow' skips load and crash",
        ".venv/bin/python -m tests.reliability_report --run  # the same plus the cited tests, then this file",
        "```",
        "",
    ]
    return "\n".join(lines)


def cited_tests() -> list[str]:
    """Every test the cases cite, without duplicates, in order."""
    return list(dict.fromkeys(t for case in CASES for t in case.tests))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="run the reliability and cited tests first")
    parser.add_argument("--output", type=Path, default=DOC, help="where to write the document")
    args = parser.parse_args(argv)
    status = 0
    if args.run:
        JUNIT.parent.mkdir(parents=True, exist_ok=True)
        others = [t for t in cited_tests() if not t.startswith(RELIABILITY_TESTS)]
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={JUNIT}"]
        status = subprocess.call([*command, *RELIABILITY_TESTS, *others], cwd=ROOT, env=dict(os.environ))
    text = render(load_results(), _junit_outcomes(JUNIT))
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
