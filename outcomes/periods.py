"""Reporting periods of a tenant's calendar: months, quarters, years and trailing twelve months.

Every period is a range [start, end) of local dates (the tenant's time zone decides which day "today"
is; ``local_today`` turns a moment into it). ``periods`` lists the calendar periods that lie wholly
inside a requested range, so a figure is never computed on a slice of a month nobody asked for, plus
the running period, the one containing today, cut at the end of today and marked "to date"
(``complete`` False), provided it starts inside the range. Periods that have not started are left out.

A trailing-twelve-months period (ttm) ends with a month: one per month the month rule selects, covering
that month and the eleven before it, which may start before the requested range (the range chooses the
month ends, not the window). The running one covers the eleven whole months before the running month
and the running month to date.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PERIOD_KINDS = ("month", "quarter", "year", "ttm")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12, "ttm": 1}  # ttm steps month by month
TTM_MONTHS = 12
TO_DATE = " (to date)"
# How many periods a trend shows when asked without a start: two years of quarters, three of years.
DEFAULT_COUNTS = {"month": 12, "quarter": 8, "year": 3, "ttm": 12}


class InvalidPeriod(ValueError):
    """Bad period input, naming the field at fault so an API can answer 400 with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    """A reporting period [start, end) of local dates; ``complete`` is False for the running one."""

    start: date
    end: date
    label: str
    complete: bool = True

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def local_today(moment: datetime, time_zone: str) -> date:
    """The date ``moment`` (aware) falls on in ``time_zone``: the tenant's today."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidPeriod("time_zone", f"unknown time zone {time_zone!r}")
    return moment.astimezone(zone).date()


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_start_on_or_after(kind: str, day: date) -> date:
    """The first calendar boundary of ``kind`` on or after ``day`` (quarters start in Jan, Apr, Jul, Oct)."""
    step = MONTHS_IN[kind]
    first = date(day.year, day.month, 1)
    first = add_months(first, -((first.month - 1) % step))  # back to the boundary of the period holding day
    return first if first == day else add_months(first, step)


def check_kind(kind: str) -> None:
    """Raise ``InvalidPeriod`` (naming ``kind``) unless ``kind`` is one of ``PERIOD_KINDS``."""
    if kind not in PERIOD_KINDS:
        raise InvalidPeriod("kind", f"must be one of {', '.join(PERIOD_KINDS)}")


def default_start(kind: str, last_day: date) -> date:
    """Where a trend of ``kind`` asked without a start begins: ``DEFAULT_COUNTS[kind]`` periods back, the
    one holding ``last_day`` included (so its periods are whole, the last one perhaps to date)."""
    check_kind(kind)
    step = MONTHS_IN[kind]
    holding = add_months(period_start_on_or_after(kind, last_day + timedelta(days=1)), -step)
    return add_months(holding, -step * (DEFAULT_COUNTS[kind] - 1))


def label_of(kind: str, start: date) -> str:
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == "year":
        return f"{start.year}"
    return f"TTM to {start:%Y-%m}"  # named by the month it ends with


def _calendar_starts(kind: str, start: date, end: date) -> Iterator[date]:
    step = MONTHS_IN[kind]
    cursor = period_start_on_or_after(kind, start)
    while cursor < end:
        yield cursor
        cursor = add_months(cursor, step)


def periods(kind: str, start: date, end: date, *, today: date) -> list[Period]:
    """The periods of ``kind`` inside [``start``, ``end``), oldest first, the running one to date.

    ``today`` is the tenant's local date (``local_today``): the period holding it is cut at the end of
    today. Raises ``InvalidPeriod`` for an unknown kind or an empty range.
    """
    check_kind(kind)
    if start >= end:
        raise InvalidPeriod("end", "must be after start")
    found = []
    for first in _calendar_starts(kind, start, end):
        natural_end = add_months(first, MONTHS_IN[kind])
        running = first <= today < natural_end
        if first > today or (natural_end > end and not (running and today < end)):
            continue  # not started yet, or a slice of a past period cut by the range
        window_start = add_months(first, 1 - TTM_MONTHS) if kind == "ttm" else first
        label = label_of(kind, first)
        if running:
            found.append(Period(window_start, today + timedelta(days=1), label + TO_DATE, complete=False))
        else:
            found.append(Period(window_start, natural_end, label))
    return found
