"""GET /api/v1/accounts/{id}/health, /health/history and /health/explain."""

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.pagination import StrictCursorPagination
from accounts.api.viewsets import TenantScopedViewSet
from accounts.models import Account
from indicators.models import HealthScore, HealthScoreHistory
from indicators.selectors import health_current, health_explain, health_history

RANGE = [
    OpenApiParameter("from", OpenApiTypes.DATETIME, description="Start of the range (ISO 8601)."),
    OpenApiParameter("to", OpenApiTypes.DATETIME, description="End of the range (ISO 8601)."),
]


class HealthScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthScore
        fields = ["score", "computed", "gut", "band", "coverage", "scorecard", "change_7d", "change_30d",
                  "computed_at", "result", "values"]  # fmt: skip


class HealthHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthScoreHistory
        fields = ["at", "score", "computed", "gut", "band", "coverage", "scorecard"]


def moment(request, name: str):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationError({name: ["Enter a date and time in ISO 8601, e.g. 2026-11-01T00:00:00Z."]})
    return value


class HistoryPagination(StrictCursorPagination):
    ordering = ("-at", "-id")


class AccountHealthViewSet(TenantScopedViewSet):
    """An account's health score, its history and what changed; another tenant's account is a 404."""

    model = Account
    serializer_class = HealthScoreSerializer
    pagination_class = HistoryPagination

    @extend_schema(responses=inline_serializer("AccountHealth", {
        "health": HealthScoreSerializer(allow_null=True), "explanation": serializers.JSONField(allow_null=True),
    }))  # fmt: skip
    @action(detail=True, methods=["get"], url_path="health")
    def health(self, request, pk=None):
        account = self.get_object()
        current = health_current(tenant=self.tenant, account=account)
        explanation = health_explain(tenant=self.tenant, account=account, since=None, until=None)
        return Response({
            "health": HealthScoreSerializer(current).data if current else None,
            "explanation": explanation["explanation"],
        })  # fmt: skip

    @extend_schema(parameters=RANGE, responses=HealthHistorySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="health/history",
            extra_query_params=("from", "to", *HistoryPagination().query_parameters()))  # fmt: skip
    def history(self, request, pk=None):
        account = self.get_object()
        rows = health_history(tenant=self.tenant, account=account, since=moment(request, "from"),
                              until=moment(request, "to"))  # fmt: skip
        page = self.paginator.paginate_queryset(rows, request, view=self)
        return self.paginator.get_paginated_response(HealthHistorySerializer(page, many=True).data)

    @extend_schema(parameters=RANGE, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="health/explain", extra_query_params=("from", "to"))
    def explain(self, request, pk=None):
        account = self.get_object()
        return Response(health_explain(tenant=self.tenant, account=account, since=moment(request, "from"),
                                       until=moment(request, "to")))  # fmt: skip
