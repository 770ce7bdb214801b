"""Handing an alert or a task to another working member (an admin or a CSM) of the same tenant."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership, Tenant
from accounts.roles import Role
from accounts.tenancy import same_tenant
from alerts.models import Alert, AlertStatus, Task

# Viewers read; work goes to the people who do it.
WORKING_ROLES = (Role.ADMIN, Role.CSM)
NOT_WORKING = "Only an admin or a CSM of this tenant can be given work."


def working_members(*, tenant: Tenant):
    """The tenant's members who may be given alerts and tasks."""
    return Membership.objects.for_tenant(tenant).filter(role__in=WORKING_ROLES).select_related("user")


def assignee_check(tenant: Tenant, assignee: Membership | None, *, required: bool = True) -> None:
    """Work goes to an admin or a CSM of ``tenant`` (nobody, when not ``required``)."""
    if assignee is None:
        if required:
            raise ValidationError({"assignee": "Choose the member to hand it to."})
        return
    same_tenant(tenant, assignee=assignee)
    if assignee.role not in WORKING_ROLES:
        raise ValidationError({"assignee": NOT_WORKING})


@transaction.atomic
def alert_reassign(*, tenant: Tenant, alert: Alert, assignee: Membership) -> Alert:
    """Give ``alert`` to ``assignee``, with its open tasks held by the alert's previous assignee.

    Tasks someone else holds (say, the account CSM's executive call) stay with them. Raises
    ValidationError naming ``assignee`` (another tenant's, a viewer) or ``status`` (closed).
    """
    same_tenant(tenant, alert=alert)
    assignee_check(tenant, assignee)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError({"status": "This alert is closed; it has no work left to hand over."})
    previous = alert.assignee_id
    alert.__dict__.pop("_history_user", None)
    alert.__dict__.pop("_change_reason", None)
    alert.assignee = assignee
    alert.save(update_fields=["assignee", "updated_at"])
    following = Task.objects.for_tenant(tenant).filter(alert=alert, done_at=None, assignee_id=previous)
    for task in following.order_by("pk"):
        task.assignee = assignee
        task.save(update_fields=["assignee", "updated_at"])
    return alert


def task_reassign(*, tenant: Tenant, task: Task, assignee: Membership) -> Task:
    """Give ``task`` to ``assignee`` (done tasks too: the record says who holds it)."""
    same_tenant(tenant, task=task)
    assignee_check(tenant, assignee)
    task.assignee = assignee
    task.save(update_fields=["assignee", "updated_at"])
    return task
