"""Whole numbers typed by people and programs (ids in a query string, a score in a file): read once, here.

``str.isdigit`` accepts "²" and "٣", which ``int`` then refuses or reads as another number, and a string of
thousands of digits trips Python's limit on converting long strings; both used to reach a 500. A whole number
here is ASCII digits only, short enough to fit PostgreSQL's bigint.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

DIGITS_MAX = 18  # every number of 18 digits is below 2**63


def whole_number(text: object) -> int | None:
    """``text`` as a non-negative int, or None when it is not plainly one (surrounding spaces are allowed)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > DIGITS_MAX or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
