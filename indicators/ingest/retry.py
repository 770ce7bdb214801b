"""Running a whole ingesting transaction again when PostgreSQL aborted it to break a deadlock.

Rows a batch shares with concurrent ones (rollups, events, contacts, accounts) are written in key
order, which prevents most deadlocks; a few writes cannot be ordered (new contacts and accounts
in message order). A batch is idempotent (message ids), so running it again is always safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure


def with_deadlock_retry(run: Callable[[], T], *, attempts: int = 3) -> T:
    """``run()`` (which opens its own transaction), again up to ``attempts`` times if aborted by a deadlock."""
    if connection.in_atomic_block:  # inside the caller's transaction: only the caller can start over
        return run()
    for attempt in range(1, attempts + 1):
        try:
            return run()
        except OperationalError as exc:
            if attempt == attempts or getattr(exc.__cause__, "sqlstate", None) not in RETRYABLE:
                raise
            logger.warning("Ingesting transaction aborted (%s); running it again.", exc.__cause__.sqlstate)
    raise AssertionError("unreachable")
