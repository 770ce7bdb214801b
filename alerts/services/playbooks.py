"""A playbook's steps become an alert's tasks when its rule opens the alert; tasks are done and reopened.

Tasks are made when an alert opens (its first firing), never on re-firings of the same open alert,
and at most once per (alert, step): running it twice changes nothing. Each task is due at the end of
the day ``due_in_days`` after the alert opened, in the tenant's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Account, Tenant
from accounts.tenancy import same_tenant
from accounts.zones import tenant_zone
from alerts.models import Alert, AlertRule, PlaybookStep, StepAssignee, Task
from alerts.tenant_calendar import due_end_of_day


def playbook_tasks_create(*, tenant: Tenant, alerts: Iterable[Alert]) -> list[Task]:
    """Make the tasks of the playbook of each alert's rule (enabled playbooks only); return those made.

    ``alerts`` are the tenant's alerts just opened. Queries do not grow with the number of alerts.
    """
    alerts = [a for a in alerts if a.rule_id is not None and a.pk is not None]
    if not alerts:
        return []
    for alert in alerts:
        same_tenant(tenant, alert=alert)
    playbook_of = dict(
        AlertRule.objects.for_tenant(tenant)
        .filter(pk__in={a.rule_id for a in alerts}, playbook__isnull=False, playbook__enabled=True)
        .values_list("pk", "playbook_id")
    )
    if not playbook_of:
        return []
    steps: dict[int, list[PlaybookStep]] = {}
    for step in PlaybookStep.objects.for_tenant(tenant).filter(playbook_id__in=set(playbook_of.values())):
        steps.setdefault(step.playbook_id, []).append(step)
    alerts = [a for a in alerts if steps.get(playbook_of.get(a.rule_id))]
    if not alerts:
        return []
    csm_of = dict(
        Account.objects.for_tenant(tenant)
        .filter(pk__one_of={a.account_id for a in alerts})
        .values_list("pk", "csm_owner_id")
    )
    made = set(
        Task.objects.for_tenant(tenant)
        .filter(alert_id__one_of=[a.pk for a in alerts], step__isnull=False)
        .values_list("alert_id", "step_id")
    )
    zone, now, tasks = tenant_zone(tenant), timezone.now(), []
    for alert in alerts:
        for step in steps[playbook_of[alert.rule_id]]:
            if (alert.pk, step.pk) in made:
                continue
            csm = csm_of.get(alert.account_id)
            assignee = csm if step.assignee == StepAssignee.ACCOUNT_CSM else (alert.assignee_id or csm)
            tasks.append(
                Task(
                    tenant=tenant, alert_id=alert.pk, step=step, account_id=alert.account_id, title=step.title,
                    description=step.description, assignee_id=assignee,
                    due_at=due_end_of_day(alert.first_fired_at, step.due_in_days, zone),
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
    if tasks:
        bulk_create_with_history(tasks, Task, default_change_reason="csplatform: playbook step")
    return tasks


def task_complete(*, tenant: Tenant, task: Task, by=None, note: str = "", now: datetime | None = None) -> Task:
    """Mark ``task`` done now, with an optional note. Raises ValidationError if it is done already."""
    same_tenant(tenant, task=task)
    if task.done_at is not None:
        raise ValidationError({"done_at": f"Already done on {task.done_at.astimezone(tenant_zone(tenant)):%Y-%m-%d}."})
    task.done_at, task.done_by, task.note = now or timezone.now(), by, (note or "").strip()
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    return task


def task_reopen(*, tenant: Tenant, task: Task) -> Task:
    """Make ``task`` open again (its note is kept); an open task is left as it is."""
    same_tenant(tenant, task=task)
    if task.done_at is None:
        return task
    task.done_at, task.done_by = None, None
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    return task
