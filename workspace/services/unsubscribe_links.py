"""The unsubscribe links of the workspace's emails: signed for that one purpose (its own salt), no expiry, no login
needed. Each names what it stops: the daily digest, or urgent emails."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Membership

SALT = "workspace.digest-unsubscribe"
DIGEST, URGENT = "digest", "urgent"
STOPS = (DIGEST, URGENT)


@dataclass(frozen=True)
class Unsubscribe:
    membership: Membership
    stops: str  # DIGEST or URGENT


def unsubscribe_token(membership: Membership, stops: str = DIGEST) -> str:
    if stops not in STOPS:
        raise ValueError(f"unknown email kind {stops!r}")
    # Digest links carry no kind: those already sent (before urgent emails existed) keep working.
    payload = {"m": membership.pk, "t": membership.tenant_id, **({} if stops == DIGEST else {"k": stops})}
    return signing.dumps(payload, salt=SALT)


def unsubscribe_url(membership: Membership, stops: str = DIGEST) -> str:
    token = unsubscribe_token(membership, stops)
    return settings.SITE_URL.rstrip("/") + reverse("digest-unsubscribe", args=[token])


def unsubscribe_from_token(token: str) -> Unsubscribe | None:
    """The member the link was made for and what it stops; None when its signature does not verify, it names
    no kind we send, or the member is gone."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    stops = payload.get("k", DIGEST)
    if stops not in STOPS:
        return None
    member = Membership.objects.for_tenant(payload["t"]).filter(pk=payload["m"]).select_related("tenant").first()
    return Unsubscribe(member, stops) if member is not None else None
