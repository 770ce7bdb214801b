"""Time-bound inputs whose end is a moment: a gut read stops counting when it expires, so its account is
marked for a recompute then (by the sweep every few seconds), not at the next periodic rescore."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from indicators.models import GutRead
from indicators.stale.marks import accounts_mark_stale

BATCH = 5_000


def expired_gut_reads_mark(*, now: datetime | None = None) -> int:
    """Mark the accounts of gut reads expired by ``now`` and not yet seen expired; return how many reads.

    Crosses tenants (an operator path, like the other sweeps): each tenant's accounts are marked in its
    own scope, durably, so the marked sweep recomputes them even if the hint is lost.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            GutRead.unscoped.select_for_update(skip_locked=True)
            .filter(expiry_marked_at__isnull=True, expires_at__lte=now)
            .order_by("expires_at")
            .values_list("pk", "tenant_id", "account_id")[:BATCH]
        )
        if not due:
            return 0
        by_tenant: dict[int, set[int]] = defaultdict(set)
        for _, tenant_id, account_id in due:
            by_tenant[tenant_id].add(account_id)
        for tenant in Tenant.objects.filter(pk__in=by_tenant):
            accounts_mark_stale(tenant=tenant, account_ids=by_tenant[tenant.pk])
        GutRead.unscoped.filter(pk__in=[pk for pk, _, _ in due]).update(expiry_marked_at=now)
    return len(due)
