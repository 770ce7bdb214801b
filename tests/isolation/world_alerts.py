"""Tenant B's (and A's) rows for the alerts models: builders registered after the core ones in world.py."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Account
from accounts.roles import Role
from alerts.models import Alert, AlertRule, AlertStatus, Playbook, PlaybookStep, Priority, RuleKind, StepAssignee, Task
from tests.isolation.world import World, builder, canary_fields, text_value


@builder("alerts.Playbook")
def build_playbook(b: World) -> None:
    b.add(Playbook.objects.create(tenant=b.tenant, **canary_fields(b, Playbook)))


@builder("alerts.PlaybookStep")
def build_playbook_steps(b: World) -> None:
    playbook = b.row(Playbook)
    for position, assignee in enumerate((StepAssignee.ALERT_ASSIGNEE, StepAssignee.ACCOUNT_CSM), start=1):
        b.add(
            PlaybookStep.objects.create(
                tenant=b.tenant, playbook=playbook, position=position, due_in_days=position * 3, assignee=assignee,
                **canary_fields(b, PlaybookStep, f"playbookstep{position}"),
            )
        )  # fmt: skip


@builder("alerts.AlertRule")
def build_alert_rule(b: World) -> None:
    b.add(
        AlertRule.objects.create(
            tenant=b.tenant, kind=RuleKind.SCORE_DROP, points=12, within_days=9, priority=Priority.HIGH,
            due_in_days=4, playbook=b.row(Playbook), **canary_fields(b, AlertRule),
        )
    )  # fmt: skip


@builder("alerts.Alert")
def build_alerts(b: World) -> None:
    now = timezone.now()
    rule, account, csm = b.row(AlertRule), b.row(Account), b.memberships[Role.CSM]
    common = {"tenant": b.tenant, "account": account, "rule": rule, "assignee": csm, "priority": Priority.HIGH}
    # Snoozed well ahead (any tenant's today is before it), so a snooze body made from it is valid.
    open_alert = Alert.objects.create(
        **common, due_at=now + timedelta(days=2), first_fired_at=now - timedelta(days=1), last_fired_at=now,
        fire_count=3, detail={"note": text_value(b, "alert.detail")}, snoozed_until=date.today() + timedelta(days=30),
        snoozed_by=b.users[Role.CSM], **canary_fields(b, Alert),
    )  # fmt: skip
    closed = Alert.objects.create(
        **common, due_at=now - timedelta(days=3), status=AlertStatus.CLOSED, first_fired_at=now - timedelta(days=9),
        last_fired_at=now - timedelta(days=8), closed_by=b.users[Role.CSM], closed_at=now - timedelta(days=2),
        detail={"note": text_value(b, "alertclosed.detail")}, **canary_fields(b, Alert, "alertclosed"),
    )  # fmt: skip
    b.add(open_alert, main=True)
    b.add(closed)


@builder("alerts.Task")
def build_tasks(b: World) -> None:
    now, alert = timezone.now(), b.row(Alert)
    first, second = b.rows[PlaybookStep._meta.label][:2]
    common = {"tenant": b.tenant, "alert": alert, "account": alert.account, "assignee": b.memberships[Role.CSM]}
    open_task = Task.objects.create(**common, step=first, due_at=now + timedelta(days=3), **canary_fields(b, Task))
    done = Task.objects.create(
        **common, step=second, due_at=now + timedelta(days=6), done_at=now - timedelta(hours=1),
        done_by=b.users[Role.CSM], **canary_fields(b, Task, "taskdone"),
    )  # fmt: skip
    b.add(open_task, main=True)
    b.add(done)
