"""Saving an endpoint and rotating its secret: the rules the admin and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import EndpointSecret, WebhookEndpoint
from notifications.services.secrets import live_secrets, rotate_secret


def _check_tenant(tenant, endpoint: WebhookEndpoint) -> None:
    if endpoint.tenant_id != tenant.pk:
        raise ValueError(f"Endpoint {endpoint.pk} is not tenant {tenant.pk}'s.")


@transaction.atomic
def endpoint_save(*, tenant, endpoint: WebhookEndpoint) -> EndpointSecret | None:
    """Store a new or changed endpoint of ``tenant``; return its first secret, to be shown once, if it got one.

    A signed endpoint gets its first secret when added, or when it stops being a Slack one (Slack URLs are
    their own secret). An enabled endpoint has no reason to be disabled: enabling one that deliveries
    switched off (410 Gone, failing for days) clears the reason, the time and the failing streak, so it is
    not disabled again by its next failure, and the admin and the API both show it as working again.
    """
    created = endpoint.pk is None
    if created:
        endpoint.tenant = tenant
    _check_tenant(tenant, endpoint)
    if endpoint.enabled:
        endpoint.disabled_reason, endpoint.disabled_at = "", None
        if not created and not WebhookEndpoint.objects.for_tenant(tenant).filter(pk=endpoint.pk, enabled=True).exists():
            endpoint.failing_since = None
    endpoint.save()
    return rotate_secret(endpoint) if endpoint.is_signed and not live_secrets(endpoint) else None


@dataclass(frozen=True)
class Rotation:
    secret: EndpointSecret  # the new current one, to be shown once
    previous_expires_at: datetime | None  # when the secret it replaced stops signing; None if there was none


@transaction.atomic
def endpoint_secret_rotate(*, tenant, endpoint: WebhookEndpoint, now: datetime | None = None) -> Rotation:
    """A new current secret; the one it replaces signs on for WEBHOOKS_SECRET_OVERLAP (receivers switch meanwhile)."""
    _check_tenant(tenant, endpoint)
    now = now or timezone.now()
    current = EndpointSecret.objects.for_tenant(tenant).filter(endpoint=endpoint, expires_at__isnull=True)
    replaced = current.select_for_update().exists()
    secret = rotate_secret(endpoint, now=now)
    return Rotation(secret, now + settings.WEBHOOKS_SECRET_OVERLAP if replaced else None)
