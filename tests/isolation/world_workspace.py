"""Tenant B's (and A's) rows for the workspace models: a member's email preferences, a digest sent and an
urgent email sent."""

from __future__ import annotations

from datetime import date

from accounts.models import Account
from accounts.roles import Role
from tests.isolation.world import World, builder, canary_fields
from workspace.models import DigestSend, NotificationPreference, UrgentKind, UrgentNotice


@builder("workspace.NotificationPreference")
def build_notification_preference(w: World) -> None:
    w.add(NotificationPreference.objects.create(tenant=w.tenant, membership=w.memberships[Role.CSM]), main=True)


@builder("workspace.DigestSend")
def build_digest_send(w: World) -> None:
    w.add(DigestSend.objects.create(tenant=w.tenant, membership=w.memberships[Role.CSM], day=date(2026, 3, 29)))


@builder("workspace.UrgentNotice")
def build_urgent_notice(w: World) -> None:
    w.add(
        UrgentNotice.objects.create(
            tenant=w.tenant, membership=w.memberships[Role.CSM], account=w.row(Account), kind=UrgentKind.RED_RENEWAL,
            **canary_fields(w, UrgentNotice),
        )
    )  # fmt: skip
