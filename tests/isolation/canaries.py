"""Canary strings, and the scanner that finds them in responses.

Every text value of tenant B's rows is a canary: ``canaryb<model><field><8 hex>`` (emails put the
canary in the local part). The scanner looks for ``canaryb…`` tokens in a response and reports
those that belong to B, except tokens the request itself sent (an echoed search term is no leak).
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable

from django.db import models

PREFIX = "canaryb"
EMAIL_DOMAIN = "@canary.example"
TOKEN_RE = re.compile(PREFIX + r"[a-z0-9]{6,}", re.IGNORECASE)
HEX_LEN = 8
# A response token shorter than this is not matched against B's canaries by prefix (truncated display).
MIN_PREFIX_MATCH = len(PREFIX) + 6


def canary(label: str, max_length: int | None = None) -> str:
    """A unique canary for ``label`` that fits in ``max_length`` (the random part is never cut)."""
    core = re.sub(r"[^a-z0-9]", "", label.lower())
    tail = secrets.token_hex(HEX_LEN // 2)
    if max_length is not None:
        room = max_length - len(PREFIX) - len(tail)
        if room < 0:
            raise ValueError(f"max_length={max_length} cannot hold a canary ({label}).")
        core = core[:room]
    return f"{PREFIX}{core}{tail}"


def canary_email(label: str, max_length: int = 254) -> str:
    return canary(label, max_length - len(EMAIL_DOMAIN)) + EMAIL_DOMAIN


def fresh(label: str = "isoctl") -> str:
    """A value that no row holds: the "nonexistent" control for a B value (never a canary)."""
    return f"{label}{secrets.token_hex(5)}"


def fresh_fitting(max_length: int | None, label: str = "isoctl") -> str:
    """``fresh(label)``, or for a field too short for it (an ISO currency code, say) fresh upper-case letters
    of its length."""
    value = fresh(label)
    if max_length is not None and max_length < len(value):
        return "".join(secrets.choice(string.ascii_uppercase) for _ in range(max_length))
    return value


def fresh_for(field) -> str:
    """A fresh value that is valid for ``field`` (an email for an EmailField)."""
    if isinstance(field, models.EmailField):
        return fresh() + "@fresh.example"
    if isinstance(field, models.URLField):
        return f"https://93.184.216.34/{fresh()}"  # a public literal address: webhook URLs are checked, no DNS
    return fresh()


def is_text_field(field) -> bool:
    return isinstance(field, models.CharField | models.TextField) and field.concrete


def tokens(text: str) -> set[str]:
    return {t.lower() for t in TOKEN_RE.findall(text or "")}


def _related(a: str, b: str) -> bool:
    """Same canary, possibly truncated or followed by more alphanumerics."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return long_.startswith(short) and len(short) >= MIN_PREFIX_MATCH


class CanaryRegistry:
    """Every canary placed in B's rows, by value, with where it was placed."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}  # canary token -> "Model.field"

    def add(self, value: str, where: str) -> str:
        found = tokens(value)
        if not found:
            raise AssertionError(f"{where}: {value!r} holds no canary")
        for token in found:
            self.where[token] = where
        return value

    def make(self, where: str, field=None, *, email: bool | None = None) -> str:
        max_length = getattr(field, "max_length", None)
        if email or isinstance(field, models.EmailField):
            value = canary_email(where.replace(".", ""), max_length or 254)
        else:
            value = canary(where.replace(".", ""), max_length)
        return self.add(value, where)

    def __contains__(self, token: str) -> bool:
        return token in self.where

    def __len__(self) -> int:
        return len(self.where)

    def leaks(self, text: str, sent: Iterable[str] = ()) -> list[tuple[str, str, str]]:
        """B canaries in ``text`` that were not in ``sent``: (token, where placed, context)."""
        found = tokens(text)
        if not found:
            return []
        sent_tokens = set()
        for chunk in sent:
            sent_tokens |= tokens(chunk)
        leaks = []
        for token in sorted(found):
            if any(_related(token, s) for s in sent_tokens):
                continue
            owner = next((c for c in self.where if _related(token, c)), None)
            if owner is None:
                continue
            at = text.lower().find(token)
            leaks.append((token, self.where[owner], text[max(0, at - 80) : at + len(token) + 40]))
        return leaks
