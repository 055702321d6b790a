"""The spaCy pipeline the extractor tokenises with: blank English, offline.

No statistical model is needed or downloaded; ``spacy.blank("en")`` gives the
rule-based tokenizer the phrase matcher works on.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["blank_pipeline"]


@functools.cache
def blank_pipeline() -> Any:
    """A cached ``spacy.blank("en")`` pipeline (tokenizer only)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    return nlp
