"""Reads of the outbox for monitoring: how many webhook deliveries wait, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus


@dataclass(frozen=True)
class DeliveryBacklog:
    due: int  # waiting to be sent now (first attempts and retries whose time has come)
    scheduled: int  # waiting for a later retry, or leased to a worker sending them right now
    oldest_due: datetime | None  # the earliest next attempt among the due ones


def deliveries_backlog(*, now: datetime | None = None) -> DeliveryBacklog:
    """Deliveries still to send, across tenants (an operator's figure; no tenant is named in it)."""
    now = now or timezone.now()
    # Settled deliveries have no next attempt: the next_attempt_at index keeps this to the waiting rows.
    waiting = Delivery.unscoped.filter(
        next_attempt_at__isnull=False, status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED)
    )
    found = waiting.aggregate(
        due=Count("pk", filter=Q(next_attempt_at__lte=now)),
        scheduled=Count("pk", filter=Q(next_attempt_at__gt=now)),
        oldest_due=Min("next_attempt_at", filter=Q(next_attempt_at__lte=now)),
    )
    return DeliveryBacklog(due=found["due"], scheduled=found["scheduled"], oldest_due=found["oldest_due"])
