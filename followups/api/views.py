"""/api/v1/follow-ups/ (with activities, close and themes), and the tenant's themes, rules, departments and causes."""

from django.db.models import ProtectedError
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.errors import Conflict
from accounts.api.principal import principal_of
from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.roles import Role
from followups.api.filters import FollowUpFilter, ThemeFilter, ThemeKeywordRuleFilter
from followups.api.serializers import (
    ActivitySerializer,
    CloseSerializer,
    DepartmentQueueSerializer,
    DepartmentSerializer,
    FollowUpSerializer,
    FollowUpThemeSerializer,
    RootCauseSerializer,
    ThemeChoiceSerializer,
    ThemeKeywordRuleSerializer,
    ThemeSerializer,
    themes_by_response,
)
from followups.models import Department, FollowUp, RootCause, Theme, ThemeKeywordRule
from followups.selectors import department_queues
from followups.services.closing import followup_close
from followups.services.themes import theme_tag, theme_untag
from followups.services.working import activity_log
from followups.tasks import apply_rules_after_commit
from indicators.api.filters import TieBreakingOrderingFilter


@extend_schema_view(
    list=extend_schema(
        summary="List follow-ups",
        description="Newest first; filter by status, category, `assignee=me`, overdue, theme, department.",
    ),
    retrieve=extend_schema(summary="Retrieve a follow-up with its activities, asks and themes"),
    update=extend_schema(summary="Assign a follow-up or move its status"),
    partial_update=extend_schema(summary="Assign a follow-up or move its status"),
)  # fmt: skip
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, TenantScopedViewSet):
    """One follow-up per survey response. CSMs and admins of the tenant work them; viewers read."""

    model = FollowUp
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    filter_backends = [DjangoFilterBackend, TieBreakingOrderingFilter]
    ordering_fields = ["created_at", "due_at", "updated_at"]
    required_roles = {"POST": Role.CSM, "PUT": Role.CSM, "PATCH": Role.CSM}

    def narrow(self, queryset):
        return queryset.select_related("response").prefetch_related("asks", "activities")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "themes_by_response": themes_by_response(self.tenant, page)}
        return self.get_paginated_response(FollowUpSerializer(page, many=True, context=context).data)

    @property
    def member(self):
        return principal_of(self.request).membership

    def _answer(self, followup, code=status.HTTP_200_OK):
        followup = self.get_queryset().get(pk=followup.pk)
        return Response(FollowUpSerializer(followup, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Log a call, email, meeting or note",
        description="The first activity moves a new follow-up to in progress.",
        request=ActivitySerializer,
        responses={201: ActivitySerializer},
    )
    @action(detail=True, methods=["post"])
    def activities(self, request, pk=None):
        followup = self.get_object()
        context = self.get_serializer_context()
        serializer = ActivitySerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        activity = activity_log(
            tenant=self.tenant, followup=followup, kind=data["kind"], note=data.get("note", ""),
            by=self.member, at=data.get("at"),
        )  # fmt: skip
        return Response(ActivitySerializer(activity, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close a follow-up with its outcome",
        description="Promoter: `asks` (at least one, each with its result) and `reason_promoter`; "
        "passive: `what_would_make_promoter`; detractor: `root_cause`, `product_mismatch` and `resolved`. "
        "A missing one is a 400 naming it. A promoter who accepts a reference or advocacy ask becomes an advocate.",
        request=CloseSerializer,
        responses={200: FollowUpSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        followup = self.get_object()
        serializer = CloseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        followup = followup_close(tenant=self.tenant, followup=followup, outcome=serializer.outcome(), by=self.member)
        return self._answer(followup)

    @extend_schema(
        summary="Tag the follow-up's response with a theme",
        description="By hand; a theme already on the response stays as it was tagged. Answers the response's themes.",
        request=ThemeChoiceSerializer,
        responses={200: FollowUpThemeSerializer(many=True)},
    )
    @action(detail=True, methods=["post"])
    def tag(self, request, pk=None):
        return self._retag(request, theme_tag, by=self.member)

    @extend_schema(
        summary="Remove a theme from the follow-up's response",
        request=ThemeChoiceSerializer,
        responses={200: FollowUpThemeSerializer(many=True)},
    )
    @action(detail=True, methods=["post"])
    def untag(self, request, pk=None):
        return self._retag(request, theme_untag)

    def _retag(self, request, change, **kwargs):
        followup = self.get_object()
        serializer = ThemeChoiceSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        change(tenant=self.tenant, response=followup.response, theme=serializer.validated_data["theme"], **kwargs)
        tags = themes_by_response(self.tenant, [followup]).get(followup.response_id, [])
        return Response(FollowUpThemeSerializer(tags, many=True).data)


class ProtectedDeleteMixin:
    """Deleting a row others still point at is a 409 saying so, never a 500."""

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError:
            raise Conflict(f"This {instance._meta.verbose_name} is in use; deactivate or reassign it first.") from None


ADMIN_WRITES = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}


class DepartmentViewSet(ProtectedDeleteMixin, TenantCrudViewSet):
    """Where themes route feedback: the built-in five and the tenant's own. Admins change them."""

    model = Department
    serializer_class = DepartmentSerializer
    ordering_fields = ["created_at", "name"]
    required_roles = ADMIN_WRITES

    @extend_schema(
        summary="Each department's queue: open items and time to respond",
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, description="Responses since (ISO 8601).")],
        responses=DepartmentQueueSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, extra_query_params=("since",))
    def queue(self, request):
        raw = request.query_params.get("since")
        since = parse_datetime(raw) if raw else None
        if raw and since is None:
            raise ValidationError({"since": ["Enter a date and time in ISO 8601, e.g. 2026-11-01T00:00:00Z."]})
        queues = department_queues(tenant=self.tenant, since=since)
        return Response(DepartmentQueueSerializer(queues, many=True).data)


class ThemeViewSet(ProtectedDeleteMixin, TenantCrudViewSet):
    """Themes responses are tagged with; each routes to a department. Admins change them."""

    model = Theme
    serializer_class = ThemeSerializer
    filterset_class = ThemeFilter
    ordering_fields = ["created_at", "name"]
    required_roles = ADMIN_WRITES

    def narrow(self, queryset):
        return queryset.select_related("department")


class ThemeKeywordRuleViewSet(TenantCrudViewSet):
    """Keyword rules: a response whose comment contains the phrase is tagged with the theme."""

    model = ThemeKeywordRule
    serializer_class = ThemeKeywordRuleSerializer
    filterset_class = ThemeKeywordRuleFilter
    ordering_fields = ["created_at"]
    required_roles = ADMIN_WRITES

    def perform_create(self, serializer):
        super().perform_create(serializer)
        apply_rules_after_commit(self.tenant)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        apply_rules_after_commit(self.tenant)


class RootCauseViewSet(ProtectedDeleteMixin, TenantCrudViewSet):
    """The tenant's list of detractor root causes. Admins change it."""

    model = RootCause
    serializer_class = RootCauseSerializer
    ordering_fields = ["created_at", "name"]
    required_roles = ADMIN_WRITES
