"""The tenant's day as a span of instants: what "today" and "due today" mean on a CSM's page.

A local day runs from its midnight to the next one in the tenant's time zone, so it lasts 23 or 25 hours
when the clocks change that day. Both ends are given in UTC: an aware datetime in a zone compares by its
wall clock against another of the same zone, which is wrong across a DST fold.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class LocalDay:
    day: date  # the tenant's calendar date
    start: datetime  # its first instant, in UTC
    end: datetime  # the next day's first instant, in UTC (exclusive)


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone``, in UTC. Where midnight does not exist (a zone that moves its
    clocks at midnight), the offset before the change maps it to the first instant that does."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def local_day(now: datetime, zone: tzinfo) -> LocalDay:
    """The day in ``zone`` that holds the instant ``now`` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    day = now.astimezone(zone).date()
    return LocalDay(day=day, start=local_midnight(day, zone), end=local_midnight(day + timedelta(days=1), zone))


def days_back(day: LocalDay, days: int, zone: tzinfo) -> datetime:
    """The first instant of the day ``days - 1`` days before ``day``: "the last ``days`` days" with today counted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    return local_midnight(day.day - timedelta(days=days - 1), zone)
