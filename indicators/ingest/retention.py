"""How long ingestion's own records are kept: pruned daily by ``indicators.prune_ingestion_records``.

The ingestion-error log shows tenant admins what their integrations got wrong lately; a month of
it is enough to find and fix a sender, and keeps a misbehaving one from growing the table forever.
Applied message ids are kept for their replay window (``replays.REPLAY_WINDOW``), stored events'
message ids for the tenant's de-duplication window (``event_dedup_days``). The events themselves
are kept by month (``indicators/partitions/maintenance.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Tenant
from indicators.ingest.replays import REPLAY_WINDOW
from indicators.models import AppliedMessage, EventMessage, IngestionError

ERROR_LOG_KEPT = timedelta(days=30)


def ingestion_errors_prune(*, now: datetime | None = None) -> int:
    """Delete logged rejections older than ``ERROR_LOG_KEPT``."""
    return _received_before(IngestionError, (now or timezone.now()) - ERROR_LOG_KEPT)


def applied_messages_prune(*, now: datetime | None = None) -> int:
    """Forget applied message ids older than the replay window."""
    return _received_before(AppliedMessage, (now or timezone.now()) - REPLAY_WINDOW)


def event_messages_prune(*, now: datetime | None = None) -> int:
    """Forget stored events' message ids older than each tenant's de-duplication window."""
    now = now or timezone.now()
    return _received_before(EventMessage, lambda tenant: now - timedelta(days=tenant.setting("event_dedup_days")))


def ingestion_records_prune(*, now: datetime | None = None) -> int:
    return ingestion_errors_prune(now=now) + applied_messages_prune(now=now) + event_messages_prune(now=now)


BATCH = 10_000  # rows a delete: a day of a busy tenant's message ids is millions


def _received_before(model, cutoff: datetime | Callable[[Tenant], datetime]) -> int:
    """Delete ``model``'s rows received before ``cutoff`` (or the tenant's own), tenant by tenant, in batches
    (each delete uses the (tenant, received_at) index)."""
    deleted = 0
    for tenant in Tenant.objects.only("pk", "settings"):
        before = cutoff(tenant) if callable(cutoff) else cutoff
        old = model.objects.for_tenant(tenant).filter(received_at__lt=before)
        while batch := list(old.values_list("pk", flat=True)[:BATCH]):
            deleted += old.filter(pk__in=batch).delete()[0]
    return deleted
