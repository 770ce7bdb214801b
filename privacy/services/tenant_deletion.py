"""Deleting a tenant: scheduled with a grace period, cancellable until due, then done in batches.

After the grace period the periodic task deletes the tenant's rows model by model, the tables no other
table points to (events, rollups, logs: the biggest) first, each in chunks of PRIVACY_CHUNK_ROWS rows, one
short transaction per chunk so the database is never held long; the audit trails next; the tenant last.
A deletion interrupted half way is simply resumed by the next run. What survives is the operator's
PrivacyRecord (ids and counts, no personal data).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Tenant
from privacy.audit import privacy_record
from privacy.models import PrivacyAction, TenantDeletion
from privacy.storage import private_storage
from privacy.tenant_models import deletion_order, nullable_links_to_clear

logger = logging.getLogger(__name__)


def pending_deletion(*, tenant: Tenant) -> TenantDeletion | None:
    return TenantDeletion.objects.for_tenant(tenant).filter(cancelled_at__isnull=True).first()


def tenant_deletion_schedule(
    *, tenant: Tenant, user=None, actor: str, grace_days: int | None = None
) -> tuple[TenantDeletion, bool]:
    """Schedule ``tenant``'s deletion ``grace_days`` (TENANT_DELETION_GRACE_DAYS) from now. Audited.

    Returns (the pending deletion, whether it was made now): asking again while one is pending changes
    nothing and returns that one, so a retried request cannot move the date.
    """
    days = settings.TENANT_DELETION_GRACE_DAYS if grace_days is None else grace_days
    now = timezone.now()
    try:
        with transaction.atomic():
            deletion = TenantDeletion.objects.create(
                tenant=tenant, requested_by=user, requested_at=now, due_at=now + timedelta(days=days)
            )
            privacy_record(
                tenant_id=tenant.pk, action=PrivacyAction.TENANT_DELETION_SCHEDULED, actor=actor,
                subject_id=deletion.pk, counts={"grace_days": days},
            )  # fmt: skip
    except IntegrityError:  # the one-pending constraint: it exists (two requests at once make one)
        return pending_deletion(tenant=tenant), False
    return deletion, True


@transaction.atomic
def tenant_deletion_cancel(*, tenant: Tenant, user=None, actor: str) -> TenantDeletion | None:
    """Cancel the pending deletion if it has not started; return it (None when there was nothing to cancel)."""
    deletion = (
        TenantDeletion.objects.for_tenant(tenant)
        .select_for_update()
        .filter(cancelled_at__isnull=True, started_at__isnull=True)
        .first()
    )
    if deletion is None:
        return None
    deletion.cancelled_at, deletion.cancelled_by = timezone.now(), user
    deletion.save(update_fields=["cancelled_at", "cancelled_by"])
    privacy_record(
        tenant_id=tenant.pk, action=PrivacyAction.TENANT_DELETION_CANCELLED, actor=actor, subject_id=deletion.pk
    )
    return deletion


def due_tenant_ids(*, now=None) -> list[int]:
    """Tenants whose deletion is due (across tenants: the periodic sweep reads ids only)."""
    now = now or timezone.now()
    due = TenantDeletion.unscoped.filter(cancelled_at__isnull=True, due_at__lte=now)
    return sorted(set(due.values_list("tenant_id", flat=True)))


def tenant_delete_now(*, tenant_id: int, actor: str = "task") -> dict[str, int] | None:
    """Delete every row of a tenant whose deletion is due, then the tenant; return rows deleted by model.

    None when no due, uncancelled deletion exists (cancelled meanwhile, or already done).
    """
    claimed = TenantDeletion.unscoped.filter(
        tenant_id=tenant_id, cancelled_at__isnull=True, due_at__lte=timezone.now()
    ).update(started_at=timezone.now())  # from now on it can no longer be cancelled
    if not claimed:
        return None
    counts: Counter[str] = Counter()
    order = deletion_order()
    chunk = settings.PRIVACY_CHUNK_ROWS
    for model, field in nullable_links_to_clear(order):
        rows = model._base_manager.filter(tenant_id=tenant_id).exclude(**{f"{field}__isnull": True})
        _in_chunks(rows, chunk, lambda qs, f=field: qs.update(**{f: None}))
    for model in order:
        if model is TenantDeletion:
            continue  # the claim stays until the tenant goes, so a crash resumes rather than forgets
        rows = model._base_manager.filter(tenant_id=tenant_id)
        # A raw delete: the children went first, and Django's collector would write a "deleted" audit row
        # (simple-history) for each row it removes, the very data being deleted.
        counts[model._meta.label] += _in_chunks(rows, chunk, lambda qs: qs._raw_delete(qs.db))
    _remove_export_files(tenant_id)
    with transaction.atomic():
        counts["privacy.TenantDeletion"] += TenantDeletion.unscoped.filter(tenant_id=tenant_id)._raw_delete("default")
        history = Tenant.history.model._base_manager.filter(id=tenant_id)
        counts[Tenant.history.model._meta.label] += history._raw_delete(history.db)
        counts["accounts.Tenant"] += Tenant.objects.filter(pk=tenant_id)._raw_delete("default")
        privacy_record(
            tenant_id=tenant_id, action=PrivacyAction.TENANT_DELETED, actor=actor,
            counts={label: n for label, n in sorted(counts.items()) if n},
        )  # fmt: skip
    return dict(counts)


def _in_chunks(queryset, size: int, work) -> int:
    """Apply ``work`` to ``queryset``'s rows, ``size`` at a time, each chunk in its own transaction."""
    pk_name, total = queryset.model._meta.pk.name, 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by(pk_name).values_list(pk_name, flat=True)[:size])
            if not ids:
                return total
            total += work(queryset.model._base_manager.filter(**{f"{pk_name}__in": ids})) or 0


def _remove_export_files(tenant_id: int) -> None:
    storage = private_storage()
    folder = f"tenant-{tenant_id}"
    if not storage.exists(folder):
        return
    for name in storage.listdir(folder)[1]:
        storage.delete(f"{folder}/{name}")
