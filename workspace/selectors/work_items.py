"""Open work items, the one place that says which alerts and follow-ups are still to be worked.

Both the CSM's Today and the team view read these, so an alert left out here (a snoozed one) is left out
of every list and count at once. Work on churned accounts is not working work: it is left out.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import LifecycleStage, Tenant
from alerts.models import Alert, AlertStatus, Task
from alerts.selectors import not_snoozed_q
from alerts.services.snooze import tenant_today
from followups.models import OPEN_STATUSES, FollowUp


def open_alerts(*, tenant: Tenant) -> QuerySet[Alert]:
    """The tenant's alerts that are not closed nor snoozed (as of its today), on accounts that have not churned."""
    return (
        Alert.objects.for_tenant(tenant)
        .exclude(status=AlertStatus.CLOSED)
        .filter(not_snoozed_q(tenant_today(tenant)))
        .exclude(account__lifecycle_stage=LifecycleStage.CHURNED)
    )


def open_followups(*, tenant: Tenant) -> QuerySet[FollowUp]:
    """The tenant's follow-ups still open (new, in progress, waiting), on accounts that have not churned."""
    return (
        FollowUp.objects.for_tenant(tenant)
        .filter(status__in=OPEN_STATUSES)
        .exclude(account__lifecycle_stage=LifecycleStage.CHURNED)
    )


def open_tasks(*, tenant: Tenant) -> QuerySet[Task]:
    """The tenant's playbook tasks not done, on accounts that have not churned."""
    return (
        Task.objects.for_tenant(tenant)
        .filter(done_at__isnull=True)
        .exclude(account__lifecycle_stage=LifecycleStage.CHURNED)
    )


def holder():
    """Who holds a work item: its assignee, else the account's CSM (None: nobody, the "Unassigned" row)."""
    return Coalesce(F("assignee_id"), F("account__csm_owner_id"))
