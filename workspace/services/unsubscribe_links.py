"""The digest's unsubscribe link: signed for that one purpose (its own salt), no expiry, no login needed."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Membership

SALT = "workspace.digest-unsubscribe"


def unsubscribe_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "t": membership.tenant_id}, salt=SALT)


def unsubscribe_url(membership: Membership) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("digest-unsubscribe", args=[unsubscribe_token(membership)])


def membership_from_token(token: str) -> Membership | None:
    """The member the link was made for; None when its signature does not verify or the member is gone."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Membership.objects.for_tenant(payload["t"]).filter(pk=payload["m"]).select_related("tenant").first()
