"""Tenant B's (and A's) rows for the alerts models: builders registered after the core ones in world.py."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account
from accounts.roles import Role
from alerts.models import Alert, AlertRule, AlertStatus, Priority, RuleKind
from tests.isolation.world import World, builder, canary_fields, text_value


@builder("alerts.AlertRule")
def build_alert_rule(b: World) -> None:
    b.add(
        AlertRule.objects.create(
            tenant=b.tenant, kind=RuleKind.SCORE_DROP, points=12, within_days=9, priority=Priority.HIGH,
            due_in_days=4, **canary_fields(b, AlertRule),
        )
    )  # fmt: skip


@builder("alerts.Alert")
def build_alerts(b: World) -> None:
    now = timezone.now()
    rule, account, csm = b.row(AlertRule), b.row(Account), b.memberships[Role.CSM]
    common = {"tenant": b.tenant, "account": account, "rule": rule, "assignee": csm, "priority": Priority.HIGH}
    open_alert = Alert.objects.create(
        **common, due_at=now + timedelta(days=2), first_fired_at=now - timedelta(days=1), last_fired_at=now,
        fire_count=3, detail={"note": text_value(b, "alert.detail")},
        **canary_fields(b, Alert),
    )  # fmt: skip
    closed = Alert.objects.create(
        **common, due_at=now - timedelta(days=3), status=AlertStatus.CLOSED, first_fired_at=now - timedelta(days=9),
        last_fired_at=now - timedelta(days=8), closed_by=b.users[Role.CSM], closed_at=now - timedelta(days=2),
        detail={"note": text_value(b, "alertclosed.detail")}, **canary_fields(b, Alert, "alertclosed"),
    )  # fmt: skip
    b.add(open_alert, main=True)
    b.add(closed)
