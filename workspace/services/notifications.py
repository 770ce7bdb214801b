"""A member's email preferences, and the once-per-day claim on their digest."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, Membership
from accounts.roles import Role
from workspace.models import DigestSend, NotificationPreference


def has_book(membership: Membership) -> bool:
    """A CSM, or anyone with accounts assigned to them: the people a daily digest is for."""
    if membership.role == Role.CSM:
        return True
    return Account.objects.for_tenant(membership.tenant_id).filter(csm_owner=membership).exists()


def _defaults(membership: Membership) -> dict:
    return {"tenant_id": membership.tenant_id, "daily_digest": has_book(membership), "urgent_email": True}


def preference_shown(membership: Membership) -> NotificationPreference:
    """The member's preferences as they stand, or (unsaved) the defaults they would get: reading writes nothing."""
    found = NotificationPreference.objects.for_tenant(membership.tenant_id).filter(membership=membership).first()
    return found or NotificationPreference(membership=membership, **_defaults(membership))


def preference_for(membership: Membership) -> NotificationPreference:
    """The member's preferences, created with the defaults the first time they are asked for.

    The digest is on by default only for members with a book: an admin or viewer without accounts would get
    an email with nothing of theirs in it.
    """
    rows = NotificationPreference.objects.for_tenant(membership.tenant_id)
    preference, _ = rows.get_or_create(membership=membership, defaults=_defaults(membership))
    return preference


def preference_update(*, membership: Membership, daily_digest: bool, urgent_email: bool) -> NotificationPreference:
    """The member's own choices, as they set them in the console; saving them ends an earlier unsubscribe."""
    preference = preference_for(membership)
    preference.daily_digest, preference.urgent_email, preference.unsubscribed_at = daily_digest, urgent_email, None
    preference.save(update_fields=["daily_digest", "urgent_email", "unsubscribed_at"])
    return preference


def unsubscribe(*, membership: Membership, digest: bool = False, urgent: bool = False) -> NotificationPreference:
    """Turn the daily digest and/or urgent emails off from an email's link, noting when."""
    preference = preference_for(membership)
    stays = (preference.daily_digest and not digest, preference.urgent_email and not urgent)
    if stays == (preference.daily_digest, preference.urgent_email) and preference.unsubscribed_at is not None:
        return preference  # the link opened again: nothing to change, the first moment stands
    preference.daily_digest, preference.urgent_email = stays
    preference.unsubscribed_at = timezone.now()
    preference.save(update_fields=["daily_digest", "urgent_email", "unsubscribed_at"])
    return preference


def claim_digest(membership: Membership, day: date, at: datetime | None = None) -> bool:
    """Record the member's digest for ``day``, composed at ``at`` (default: now); False when it is already
    recorded. ``at`` is where the next digest's "new alerts" begin.

    The unique constraint is the claim: of two workers (or a re-run) only the one whose insert succeeds sends.
    """
    try:
        with transaction.atomic():
            DigestSend.objects.for_tenant(membership.tenant_id).create(
                tenant_id=membership.tenant_id, membership=membership, day=day, sent_at=at or timezone.now()
            )
    except IntegrityError:
        return False
    return True
