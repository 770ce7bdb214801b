"""Adding a batch's rollup sums on any database: read the rows, add, write back.

Used where the database has a single writer (SQLite: the embedded default), so no concurrent
batch can change a row between the read and the write. PostgreSQL uses ``postgresql``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from accounts.models import Tenant
from indicators.ingest.rollups.deltas import DayDelta, Deltas
from indicators.ingest.sql import insert_rows
from indicators.models import AccountDay, ContactDay


def deltas_apply(*, tenant: Tenant, deltas: Deltas) -> None:
    contact_days = {(r.contact_id, r.day): r for r in _rows(ContactDay, tenant, "contact_id", deltas.contacts)}
    account_days = {(r.account_id, r.day): r for r in _rows(AccountDay, tenant, "account_id", deltas.accounts)}
    newly_active: dict[tuple[int, date], int] = defaultdict(int)
    for delta in deltas.contacts:
        row = contact_days.get((delta.contact_id, delta.day))
        if row is None:
            row = contact_days[(delta.contact_id, delta.day)] = ContactDay(
                tenant=tenant, contact_id=delta.contact_id, account_id=delta.account_id, day=delta.day,
                by_feature={}, last_activity_at=delta.last_activity_at,
            )  # fmt: skip
        if delta.usage_events and not row.usage_events:
            newly_active[(delta.usage_account_id, delta.day)] += 1
        _add(row, delta)
    for delta in deltas.accounts:
        row = account_days.get((delta.account_id, delta.day))
        if row is None:
            row = account_days[(delta.account_id, delta.day)] = AccountDay(
                tenant=tenant, account_id=delta.account_id, day=delta.day, by_feature={}, by_type={},
                last_activity_at=delta.last_activity_at,
            )  # fmt: skip
        _add(row, delta)
        row.by_type = _merged(row.by_type, delta.by_type)
        row.active_users += newly_active[(delta.account_id, delta.day)]
    _write(ContactDay, list(contact_days.values()), ["contact", "day"])
    _write(AccountDay, list(account_days.values()), ["account", "day"])


def _rows(model, tenant: Tenant, key: str, deltas: list[DayDelta]):
    if not deltas:
        return []
    by_day: dict[date, list[int]] = defaultdict(list)
    for delta in deltas:
        by_day[delta.day].append(delta.contact_id if key == "contact_id" else delta.account_id)
    match = Q()
    for day, owners in by_day.items():
        match |= Q(day=day, **{f"{key}__in": owners})
    return model.objects.for_tenant(tenant).filter(match)


def _add(row, delta: DayDelta) -> None:
    row.events += delta.events
    row.usage_events += delta.usage_events
    row.by_feature = _merged(row.by_feature, delta.by_feature)
    row.last_activity_at = max(row.last_activity_at, delta.last_activity_at)


def _merged(counts: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {**counts, **{key: counts.get(key, 0) + n for key, n in more.items()}}


def _write(model, rows, keys) -> None:
    fields = [f for f in model._meta.concrete_fields if f.name != "id"]
    conflict = ["tenant_id", *(model._meta.get_field(k).column for k in keys)]
    insert_rows(
        model, [{f.column: getattr(r, f.attname) for f in fields} for r in rows], conflict=conflict, update=True
    )
