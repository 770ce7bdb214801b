"""Small builders for engine inputs: a fixed ``as_of``, days and times counted back from it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from indicators.engine import (
    AccountFacts,
    AccountInputs,
    ContactDayRollup,
    ContactFacts,
    DayRollup,
    EventRecord,
    SurveyAnswer,
    SurveyAnswers,
    TenantFacts,
    account_values,
    build_index,
)

AS_OF = datetime(2025, 6, 30, 15, 0, tzinfo=UTC)
TODAY = AS_OF.date()
FEATURES = {"Dashboard Viewed": False, "Report Built": False, "Dashboard Shared": True, "Forecast Published": True}
TENANT = TenantFacts(features=FEATURES, products_in_catalogue=3, tickets_per_active_user_baseline=0.5)


def day(offset: int) -> date:
    """The UTC day ``offset`` days before as_of's (0 = that day)."""
    return TODAY - timedelta(days=offset)


def ago(days: float, hours: float = 0) -> datetime:
    return AS_OF - timedelta(days=days, hours=hours)


def usage(contact_id: int, offsets, features: dict[str, int] | None = None) -> list[ContactDayRollup]:
    """One rollup per active day of a contact, each with ``features`` (default: one dashboard view)."""
    features = features or {"Dashboard Viewed": 1}
    return [
        ContactDayRollup(contact_id=contact_id, day=day(o), usage_events=sum(features.values()), by_feature=features)
        for o in offsets
    ]


def account_days(contact_days) -> tuple[DayRollup, ...]:
    """The account rollups matching its contacts' rollups, as ingestion would keep them."""
    totals: dict[date, dict] = defaultdict(lambda: {"usage": 0, "users": 0, "features": defaultdict(int)})
    for row in contact_days:
        total = totals[row.day]
        total["usage"] += row.usage_events
        total["users"] += 1
        for key, count in row.by_feature.items():
            total["features"][key] += count
    return tuple(
        DayRollup(
            day=d,
            events=t["usage"],
            usage_events=t["usage"],
            active_users=t["users"],
            by_feature=dict(t["features"]),
            by_type={"usage": t["usage"]},
        )
        for d, t in sorted(totals.items())
    )


def event(type_: str, name: str, days_ago: float, contact: int | None = None, **properties) -> EventRecord:
    return EventRecord(type=type_, name=name, occurred_at=ago(days_ago), contact_id=contact, properties=properties)


def answer(contact: int | None, score: int, kind: str = "nps", days_ago: float = 10) -> SurveyAnswer:
    return SurveyAnswer(contact_id=contact, score=score, kind=kind, answered_at=ago(days_ago))


def contacts(n: int, **flags) -> tuple[ContactFacts, ...]:
    return tuple(ContactFacts(id=i, first_seen_at=ago(200), **flags) for i in range(1, n + 1))


def make_inputs(*, contact_days=(), answers=None, account=None, **overrides) -> AccountInputs:
    """An account with 10 licenses and 5 contacts, 90 days of rollups and 180 of events; override anything."""
    contact_days = tuple(contact_days)
    fields = {
        "as_of": AS_OF,
        "account": account or AccountFacts(licenses=10, products_subscribed=2, contract_start_on=day(400)),
        "tenant": TENANT,
        "contacts": contacts(5),
        "days": account_days(contact_days),
        "contact_days": contact_days,
        "rollups_since": day(89),
        "events_since": ago(180),
        "surveys": None if answers is None else SurveyAnswers(tuple(answers)),
    }
    fields.update(overrides)
    return AccountInputs(**fields)


def with_account(inputs: AccountInputs, **changes) -> AccountInputs:
    return replace(inputs, account=replace(inputs.account, **changes))


def values(inputs: AccountInputs) -> dict[str, float | None]:
    """Every account-level indicator of ``inputs``."""
    return account_values(build_index(inputs))


def contact_view(inputs: AccountInputs, contact_id: int):
    return build_index(inputs).contact_view(contact_id)
