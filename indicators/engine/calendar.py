"""The tenant's calendar: the one rule by which every day-based figure counts its days.

A day is a calendar date in the tenant's time zone. "Days since" is the number of the tenant's
midnights between the moment and ``as_of`` (a call at 01:00 New York time is "1 day" ago the next
morning, whatever UTC says); an N-day window is today and the N - 1 local dates before it; the
daily rollups are kept on those same dates. A moment after ``as_of`` counts from its moment, not before.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo


def local_day(moment: datetime, zone: tzinfo = UTC) -> date:
    """The tenant's calendar date of ``moment`` (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()
