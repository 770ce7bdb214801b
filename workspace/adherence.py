"""Deadline adherence: the share of work items closed on or before their deadline.

It is a function of (due, closed) pairs, whatever the item: follow-ups today, and any other kind of
work with a deadline can be added by passing its pairs too. An item closed exactly at its deadline is
on time.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Adherence:
    on_time: int
    closed: int

    @property
    def share(self) -> float | None:
        """On-time share, 0-1; None when nothing closed (no rate out of nothing)."""
        return self.on_time / self.closed if self.closed else None

    def __add__(self, other: Adherence) -> Adherence:
        return Adherence(on_time=self.on_time + other.on_time, closed=self.closed + other.closed)


NONE_CLOSED = Adherence(on_time=0, closed=0)


def deadline_adherence(pairs: Iterable[tuple[datetime, datetime]]) -> Adherence:
    """Adherence over (due_at, closed_at) pairs of closed items (aware datetimes)."""
    on_time = closed = 0
    for due_at, closed_at in pairs:
        closed += 1
        on_time += closed_at <= due_at
    return Adherence(on_time=on_time, closed=closed)
