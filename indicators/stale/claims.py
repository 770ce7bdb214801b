"""Claiming accounts for a recompute, and clearing their marks only when nothing arrived meanwhile.

A recompute holds no row lock on its accounts while it works: ingestion inserts rows that reference
an account (the foreign-key check takes a KEY SHARE lock on it) and marks it, and neither may wait
seconds for a chunk of scores. Instead:

- the claim is a transaction-level advisory lock per account id (PostgreSQL), so two workers never
  score one account at once; it reads each account's ``recompute_version``;
- every mark bumps that version, in the ingesting transaction;
- the mark is cleared only where the version is still the one the claim read. Events committed
  after the inputs were loaded came with a bump, so their account stays marked and is scored again.
  A row an ingesting transaction holds right now is skipped, not waited for: its version is about
  to change anyway.

Advisory lock keys in the single-bigint space are account ids (unique across tenants).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q

from accounts.lookups import id_array
from accounts.models import Account, Tenant

CLAIM = """
WITH mine AS MATERIALIZED (
  SELECT id, recompute_version FROM accounts_account
  WHERE tenant_id = %(tenant)s AND id = ANY(%(ids)s::bigint[]) ORDER BY id
)
SELECT id, recompute_version FROM mine WHERE pg_try_advisory_xact_lock(id)
"""
CLEAR = """
UPDATE accounts_account AS a SET needs_recompute_since = NULL
FROM (
  SELECT acc.id FROM accounts_account AS acc
  JOIN unnest(%(ids)s::bigint[], %(versions)s::bigint[]) AS c(id, version) ON acc.id = c.id
  WHERE acc.tenant_id = %(tenant)s AND acc.recompute_version = c.version AND acc.needs_recompute_since IS NOT NULL
  FOR NO KEY UPDATE OF acc SKIP LOCKED
) AS done
WHERE a.id = done.id
"""


def accounts_claim(*, tenant: Tenant, account_ids: list[int]) -> dict[int, int]:
    """{account id: version} of the tenant's accounts among ``account_ids`` that no other recompute holds.

    Call inside a transaction: the claims last until it ends.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(CLAIM, {"tenant": tenant.pk, "ids": id_array(account_ids)})
            return dict(cursor.fetchall())
    # SQLite has a single writer: recomputes there never run side by side.
    rows = Account.objects.for_tenant(tenant).filter(pk__one_of=account_ids).order_by("pk")
    return dict(rows.values_list("pk", "recompute_version"))


def marks_clear(*, tenant: Tenant, claimed: dict[int, int]) -> None:
    """Clear the marks of claimed accounts that nothing marked again since the claim."""
    if not claimed:
        return
    ids = sorted(claimed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            params = {"tenant": tenant.pk, "ids": id_array(ids), "versions": id_array(claimed[i] for i in ids)}
            cursor.execute(CLEAR, params)
        return
    unchanged = reduce(or_, (Q(pk=pk, recompute_version=claimed[pk]) for pk in ids))
    Account.objects.for_tenant(tenant).filter(unchanged).update(needs_recompute_since=None)
