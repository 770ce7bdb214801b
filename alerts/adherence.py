"""Deadline adherence of tasks: whether each was done on time, and when that became known.

A task is on time when it was done by its deadline (done_at <= due_at). Its verdict is known from
the moment it was done or, undone, from the moment its deadline passed: a task still open before
its deadline is not counted either way. Counting by that moment lets a team view ask "of the
tasks decided since Monday, how many were on time?" without counting work still in hand.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Verdict:
    decided_at: datetime
    on_time: bool


@dataclass(frozen=True, slots=True)
class Adherence:
    on_time: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        """On-time share, or None when no task was decided (no data is no data)."""
        return self.on_time / self.total if self.total else None


def task_verdict(*, due_at: datetime, done_at: datetime | None, now: datetime) -> Verdict | None:
    """Whether a task was done on time and since when that is known; None while it is open and not yet due."""
    if done_at is not None:
        on_time = done_at <= due_at
        return Verdict(decided_at=done_at if on_time else due_at, on_time=on_time)
    if due_at < now:
        return Verdict(decided_at=due_at, on_time=False)
    return None


def adherence_of(tasks: Iterable[tuple[datetime, datetime | None]], *, since: datetime, now: datetime) -> Adherence:
    """(on time, total) over ``tasks`` given as (due_at, done_at), counting those decided in [since, now]."""
    on_time = total = 0
    for due_at, done_at in tasks:
        verdict = task_verdict(due_at=due_at, done_at=done_at, now=now)
        if verdict is None or not since <= verdict.decided_at <= now:
            continue
        total += 1
        on_time += verdict.on_time
    return Adherence(on_time=on_time, total=total)
