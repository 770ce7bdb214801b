"""The health dashboard: how the active tenant's current customers spread over the bands, and who moved most
this week. Churned accounts are shown apart and counted in no health figure; accounts not scored yet have
their own bar."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.replica import replica_page
from indicators.admin.account_health import BAND_COLORS, signed
from indicators.charts import bar_chart_svg
from indicators.models import Band
from indicators.selectors import UNSCORED, health_movers, health_overview

MOVERS = 10
UNSCORED_COLOR = "#adb5bd"
BAND_LABELS = {**{band.value: band.label for band in Band}, UNSCORED: "Not scored yet"}
COLORS = {**BAND_COLORS, UNSCORED: UNSCORED_COLOR}
# The account list's filters for the current customers (every stage but churned), and for the churned ones.
CURRENT = "lifecycle_stage__in=onboarding,adopting,mature,renewing"
CHURNED = "lifecycle_stage__exact=churned"


def _movers(rows) -> list[dict]:
    return [
        {
            "name": row.account.name,
            "url": reverse("admin:accounts_account_change", args=[row.account_id]),
            "score": row.score,
            "band": row.get_band_display(),
            "color": BAND_COLORS.get(row.band, UNSCORED_COLOR),
            "change": signed(row.change_7d),
        }
        for row in rows
    ]


@replica_page
def health_dashboard(request):
    """Served by the admin site (``admin_view``): members only; an operator must pick a tenant first."""
    tenant = request.tenant
    if tenant is None:
        messages.info(request, "Choose a tenant to see its health dashboard.")
        return redirect("admin:index")
    overview = health_overview(tenant=tenant)
    risers, fallers = health_movers(tenant=tenant, limit=MOVERS)
    rows = overview.rows()
    bars = [(BAND_LABELS[key], count, COLORS[key]) for key, count, _ in rows]
    changelist = reverse("admin:accounts_account_changelist")
    context = {
        **admin.site.each_context(request),
        "title": "Health dashboard",
        "overview": overview,
        "currency": tenant.currency,
        "chart": bar_chart_svg(bars, title="Current customers by health band", width=520),
        "band_links": [
            {"label": BAND_LABELS[key], "count": count, "arr": arr, "url": f"{changelist}?band={key}&{CURRENT}"}
            for key, count, arr in rows
        ],
        "churned_url": f"{changelist}?{CHURNED}",
        "risers": _movers(risers),
        "fallers": _movers(fallers),
    }
    return TemplateResponse(request, "indicators/admin/health_dashboard.html", context)
