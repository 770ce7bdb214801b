"""Reading the structure of JSON text without decoding it: depth, the batch's elements, one top-level field.

msgspec refuses a whole document for one bad string in it (a lone UTF-16 surrogate, a truncated
emoji) and raises RecursionError on deep nesting, so a batch of Segment messages with one such
message would be refused whole. These scans look only at brackets, commas, colons and string
boundaries, in a loop (never recursion), so they read any batch message by message, however deep.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import json
import re

# A string (escapes included, whatever they escape) or one structural character.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]', re.DOTALL)
_OPEN, _CLOSE, _ELEMENT_END = frozenset(b"[{"), frozenset(b"]}"), frozenset(b",]")
_COMMA, _QUOTE = ord(","), ord('"')


def nested_deeper_than(raw: bytes, limit: int) -> bool:
    """Whether ``raw`` nests objects and arrays more than ``limit`` levels (the outermost is level 1)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # the common case, at C speed: it cannot be deeper
        return False
    depth = 0
    for token in _TOKEN.finditer(raw):
        char = raw[token.start()]
        if char in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif char in _CLOSE:
            depth -= 1
    return False


def batch_split(body: bytes, key: bytes = b'"batch"') -> tuple[bytes, list[bytes]] | None:
    """``body`` (a JSON object) with its ``key`` array emptied, and that array's elements as raw JSON.

    None when the text is not a well-formed JSON object with such an array. Each element is checked
    to be well-formed JSON with the standard library's decoder, which (unlike msgspec) accepts lone
    surrogates; an element nested too deep for it is left for the caller's depth limit to reject.
    """
    depth, last, array_start, element_start = 0, [], None, 0
    elements: list[bytes] = []
    for token in _TOKEN.finditer(body):
        start, char = token.start(), body[token.start()]
        if array_start is not None and depth == 2 and char in _ELEMENT_END:
            element = body[element_start:start].strip()
            if element or char == _COMMA or elements:  # "[]" is an empty batch; "[1,]" is malformed
                elements.append(element)
            element_start = token.end()
            if char == _COMMA:
                continue
            if not all(_well_formed(e) for e in elements):
                return None
            return body[:array_start] + body[start:], elements
        if char in _OPEN:
            if array_start is None and depth == 1 and _follows_key(body, last, key, start):
                array_start = element_start = token.end()
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif depth == 1:
            last = [*last[-1:], token]
    return None


def _follows_key(raw: bytes, last: list, key: bytes, start: int) -> bool:
    """Whether the text before ``start`` is ``key`` and a colon (the last two depth-1 tokens)."""
    return (
        len(last) == 2 and last[0].group() == key and last[1].group() == b":" and not raw[last[1].end() : start].strip()
    )


def _well_formed(element: bytes) -> bool:
    if not element:
        return False
    try:
        json.loads(element)
    except RecursionError:
        return True  # too deep to check here: rejected, alone, by the depth limit
    except ValueError:  # JSONDecodeError, and UnicodeDecodeError for bytes that are not UTF-8
        return False
    return True


def top_level_field(raw: bytes, key: bytes) -> object:
    """The value of field ``key`` (as JSON text: b'"messageId"') of the JSON object ``raw``, if it is a
    string or a number; else None.

    Tolerant: the rest of ``raw`` may be invalid, too deep or hold strings msgspec refuses.
    """
    depth, last = 0, []
    for token in _TOKEN.finditer(raw):
        start, char = token.start(), raw[token.start()]
        if depth == 1 and len(last) == 2 and last[0].group() == key and last[1].group() == b":":
            between = raw[last[1].end() : start].strip()  # a number, true, false or null
            return _scalar(between) if between else _scalar(token.group()) if char == _QUOTE else None
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif depth == 1:
            last = [*last[-1:], token]
    return None


def _scalar(text: bytes) -> object:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, str | int | float) and not isinstance(value, bool) else None
