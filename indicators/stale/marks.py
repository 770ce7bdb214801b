"""Marking accounts stale: durably in the storing transaction, then a hint once it commits.

The mark is the truth a lost hint falls back on (the marked sweep); the version bump is what a
recompute's clear compares against (``claims``), so an event stored during a recompute keeps its
account marked.
"""

from __future__ import annotations

from functools import partial

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Account, Tenant
from indicators.stale.hint import hint_send

# Rows are locked in id order, so two ingesting transactions marking overlapping accounts cannot deadlock.
# The mark keeps its first time (the durable sweep's age) and bumps the version a recompute's clear checks.
# In two parts, so a caller can put its own CTEs before them (one statement, one round trip).
MARK_TARGET = """target AS (
  SELECT id FROM accounts_account WHERE tenant_id = %(tenant)s AND id = ANY(%(ids)s) ORDER BY id FOR NO KEY UPDATE
)"""
MARK_UPDATE = """
UPDATE accounts_account AS a
SET needs_recompute_since = COALESCE(a.needs_recompute_since, %(now)s), recompute_version = a.recompute_version + 1
FROM target WHERE a.id = target.id
"""
MARK = f"WITH {MARK_TARGET}{MARK_UPDATE}"


def accounts_mark_for_recompute(*, tenant: Tenant, account_ids: set[int]) -> None:
    """Mark the accounts as needing a recompute, durably, in the caller's transaction."""
    if not account_ids:
        return
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(MARK, {"tenant": tenant.pk, "ids": sorted(account_ids), "now": now})
        return
    Account.objects.for_tenant(tenant).filter(pk__in=account_ids).update(
        needs_recompute_since=Coalesce("needs_recompute_since", Value(now)),
        recompute_version=F("recompute_version") + 1,
    )


def accounts_mark_stale(*, tenant: Tenant, account_ids: set[int]) -> None:
    """Mark the accounts in the caller's transaction and send the hint once it commits."""
    accounts_mark_for_recompute(tenant=tenant, account_ids=account_ids)
    hint_after_commit(tenant=tenant, account_ids=account_ids)


def hint_after_commit(*, tenant: Tenant, account_ids: set[int]) -> None:
    """For a caller that marked the accounts itself (in a statement of its own, on the hot path)."""
    if account_ids:
        transaction.on_commit(partial(hint_send, tenant_id=tenant.pk, account_ids=set(account_ids)))
