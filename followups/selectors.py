"""Reads of the closed loop: work lists, and each department's queue with its time to respond."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Tenant
from followups.business_hours import business_hours_between
from followups.models import OPEN_STATUSES, Department, FollowUp, ResponseTheme, Status
from followups.tenant_calendar import NonWorkingDays


def followups_overdue(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    return queryset.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


@dataclass
class DepartmentQueue:
    department: Department
    open_items: int = 0
    overdue_items: int = 0
    items: int = 0
    themes: dict[str, int] = field(default_factory=dict)  # theme name -> open items
    median_hours_to_first_response: float | None = None
    median_hours_to_close: float | None = None


def department_queues(*, tenant: Tenant, since: datetime | None = None, now: datetime | None = None):
    """Per department: open and overdue follow-ups of the responses its themes tagged, and median response times.

    Time to first response runs from the follow-up's opening to its first activity (or its closing,
    if nothing was logged); time to close from opening to closing. Both count business hours in the
    tenant's time zone (followups/business_hours.py), so a weekend or a holiday does not make a team
    look slow. Counted over responses since ``since``.
    """
    now = now or timezone.now()
    non_working_days = NonWorkingDays(tenant)

    def hours_between(start: datetime, end: datetime) -> float:
        return business_hours_between(start, end, tenant.time_zone, non_working_days)

    departments = list(Department.objects.for_tenant(tenant).order_by("name"))
    queues = {d.pk: DepartmentQueue(department=d) for d in departments}
    tags = ResponseTheme.objects.for_tenant(tenant).select_related("theme")
    if since is not None:
        tags = tags.filter(response__responded_at__gte=since)
    by_response: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for tag in tags.only("response_id", "theme__department_id", "theme__name"):
        by_response[tag.response_id].add((tag.theme.department_id, tag.theme.name))
    followups = FollowUp.objects.for_tenant(tenant).filter(response_id__in=list(by_response))
    to_first: dict[int, list[float]] = defaultdict(list)
    to_close: dict[int, list[float]] = defaultdict(list)
    fields = ("response_id", "status", "due_at", "created_at", "first_activity_at", "closed_at")
    for f in followups.only(*fields):
        routed = by_response[f.response_id]
        first = min((t for t in (f.first_activity_at, f.closed_at) if t is not None), default=None)
        for department_id in {d for d, _ in routed}:
            queue = queues[department_id]
            queue.items += 1
            if f.status != Status.CLOSED:
                queue.open_items += 1
                queue.overdue_items += f.due_at < now
            if first is not None:
                to_first[department_id].append(hours_between(f.created_at, first))
            if f.status == Status.CLOSED and f.closed_at is not None:
                to_close[department_id].append(hours_between(f.created_at, f.closed_at))
        if f.status != Status.CLOSED:
            for department_id, theme in routed:
                queue = queues[department_id]
                queue.themes[theme] = queue.themes.get(theme, 0) + 1
    for department_id, queue in queues.items():
        if to_first[department_id]:
            queue.median_hours_to_first_response = round(statistics.median(to_first[department_id]), 1)
        if to_close[department_id]:
            queue.median_hours_to_close = round(statistics.median(to_close[department_id]), 1)
    return list(queues.values())
