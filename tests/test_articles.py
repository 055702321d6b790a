"""Reading articles: encodings, HTML, front matter, limits, ids."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.articles import article_from_file, article_from_text, clean_text, decode_text, find_article_files
from graph.errors import ArticleTooLarge, EmptyArticle, IngestError, UnsupportedEncoding


def test_front_matter_sets_metadata() -> None:
    article = article_from_text(
        "---\ntitle: SMIC makes 7nm chips\nurl: https://example.com/smic\ndate: 2022-07-21\n---\nSMIC made chips."
    )
    assert article.title == "SMIC makes 7nm chips"
    assert article.url == "https://example.com/smic"
    assert article.published == date(2022, 7, 21)
    assert article.text == "SMIC made chips."


def test_html_is_reduced_to_text() -> None:
    text = clean_text(
        "<html><head><script>alert(1)</script><style>p{}</style></head><body><p>ASML ships.</p><p>SMIC buys.</p></body></html>"
    )
    assert "alert" not in text and "<" not in text
    assert "ASML ships." in text and "SMIC buys." in text


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"caf\xe9 latin-1 text", bytes(range(256))])
def test_binary_and_other_encodings_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedEncoding):
        decode_text(data)


def test_utf8_with_bom_and_other_scripts_is_read() -> None:
    assert decode_text("\ufeff中芯國際 and TSMC".encode()) == "中芯國際 and TSMC"


@pytest.mark.parametrize("text", ["", "   \n\t ", "<html><body>   </body></html>"])
def test_empty_article_is_refused(text: str) -> None:
    with pytest.raises(EmptyArticle):
        article_from_text(text)


def test_size_limit() -> None:
    with pytest.raises(ArticleTooLarge, match="over the limit of 100"):
        article_from_text("x" * 101, max_bytes=100)


def test_bad_date_is_a_clear_error() -> None:
    with pytest.raises(IngestError, match="ISO date"):
        article_from_text("---\ndate: last Tuesday\n---\nText.")


def test_file_id_is_the_stem_and_text_without_id_is_hashed(tmp_path: Path) -> None:
    path = tmp_path / "2024 report (final).txt"
    path.write_text("TSMC builds a fab.", encoding="utf-8")
    assert article_from_file(path).id == "2024-report-final"
    assert article_from_text("TSMC builds a fab.").id.startswith("a-")
    assert article_from_text("TSMC builds a fab.").id == article_from_text("TSMC builds a fab.").id


def test_find_article_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.md", "sub/c.html", "notes.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in find_article_files([tmp_path])] == ["a.md", "b.txt", "c.html"]
    with pytest.raises(IngestError, match="no such file"):
        find_article_files([tmp_path / "missing"])
