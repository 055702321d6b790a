"""Odd text never makes the extractor raise, and every offset it returns is valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.records import Article, Extraction
from tests.extract_support import extract, extractor

_WORDS = st.sampled_from(
    [
        "SMIC",
        "TSMC",
        "Huawei",
        "the",
        "US",
        "banned",
        "exports",
        "of",
        "7nm",
        "chips",
        "to",
        "China",
        ",",
        ".",
        "Dutch",
        "supplier",
        "ASML",
        "(",
        ")",
        "’s",
        "and",
        "Washington",
        "A100",
        "said",
        "\n",
        "Inc",
        "Corp",
        "中芯國際",
        "🙂",
        "<p>",
        "</div>",
        "&amp;",
        "—",
        "five-nanometre",
        "never",
        "exemption",
        "In",
        "2020",
    ]
)


def check(x: Extraction) -> None:
    text = x.article.text
    for fact in x.facts:
        ev = fact.evidence
        assert 0 <= ev.start <= ev.end <= len(text)
        assert text[ev.start : ev.end] == ev.sentence
        assert 0.0 <= ev.confidence <= 1.0
    for s in x.sanctions:
        assert text[s.evidence.start : s.evidence.end] == s.evidence.sentence
    for e in x.entities:
        assert e.label
        for start, end in e.spans:
            assert 0 <= start < end <= len(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    x = extractor().extract(Article(id="h", text=text))
    assert not x.warnings or not x.warnings[0].startswith("extraction failed"), x.warnings
    check(x)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=80).map(" ".join))
def test_word_salad_from_the_domain(text: str) -> None:
    x = extractor().extract(Article(id="h", text=text))
    assert not any(w.startswith("extraction failed") for w in x.warnings), x.warnings
    check(x)


def test_empty_html_binaryish_foreign_and_huge() -> None:
    for text in (
        "",
        "   \n\n ",
        "<html><body><p>SMIC</p></body></html>",
        "\x00\x01\x02 SMIC \ufffd" * 50,
        "中芯国际宣布扩产。台积电在美国建厂。",
        "Санкции США против Китая.",
        "a" * 200_000,
        ("SMIC makes 7nm chips for Huawei. " * 3000),
    ):
        x = extract(text)
        check(x)
        assert not any(w.startswith("extraction failed") for w in x.warnings)
