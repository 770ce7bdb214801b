"""The request door: a signed-in user's active tenant, kept in the session, and the request's database scope."""

from django.http import StreamingHttpResponse

from accounts.log_context import log_context_bind
from accounts.models import Membership, Tenant
from accounts.rls import DENY, OPERATOR, current_scope, operator_scope, scope_enter, scope_leave
from accounts.roles import Role

SESSION_KEY = "active_tenant_id"


def user_memberships(user):
    # Scoped by user, not tenant: these are the tenants this person may act in.
    with operator_scope():
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
        with operator_scope():
            request.tenant = Tenant.objects.filter(pk=wanted).first()
        request.role = Role.ADMIN if request.tenant else None
        return
    if membership is None and memberships and not user.is_superuser:
        membership = memberships[0]
    if membership is not None:
        if wanted != membership.tenant_id:  # else every page view would write the session back
            request.session[SESSION_KEY] = membership.tenant_id
        request.tenant, request.membership, request.role = membership.tenant, membership, membership.role
        if user.is_superuser:
            request.role = Role.ADMIN


def request_scope(request):
    """The database scope of the rest of the request: its tenant's; all tenants for a platform operator
    acting in none; nobody's for anyone else until an API key names its tenant (``api_key_authenticate``)."""
    if request.tenant is not None:
        return request.tenant.pk
    if request.user.is_authenticated and request.user.is_superuser:
        return OPERATOR
    return DENY


class ActiveTenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = scope_enter(DENY)
        try:
            resolve_active_tenant(request)
            if request.tenant is not None:
                log_context_bind(tenant_id=request.tenant.pk)
            scope_enter(request_scope(request))
            response = self.get_response(request)
            if isinstance(response, StreamingHttpResponse):
                # A streamed export reads the database as it is sent, after this door has closed.
                response.streaming_content = _in_scope(response.streaming_content, current_scope())
            return response
        finally:
            scope_leave(token)


def _in_scope(chunks, scope):
    token = scope_enter(scope)
    try:
        yield from chunks
    finally:
        scope_leave(token)
