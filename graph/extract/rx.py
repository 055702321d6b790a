"""``re`` with a plain dictionary in front of ``re.compile``.

The rules build many patterns from f-strings (cue lists, the mention-group
pattern) inside loops; ``re``'s own cache does type and flag checks on every
call, which dominated extraction time. This module keeps compiled patterns
in a dict keyed by (pattern, flags) and otherwise behaves like ``re``.

>>> search(r"b+", "abbbc").group(0)
'bbb'
"""

from __future__ import annotations

import re as _re
from collections.abc import Iterator

__all__ = [
    "IGNORECASE",
    "Match",
    "Pattern",
    "compile",
    "escape",
    "findall",
    "finditer",
    "fullmatch",
    "match",
    "search",
    "sub",
]

IGNORECASE = _re.IGNORECASE
DOTALL = _re.DOTALL
UNICODE = _re.UNICODE
Pattern = _re.Pattern
Match = _re.Match
escape = _re.escape
_CACHE: dict[tuple[str, int], _re.Pattern[str]] = {}
#: patterns built from article text (names) would grow the cache without end; past this size
#: new patterns go through ``re``'s own bounded cache instead
_CACHE_LIMIT = 20_000


def compile(pattern: str, flags: int = 0) -> _re.Pattern[str]:
    """The compiled pattern, from the cache when seen before."""
    key = (pattern, int(flags))
    found = _CACHE.get(key)
    if found is None:
        found = _re.compile(pattern, flags)
        if len(_CACHE) < _CACHE_LIMIT:
            _CACHE[key] = found
    return found


def search(pattern: str, string: str, flags: int = 0) -> _re.Match[str] | None:
    """Like ``re.search``."""
    return compile(pattern, flags).search(string)


def match(pattern: str, string: str, flags: int = 0) -> _re.Match[str] | None:
    """Like ``re.match``."""
    return compile(pattern, flags).match(string)


def fullmatch(pattern: str, string: str, flags: int = 0) -> _re.Match[str] | None:
    """Like ``re.fullmatch``."""
    return compile(pattern, flags).fullmatch(string)


def finditer(pattern: str, string: str, flags: int = 0) -> Iterator[_re.Match[str]]:
    """Like ``re.finditer``."""
    return compile(pattern, flags).finditer(string)


def findall(pattern: str, string: str, flags: int = 0) -> list[str]:
    """Like ``re.findall``."""
    return compile(pattern, flags).findall(string)


def sub(pattern: str, repl: str, string: str, count: int = 0, flags: int = 0) -> str:
    """Like ``re.sub``."""
    return compile(pattern, flags).sub(repl, string, count=count)
