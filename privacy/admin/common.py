"""What every privacy page in the console shares: tenant admins only, and the audit's actor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.roles import Role
from privacy.audit import actor_label


def is_tenant_admin(request) -> bool:
    """An admin member of the active tenant (an operator outside a tenant is not: these are its admins' acts)."""
    return getattr(request, "tenant", None) is not None and getattr(request, "role", None) == Role.ADMIN


def require_tenant_admin(request) -> None:
    if not is_tenant_admin(request):
        raise PermissionDenied


def admin_actor(request) -> str:
    return actor_label(user=request.user)


class TenantAdminOnlyMixin:
    """Shown to, and usable by, the active tenant's admins alone."""

    def has_module_permission(self, request):
        return is_tenant_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_tenant_admin(request)

    def has_add_permission(self, request):
        return is_tenant_admin(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
