"""Overdue follow-ups raise an alert for their assignee, once; closing the follow-up closes it.

One piece of work is one item: when an alert is already open for the follow-up's answer (the
detractor answer's, say), that alert is escalated (marked overdue, its priority raised) instead of a
second alert opening beside it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from alerts.models import Priority
from alerts.services import alert_escalate, alert_raise, open_alerts_about
from alerts.services.wording import tenant_moment
from followups.models import OPEN_STATUSES, FollowUp
from followups.services.closing import overdue_alert_key
from followups.signals import followup_overdue
from surveys.models import Category

PRIORITY = {Category.DETRACTOR: Priority.HIGH, Category.PASSIVE: Priority.MEDIUM, Category.PROMOTER: Priority.MEDIUM}


def overdue_unalerted(*, tenant: Tenant, now: datetime):
    return FollowUp.objects.for_tenant(tenant).filter(
        status__in=OPEN_STATUSES, due_at__lt=now, overdue_alerted_at__isnull=True
    )


def overdue_alerts_raise(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Raise one alert per follow-up that became overdue since the last run, or escalate the open alert of its
    answer; return how many follow-ups were alerted. Safe to run twice."""
    now = now or timezone.now()
    raised = 0
    for followup_id in overdue_unalerted(tenant=tenant, now=now).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            # Claim the follow-up with a conditional update, so two sweeps never both raise.
            if not overdue_unalerted(tenant=tenant, now=now).filter(pk=followup_id).update(overdue_alerted_at=now):
                continue
            followup = (
                FollowUp.objects.for_tenant(tenant).select_related("account", "contact", "assignee").get(pk=followup_id)
            )
            followup_overdue.send(sender=FollowUp, tenant=tenant, followup=followup)
            due = tenant_moment(tenant, followup.due_at)
            covering = open_alerts_about(tenant=tenant, account=followup.account, response_id=followup.response_id)
            for alert in covering:
                alert_escalate(
                    tenant=tenant, alert=alert, message=f"Its follow-up is overdue: it was due {due}.",
                    priority=PRIORITY.get(followup.category, Priority.MEDIUM), due_at=now,
                    detail={"followup_id": followup.pk, "due_at": followup.due_at.isoformat()},
                )  # fmt: skip
            if covering:
                raised += 1
                continue
            alert_raise(
                tenant=tenant,
                account=followup.account,
                key=overdue_alert_key(followup),
                title=f"Overdue {followup.get_category_display().lower()} follow-up",
                message=f"The follow-up of {followup.contact}'s answer was due {due}.",
                priority=PRIORITY.get(followup.category, Priority.MEDIUM),
                due_at=now,
                detail={
                    "followup_id": followup.pk,
                    "category": followup.category,
                    "due_at": followup.due_at.isoformat(),
                },
                assignee=followup.assignee,
            )
            raised += 1
    return raised


def tenants_with_overdue_followups(*, now: datetime) -> list[int]:
    """The periodic sweep's one cross-tenant read: which tenants have work."""
    rows = FollowUp.unscoped.filter(status__in=OPEN_STATUSES, due_at__lt=now, overdue_alerted_at__isnull=True)
    return sorted(set(rows.values_list("tenant_id", flat=True)))
