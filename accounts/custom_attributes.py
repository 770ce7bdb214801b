"""An account's custom attributes: what an integration says of a customer beyond our own fields.

Group calls carry traits such as ``employees``, ``industry`` or ``mrr``; the ones no Account field
takes are kept, by name, in ``Account.custom_attributes``. Each call merges its attributes into the
account's (a ``null`` value removes one). They are bounded, so one integration cannot grow an
account row without limit: at most ``MAX_ATTRIBUTES`` per account, names of at most ``MAX_NAME_LENGTH``
characters, values text (at most ``MAX_TEXT_LENGTH`` characters), numbers or true/false. An object
(Segment's ``address``) is kept as one attribute per field, named with a dot: ``address.city``.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
from typing import Any

from accounts.json_values import text_problem

MAX_ATTRIBUTES = 100
MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 255
_INT_RANGE = range(-(2**63), 2**63)  # what every JSON reader we feed can hold exactly


def custom_attributes_clean(values: dict[str, Any], *, prefix: str = "traits") -> dict[str, Any]:
    """``values`` as attributes (objects flattened to dotted names), or ValueError naming the first
    one that breaks a limit (``prefix``.name)."""
    attributes: dict[str, Any] = {}
    pending = [("", values)]
    while pending:  # a loop: the caller's nesting limit bounds it, not the stack
        path, mapping = pending.pop()
        for key, value in mapping.items():
            name = f"{path}{key}"
            if isinstance(value, dict):
                pending.append((f"{name}.", value))
                continue
            if not name.strip() or len(name) > MAX_NAME_LENGTH:
                raise ValueError(f"{prefix}: a custom attribute's name must be 1 to {MAX_NAME_LENGTH} characters")
            if problem := text_problem(name):
                raise ValueError(f"{prefix}: a custom attribute's name holds {problem}")
            attributes[name] = _value(value, f"{prefix}.{name}")
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValueError(f"{prefix}: at most {MAX_ATTRIBUTES} custom attributes ({len(attributes)} sent)")
    return attributes


def _value(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise ValueError(f"{where} is longer than {MAX_TEXT_LENGTH} characters")
        if problem := text_problem(value):
            raise ValueError(f"{where} holds {problem}")
        return value
    if isinstance(value, int):
        if value not in _INT_RANGE:
            raise ValueError(f"{where} is too large a number")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} must be a finite number")
        return value
    raise ValueError(f"{where} must be text, a number, true or false (a custom attribute holds no list)")


def custom_attributes_merge(
    current: dict[str, Any], changes: dict[str, Any], *, prefix: str = "traits"
) -> dict[str, Any]:
    """``current`` with ``changes`` (cleaned) applied: set, or removed by ``None``. ValueError if the
    account would hold more than ``MAX_ATTRIBUTES``."""
    merged = {**current, **changes}
    merged = {name: value for name, value in merged.items() if value is not None}
    if len(merged) > MAX_ATTRIBUTES:
        raise ValueError(
            f"{prefix}: the account would have {len(merged)} custom attributes, more than {MAX_ATTRIBUTES} "
            "(remove some by sending them as null)"
        )
    return merged
