"""The link in an invitation: a signed token naming the invitation and its tenant.

Both the signature's age and the row's ``expires_at`` are checked, and a token only ever finds an
invitation of the tenant it was issued for.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Invitation

SALT = "accounts.invitation"


class InvitationInvalid(Exception):
    """The link is tampered, expired, revoked or already used."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "t": invitation.tenant_id}, salt=SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation:
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvitationInvalid("This invitation link is invalid or has expired.") from exc
    invitation = (
        Invitation.unscoped.select_related("tenant").filter(pk=payload.get("i"), tenant_id=payload.get("t")).first()
    )
    if invitation is None or not invitation.is_usable:
        raise InvitationInvalid("This invitation has already been used, was withdrawn, or has expired.")
    return invitation
