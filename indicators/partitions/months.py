"""Monthly partitions of the events table: their names and bounds, which to keep and which to drop.

Months are UTC months: partitions are storage, shared by every tenant, and a tenant's calendar
matters only to what is read from them. Retention is counted in whole months, so a partition is
dropped whole, never half of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

PARENT = "indicators_event"
DEFAULT = f"{PARENT}_default"
AHEAD = 3  # months created beyond the current one: beat may miss a few days, ingestion never waits
NAME = re.compile(rf"^{PARENT}_p(\d{{4}})_(\d{{2}})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime | date) -> Month:
        return cls(moment.year, moment.month)

    @classmethod
    def named(cls, table: str) -> Month | None:
        """The month a partition's name holds; None for any other table (the default partition)."""
        match = NAME.match(table)
        return cls(int(match[1]), int(match[2])) if match else None

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    @property
    def table(self) -> str:
        return f"{PARENT}_p{self.year:04d}_{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = month.plus(1)
    return months


def months_ahead(now: datetime) -> list[Month]:
    """The months that must have a partition before their events arrive: last month to ``AHEAD`` on."""
    current = Month.of(now.astimezone(UTC))
    return months_between(current.plus(-1), current.plus(AHEAD))


def retention_cutoff(now: datetime, months: int) -> datetime:
    """The start of the oldest month kept when ``months`` whole months are kept before the current one.

    Kept: the current month and the ``months`` before it; everything earlier is past retention.
    """
    return Month.of(now.astimezone(UTC)).plus(-months).start


def droppable(partitions: list[Month], cutoff: datetime) -> list[Month]:
    """The partitions wholly before ``cutoff``: none of their events is within anybody's retention."""
    return [m for m in partitions if m.end <= cutoff]
