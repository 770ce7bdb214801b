"""Daily rollups per account and per contact, kept current as events are stored.

Later computations read these (and recent events) instead of scanning all history. A batch's
events are first summed per (contact, day) and (account, day) here, in Python; the sums are then
added to the stored rows: on PostgreSQL by one statement of atomic increments (no read, no
account lock, so concurrent batches for the same account only meet on the rows they share), on
other databases (SQLite, single-writer) by reading, adding and writing back.

A contact counts as an active user of an account on a day from its first usage event that day.
When one batch holds a contact's usage for several accounts on one day, the account with the
smallest id gets the active user, on both paths.
"""

from __future__ import annotations

from django.db import connection

from accounts.models import Tenant
from accounts.zones import tenant_zone
from indicators.ingest.rollups import portable, postgresql
from indicators.ingest.rollups.deltas import EventFact, deltas_of


def rollups_add(*, tenant: Tenant, facts: list[EventFact]) -> set[int]:
    """Add ``facts`` to the rollups; return the ids of the accounts touched."""
    if not facts:
        return set()
    deltas = deltas_of(facts, tenant_zone(tenant))
    apply = postgresql.deltas_apply if connection.vendor == "postgresql" else portable.deltas_apply
    apply(tenant=tenant, deltas=deltas)
    return {d.account_id for d in deltas.accounts}
