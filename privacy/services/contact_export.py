"""Exporting everything held about one contact, as one JSON document. Audited."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Contact, Tenant
from accounts.tenancy import same_tenant
from privacy.audit import privacy_record
from privacy.models import PrivacyAction
from privacy.selectors import contact_rows


def contact_export(*, tenant: Tenant, contact: Contact, actor: str) -> dict:
    """{"contact_id", "exported_at", "rows": {model label: [row, ...]}} for ``contact`` of ``tenant``."""
    same_tenant(tenant, contact=contact)
    rows = contact_rows(tenant=tenant, contact=contact)
    privacy_record(
        tenant_id=tenant.pk, action=PrivacyAction.CONTACT_EXPORTED, actor=actor, subject_id=contact.pk,
        counts={label: len(found) for label, found in rows.items()},
    )  # fmt: skip
    return {"contact_id": contact.pk, "exported_at": timezone.now().isoformat(), "rows": rows}
