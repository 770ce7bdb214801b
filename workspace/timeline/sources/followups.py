"""Follow-ups (opened, closed) and the activities logged on them."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from accounts.models import Account, Tenant
from followups.models import Activity, FollowUp
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window, newest_in_window, shorten


def _link(followup_id: int) -> str:
    return reverse("admin:followups_followup_change", args=[followup_id])


def _followup_entries(tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    followups = (
        FollowUp.objects.for_tenant(tenant)
        .filter(account=account)
        .filter(Q(**in_window("created_at", window)) | Q(**in_window("closed_at", window)))
        .select_related("contact", "closed_by__user")
        .annotate(newest=newest_in_window("created_at", "closed_at", window))
        .order_by("-newest", "-id")[: window.limit]
    )
    start, end = window.start, window.end
    entries = []
    for f in followups:
        category = f.get_category_display().lower()
        if start <= f.created_at < end:
            due = window.local(f.due_at).strftime("%Y-%m-%d %H:%M")
            entries.append(
                Entry(
                    at=f.created_at,
                    kind="followup",
                    title=f"Follow-up opened: {category} {f.contact}",
                    detail=f"Due {due}",
                    link=_link(f.pk),
                )
            )
        if f.closed_at is not None and start <= f.closed_at < end:
            by = f" by {f.closed_by.user}" if f.closed_by is not None else ""
            entries.append(
                Entry(
                    at=f.closed_at,
                    kind="followup",
                    title=f"Follow-up closed{by}: {category} {f.contact}",
                    detail=shorten(f.closing_note),
                    link=_link(f.pk),
                )
            )
    return entries


def _activity_entries(tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    activities = (
        Activity.objects.for_tenant(tenant)
        .filter(followup__account=account, **in_window("at", window))
        .select_related("followup__contact", "by__user")
        .order_by("-at", "-id")[: window.limit]
    )
    return [
        Entry(
            at=a.at,
            kind="followup",
            title=f"{a.get_kind_display()} on the follow-up of {a.followup.contact}"
            + (f", by {a.by.user}" if a.by is not None else ""),
            detail=shorten(a.note),
            link=_link(a.followup_id),
        )
        for a in activities
    ]


def followups(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    return _followup_entries(tenant, account, window) + _activity_entries(tenant, account, window)
