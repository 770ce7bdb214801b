"""How long ingestion's own records are kept: pruned daily by ``indicators.prune_ingestion_records``.

The ingestion-error log shows tenant admins what their integrations got wrong lately; a month of
it is enough to find and fix a sender, and keeps a misbehaving one from growing the table forever.
Applied message ids are kept for their replay window (``replays.REPLAY_WINDOW``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Tenant
from indicators.ingest.replays import applied_messages_prune
from indicators.models import IngestionError

ERROR_LOG_KEPT = timedelta(days=30)


def ingestion_errors_prune(*, now: datetime | None = None) -> int:
    """Delete logged rejections older than ``ERROR_LOG_KEPT``, tenant by tenant (along each one's index)."""
    cutoff = (now or timezone.now()) - ERROR_LOG_KEPT
    deleted = 0
    for tenant in Tenant.objects.only("pk"):
        deleted += IngestionError.objects.for_tenant(tenant).filter(received_at__lt=cutoff).delete()[0]
    return deleted


def ingestion_records_prune(*, now: datetime | None = None) -> int:
    return ingestion_errors_prune(now=now) + applied_messages_prune(now=now)
