"""Tenant B's (and A's) rows for the privacy models: a finished export and a pending deletion."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from privacy.models import ExportStatus, TenantDeletion, TenantExport
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
    b.add(
        TenantDeletion.objects.create(
            tenant=b.tenant, requested_by=b.users[Role.ADMIN], requested_at=now, due_at=now + timedelta(days=30),
        )
    )  # fmt: skip
