"""Deadlines counted in business days, in a tenant's time zone. Pure: no Django, no database.

The deadline of "N business days after a moment" is the end (last microsecond, local time) of
the N-th business day after the moment's local date. Weekend days are never counted, so a
response on Saturday or Sunday counts from Monday: with N=2 it is due at the end of Tuesday,
like a response on Friday evening. N=0 means by the end of the same business day (Monday for a
weekend moment). A later moment never gets an earlier deadline.

``holidays`` holds the other days that are not business days (the tenant's public holidays and
closing days): anything answering ``day in holidays``.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SATURDAY = 5  # date.weekday(): Monday is 0


def is_business_day(day: date, holidays: Container[date] = ()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def business_day_on_or_after(day: date, holidays: Container[date] = ()) -> date:
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def nth_business_day_after(day: date, n: int, holidays: Container[date] = ()) -> date:
    """The ``n``-th business day strictly after ``day`` (``n`` >= 1)."""
    if n < 1:
        raise ValueError("n must be 1 or more")
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return day


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The last microsecond of ``day`` in ``zone``, as an aware UTC datetime."""
    return datetime.combine(day, time.max, tzinfo=zone).astimezone(UTC)


def business_deadline(moment: datetime, days: int, time_zone: str, holidays: Container[date] = ()) -> datetime:
    """End of the ``days``-th business day after ``moment`` (aware) in ``time_zone``, in UTC."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    if days < 0:
        raise ValueError("days must be zero or more")
    zone = ZoneInfo(time_zone)
    local_day = moment.astimezone(zone).date()
    if days == 0:
        return end_of_day(business_day_on_or_after(local_day, holidays), zone)
    return end_of_day(nth_business_day_after(local_day, days, holidays), zone)
