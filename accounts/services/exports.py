"""The audit of CSV exports: a record when an export starts, completed when its last row has gone out."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.models import ExportRecord, Tenant, User


def export_started(*, tenant: Tenant, user: User, model: type[models.Model], query_string: str) -> ExportRecord:
    """Record that ``user`` started exporting ``model``'s list of ``tenant`` with ``query_string``."""
    return ExportRecord.objects.create(
        tenant=tenant,
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        query_string=query_string,
    )


def export_finished(record: ExportRecord, *, row_count: int) -> None:
    """Complete ``record``: every row was sent, ``row_count`` of them."""
    ExportRecord.objects.for_tenant(record.tenant_id).filter(pk=record.pk).update(
        row_count=row_count, finished_at=timezone.now()
    )
