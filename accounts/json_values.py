"""JSON values sent by people and programs, checked before they are stored.

Python's JSON decoder accepts what PostgreSQL cannot hold: a NUL character (``\\u0000``) and a lone
UTF-16 surrogate (``\\ud83d``, half of an emoji a client cut in two). Stored, either is a 500 (and on
SQLite a surrogate is too). Deep nesting makes every recursive reader of the value fail. These
checks walk a value in a loop, so any value can be checked, however deep.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from typing import Any

NUL = "a NUL character (\\u0000)"
SURROGATE = "a lone UTF-16 surrogate (half of a character such as an emoji)"


def text_problem(text: str) -> str | None:
    """What in ``text`` cannot be stored (``NUL`` or ``SURROGATE``), or None."""
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    return None


def unstorable_text(value: Any) -> tuple[str, str] | None:
    """The first string or object key in ``value`` that cannot be stored: (where, what), the place
    written as ``note.items[0]`` (empty for ``value`` itself); or None."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if problem := text_problem(item):
                return path, problem
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and (problem := text_problem(key)):
                    return (f"{path}.{key!a}" if path else ascii(key)), problem
                children.append((name, child))
            pending.extend(reversed(children))
        elif isinstance(item, list):
            pending.extend((f"{path}[{i}]", child) for i, child in reversed(list(enumerate(item))))
    return None


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` levels (itself being level 1)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False
