"""Endpoints that keep failing: the streak of failed attempts, and disabling after WEBHOOKS_DISABLE_AFTER_DAYS.

An endpoint is failing from its first failed attempt after a success (or ever) until its next 2xx:
``failing_since`` holds that moment. A failed attempt that comes WEBHOOKS_DISABLE_AFTER_DAYS or more
after it disables the endpoint and emails the tenant's admins. The disabling is a conditional update
of an enabled endpoint, so of concurrent workers exactly one disables it and queues the email.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.background import enqueue_on_commit
from notifications.models import DeliveryAttempt, WebhookEndpoint
from notifications.services.disabled_notice import send_endpoint_disabled_email


def failure_streak_record(endpoint: WebhookEndpoint, attempt: DeliveryAttempt, *, succeeded: bool) -> bool:
    """Count one attempt at ``endpoint``; True when this failure disabled the endpoint.

    Call inside the transaction that records the attempt: the email is queued for after its commit.
    """
    rows = WebhookEndpoint.objects.for_tenant(endpoint.tenant_id).filter(pk=endpoint.pk)
    at = attempt.attempted_at
    if succeeded:
        if endpoint.failing_since is not None:  # as read with this batch: most successes end no streak
            rows.filter(failing_since__isnull=False).update(failing_since=None)
            endpoint.failing_since = None
        return False
    rows.filter(failing_since__isnull=True).update(failing_since=at)
    days = settings.WEBHOOKS_DISABLE_AFTER_DAYS
    since = rows.values_list("failing_since", flat=True).first()
    if since is None or at - since < timedelta(days=days):
        return False
    span = f"{days} day" if days == 1 else f"{days} days"
    reason = f"No successful delivery in {span} (failing since {since:%Y-%m-%d %H:%M} UTC)."
    now = timezone.now()
    disabled = rows.filter(enabled=True, failing_since__lte=at - timedelta(days=days)).update(
        enabled=False, disabled_reason=reason, disabled_at=now, updated_at=now
    )
    if not disabled:
        return False  # already disabled, by another worker or an admin
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason, now
    enqueue_on_commit(
        send_endpoint_disabled_email, tenant_id=endpoint.tenant_id, endpoint_id=endpoint.pk, attempt_id=attempt.pk
    )
    return True
