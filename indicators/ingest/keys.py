"""Write-key authentication for the tracking API, remembered for a few seconds per process.

A pipeline sends many requests a second with one key; looking it up in the database each time
costs a query and its ORM work on every request. A key that authenticated is reused for
``TTL_SECONDS``: revoking a key therefore takes effect within that time (expiry is checked on
every request). Failed attempts are never remembered, so a new or fixed key works at once.
"""

from __future__ import annotations

import hashlib
import time

from accounts.models import ApiKey
from accounts.services.api_keys import api_key_authenticate

TTL_SECONDS = 5.0
MAX_REMEMBERED = 1_000
_remembered: dict[bytes, tuple[float, ApiKey]] = {}


def ingest_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, or None; from this process's memory when recently seen."""
    digest = hashlib.sha256(raw_key.encode()).digest()
    now = time.monotonic()
    hit = _remembered.get(digest)
    if hit is not None and hit[0] > now and hit[1].is_active:
        return hit[1]
    key = api_key_authenticate(raw_key)
    if key is None:
        _remembered.pop(digest, None)
        return None
    if len(_remembered) >= MAX_REMEMBERED:
        _remembered.clear()
    _remembered[digest] = (now + TTL_SECONDS, key)
    return key


def forget_keys() -> None:
    """Drop every remembered key (tests; a process that must see a revocation at once)."""
    _remembered.clear()
