"""The session door: a signed-in user's active tenant, kept in the session."""

from accounts.log_context import log_context_bind
from accounts.models import Membership, Tenant
from accounts.roles import Role

SESSION_KEY = "active_tenant_id"


def user_memberships(user):
    # Scoped by user, not tenant: these are the tenants this person may act in.
    return list(Membership.unscoped.filter(user=user).select_related("tenant").order_by("tenant__name"))


def resolve_active_tenant(request) -> None:
    """Set ``request.tenant``, ``request.membership`` and ``request.role`` for the session user."""
    request.tenant = request.membership = request.role = None
    request.memberships = []
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return
    wanted = request.session.get(SESSION_KEY)
    memberships = request.memberships = user_memberships(user)
    membership = next((m for m in memberships if m.tenant_id == wanted), None)
    if membership is None and user.is_superuser and wanted:
        # Platform operators may act inside any tenant, with admin rights.
        request.tenant = Tenant.objects.filter(pk=wanted).first()
        request.role = Role.ADMIN if request.tenant else None
        return
    if membership is None and memberships and not user.is_superuser:
        membership = memberships[0]
    if membership is not None:
        request.session[SESSION_KEY] = membership.tenant_id
        request.tenant, request.membership, request.role = membership.tenant, membership, membership.role
        if user.is_superuser:
            request.role = Role.ADMIN


class ActiveTenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        resolve_active_tenant(request)
        if request.tenant is not None:
            log_context_bind(tenant_id=request.tenant.pk)
        return self.get_response(request)
