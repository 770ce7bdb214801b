"""Keyword rules, pure: does a comment contain a phrase as whole words, in any case?"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class KeywordRule:
    rule_id: int
    theme_id: int
    phrase: str


@lru_cache(maxsize=2048)
def phrase_pattern(phrase: str) -> re.Pattern | None:
    """Words of ``phrase`` in order, separated by any whitespace, not inside longer words."""
    words = phrase.split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def phrase_matches(text: str, phrase: str) -> bool:
    pattern = phrase_pattern(phrase)
    return pattern is not None and pattern.search(text or "") is not None


def matching_rules(text: str, rules: Iterable[KeywordRule]) -> list[KeywordRule]:
    """The rules whose phrase ``text`` contains, the first per theme (one tag per theme is enough)."""
    matched: dict[int, KeywordRule] = {}
    for rule in rules:
        if rule.theme_id not in matched and phrase_matches(text, rule.phrase):
            matched[rule.theme_id] = rule
    return list(matched.values())
