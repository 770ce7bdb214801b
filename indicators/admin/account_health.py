"""The health parts of the account admin: list filters, the score panel and the contacts (User 360) panel.

Read-only presentation over the selectors and ``indicators.scoring.contacts``; the account admin wires them.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Case, IntegerField, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse

from indicators import charts, engine
from indicators.engine.formatting import fixed, points_text, value_text
from indicators.scoring.contacts import account_contacts_health
from indicators.scoring.results import result_from_json
from indicators.selectors import health_bands, health_current, health_trend, health_week_change

TREND_DAYS = 180
UNCHANGED = 0.05  # points: below what the panel shows with one decimal
TREND_STABLE = 5.0  # points over 7 days; less than this either way is "stable"
SCORE_RANGES = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))
BAND_COLORS = {"green": "#198754", "yellow": "#e0a800", "red": "#dc3545"}
CONTACTS_SHOWN = 100
CONTACT_COLUMNS = ("active_days_30d", "usage_events_30d", "features_used_share", "days_since_last_usage")


class BandListFilter(admin.SimpleListFilter):
    title = "health band"
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return [("green", "Green"), ("yellow", "Yellow"), ("red", "Red"), ("none", "Not scored yet")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(Q(health__isnull=True) | Q(health__score__isnull=True))
        if self.value() in BAND_COLORS:
            return queryset.filter(health__band=self.value())
        return queryset


class ScoreRangeListFilter(admin.SimpleListFilter):
    title = "health score"
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [(f"{low}-{high}", f"{low}\u2013{high}") for low, high in SCORE_RANGES]

    def queryset(self, request, queryset):
        for low, high in SCORE_RANGES:
            if self.value() == f"{low}-{high}":
                upper = {"health__score__lte": high} if high == 100 else {"health__score__lt": high}
                return queryset.filter(health__score__gte=low, **upper)
        return queryset


class TrendListFilter(admin.SimpleListFilter):
    title = "trend (7 days)"
    parameter_name = "trend"

    def lookups(self, request, model_admin):
        return [
            ("rising", f"Rising ({TREND_STABLE:g}+ points)"),
            ("falling", f"Falling ({TREND_STABLE:g}+ points)"),
            ("stable", "Stable"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "rising":
            return queryset.filter(health__change_7d__gte=TREND_STABLE)
        if self.value() == "falling":
            return queryset.filter(health__change_7d__lte=-TREND_STABLE)
        if self.value() == "stable":
            return queryset.filter(health__change_7d__gt=-TREND_STABLE, health__change_7d__lt=TREND_STABLE)
        return queryset


# Most severe first: how a CSM reads bands, and how a band column sorts.
BAND_SEVERITY = ("red", "yellow", "green")


def band_severity(field: str) -> Case:
    """An expression ranking ``field``'s band by severity: red 0, yellow 1, green 2, not scored 3."""
    ranks = [When(**{field: band}, then=Value(rank)) for rank, band in enumerate(BAND_SEVERITY)]
    return Case(*ranks, default=Value(len(BAND_SEVERITY)), output_field=IntegerField())


def money_text(amount, currency: str) -> str:
    """1250000 and USD: "1,250,000 USD" (whole units; a list column, not a ledger)."""
    return "-" if amount is None else f"{Decimal(amount):,.0f} {currency}".strip()


def signed(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:+.1f}".replace("-", "\u2212")


def _measure_rows(explanation: dict) -> list[dict]:
    rows = []
    for m in explanation["measures"]:
        declared = engine.CATALOGUE.get(m["indicator"])
        unit = declared.unit if declared else ""
        rows.append(
            {
                "label": m["label"],
                "before": value_text(m["value_before"], unit, m["indicator"]),
                "after": value_text(m["value_after"], unit, m["indicator"]),
                "points_before": "\u2013" if m["points_before"] is None else fixed(m["points_before"]),
                "points_after": "\u2013" if m["points_after"] is None else fixed(m["points_after"]),
                "contribution": points_text(m["contribution"]),
                "negative": m["contribution"] < 0,
            }
        )
    return rows


def _next_step(current, explanation: dict | None) -> str | None:
    if explanation and explanation.get("next_step"):
        return explanation["next_step"]["action"]
    try:  # no loss in the last change: suggest what costs the current score most
        step = engine.suggest_next_step(result_from_json(current.result))
    except (KeyError, TypeError, ValueError):
        return None
    return step.action if step else None


def health_panel(account) -> str:
    """Score, band, coverage, computed/gut/final, trend chart, and the last change explained."""
    tenant = account.tenant
    current = health_current(tenant=tenant, account=account)
    if current is None:
        return render_to_string("indicators/admin/health_panel.html", {"current": None})
    last = health_week_change(tenant=tenant, account=account, current=current)
    explanation = last["explanation"]
    chart = charts.line_chart_svg(
        health_trend(tenant=tenant, account=account, days=TREND_DAYS),
        bands=health_bands(tenant=tenant, account=account),
        title=f"Health score, last {TREND_DAYS} days",
        empty_text="No history yet",
    )
    events = [
        {**e, "url": reverse("admin:indicators_event_change", args=[e["id"]])} for e in last["events"]
    ]  # fmt: skip
    return render_to_string(
        "indicators/admin/health_panel.html",
        {
            "current": current,
            "band_color": BAND_COLORS.get(current.band, "#6c757d"),
            "coverage_pct": round(100 * (current.coverage or 0)),
            "change_7d": signed(current.change_7d),
            "change_30d": signed(current.change_30d),
            "chart": chart,
            "from": last["from"],
            "to": last["to"],
            "explanation": explanation,
            "change": signed(explanation["change"]) if explanation else None,
            "unchanged": explanation is not None and abs(explanation["change"]) < UNCHANGED,
            "measures": _measure_rows(explanation) if explanation else [],
            "events": events,
            "next_step": _next_step(current, explanation),
        },
    )


def contacts_panel(account) -> str:
    """Each contact's adoption stage, last seen, usage, latest survey score and risk flags."""
    rows = account_contacts_health(tenant=account.tenant, account=account)
    shown = rows[:CONTACTS_SHOWN]  # key people and those at risk sort first, so they are always shown
    units = {key: engine.CATALOGUE[key].unit for key in CONTACT_COLUMNS}
    contacts = [
        {
            "health": row,
            "url": reverse("admin:accounts_contact_change", args=[row.contact.pk]),
            "usage": [value_text(row.values.get(key), units[key], key) for key in CONTACT_COLUMNS],
        }
        for row in shown
    ]
    return render_to_string(
        "indicators/admin/contacts_panel.html",
        {
            "contacts": contacts,
            "more": len(rows) - len(shown),
            "all_url": f"{reverse('admin:accounts_contact_changelist')}?account__id__exact={account.pk}",
            "columns": [engine.CATALOGUE[key].label for key in CONTACT_COLUMNS],
            "risks": [risk for row in rows for risk in row.risks],
        },
    )
