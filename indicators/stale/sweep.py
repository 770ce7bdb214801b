"""Turning "these accounts changed" into a few recompute tasks, never one per event.

Two sources: the Redis dirty set (fast: drained every second or so) and the durable marks on
accounts (slow: catches whatever Redis lost, e.g. during a broker outage).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from accounts.models import Account
from indicators.stale.hint import drain_dirty

# Marks older than this are swept from the database; younger ones are still in flight via Redis.
DURABLE_GRACE = timedelta(seconds=30)


def chunks_by_tenant(pairs, *, size: int) -> list[tuple[int, list[int]]]:
    """(tenant id, up to ``size`` of its account ids) for the (tenant id, account id) ``pairs``."""
    by_tenant: dict[int, set[int]] = defaultdict(set)
    for tenant_id, account_id in pairs:
        by_tenant[tenant_id].add(account_id)
    work = []
    for tenant_id, ids in sorted(by_tenant.items()):
        ordered = sorted(ids)
        work += [(tenant_id, ordered[i : i + size]) for i in range(0, len(ordered), size)]
    return work


def dirty_sweep(publish, *, size: int) -> int:
    """Drain the Redis dirty set into ``publish(tenant_id, account_ids)`` calls; return how many."""
    work = chunks_by_tenant(drain_dirty(), size=size)
    for tenant_id, ids in work:
        publish(tenant_id, ids)
    return len(work)


def marked_sweep(publish, *, size: int, grace: timedelta = DURABLE_GRACE) -> int:
    """Publish recomputes for accounts marked longer than ``grace`` ago (crosses tenants: operator path)."""
    stale = Account.unscoped.filter(needs_recompute_since__lte=timezone.now() - grace)
    work = chunks_by_tenant(stale.values_list("tenant_id", "pk")[:100_000], size=size)
    for tenant_id, ids in work:
        publish(tenant_id, ids)
    return len(work)
