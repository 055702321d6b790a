"""Turning files and request bodies into :class:`~graph.records.Article` s.

Text must be UTF-8; binary data and other encodings are refused with
:class:`~graph.errors.UnsupportedEncoding`. HTML is reduced to its text.
A Markdown or text file may start with a front-matter block giving its
metadata::

    ---
    title: SMIC makes 7nm chips
    url: https://example.com/smic
    date: 2022-07-21
    ---
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from graph.errors import ArticleTooLarge, EmptyArticle, IngestError, UnsupportedEncoding
from graph.records import Article

__all__ = ["ARTICLE_SUFFIXES", "article_from_file", "article_from_text", "clean_text", "find_article_files"]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HTML_HINT = re.compile(r"<\s*(html|body|p|div|br|span|article|script|style|head|a\s)[\s>/]", re.IGNORECASE)
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "header",
    "footer",
}
_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def decode_text(data: bytes) -> str:
    """UTF-8 text of ``data``, refusing binary content and other encodings."""
    if b"\x00" in data:
        raise UnsupportedEncoding("the input contains NUL bytes: binary data is not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedEncoding(f"the input is not UTF-8 text (byte {exc.start}): {exc.reason}") from exc
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise UnsupportedEncoding("the input is mostly control characters: binary data is not an article")
    return text


def clean_text(text: str) -> str:
    """Normalised article text: HTML stripped, NFC, Unix newlines, trimmed."""
    if _HTML_HINT.search(text):
        text = _html_to_text(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    return text.strip()


def _parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group("body").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise IngestError(f"date {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _default_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:200]
    return None


def make_article_id(name: str | None, text: str) -> str:
    """Article id from a file stem or name; a content hash when there is none."""
    if name:
        slug = _ID_CHARS.sub("-", name).strip("-._")[:100]
        if slug:
            return slug
    return "a-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def article_from_text(
    text: str,
    *,
    article_id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: date | str | None = None,
    file_name: str | None = None,
    max_bytes: int = 1_000_000,
) -> Article:
    """Validate and clean raw text into an Article (front matter honoured)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ArticleTooLarge(
            f"the article is {size} bytes, over the limit of {max_bytes} (CHIPGRAPH_MAX_ARTICLE_BYTES)"
        )
    meta, body = _parse_front_matter(text)
    cleaned = clean_text(body)
    if not cleaned:
        raise EmptyArticle("the article has no text")
    when = published if isinstance(published, date) else _parse_date(published or meta.get("date"))
    return Article(
        id=article_id or make_article_id(meta.get("id"), cleaned),
        text=cleaned,
        title=title or meta.get("title") or _default_title(cleaned),
        url=url or meta.get("url") or None,
        published=when,
        file_name=file_name,
    )


def article_from_file(path: Path, *, max_bytes: int = 1_000_000) -> Article:
    """Read an article file (.txt, .md, .html); its id is the file stem."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror}") from exc
    if size > max_bytes:
        raise ArticleTooLarge(
            f"{path.name} is {size} bytes, over the limit of {max_bytes} (CHIPGRAPH_MAX_ARTICLE_BYTES)"
        )
    try:
        text = decode_text(path.read_bytes())
    except UnsupportedEncoding as exc:
        raise UnsupportedEncoding(f"{path.name}: {exc}") from exc
    try:
        return article_from_text(
            text, article_id=make_article_id(path.stem, text), file_name=path.name, max_bytes=max_bytes
        )
    except EmptyArticle as exc:
        raise EmptyArticle(f"{path.name}: {exc}") from exc


def find_article_files(paths: list[Path]) -> list[Path]:
    """Article files named directly or found (recursively, sorted) in folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise IngestError(f"no such file or folder: {path}")
    return found
