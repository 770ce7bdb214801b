"""The health dashboard: how the active tenant's accounts spread over the bands, and who moved most this week."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from indicators.admin.account_health import BAND_COLORS, signed
from indicators.charts import bar_chart_svg
from indicators.selectors import health_movers, health_overview

MOVERS = 10
UNSCORED_COLOR = "#adb5bd"


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


def health_dashboard(request):
    """Served by the admin site (``admin_view``): members only; an operator must pick a tenant first."""
    tenant = request.tenant
    if tenant is None:
        messages.info(request, "Choose a tenant to see its health dashboard.")
        return redirect("admin:index")
    overview = health_overview(tenant=tenant)
    risers, fallers = health_movers(tenant=tenant, limit=MOVERS)
    bars = [(band.capitalize(), count, BAND_COLORS[band]) for band, count in overview.by_band.items()]
    bars.append(("Not scored", overview.unscored, UNSCORED_COLOR))
    changelist = reverse("admin:accounts_account_changelist")
    context = {
        **admin.site.each_context(request),
        "title": "Health dashboard",
        "overview": overview,
        "chart": bar_chart_svg(bars, title="Accounts by health band", width=520),
        "band_links": [
            {"label": label, "count": count, "url": f"{changelist}?band={key}"}
            for (label, count, _), key in zip(bars, [*overview.by_band, "none"], strict=True)
        ],
        "risers": _movers(risers),
        "fallers": _movers(fallers),
    }
    return TemplateResponse(request, "indicators/admin/health_dashboard.html", context)
