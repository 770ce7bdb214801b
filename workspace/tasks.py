"""Background work of the workspace: the daily digests and the urgent emails."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from accounts.background import tenant_task, tenants_fan_out
from accounts.models import Tenant
from workspace.services.digest import send_due_digests
from workspace.services.urgent import red_renewals_notify, urgent_detractor_notify

# Beat runs the sweep this often: a digest goes within this long after 08:00 on the tenant's clock.
DIGEST_SWEEP_SECONDS = 15 * 60
# And this one: a red account whose renewal enters the 30-day window is told within this long of that day.
RED_RENEWAL_SWEEP_SECONDS = 60 * 60
# An email that could not go (the mail server down) is tried again; its claim was rolled back with it.
MAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 60, "max_retries": 5}


@tenant_task(name="workspace.send_tenant_digests", acks_late=True, reject_on_worker_lost=True)
def send_tenant_digests(*, tenant: Tenant) -> int:
    """Send the tenant's digests due now and not yet sent; the per-day claim makes a re-run harmless."""
    return send_due_digests(tenant=tenant, now=timezone.now())


@shared_task(name="workspace.send_due_digests", ignore_result=True)
def send_all_due_digests(**kwargs) -> int:
    """Every ~15 minutes: one task per tenant; each checks its own clock, so every zone gets its 08:00."""
    return tenants_fan_out(send_tenant_digests, Tenant.objects.values_list("pk", flat=True))


@tenant_task(name="workspace.urgent_detractor", acks_late=True, reject_on_worker_lost=True, **MAIL_RETRY)
def urgent_detractor(*, tenant: Tenant, response_id: int) -> int:
    """Email the CSM about an executive's or champion's detractor answer; the notice makes a re-run harmless."""
    return urgent_detractor_notify(tenant=tenant, response_id=response_id)


@tenant_task(name="workspace.urgent_red_renewals", acks_late=True, reject_on_worker_lost=True, **MAIL_RETRY)
def urgent_red_renewals(*, tenant: Tenant, account_ids: list[int] | None = None) -> int:
    """Email the CSMs of red accounts renewing within 30 days (of ``account_ids``, or all); once per renewal."""
    return red_renewals_notify(tenant=tenant, now=timezone.now(), account_ids=account_ids)


@shared_task(name="workspace.sweep_red_renewals", ignore_result=True)
def sweep_red_renewals(**kwargs) -> int:
    """Hourly: every tenant's red accounts whose renewal is now within 30 days of its today."""
    return tenants_fan_out(urgent_red_renewals, Tenant.objects.values_list("pk", flat=True))
