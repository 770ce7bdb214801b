"""Unsubscribing from surveys: permanent, and idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Contact, Tenant
from surveys.models import SendStatus, SurveySend, SurveyUnsubscribe


def contact_unsubscribe(*, tenant: Tenant, contact: Contact, send: SurveySend | None = None) -> SurveyUnsubscribe:
    """Never survey ``contact`` again; their invitations not yet sent are skipped."""
    with transaction.atomic():
        record, _ = SurveyUnsubscribe.objects.for_tenant(tenant).get_or_create(
            contact=contact, defaults={"tenant": tenant, "unsubscribed_at": timezone.now(), "send": send}
        )
        SurveySend.objects.for_tenant(tenant).filter(contact=contact, status=SendStatus.SCHEDULED).update(
            status=SendStatus.SKIPPED, error="unsubscribed"
        )
    return record


def is_unsubscribed(*, tenant: Tenant, contact: Contact) -> bool:
    return SurveyUnsubscribe.objects.for_tenant(tenant).filter(contact=contact).exists()
