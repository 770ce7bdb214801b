"""A batch's events summed per (contact, day) and (account, day), in Python, before they are stored.

A contact counts as an active user of an account on a day from its first usage event that day.
When one batch holds a contact's usage for several accounts on one day, the account with the
smallest id gets the active user, on both paths.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from indicators.engine.calendar import local_day


@dataclass(frozen=True)
class EventFact:
    account_id: int
    contact_id: int | None
    occurred_at: datetime
    type: str
    feature: str | None  # the feature usage counts for (after merges); None for other types


@dataclass
class DayDelta:
    """What a batch adds to one rollup row."""

    account_id: int
    day: date
    last_activity_at: datetime
    events: int = 0
    usage_events: int = 0
    by_feature: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    contact_id: int | None = None  # set on contact rows
    usage_account_id: int | None = None  # contact rows: the account its usage makes it active for

    def add(self, fact: EventFact) -> None:
        self.events += 1
        self.by_type[fact.type] = self.by_type.get(fact.type, 0) + 1
        if fact.type == "usage":
            self.usage_events += 1
            if fact.feature:
                self.by_feature[fact.feature] = self.by_feature.get(fact.feature, 0) + 1
            if self.usage_account_id is None or fact.account_id < self.usage_account_id:
                self.usage_account_id = fact.account_id
        if fact.occurred_at > self.last_activity_at:
            self.last_activity_at = fact.occurred_at


@dataclass(frozen=True)
class Deltas:
    """A batch's sums, each list sorted by its row key so row locks are always taken in one order."""

    accounts: list[DayDelta]  # by (account_id, day)
    contacts: list[DayDelta]  # by (contact_id, day)


def deltas_of(facts: Iterable[EventFact], zone: tzinfo = UTC) -> Deltas:
    """Rollup days are the tenant's calendar dates (``indicators/engine/calendar.py``), in its ``zone``."""
    accounts: dict[tuple[int, date], DayDelta] = {}
    contacts: dict[tuple[int, date], DayDelta] = {}
    for fact in facts:
        day = local_day(fact.occurred_at, zone)
        key = (fact.account_id, day)
        if key not in accounts:
            accounts[key] = DayDelta(fact.account_id, day, fact.occurred_at)
        accounts[key].add(fact)
        if fact.contact_id:
            key = (fact.contact_id, day)
            if key not in contacts:
                contacts[key] = DayDelta(fact.account_id, day, fact.occurred_at, contact_id=fact.contact_id)
            contacts[key].add(fact)
    return Deltas(
        accounts=[accounts[k] for k in sorted(accounts)],
        contacts=[contacts[k] for k in sorted(contacts)],
    )
