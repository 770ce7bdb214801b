"""/api/v1/privacy/: erase or export a contact, export the whole tenant, schedule its deletion.

All of it is the tenant's admins' alone (for people). API keys need the `write` scope for contacts and
exports, and may never schedule or cancel a tenant's deletion: that is a person's decision. Each call is
audited in the operator's privacy record (privacy/audit.py).
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.api.errors import Conflict
from accounts.api.pagination import StrictCursorPagination
from accounts.api.principal import principal_of
from accounts.api.renderers import SafeJSONRenderer
from accounts.api.serializers_base import NoBodySerializer
from accounts.api.viewsets import TenantScopedViewSet
from accounts.models import Contact
from accounts.roles import Role, Scope
from privacy.api.renderers import ZipRenderer
from privacy.api.serializers import (
    ContactExportSerializer,
    ErasureSerializer,
    TenantDeletionSerializer,
    TenantExportCreatedSerializer,
    TenantExportSerializer,
)
from privacy.audit import actor_label
from privacy.models import TenantDeletion, TenantExport
from privacy.services.contact_export import contact_export
from privacy.services.erasure import contact_erase
from privacy.services.tenant_deletion import tenant_deletion_cancel, tenant_deletion_schedule
from privacy.services.tenant_export import tenant_export_file, tenant_export_request


class RequestedCursorPagination(StrictCursorPagination):
    ordering = ("-requested_at", "-id")


ADMIN_ONLY = dict.fromkeys(("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), Role.ADMIN)
WRITE_KEYS = dict.fromkeys(("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), Scope.WRITE)
NO_KEYS = dict.fromkeys(("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), None)


class PrivacyViewSet(TenantScopedViewSet):
    required_roles = ADMIN_ONLY
    required_scopes = WRITE_KEYS

    def actor(self) -> str:
        principal = principal_of(self.request)
        return actor_label(user=principal.person, api_key=principal.api_key)

    def no_body(self) -> None:
        NoBodySerializer(data=self.request.data).is_valid(raise_exception=True)


class ContactPrivacyViewSet(PrivacyViewSet):
    """A contact's right to be forgotten and to see what is held about them."""

    model = Contact
    serializer_class = NoBodySerializer  # the bodies both actions take: none

    @extend_schema(
        summary="Erase a contact",
        description="Removes the contact's personal data: name, email, title and external id; the ids and "
        "properties their events were sent with (keys the figures read are kept); survey comments; follow-up "
        "notes; and each of their known values wherever else it is quoted (alerts, webhook payloads, audit "
        "trails). Scores, events and rollups stay, so indicators and NPS do not change. Idempotent: a second "
        "call changes nothing. Audited.",
        request=NoBodySerializer,
        responses={200: ErasureSerializer},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        contact = self.get_object()
        self.no_body()
        counts = contact_erase(tenant=self.tenant, contact=contact, actor=self.actor())
        return Response(ErasureSerializer({"contact_id": contact.pk, "counts": counts}).data)

    @extend_schema(
        summary="Export a contact's data",
        description="Every row the tenant holds about the contact, as JSON. A POST: each export is an act "
        "recorded in the privacy audit, never a side effect of a read. Audited.",
        request=NoBodySerializer,
        responses={200: ContactExportSerializer},
    )
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        contact = self.get_object()
        self.no_body()
        return Response(contact_export(tenant=self.tenant, contact=contact, actor=self.actor()))


@extend_schema_view(
    list=extend_schema(summary="List tenant exports"),
    retrieve=extend_schema(summary="Retrieve a tenant export", description="Poll it for `status` and progress."),
)
class TenantExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PrivacyViewSet):
    """Exports of every row of the tenant, built in the background."""

    model = TenantExport
    serializer_class = TenantExportSerializer
    ordering_fields = ["created_at"]

    @extend_schema(
        summary="Start a tenant export",
        description="Queues a zip of every row the tenant holds: one JSON-lines and one CSV file per model. Poll "
        "the export for its progress; download it once `status` is `done`, until `expires_at`. Audited.",
        request=NoBodySerializer,
        responses={202: TenantExportCreatedSerializer},
    )
    def create(self, request, *args, **kwargs):
        self.no_body()
        principal = principal_of(request)
        export = tenant_export_request(tenant=self.tenant, user=principal.person, actor=self.actor())
        answer = TenantExportCreatedSerializer({"id": export.pk, "status": export.status}).data
        return Response(answer, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download a tenant export",
        description="The zip, once `status` is `done` and before `expires_at`; 404 otherwise. Audited.",
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The export's zip."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[SafeJSONRenderer, ZipRenderer])
    def download(self, request, pk=None):
        export = self.get_object()
        opened = tenant_export_file(tenant=self.tenant, export=export, actor=self.actor())
        if opened is None:
            raise NotFound("This export has no file to download: not finished, failed or expired.")
        return FileResponse(
            opened, as_attachment=True, filename=f"tenant-export-{export.pk}.zip", content_type="application/zip"
        )


@extend_schema_view(
    list=extend_schema(summary="List the tenant's deletion requests"),
    retrieve=extend_schema(summary="Retrieve a deletion request"),
)
class TenantDeletionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PrivacyViewSet):
    """The tenant's deletion: scheduled after a grace period, cancellable until it starts. People only."""

    model = TenantDeletion
    pagination_class = RequestedCursorPagination
    serializer_class = TenantDeletionSerializer
    required_scopes = NO_KEYS
    ordering_fields = ["requested_at"]

    @extend_schema(
        summary="Schedule the tenant's deletion",
        description="Every row of the tenant is deleted once `due_at` (TENANT_DELETION_GRACE_DAYS from now) has "
        "passed, unless cancelled before. 201 with the new deletion; 200 with the pending one when one is "
        "already scheduled (its date does not move). Audited.",
        request=NoBodySerializer,
        responses={201: TenantDeletionSerializer, 200: TenantDeletionSerializer},
    )
    def create(self, request, *args, **kwargs):
        self.no_body()
        person = principal_of(request).person
        deletion, made = tenant_deletion_schedule(tenant=self.tenant, user=person, actor=self.actor())
        answer = TenantDeletionSerializer(deletion).data
        return Response(answer, status=status.HTTP_201_CREATED if made else status.HTTP_200_OK)

    @extend_schema(
        summary="Cancel the tenant's deletion",
        description="Cancels this deletion if it is pending and has not started; 409 otherwise. Audited.",
        request=NoBodySerializer,
        responses={200: TenantDeletionSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        deletion = self.get_object()
        self.no_body()
        if deletion.cancelled_at is not None or deletion.started_at is not None:
            raise Conflict("This deletion is not pending: nothing to cancel.", code="deletion_not_pending")
        cancelled = tenant_deletion_cancel(tenant=self.tenant, user=principal_of(request).person, actor=self.actor())
        if cancelled is None or cancelled.pk != deletion.pk:
            raise Conflict("This deletion is not pending: nothing to cancel.", code="deletion_not_pending")
        return Response(TenantDeletionSerializer(cancelled).data)
