"""What a timeline source is asked (a ``Window`` of the tenant's days) and what it answers (``Entry`` rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ONE_MICROSECOND = timedelta(microseconds=1)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of ``day`` in ``zone`` (where midnight is skipped by a clock change, the moment it
    became that day)."""
    return datetime.combine(day, time.min, tzinfo=zone)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the timeline."""

    at: datetime  # aware
    kind: str  # the key of the source that made it
    title: str
    detail: str = ""
    link: str = ""  # the console page of the row behind it, if it has one
    # A summary of a whole day (usage) or a fact known only by its date (a renewal closed): shown by its date
    # and placed at the end of that day, above the day's other entries.
    whole_day: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    """The tenant's days from ``first_day`` to ``last_day`` (both included), of which the timeline shows the
    ``limit`` newest entries: a source need return no more than its own ``limit`` newest."""

    first_day: date
    last_day: date
    zone: ZoneInfo
    limit: int

    @property
    def start(self) -> datetime:
        return day_start(self.first_day, self.zone)

    @property
    def end(self) -> datetime:
        """The first moment after the window (excluded)."""
        return day_start(self.last_day + timedelta(days=1), self.zone)

    def day_end(self, day: date) -> datetime:
        """Where a whole-day entry of ``day`` sits: the day's last moment."""
        return day_start(day + timedelta(days=1), self.zone) - ONE_MICROSECOND

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)
