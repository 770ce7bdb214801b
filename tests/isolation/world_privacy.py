"""Tenant B's (and A's) rows for the privacy models: a finished export and a pending deletion."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from privacy.models import ExportStatus, PrivacyAction, PrivacyRecord, TenantDeletion, TenantExport
from tests.isolation.world import World, builder, canary_fields


@builder("privacy.TenantExport")
def build_tenant_export(b: World) -> None:
    now = timezone.now()
    b.add(
        TenantExport.objects.create(
            tenant=b.tenant, status=ExportStatus.DONE, requested_by=b.users[Role.ADMIN], rows_total=10, rows_done=10,
            size_bytes=1234, started_at=now - timedelta(minutes=5), finished_at=now, expires_at=now + timedelta(days=7),
            **canary_fields(b, TenantExport),
        )
    )  # fmt: skip


@builder("privacy.TenantDeletion")
def build_tenant_deletion(b: World) -> None:
    now = timezone.now()
    b.add(  # the pending one first: the row probes use (A's own can be cancelled)
        TenantDeletion.objects.create(
            tenant=b.tenant, requested_by=b.users[Role.ADMIN], requested_at=now, due_at=now + timedelta(days=30),
        )
    )  # fmt: skip
    b.add(
        TenantDeletion.objects.create(
            tenant=b.tenant, requested_by=b.users[Role.ADMIN], requested_at=now - timedelta(days=3),
            due_at=now + timedelta(days=27), cancelled_at=now - timedelta(days=2), cancelled_by=b.users[Role.ADMIN],
        )
    )  # fmt: skip


@builder("privacy.PrivacyRecord")
def build_privacy_record(b: World) -> None:
    b.add(
        PrivacyRecord.objects.create(
            tenant_id=b.tenant.pk, action=PrivacyAction.TENANT_EXPORT_REQUESTED, counts={"rows": 1},
            **canary_fields(b, PrivacyRecord),
        )
    )  # fmt: skip
