"""Working a follow-up: assigning it, moving its status, logging activities."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Tenant
from accounts.tenancy import same_tenant
from followups.models import Activity, FollowUp, Status
from followups.services.opening import WORKING_ROLES

# Status moves made by hand; closing has its own service (it needs the category's outcome).
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS, Status.WAITING},
    Status.IN_PROGRESS: {Status.WAITING},
    Status.WAITING: {Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},  # reopening
}


def followup_assign(*, tenant: Tenant, followup: FollowUp, assignee: Membership | None) -> FollowUp:
    """Give the follow-up to a member who may work it (a CSM or an admin of the tenant), or to nobody."""
    same_tenant(tenant, followup=followup, assignee=assignee)
    if assignee is not None and assignee.role not in WORKING_ROLES:
        raise ValidationError({"assignee": "Only a CSM or an admin can be assigned follow-ups."})
    if followup.assignee_id != (assignee.pk if assignee else None):
        followup.assignee = assignee
        followup.save(update_fields=["assignee", "updated_at"])
    return followup


def transition_error(current: str, status: str) -> str | None:
    """Why ``current`` cannot move to ``status`` by hand, or None when it can."""
    if status == current:
        return None
    if status == Status.CLOSED:
        return "Close a follow-up with its outcome (the close action)."
    if status not in Status.values:
        return f"One of {', '.join(Status.values)}."
    if status not in TRANSITIONS.get(current, set()):
        return f"Cannot move from {Status(current).label} to {Status(status).label}."
    return None


def followup_transition(*, tenant: Tenant, followup: FollowUp, status: str) -> FollowUp:
    """Move the status by hand (new, in progress, waiting on customer; reopening a closed one).

    Raises ValidationError on ``status`` for a move that is not allowed, closing included.
    """
    same_tenant(tenant, followup=followup)
    if status == followup.status:
        return followup
    problem = transition_error(followup.status, status)
    if problem:
        raise ValidationError({"status": problem})
    fields = ["status", "updated_at"]
    if followup.status == Status.CLOSED:
        followup.closed_at = followup.closed_by = None
        followup.overdue_alerted_at = None  # a reopened follow-up may be overdue again
        fields += ["closed_at", "closed_by", "overdue_alerted_at"]
    followup.status = status
    followup.save(update_fields=fields)
    return followup


def activity_log(
    *,
    tenant: Tenant,
    followup: FollowUp,
    kind: str,
    note: str = "",
    by: Membership | None = None,
    at: datetime | None = None,
) -> Activity:
    """Record a call, email, meeting or note. The first one starts the work: a new follow-up moves to in progress."""
    same_tenant(tenant, followup=followup, by=by)
    at = at or timezone.now()
    with transaction.atomic():
        followup = FollowUp.objects.for_tenant(tenant).select_for_update().get(pk=followup.pk)
        activity = Activity(tenant=tenant, followup=followup, kind=kind, note=note, by=by, at=at)
        activity.full_clean(exclude=["tenant", "followup", "by"])
        activity.save()
        fields = []
        if followup.first_activity_at is None or at < followup.first_activity_at:
            followup.first_activity_at = at
            fields.append("first_activity_at")
        if followup.status == Status.NEW:
            followup.status = Status.IN_PROGRESS
            fields.append("status")
        if fields:
            followup.save(update_fields=[*fields, "updated_at"])
    return activity
