"""The email that tells a tenant's admins an endpoint was disabled for failing: declared with its task."""

from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.background import tenant_task
from accounts.models import Membership, Tenant
from accounts.roles import Role
from accounts.zones import tenant_zone
from notifications.models import DeliveryAttempt, WebhookEndpoint


def endpoint_admin_url(endpoint: WebhookEndpoint) -> str:
    path = reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    return settings.SITE_URL.rstrip("/") + path


def last_error(attempt: DeliveryAttempt | None) -> str:
    """What the last attempt got, in a line: the error, or the status and the start of the answer."""
    if attempt is None:
        return "no attempt recorded"
    if attempt.error:
        return attempt.error
    answer = " ".join(attempt.response_body.split())[:200]
    return f"HTTP {attempt.status_code}" + (f": {answer}" if answer else "")


def endpoint_disabled_emails(
    *, tenant: Tenant, endpoint: WebhookEndpoint, attempt: DeliveryAttempt | None
) -> list[mail.EmailMultiAlternatives]:
    """One email per active admin of ``tenant``, as text with an HTML alternative; ``attempt`` is the last failure."""
    admins = (
        Membership.objects.for_tenant(tenant)
        .filter(role=Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    context = {
        "tenant": tenant,
        "endpoint": endpoint,
        "last_attempt": attempt,
        "last_error": last_error(attempt),
        "days": settings.WEBHOOKS_DISABLE_AFTER_DAYS,
        "endpoint_url": endpoint_admin_url(endpoint),
    }
    with timezone.override(tenant_zone(tenant)):  # times read on the tenant's clock
        text = render_to_string("notifications/email/endpoint_disabled.txt", context)
        html = render_to_string("notifications/email/endpoint_disabled.html", context)
    emails = []
    for admin in admins:
        email = mail.EmailMultiAlternatives(
            subject=f"Webhook endpoint disabled: {endpoint.url}"[:200], body=text, to=[admin.user.email]
        )
        email.attach_alternative(html, "text/html")
        emails.append(email)
    return emails


def endpoint_disabled_email_send(*, tenant: Tenant, endpoint_id: int, attempt_id: int | None = None) -> int:
    """Email the admins that the endpoint was disabled for failing, ``attempt_id`` being the failure that
    disabled it; nothing if it was enabled again since. Returns how many emails went."""
    endpoint = WebhookEndpoint.objects.for_tenant(tenant).filter(pk=endpoint_id, enabled=False).first()
    if endpoint is None or endpoint.failing_since is None:
        return 0
    attempt = DeliveryAttempt.objects.for_tenant(tenant).filter(pk=attempt_id, delivery__endpoint=endpoint).first()
    emails = endpoint_disabled_emails(tenant=tenant, endpoint=endpoint, attempt=attempt)
    return mail.get_connection().send_messages(emails) if emails else 0


# Beside its service, not in notifications/tasks.py: the delivery services queue it, and the tasks module
# imports them, so a task there would close an import cycle (as accounts.services.invitation_email).
@tenant_task(
    name="notifications.send_endpoint_disabled_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_endpoint_disabled_email(*, tenant: Tenant, endpoint_id: int, attempt_id: int | None = None) -> int:
    return endpoint_disabled_email_send(tenant=tenant, endpoint_id=endpoint_id, attempt_id=attempt_id)
