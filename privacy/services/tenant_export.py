"""Exporting a whole tenant: one JSON-lines and one CSV file per tenant model, zipped, with progress.

Every model holding the tenant's rows is found from the registry (privacy/tenant_models.py), so a new model
is exported with no edit here. Rows are read in chunks (``iterator(chunk_size)``) and written straight into
the zip's entries, so memory stays flat whatever the tenant's size. Progress is saved once per chunk.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit
from accounts.models import Tenant
from privacy.audit import privacy_record
from privacy.models import ExportStatus, PrivacyAction, TenantExport
from privacy.rows import column_names, csv_cell, model_file_stem, plain
from privacy.storage import private_storage
from privacy.tenant_models import tenant_models

BUILD_TASK = "privacy.build_tenant_export"  # registered by privacy/tasks.py, queued by name


def tenant_export_request(*, tenant: Tenant, user=None, actor: str) -> TenantExport:
    """A queued export of ``tenant``; its task starts after commit. Audited."""
    export = TenantExport.objects.create(tenant=tenant, requested_by=user)
    privacy_record(tenant_id=tenant.pk, action=PrivacyAction.TENANT_EXPORT_REQUESTED, actor=actor, subject_id=export.pk)
    enqueue_on_commit(current_app.tasks[BUILD_TASK], tenant_id=tenant.pk, export_id=export.pk)
    return export


def _claim(tenant: Tenant, export_id: int) -> TenantExport | None:
    """Take a queued export (a conditional update, so a task delivered twice builds it once)."""
    claimed = (
        TenantExport.objects.for_tenant(tenant)
        .filter(pk=export_id, status=ExportStatus.QUEUED)
        .update(status=ExportStatus.RUNNING, started_at=timezone.now())
    )
    return TenantExport.objects.for_tenant(tenant).get(pk=export_id) if claimed else None


def tenant_export_build(*, tenant: Tenant, export_id: int) -> int:
    """Write the zip of a queued export; return the rows written (0 if it was not queued)."""
    export = _claim(tenant, export_id)
    if export is None:
        return 0
    try:
        return _build(tenant, export)
    except Exception as error:
        private_storage().delete(export_file_name(tenant, export))  # a partial zip is no export
        TenantExport.objects.for_tenant(tenant).filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:500]
        )
        raise


def export_file_name(tenant: Tenant, export: TenantExport) -> str:
    return f"tenant-{tenant.pk}/export-{export.pk}.zip"


def _rows_of(tenant: Tenant, model):
    return model._base_manager.filter(tenant_id=tenant.pk)  # history models have no guarded manager


def _build(tenant: Tenant, export: TenantExport) -> int:
    models = tenant_models()
    total = sum(_rows_of(tenant, model).count() for model in models)
    TenantExport.objects.for_tenant(tenant).filter(pk=export.pk).update(rows_total=total)
    storage = private_storage()
    name = export_file_name(tenant, export)
    os.makedirs(os.path.dirname(storage.path(name)), exist_ok=True)
    progress = _Progress(tenant, export)
    with zipfile.ZipFile(storage.path(name), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tenant.json", json.dumps(_tenant_row(tenant), ensure_ascii=False, indent=2))
        for model in models:
            _write_model(archive, tenant, model, progress)
    progress.save()
    now = timezone.now()
    TenantExport.objects.for_tenant(tenant).filter(pk=export.pk).update(
        status=ExportStatus.DONE, finished_at=now, file_name=name, size_bytes=storage.size(name),
        expires_at=now + timedelta(days=settings.TENANT_EXPORT_KEEP_DAYS),
    )  # fmt: skip
    privacy_record(
        tenant_id=tenant.pk, action=PrivacyAction.TENANT_EXPORT_FINISHED, actor="task", subject_id=export.pk,
        counts=progress.by_model,
    )  # fmt: skip
    return progress.done


class _Progress:
    def __init__(self, tenant: Tenant, export: TenantExport):
        self.tenant, self.export, self.done, self.by_model = tenant, export, 0, {}

    def add(self, model, rows: int) -> None:
        self.done += rows
        self.by_model[model._meta.label] = self.by_model.get(model._meta.label, 0) + rows

    def save(self) -> None:
        # Its own short write, seen by pollers at once (the build runs outside any long transaction).
        TenantExport.objects.for_tenant(self.tenant).filter(pk=self.export.pk).update(rows_done=self.done)


def _write_model(archive: zipfile.ZipFile, tenant: Tenant, model, progress: _Progress) -> None:
    """``<app>_<model>.jsonl`` written into the zip as rows stream in; the CSV spooled to disk beside it
    (a zip takes one entry at a time) and added after, so each row is read from the database once."""
    stem, names, chunk = model_file_stem(model), column_names(model), settings.PRIVACY_CHUNK_ROWS
    rows = _rows_of(tenant, model).order_by("pk").values_list(*names).iterator(chunk_size=chunk)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+", newline="", encoding="utf-8") as spool:
        writer = csv.writer(spool)
        writer.writerow(names)
        with archive.open(f"{stem}.jsonl", "w", force_zip64=True) as entry:
            jsonl = io.TextIOWrapper(entry, encoding="utf-8", newline="\n")
            pending = 0
            for values in rows:
                jsonl.write(json.dumps(dict(zip(names, map(plain, values), strict=True)), ensure_ascii=False) + "\n")
                writer.writerow([csv_cell(v) for v in values])
                pending += 1
                if pending == chunk:
                    progress.add(model, pending)
                    progress.save()
                    pending = 0
            progress.add(model, pending)
            jsonl.flush()
            jsonl.detach()
        spool.seek(0)
        with archive.open(f"{stem}.csv", "w", force_zip64=True) as entry:
            shutil.copyfileobj(_Encoded(spool), entry)


class _Encoded:
    """Reads a text file as UTF-8 bytes, piece by piece (copyfileobj into a zip entry)."""

    def __init__(self, text_file):
        self.text_file = text_file

    def read(self, size: int = -1) -> bytes:
        return self.text_file.read(size if size and size > 0 else 1024 * 1024).encode("utf-8")


def _tenant_row(tenant: Tenant) -> dict:
    return {name: plain(getattr(tenant, name)) for name in column_names(Tenant)}


def tenant_export_file(*, tenant: Tenant, export: TenantExport, actor: str):
    """The export's zip opened for reading, if it is done and not expired (else None). Audited."""
    if export.tenant_id != tenant.pk or export.status != ExportStatus.DONE or not export.file_name:
        return None
    if export.expires_at and export.expires_at <= timezone.now():
        return None
    storage = private_storage()
    if not storage.exists(export.file_name):
        return None
    privacy_record(
        tenant_id=tenant.pk, action=PrivacyAction.TENANT_EXPORT_DOWNLOADED, actor=actor, subject_id=export.pk
    )
    return storage.open(export.file_name, "rb")


def tenant_exports_expire(*, now=None) -> int:
    """Remove the files of exports past their expiry (across tenants: an operator sweep); return how many."""
    now = now or timezone.now()
    storage, expired = private_storage(), 0
    due = TenantExport.unscoped.filter(status=ExportStatus.DONE, expires_at__lte=now).order_by("pk")
    for export in due.iterator(chunk_size=500):
        with transaction.atomic():
            if export.file_name:
                storage.delete(export.file_name)
            expired += TenantExport.unscoped.filter(pk=export.pk, status=ExportStatus.DONE).update(
                status=ExportStatus.EXPIRED, file_name=""
            )
    return expired
