"""Reads of the CSM's work items: alerts worth working today, their snoozes, and playbook tasks."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import Membership, Tenant
from alerts.models import Alert, AlertStatus, Task
from alerts.services.snooze import tenant_today


def not_snoozed_q(today) -> Q:
    """Alerts not snoozed on ``today`` (a day of the tenant's calendar): a snooze ends as its day starts."""
    return Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)


def alerts_working(*, tenant: Tenant, assignee: Membership | None = None, now: datetime | None = None) -> QuerySet:
    """The tenant's alerts to work now: not closed and not snoozed (as of the tenant's today), due first.

    ``assignee`` narrows to one member's alerts.
    """
    today = tenant_today(tenant, now)
    alerts = Alert.objects.for_tenant(tenant).exclude(status=AlertStatus.CLOSED).filter(not_snoozed_q(today))
    if assignee is not None:
        alerts = alerts.filter(assignee=assignee)
    return alerts.order_by("due_at", "pk")


def alerts_snoozed(*, tenant: Tenant, now: datetime | None = None) -> QuerySet:
    """The tenant's open alerts snoozed as of its today, soonest back first."""
    today = tenant_today(tenant, now)
    return (
        Alert.objects.for_tenant(tenant)
        .exclude(status=AlertStatus.CLOSED)
        .filter(snoozed_until__gt=today)
        .order_by("snoozed_until", "pk")
    )


def tasks_open(*, tenant: Tenant, assignee: Membership | None = None) -> QuerySet:
    """The tenant's tasks not done, soonest due first (``assignee``: one member's)."""
    tasks = Task.objects.for_tenant(tenant).filter(done_at=None)
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    return tasks.select_related("account", "alert").order_by("due_at", "pk")


def account_tasks(*, tenant: Tenant, account_id: int) -> QuerySet:
    """An account's tasks, done or not, with who holds and who did each (for its timeline): soonest due first."""
    return (
        Task.objects.for_tenant(tenant)
        .filter(account_id=account_id)
        .select_related("alert", "assignee__user", "done_by")
        .order_by("due_at", "pk")
    )
