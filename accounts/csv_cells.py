"""Cells of a CSV export: each value written as text a spreadsheet reads as data, never as a formula.

Spreadsheet programs run a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection: a contact named ``=HYPERLINK(...)`` would become a live link), so
such a cell gets a leading apostrophe, which they show as plain text. A plain number (``-3.5``) is left
as it is: it is no formula, and the apostrophe would turn it into text.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def formula_safe(text: str) -> str:
    """``text``, with a leading apostrophe if a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def cell_text(value: object, zone: tzinfo) -> str:
    """The text of one value: ISO dates, times in ``zone`` (the tenant's), yes/no, numbers as stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return (value.astimezone(zone) if value.tzinfo is not None else value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(item, zone) for item in value)
    return str(value)
