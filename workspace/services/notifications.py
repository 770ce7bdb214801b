"""A member's email preferences, and the once-per-day claim on their digest."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from accounts.models import Account, Membership
from accounts.roles import Role
from workspace.models import DigestSend, NotificationPreference


def has_book(membership: Membership) -> bool:
    """A CSM, or anyone with accounts assigned to them: the people a daily digest is for."""
    if membership.role == Role.CSM:
        return True
    return Account.objects.for_tenant(membership.tenant_id).filter(csm_owner=membership).exists()


def preference_for(membership: Membership) -> NotificationPreference:
    """The member's preferences, created with the defaults the first time they are asked for.

    The digest is on by default only for members with a book: an admin or viewer without accounts would get
    an email with nothing of theirs in it.
    """
    rows = NotificationPreference.objects.for_tenant(membership.tenant_id)
    preference, _ = rows.get_or_create(
        membership=membership,
        defaults={"tenant_id": membership.tenant_id, "daily_digest": has_book(membership), "urgent_email": True},
    )
    return preference


def claim_digest(membership: Membership, day: date) -> bool:
    """Record the member's digest for ``day``; False when it is already recorded.

    The unique constraint is the claim: of two workers (or a re-run) only the one whose insert succeeds sends.
    """
    try:
        with transaction.atomic():
            DigestSend.objects.for_tenant(membership.tenant_id).create(
                tenant_id=membership.tenant_id, membership=membership, day=day
            )
    except IntegrityError:
        return False
    return True
