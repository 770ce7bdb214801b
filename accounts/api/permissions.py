"""Who may call what: a map from HTTP method to the key scope (integrations) or role (people)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.api.principal import principal_of
from accounts.roles import Role, Scope, role_at_least

DEFAULT_SCOPES = {
    "GET": Scope.READ,
    "HEAD": Scope.READ,
    "OPTIONS": Scope.READ,
    "POST": Scope.WRITE,
    "PUT": Scope.WRITE,
    "PATCH": Scope.WRITE,
    "DELETE": Scope.WRITE,
}
DEFAULT_ROLES = {
    "GET": Role.VIEWER,
    "HEAD": Role.VIEWER,
    "OPTIONS": Role.VIEWER,
    "POST": Role.ADMIN,
    "PUT": Role.CSM,
    "PATCH": Role.CSM,
    "DELETE": Role.ADMIN,
}


class TenantRolePermission(BasePermission):
    """Views narrow the maps with ``required_scopes`` / ``required_roles`` (method -> value or None)."""

    def has_permission(self, request, view):
        principal = principal_of(request)
        if principal.tenant is None:
            return False
        method = request.method
        if principal.api_key is not None:
            scope = {**DEFAULT_SCOPES, **getattr(view, "required_scopes", {})}.get(method)
            return scope is not None and principal.api_key.has_scope(scope)
        role = {**DEFAULT_ROLES, **getattr(view, "required_roles", {})}.get(method)
        return role is not None and role_at_least(principal.role, role)

    def has_object_permission(self, request, view, obj):
        principal = principal_of(request)
        if request.method in SAFE_METHODS or principal.api_key is not None:
            return True
        if principal.role == Role.CSM:
            return obj.csm_may_change(principal.membership)
        return role_at_least(principal.role, Role.ADMIN)


def can_create(request, view) -> bool:
    """Whether the caller may create rows in this view (an upsert that inserts needs it)."""
    principal = principal_of(request)
    if principal.api_key is not None:
        return principal.api_key.has_scope(Scope.WRITE)
    return role_at_least(principal.role, {**DEFAULT_ROLES, **getattr(view, "required_roles", {})}["POST"])
