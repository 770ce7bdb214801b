"""Tenant B's (and A's) rows for the workspace models: a member's email preferences and a digest sent."""

from __future__ import annotations

from datetime import date

from accounts.roles import Role
from tests.isolation.world import World, builder
from workspace.models import DigestSend, NotificationPreference


@builder("workspace.NotificationPreference")
def build_notification_preference(w: World) -> None:
    w.add(NotificationPreference.objects.create(tenant=w.tenant, membership=w.memberships[Role.CSM]), main=True)


@builder("workspace.DigestSend")
def build_digest_send(w: World) -> None:
    w.add(DigestSend.objects.create(tenant=w.tenant, membership=w.memberships[Role.CSM], day=date(2026, 3, 29)))
