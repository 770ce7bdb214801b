"""When a tenant's daily digest is due: 08:00 on the tenant's wall clock, on every day including DST days.

The moment is built from the local date and the wall-clock hour, then compared as an instant in UTC, so the
hour the clocks skip or repeat never moves the digest to the wrong day or sends it an hour off.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

DIGEST_HOUR = time(8, 0)


def digest_moment(day: date, zone: tzinfo, at: time = DIGEST_HOUR) -> datetime:
    """The instant, in UTC, at which ``day``'s digest is due in ``zone``."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def digest_day_due(now: datetime, zone: tzinfo, at: time = DIGEST_HOUR) -> date | None:
    """The local date whose digest is due at ``now`` (an aware datetime), or None before ``at`` that day."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    day = now.astimezone(zone).date()
    return day if now >= digest_moment(day, zone, at) else None
