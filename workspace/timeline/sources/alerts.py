"""Alerts: when each fired first and when it was closed (by whom, with its note)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from accounts.models import Account, Tenant
from alerts.models import Alert
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window, newest_in_window, shorten


def alerts(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    rows = (
        Alert.objects.for_tenant(tenant)
        .filter(account=account)
        .filter(Q(**in_window("first_fired_at", window)) | Q(**in_window("closed_at", window)))
        .select_related("closed_by")
        .annotate(newest=newest_in_window("first_fired_at", "closed_at", window))
        .order_by("-newest", "-id")[: window.limit]
    )
    start, end = window.start, window.end
    entries = []
    for alert in rows:
        link = reverse("admin:alerts_alert_change", args=[alert.pk])
        if start <= alert.first_fired_at < end:
            fired = f" (fired {alert.fire_count} times)" if alert.fire_count > 1 else ""
            entries.append(
                Entry(
                    at=alert.first_fired_at,
                    kind="alert",
                    title=f"Alert opened ({alert.get_priority_display().lower()} priority): {alert.title}{fired}",
                    detail=shorten(alert.message),
                    link=link,
                )
            )
        if alert.closed_at is not None and start <= alert.closed_at < end:
            by = " by csplatform" if alert.closed_by_system else f" by {alert.closed_by}" if alert.closed_by else ""
            entries.append(
                Entry(
                    at=alert.closed_at,
                    kind="alert",
                    title=f"Alert closed{by}: {alert.title}",
                    detail=shorten(alert.closing_note),
                    link=link,
                )
            )
    return entries
