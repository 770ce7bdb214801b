"""Signed, expiring survey links, bound to their tenant and to one invitation.

The token carries (tenant id, send id, the send's random token id), signed with the project's secret
and a salt of its own, and timestamped. Opening a link checks the signature, the age, and then looks
the invitation up *inside the tenant the token names*, by id and token id together: a token of tenant
A can only ever reach tenant A's invitation it was made for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from accounts.log_context import log_context_bind
from accounts.models import Tenant
from surveys.models import SurveySend

SALT = "surveys.response-link"
DEFAULT_MAX_AGE = timedelta(days=30)


class LinkError(Exception):
    """A link that cannot be used; ``reason`` is "invalid" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Link:
    tenant: Tenant
    send: SurveySend


def link_max_age() -> timedelta:
    return getattr(settings, "SURVEY_LINK_MAX_AGE", DEFAULT_MAX_AGE)


def new_token_id() -> str:
    return secrets.token_hex(16)


def token_for(send: SurveySend) -> str:
    return signing.dumps({"t": send.tenant_id, "s": send.pk, "k": send.token_id}, salt=SALT, compress=True)


def link_open(token: str, *, now=None) -> Link:
    """The tenant and invitation a token names, or LinkError."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), t) for k, t in (("t", int), ("s", int), ("k", str))
    ):
        raise LinkError("invalid")
    tenant = Tenant.objects.filter(pk=data["t"]).first()
    if tenant is None:
        raise LinkError("invalid")
    send = (
        SurveySend.objects.for_tenant(tenant)
        .select_related("survey", "contact", "account")
        .filter(pk=data["s"], token_id=data["k"])
        .first()
    )
    if send is None:
        raise LinkError("invalid")
    if send.expires_at is not None and now >= send.expires_at:
        raise LinkError("expired")
    log_context_bind(tenant_id=tenant.pk)  # the survey link is a door: what follows is this tenant's
    return Link(tenant=tenant, send=send)
