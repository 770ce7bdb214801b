"""Timestamps read through psycopg's C loader when the database session is in UTC.

Django reads every ``timestamptz`` through a Python subclass of psycopg's pure-Python loader, to set
the tzinfo it wants; that costs about 5 µs a value, a tenth of a score recompute's Python time. With
``USE_TZ`` the session is in UTC, and psycopg's C loader already returns datetimes in
``datetime.timezone.utc``: the same values, in a seventh of the time (bench/recompute.py).
"""

from __future__ import annotations

from datetime import UTC

import psycopg
from psycopg.adapt import Loader
from psycopg.pq import Format

_loader = psycopg.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, Format.TEXT)
C_LOADER = _loader if _loader.__module__.startswith("psycopg_") else None  # None: psycopg without its C module


class UtcTimestamptzLoader(Loader):
    """Delegates to the C loader (a final type: it can't be subclassed)."""

    timezone = UTC  # Django's cursors compare this with their own timezone before replacing the loader

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._load = C_LOADER(oid, context).load

    def load(self, data):
        return self._load(data)


def utc_timestamps_fast(sender, connection, **kwargs) -> None:
    """On a new PostgreSQL connection whose session is in UTC, read timestamps with the C loader."""
    if C_LOADER is None or connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    if connection.connection.info.parameter_status("TimeZone") not in ("UTC", "Etc/UTC"):
        return
    connection.connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
