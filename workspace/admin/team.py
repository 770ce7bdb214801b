"""The team view: per working member, their book, open work, adherence, NPS and retention; for every member
of the tenant (read-only: the page changes nothing). It takes no parameters: any is a 400 naming it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.replica import replica_page
from indicators.admin.dashboard import BAND_LABELS
from outcomes.admin.pages import ConsoleFilters, console_page, filters_from
from workspace.admin.console import is_leader, render_page
from workspace.selectors.book import RISK_ORDER
from workspace.selectors.team import ADHERENCE_DAYS, NPS_MIN_RESPONSES, team_view

TITLE = "Team"


class TeamFilters(ConsoleFilters):
    """No filter yet: the form exists so that an unknown parameter is refused by name."""


@console_page
@replica_page
def team_page(request):
    tenant = request.tenant
    filters = filters_from(request, TeamFilters)
    team = team_view(tenant=tenant, now=timezone.now())
    today_url = reverse("workspace-admin:today")
    rows = [
        {
            "row": row,
            "today_url": f"{today_url}?member={row.member_id}" if row.member_id and is_leader(request) else None,
        }
        for row in team.rows
    ]
    context = {
        "form": None,
        "errors": [error for errors in filters.form.errors.values() for error in errors],
        "team": team,
        "rows": rows,
        "bands": [(key, BAND_LABELS[key]) for key in RISK_ORDER],
        "adherence_days": ADHERENCE_DAYS,
        "nps_min": NPS_MIN_RESPONSES,
        "currency": tenant.currency,
    }
    return render_page(request, "workspace/team.html", TITLE, context, status=filters.status)
