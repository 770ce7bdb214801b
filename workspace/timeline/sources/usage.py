"""Usage, one entry per day of the tenant's calendar: events, active users and the features used most.

Read from the daily rollups, which ingestion keeps on the tenant's dates: one row per day, never one per event.
"""

from __future__ import annotations

from django.template.defaultfilters import pluralize
from django.urls import reverse

from accounts.models import Account, Tenant
from indicators.models import AccountDay
from workspace.timeline.entries import Entry, Window

TOP_FEATURES = 3


def usage_days(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    rows = (
        AccountDay.objects.for_tenant(tenant)
        .filter(account=account, day__gte=window.first_day, day__lte=window.last_day, usage_events__gt=0)
        .order_by("-day")
        .values_list("day", "usage_events", "active_users", "by_feature")[: window.limit]
    )
    events_url = reverse("admin:indicators_event_changelist")
    entries = []
    for day, events, users, by_feature in rows:
        top = sorted((by_feature or {}).items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FEATURES]
        detail = "Most used: " + ", ".join(f"{key} ({n})" for key, n in top) if top else ""
        entries.append(
            Entry(
                at=window.day_end(day),
                kind="usage",
                title=f"{events} usage event{pluralize(events)} by {users} active user{pluralize(users)}",
                detail=detail,
                link=f"{events_url}?account__id__exact={account.pk}&type__exact=usage",
                whole_day=True,
            )
        )
    return entries
