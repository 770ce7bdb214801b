"""Daily rollups per account and per contact, kept current as events are stored.

Later computations read these (and recent events) instead of scanning all history. The touched
accounts are locked first, in primary-key order, so concurrent ingestion for the same account
queues up instead of losing an update, and never deadlocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q

from accounts.models import Account, Tenant
from indicators.ingest.sql import insert_rows
from indicators.models import AccountDay, ContactDay


@dataclass(frozen=True)
class EventFact:
    account_id: int
    contact_id: int | None
    occurred_at: datetime
    type: str
    feature: str | None  # the feature usage counts for (after merges); None for other types


def rollups_add(*, tenant: Tenant, facts: list[EventFact]) -> set[int]:
    """Add ``facts`` to the rollups; return the ids of the accounts touched."""
    if not facts:
        return set()
    account_ids = sorted({f.account_id for f in facts})
    list(Account.objects.for_tenant(tenant).filter(pk__in=account_ids).order_by("pk").select_for_update().values("pk"))
    # Only the (account, day) and (contact, day) pairs these events touch: read, add to, write back.
    account_pairs = {(f.account_id, _utc_day(f.occurred_at)) for f in facts}
    contact_pairs = {(f.contact_id, _utc_day(f.occurred_at)) for f in facts if f.contact_id}
    account_days = {(r.account_id, r.day): r for r in _rows(AccountDay, tenant, "account_id", account_pairs)}
    contact_days = {(r.contact_id, r.day): r for r in _rows(ContactDay, tenant, "contact_id", contact_pairs)}
    newly_active: dict[tuple[int, date], set[int]] = defaultdict(set)
    for fact in facts:
        day = _utc_day(fact.occurred_at)
        account_day = account_days.get((fact.account_id, day)) or account_days.setdefault(
            (fact.account_id, day),
            AccountDay(tenant=tenant, account_id=fact.account_id, day=day, by_feature={}, by_type={},
                       last_activity_at=fact.occurred_at),
        )  # fmt: skip
        _count(account_day, fact)
        account_day.by_type[fact.type] = account_day.by_type.get(fact.type, 0) + 1
        if fact.contact_id:
            contact_day = contact_days.get((fact.contact_id, day)) or contact_days.setdefault(
                (fact.contact_id, day),
                ContactDay(tenant=tenant, contact_id=fact.contact_id, account_id=fact.account_id, day=day,
                           by_feature={}, last_activity_at=fact.occurred_at),
            )  # fmt: skip
            was_active = contact_day.usage_events > 0
            _count(contact_day, fact)
            if fact.type == "usage" and not was_active:
                newly_active[(fact.account_id, day)].add(fact.contact_id)
    for key, contacts in newly_active.items():
        account_days[key].active_users += len(contacts)
    _upsert(AccountDay, list(account_days.values()), ["account", "day"])
    _upsert(ContactDay, list(contact_days.values()), ["contact", "day"])
    return set(account_ids)


def _rows(model, tenant: Tenant, key: str, pairs: set[tuple[int, date]]):
    if not pairs:
        return []
    by_day: dict[date, list[int]] = defaultdict(list)
    for owner, day in pairs:
        by_day[day].append(owner)
    match = Q()
    for day, owners in by_day.items():
        match |= Q(day=day, **{f"{key}__in": owners})
    return model.objects.for_tenant(tenant).filter(match)


def _utc_day(moment: datetime) -> date:
    """Rollup days are UTC calendar days, whatever time zone the caller's datetime carries."""
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def _count(row, fact: EventFact) -> None:
    row.events += 1
    if fact.type == "usage":
        row.usage_events += 1
        if fact.feature:
            row.by_feature[fact.feature] = row.by_feature.get(fact.feature, 0) + 1
    if fact.occurred_at > row.last_activity_at:
        row.last_activity_at = fact.occurred_at


def _upsert(model, rows, keys) -> None:
    """Write the merged rows back, overwriting the stored ones (the accounts are locked)."""
    fields = [f for f in model._meta.concrete_fields if f.name != "id"]
    conflict = ["tenant_id", *(model._meta.get_field(k).column for k in keys)]
    insert_rows(
        model, [{f.column: getattr(r, f.attname) for f in fields} for r in rows], conflict=conflict, update=True
    )
