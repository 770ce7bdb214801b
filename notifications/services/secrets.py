"""Endpoint secrets: the current one, rotation with an overlap, and which ones sign right now."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import EndpointSecret, WebhookEndpoint


def live_secrets(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> list[str]:
    """The secrets that sign a delivery at ``now``: the current one and any rotated one not yet expired."""
    now = now or timezone.now()
    rows = EndpointSecret.objects.for_tenant(endpoint.tenant_id).filter(endpoint=endpoint).order_by("-id")
    return [row.secret for row in rows if row.expires_at is None or row.expires_at > now]


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> EndpointSecret:
    """A new current secret; the previous current one signs on until ``now + WEBHOOKS_SECRET_OVERLAP``.

    Also the way an endpoint gets its first secret. The caller shows the new secret once.
    """
    now = now or timezone.now()
    secrets = EndpointSecret.objects.for_tenant(endpoint.tenant_id).filter(endpoint=endpoint)
    secrets.select_for_update().filter(expires_at__isnull=True).update(
        expires_at=now + settings.WEBHOOKS_SECRET_OVERLAP
    )
    return EndpointSecret.objects.create(tenant_id=endpoint.tenant_id, endpoint=endpoint)
