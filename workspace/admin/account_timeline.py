"""The account's timeline in the console: its full page (admin/work/accounts/<id>/timeline/, paged by days,
filtered by kind) and the latest entries as a section of the account page."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.models import Account
from accounts.tenancy import get_for_tenant_or_404
from accounts.zones import tenant_zone
from indicators.admin.account_sections import account_section_add
from outcomes.admin.pages import ConsoleFilters, console_page, filters_from
from workspace.timeline.entries import Entry
from workspace.timeline.page import PAGE_DAYS, timeline_page, timeline_recent
from workspace.timeline.registry import timeline_kinds

SECTION_ENTRIES = 15


class TimelineFilters(ConsoleFilters):
    kind = forms.MultipleChoiceField(
        choices=timeline_kinds, required=False, widget=forms.CheckboxSelectMultiple, label="Kind"
    )
    before = forms.DateField(
        required=False, label="Before", widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"The {PAGE_DAYS} days up to the day before this date (default: up to today).",
    )  # fmt: skip

    def __init__(self, data=None, *args, kinds_given: list[str] | None = None, **kwargs):
        # ``filters_from`` hands a form one value per parameter; ``kind`` may be given several times.
        if data is not None and "kind" in data and kinds_given is not None:
            data = {**data, "kind": kinds_given}
        super().__init__(data, *args, **kwargs)


def timeline_days(entries: list[Entry], zone) -> list[dict]:
    """Entries grouped by the tenant's day, newest first, each with its local time and its kind's label."""
    labels = dict(timeline_kinds())
    local = [(entry.at.astimezone(zone), entry) for entry in entries]
    return [
        {
            "day": day,
            "entries": [
                {"entry": e, "label": labels.get(e.kind, e.kind), "time": "" if e.whole_day else at.strftime("%H:%M")}
                for at, e in group
            ],
        }
        for day, group in groupby(local, key=lambda pair: pair[0].date())
    ]


def may_log_touch(request, account: Account) -> bool:
    """As the account page decides its changes: admins, and CSMs on the accounts they may change."""
    return admin.site.get_model_admin(Account).has_change_permission(request, account)


def _query(kinds: list[str], before: date | None) -> str:
    params = [("kind", kind) for kind in kinds] + ([("before", before.isoformat())] if before else [])
    return f"?{urlencode(params)}" if params else ""


@console_page
def account_timeline_page(request, account_id: int):
    tenant = request.tenant
    account = get_for_tenant_or_404(tenant, Account, pk=account_id)
    filters = filters_from(request, TimelineFilters, kinds_given=request.GET.getlist("kind"))
    kinds = filters.values.get("kind") or []
    page = timeline_page(tenant=tenant, account=account, kinds=kinds or None, before=filters.values.get("before"))
    url = reverse("workspace-admin:account-timeline", args=[account.pk])
    context = {
        **admin.site.each_context(request),
        "title": f"Timeline of {account.name}",
        "account": account,
        "account_url": reverse("admin:accounts_account_change", args=[account.pk]),
        "form": filters.form,
        "page": page,
        "days": timeline_days(page.entries, tenant_zone(tenant)),
        "time_zone": tenant.time_zone,
        "newest_url": url + _query(kinds, None),
        "older_url": url + _query(kinds, page.older_before) if page.older_before else None,
        "touch_url": reverse("workspace-admin:touch", args=[account.pk]) if may_log_touch(request, account) else None,
    }
    return TemplateResponse(request, "workspace/timeline.html", context, status=filters.status)


def timeline_section(account: Account) -> str:
    tenant = account.tenant
    entries = timeline_recent(tenant=tenant, account=account, limit=SECTION_ENTRIES)
    return render_to_string(
        "workspace/timeline_section.html",
        {
            "days": timeline_days(entries, tenant_zone(tenant)),
            "time_zone": tenant.time_zone,
            "timeline_url": reverse("workspace-admin:account-timeline", args=[account.pk]),
        },
    )


account_section_add(key="timeline", title="Timeline", render=timeline_section)
