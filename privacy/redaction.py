"""What erasure keeps of a value: pure rules, no Django import (tests/test_pure_modules.py checks it).

Event properties keep only the keys the figures read (scores, ticket and commercial facts), so indicators,
NPS and outcomes computed from them do not change; every other key (comments, subjects, summaries, traits
an integration sent) may name or describe the person and goes. Free text elsewhere (an alert's sentence, a
webhook payload) keeps its shape with each of the person's known values replaced by a marker.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Iterable

ERASED = "[erased]"

# Keys of an event's properties that the figures read and that describe no person: the NPS score and its
# answer's id and kind (indicators/scoring/surveys_source.py), ticket facts (indicators/engine/index.py),
# commercial amounts (outcomes/services/commercial.py).
KEPT_EVENT_KEYS = frozenset(
    {"score", "kind", "response_id", "amended_at", "direction", "ticket_id", "severity", "amount", "currency"}
)

# Shorter values are not searched for in free text: a two-letter name would blank unrelated words.
MIN_NEEDLE = 3


def kept_properties(properties) -> dict:
    """``properties`` with only the keys the figures read; anything not a dict becomes empty."""
    if not isinstance(properties, dict):
        return {}
    return {key: value for key, value in properties.items() if key in KEPT_EVENT_KEYS}


def needles_of(values: Iterable[str | None]) -> tuple[str, ...]:
    """The distinct values worth searching for, longest first (so an email goes before the name inside it)."""
    distinct = {v.strip() for v in values if isinstance(v, str) and len(v.strip()) >= MIN_NEEDLE}
    return tuple(sorted(distinct, key=lambda v: (-len(v), v)))


def redact_text(text: str, needles: tuple[str, ...]) -> str:
    """``text`` with every occurrence of each needle (any case) replaced by ERASED."""
    if not text or not needles:
        return text
    out = text
    for needle in needles:
        lowered, target = out.casefold(), needle.casefold()
        if target not in lowered:
            continue
        pieces, start = [], 0
        while (found := lowered.find(target, start)) != -1:
            pieces.append(out[start:found])
            pieces.append(ERASED)
            start = found + len(needle)
        pieces.append(out[start:])
        out = "".join(pieces)
    return out


def redact_json(value, needles: tuple[str, ...]):
    """A JSON value with every string (keys kept) redacted like ``redact_text``."""
    if isinstance(value, str):
        return redact_text(value, needles)
    if isinstance(value, list):
        return [redact_json(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: redact_json(item, needles) for key, item in value.items()}
    return value
