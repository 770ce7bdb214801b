"""Playbook tasks: when each was set (with its deadline) and when it was done, on time or late."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Tenant
from alerts.selectors import account_tasks
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window, newest_in_window, shorten


def tasks(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    rows = (
        account_tasks(tenant=tenant, account_id=account.pk)
        .filter(Q(**in_window("created_at", window)) | Q(**in_window("done_at", window)))
        .annotate(newest=newest_in_window("created_at", "done_at", window))
        .order_by("-newest", "-id")[: window.limit]
    )
    start, end = window.start, window.end
    entries = []
    for task in rows:
        link = reverse("admin:alerts_task_change", args=[task.pk])
        if start <= task.created_at < end:
            due = timezone.localtime(task.due_at, window.zone)
            holder = f", for {task.assignee}" if task.assignee_id else ""
            entries.append(
                Entry(
                    at=task.created_at,
                    kind="task",
                    title=f"Task set{holder}: {task.title} (due {due:%Y-%m-%d})",
                    detail=shorten(f"From the alert “{task.alert.title}”. {task.description}".strip()),
                    link=link,
                )
            )
        if task.done_at is not None and start <= task.done_at < end:
            by = f" by {task.done_by}" if task.done_by_id else ""
            late = "" if task.done_at <= task.due_at else " (late)"
            entries.append(
                Entry(
                    at=task.done_at,
                    kind="task",
                    title=f"Task done{by}{late}: {task.title}",
                    detail=shorten(task.note),
                    link=link,
                )
            )
    return entries
