"""Time counted in business hours, in a tenant's time zone. Pure: no Django, no database.

Business hours run from ``OPENS`` to ``CLOSES`` local time on business days (Monday to Friday,
not in ``holidays``: see business_days.py). They are constants, the same for every tenant, so a
department's response times compare across tenants; the functions take them as arguments so a
tenant setting could supply them later. Each day's window is placed in the zone on its own date,
so an hour is a real hour on the days clocks change (they change at night, outside the window).
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from followups.business_days import is_business_day

OPENS = time(9, 0)
CLOSES = time(17, 0)


def working_window(day: date, zone: ZoneInfo, opens: time = OPENS, closes: time = CLOSES) -> tuple[datetime, datetime]:
    """The business hours of ``day`` in ``zone``, as aware UTC datetimes."""
    return (
        datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, closes, tzinfo=zone).astimezone(UTC),
    )


def _require_valid(opens: time, closes: time, *moments: datetime) -> None:
    if any(m.tzinfo is None for m in moments):
        raise ValueError("moments must be timezone-aware")
    if opens >= closes:
        raise ValueError("business hours must open before they close")


def business_hours_between(
    start: datetime,
    end: datetime,
    time_zone: str,
    holidays: Container[date] = (),
    *,
    opens: time = OPENS,
    closes: time = CLOSES,
) -> float:
    """Business hours from ``start`` to ``end`` (aware) in ``time_zone``; 0 when ``end`` is not after ``start``."""
    _require_valid(opens, closes, start, end)
    if end <= start:
        return 0.0
    zone = ZoneInfo(time_zone)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    worked = timedelta()
    while day <= last:
        if is_business_day(day, holidays):
            window_start, window_end = working_window(day, zone, opens, closes)
            overlap = min(end, window_end) - max(start, window_start)
            if overlap > timedelta():
                worked += overlap
        day += timedelta(days=1)
    return worked.total_seconds() / 3600


def business_hours_deadline(
    moment: datetime,
    hours: float,
    time_zone: str,
    holidays: Container[date] = (),
    *,
    opens: time = OPENS,
    closes: time = CLOSES,
) -> datetime:
    """The moment (UTC) when ``hours`` business hours have passed since ``moment`` (aware) in ``time_zone``.

    A moment outside business hours counts from the next opening; an allowance used up exactly at
    closing time is due then, not at the next opening. ``business_hours_between(moment, deadline)``
    gives back ``hours``.
    """
    _require_valid(opens, closes, moment)
    if hours < 0:
        raise ValueError("hours must be zero or more")
    zone = ZoneInfo(time_zone)
    moment = moment.astimezone(UTC)
    remaining = timedelta(hours=hours)
    day = moment.astimezone(zone).date()
    while True:
        if is_business_day(day, holidays):
            window_start, window_end = working_window(day, zone, opens, closes)
            start = max(moment, window_start)
            if start <= window_end:
                if remaining <= window_end - start:
                    return start + remaining
                remaining -= window_end - start
        day += timedelta(days=1)
