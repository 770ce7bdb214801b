"""/api/v1/gut-reads/: the CSM's gut read of an account (``?account=<id>`` for one account's, newest first).

Admins set any account's read, CSMs those of the accounts they own; viewers and keys only read
(a gut read is a person's judgement, so an integration does not set one). Reads are never edited:
a new one replaces the previous one.
"""

from __future__ import annotations

import django_filters as filters
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.api.filters import tenant_rows
from accounts.api.pagination import StrictCursorPagination
from accounts.api.principal import principal_of
from accounts.api.serializers_base import TenantModelSerializer
from accounts.api.strict_filters import StrictFilterSet
from accounts.api.viewsets import TenantScopedViewSet
from accounts.models import Account
from accounts.roles import Role
from indicators.models import GutRead
from indicators.services.gut import gut_read_may_set, gut_read_set


class GutReadSerializer(TenantModelSerializer):
    set_by = serializers.EmailField(source="set_by.email", read_only=True, allow_null=True)
    is_live = serializers.SerializerMethodField(help_text="Not expired yet (only the account's latest read counts).")

    class Meta:
        model = GutRead
        fields = ["id", "account", "level", "note", "expires_at", "set_by", "set_at", "is_live"]
        read_only_fields = ["id", "set_by", "set_at", "is_live"]

    def get_is_live(self, obj) -> bool:
        return obj.is_live()

    def validate_expires_at(self, value):
        if value <= timezone.now():
            raise ValidationError("The expiry must be in the future.", code="invalid")
        return value

    def create(self, validated_data):
        principal = principal_of(self.context["request"])
        if not gut_read_may_set(membership=principal.membership, account=validated_data["account"]):
            raise PermissionDenied("Only an admin or the account's CSM may set its gut read.")
        return gut_read_set(
            tenant=self.context["tenant"], set_by=principal.membership.user, note=validated_data.get("note", ""),
            account=validated_data["account"], level=validated_data["level"], expires_at=validated_data["expires_at"],
        )  # fmt: skip


class GutReadFilter(StrictFilterSet):
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    level = filters.ChoiceFilter(choices=GutRead._meta.get_field("level").choices)

    class Meta:
        model = GutRead
        fields = ["account", "level"]


class SetAtCursorPagination(StrictCursorPagination):
    ordering = ("-set_at", "-id")


@extend_schema_view(
    list=extend_schema(summary="List gut reads", description="Newest first; `account=<id>` for one account's."),
    retrieve=extend_schema(summary="Retrieve a gut read"),
    create=extend_schema(
        summary="Set an account's gut read",
        description="Replaces the account's previous read until `expires_at`; the account is rescored.",
    ),
)
class GutReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    model = GutRead
    serializer_class = GutReadSerializer
    filterset_class = GutReadFilter
    pagination_class = SetAtCursorPagination
    filter_backends = [DjangoFilterBackend]  # newest first, always: the pagination's own order
    required_roles = {"POST": Role.CSM}
    required_scopes = {"POST": None}

    def narrow(self, queryset):
        return queryset.select_related("set_by")
