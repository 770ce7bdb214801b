"""How long ingestion's own records are kept: pruned daily by ``indicators.prune_ingestion_records``.

The ingestion-error log shows tenant admins what their integrations got wrong lately; a month of
it is enough to find and fix a sender, and keeps a misbehaving one from growing the table forever.
Applied message ids are kept for their replay window (``replays.REPLAY_WINDOW``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Tenant
from indicators.ingest.replays import REPLAY_WINDOW
from indicators.models import AppliedMessage, IngestionError

ERROR_LOG_KEPT = timedelta(days=30)


def ingestion_errors_prune(*, now: datetime | None = None) -> int:
    """Delete logged rejections older than ``ERROR_LOG_KEPT``."""
    return _received_before(IngestionError, (now or timezone.now()) - ERROR_LOG_KEPT)


def applied_messages_prune(*, now: datetime | None = None) -> int:
    """Forget applied message ids older than the replay window."""
    return _received_before(AppliedMessage, (now or timezone.now()) - REPLAY_WINDOW)


def ingestion_records_prune(*, now: datetime | None = None) -> int:
    return ingestion_errors_prune(now=now) + applied_messages_prune(now=now)


def _received_before(model, cutoff: datetime) -> int:
    """Delete ``model``'s rows received before ``cutoff``, tenant by tenant (each delete uses its index)."""
    deleted = 0
    for tenant in Tenant.objects.only("pk"):
        deleted += model.objects.for_tenant(tenant).filter(received_at__lt=cutoff).delete()[0]
    return deleted
