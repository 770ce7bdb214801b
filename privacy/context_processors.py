"""The console's banner while the active tenant's deletion is scheduled."""

from __future__ import annotations

from privacy.models import TenantDeletion


def tenant_deletion(request) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or not request.path.startswith("/admin/"):
        return {}
    pending = TenantDeletion.objects.for_tenant(tenant).filter(cancelled_at__isnull=True).first()
    return {"pending_tenant_deletion": pending} if pending is not None else {}
