from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from accounts.api.principal import principal_of
from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.roles import Role
from alerts.api.filters import AlertFilter, AlertRuleFilter
from alerts.api.serializers import AlertRuleSerializer, AlertSerializer, AlertUpdateSerializer
from alerts.api.work_views import AlertWorkViewActions
from alerts.models import Alert, AlertRule
from alerts.services import alert_update
from indicators.api.filters import TieBreakingOrderingFilter


class AlertRuleViewSet(TenantCrudViewSet):
    """The tenant's alert rules. Admins (and `write` keys) change them; everyone else reads."""

    model = AlertRule
    serializer_class = AlertRuleSerializer
    filterset_class = AlertRuleFilter
    ordering_fields = ["created_at", "name"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}


@extend_schema_view(
    list=extend_schema(summary="List alerts", description="Newest first. `assignee=me` for the caller's own."),
    retrieve=extend_schema(summary="Retrieve an alert"),
    partial_update=extend_schema(
        summary="Work an alert",
        description="Change its status and/or assignee. Closing needs `closing_note`; a closed alert stays "
        "closed (if its condition returns, a new alert opens).",
        request=AlertUpdateSerializer,
        responses={200: AlertSerializer},
    ),
)
class AlertViewSet(AlertWorkViewActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Alerts raised by rules (and by other parts of the product). CSMs work the alerts of their accounts,
    those assigned to them and unassigned ones; admins and `write` keys any."""

    model = Alert
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    filter_backends = [DjangoFilterBackend, TieBreakingOrderingFilter]
    ordering_fields = ["created_at", "due_at", "last_fired_at"]
    required_roles = {"POST": Role.CSM}  # snooze, unsnooze, reassign (AlertWorkViewActions); alerts are not created

    def narrow(self, queryset):
        return queryset.select_related("account", "closed_by")

    # PATCH only (no PUT): working an alert changes a field or two, never the whole alert.
    def partial_update(self, request, *args, **kwargs):
        alert = self.get_object()
        serializer = AlertUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes = {"assignee": data["assignee"]} if "assignee" in data else {}
        by = request.user if principal_of(request).api_key is None else None
        alert_update(tenant=self.tenant, alert=alert, status=data.get("status"),
                     note=data.get("closing_note", ""), by=by, **changes)  # fmt: skip
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)
