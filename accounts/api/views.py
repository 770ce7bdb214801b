from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from accounts.api.filters import AccountFilter, ContactFilter, MemberFilter
from accounts.api.serializers import AccountSerializer, ContactSerializer, MemberSerializer
from accounts.api.upsert import ExternalIdUpsertMixin
from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.models import Account, Contact, Membership
from accounts.roles import Role

EXTERNAL_ID = OpenApiParameter("external_id", str, OpenApiParameter.PATH, description="The tenant's own id.")


class AccountViewSet(ExternalIdUpsertMixin, TenantCrudViewSet):
    """Customer accounts. CSMs may update the accounts they own; admins and write keys anything."""

    model = Account
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    ordering_fields = ["created_at", "updated_at", "name", "arr", "renewal_on", "licenses"]

    def narrow(self, queryset):
        return queryset.select_related("tenant")

    @extend_schema(parameters=[EXTERNAL_ID], methods=["GET"], summary="Retrieve an account by external id")
    @extend_schema(
        parameters=[EXTERNAL_ID],
        methods=["PUT"],
        summary="Create or update an account by external id",
        description="Creates the account (201) or updates the fields sent (200).",
    )
    @action(detail=False, methods=["get", "put"], url_path=r"by-external-id/(?P<external_id>[^/]+)")
    def by_external_id(self, request, external_id):
        if request.method in ("GET", "HEAD"):
            return self.retrieve_by_external_id(request, external_id)
        return self.upsert_by_external_id(request, external_id)


class ContactViewSet(ExternalIdUpsertMixin, TenantCrudViewSet):
    """People at customer accounts. CSMs may update contacts of the accounts they own."""

    model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["created_at", "updated_at", "name", "email", "last_seen_at"]

    # In one transaction with what the save sends (a new advocate's event, in the outbox).
    def perform_create(self, serializer):
        with transaction.atomic():
            super().perform_create(serializer)

    def perform_update(self, serializer):
        with transaction.atomic():
            super().perform_update(serializer)

    @extend_schema(parameters=[EXTERNAL_ID], methods=["GET"], summary="Retrieve a contact by external id")
    @extend_schema(
        parameters=[EXTERNAL_ID],
        methods=["PUT"],
        summary="Create or update a contact by external id",
        description="Creates the contact (201) or updates the fields sent (200).",
    )
    @action(detail=False, methods=["get", "put"], url_path=r"by-external-id/(?P<external_id>[^/]+)")
    def by_external_id(self, request, external_id):
        if request.method in ("GET", "HEAD"):
            return self.retrieve_by_external_id(request, external_id)
        return self.upsert_by_external_id(request, external_id)


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """The tenant's people and their roles (read-only; people join by invitation)."""

    model = Membership
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["created_at"]
    required_roles = {"GET": Role.VIEWER}

    def narrow(self, queryset):
        return queryset.select_related("user")
