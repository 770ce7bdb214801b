"""Days of a tenant's calendar as moments: when a day starts and ends in its time zone.

A snoozed alert comes back at the start of its day; a task is due at the end of its day. Both are
local midnights, which daylight-saving changes move in UTC, so they are computed from the zone's
rules for that very day, never by adding hours to a UTC moment.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day in ``zone`` of the aware ``moment``."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(zone).date()


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight at the start of ``day`` in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The last microsecond of ``day`` in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, time.max, tzinfo=zone).astimezone(UTC)


def due_end_of_day(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The end of the day ``days`` calendar days after ``moment``'s day in ``zone`` (0: that same day)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    return end_of_day(local_day(moment, zone) + timedelta(days=days), zone)
