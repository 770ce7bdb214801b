"""Background work of the workspace: the daily digests."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.background import tenant_task, tenants_fan_out
from accounts.models import Tenant
from workspace.services.digest import send_due_digests

# Beat runs the sweep this often: a digest goes within this long after 08:00 on the tenant's clock.
DIGEST_SWEEP_SECONDS = 15 * 60


@tenant_task(name="workspace.send_tenant_digests", acks_late=True, reject_on_worker_lost=True)
def send_tenant_digests(*, tenant: Tenant) -> int:
    """Send the tenant's digests due now and not yet sent; the per-day claim makes a re-run harmless."""
    return send_due_digests(tenant=tenant, now=timezone.now())


@shared_task(name="workspace.send_due_digests", ignore_result=True)
def send_all_due_digests(**kwargs) -> int:
    """Every ~15 minutes: one task per tenant; each checks its own clock, so every zone gets its 08:00."""
    return tenants_fan_out(send_tenant_digests, Tenant.objects.values_list("pk", flat=True))
