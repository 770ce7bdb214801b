"""Privacy's background work: thin tasks with stable names and id arguments, each calling a service."""

from __future__ import annotations

from celery import shared_task

from accounts.background import tenant_task
from privacy.services.tenant_deletion import due_tenant_ids, tenant_delete_now
from privacy.services.tenant_export import tenant_export_build, tenant_exports_expire


@tenant_task(name="privacy.build_tenant_export")
def build_tenant_export(*, tenant, export_id: int) -> int:
    """Write a queued tenant export's zip; a second delivery of the same task does nothing."""
    return tenant_export_build(tenant=tenant, export_id=export_id)


@shared_task(name="privacy.delete_tenant")
def delete_tenant(*, tenant_id: int, **kwargs) -> int:
    """Delete one tenant whose deletion is due (resumes one interrupted half way)."""
    counts = tenant_delete_now(tenant_id=tenant_id)
    return sum(counts.values()) if counts else 0


@shared_task(name="privacy.delete_due_tenants")
def delete_due_tenants(**kwargs) -> int:
    """Periodic: one deletion task per tenant whose grace period is over."""
    due = due_tenant_ids()
    for tenant_id in due:
        delete_tenant.apply_async(kwargs={"tenant_id": tenant_id})
    return len(due)


@shared_task(name="privacy.expire_tenant_exports")
def expire_tenant_exports(**kwargs) -> int:
    """Periodic: remove the files of tenant exports past their expiry."""
    return tenant_exports_expire()
