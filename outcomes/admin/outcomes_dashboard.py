"""The outcomes dashboard: retention, renewal rates and growth over a chosen range, each figure with its
definition and counts ("not enough data" below its minimum), and the retention trend by period."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms

from accounts.models import Membership
from accounts.replica import replica_page
from outcomes.admin.pages import (
    ConsoleFilters,
    CsmField,
    console_page,
    csm_choices,
    filters_from,
    render_page,
    segment_choices,
)
from outcomes.charts import lines_chart_svg
from outcomes.periods import PERIOD_KINDS
from outcomes.selectors import outcomes_summary, outcomes_trend
from outcomes.services.ledger import tenant_today

TITLE = "Outcomes"
NOT_ENOUGH = "Not enough data"
MAX_DAYS = 5 * 366  # a longer range is read in pieces: each figure re-reads the ledger up to its end
PERIOD_LABELS = {"month": "Monthly", "quarter": "Quarterly", "year": "Yearly", "ttm": "Trailing twelve months"}
# The figures of ``outcomes_summary`` in the order shown, grouped by what they are a share of.
GROUPS = (
    ("Revenue retention", "Of the starting ARR of the accounts that were customers when the range began.", (
        ("gross_revenue_retention", "Gross revenue retention (GRR)"),
        ("net_revenue_retention", "Net revenue retention (NRR)"),
        ("expansion", "Expansion"),
        ("contraction", "Contraction"),
        ("revenue_churn", "Revenue churn"),
    )),
    ("Logos", "Of the accounts that were customers when the range began.", (
        ("logo_retention", "Logo retention"),
        ("logo_churn", "Logo churn"),
    )),
    ("Renewals due in the range", "Of the ARR due on renewals whose term ended in the range: a different "
     "denominator from GRR and NRR.", (
        ("gross_renewal_rate", "Gross renewal rate"),
        ("net_renewal_rate", "Net renewal rate"),
    )),
    ("Growth and lifetime", "Growth: ARR per retained account at the end over ARR per account at the start. "
     "Lifetime value: average ARR per customer at the end × the tenant's gross margin ÷ the revenue churn rate of "
     "the year to the end, with the lifetimes actually observed beside it.", (
        ("revenue_growth_per_customer", "Revenue growth per customer"),
        ("lifetime_value", "Lifetime value"),
        ("observed_lifetimes", "Observed lifetime (median)"),
    )),
)  # fmt: skip
# The trend's lines: the figures that say how much of the starting book was kept.
TREND_SERIES = (
    ("gross_revenue_retention", "GRR"),
    ("net_revenue_retention", "NRR"),
    ("logo_retention", "Logo retention"),
)


class OutcomesFilters(ConsoleFilters):
    id_fields = ("csm",)

    start = forms.DateField(help_text="First day")
    end = forms.DateField(help_text="Last day, inclusive")
    period = forms.ChoiceField(label="Trend by", choices=[(k, PERIOD_LABELS[k]) for k in PERIOD_KINDS], initial="month")
    segment = forms.ChoiceField(required=False)
    csm = CsmField(queryset=Membership.unscoped.none(), required=False, label="CSM", empty_label="All CSMs")
    cohort = forms.IntegerField(required=False, min_value=1990, max_value=2100, label="Cohort (year)")

    def __init__(self, *args, tenant, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].initial = today
        self.fields["start"].initial = today - timedelta(days=364)  # a year, like the API's default
        self.fields["segment"].choices = segment_choices(tenant)
        self.fields["csm"].queryset = csm_choices(tenant)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "Must not be before the start.")
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("start", "At most five years at a time.")
        return cleaned


def shown_value(figure: dict, currency: str) -> str | None:
    """A figure's value as read on the page: a ratio as a percentage with one decimal, money with thousands
    separators and the currency, days as days; None when there is not enough data."""
    value = figure["value"]
    if value is None:
        return None
    unit = figure.get("unit", "ratio")
    if unit == "money":
        return f"{Decimal(value):,.0f} {currency}"
    if unit == "days":
        return f"{Decimal(value):,.0f} days"
    return _percent(value)


def fraction_text(figure: dict, currency: str) -> str | None:
    """What the figure divides: "8,800 ÷ 10,000 starting ARR"; for money over a rate (lifetime value), the
    rate as a percentage. None when there is nothing to divide by."""
    numerator, denominator, label = figure["numerator"], figure["denominator"], figure["denominator_label"]
    if numerator is None or denominator is None or Decimal(denominator) == 0:
        return None
    if figure.get("unit") == "money":
        return f"{Decimal(numerator):,.0f} {currency} ÷ {Decimal(denominator) * 100:.1f}% {label}"
    return f"{Decimal(numerator):,.0f} ÷ {Decimal(denominator):,.0f} {label}"


def missing_text(figure: dict) -> tuple[str, str] | None:
    """(headline, reason) of a figure without a value; the reason from the figure when it says one."""
    if figure["value"] is not None:
        return None
    reason = figure.get("missing") or f"Not enough data: needs {figure['minimum']}."
    if reason.startswith(NOT_ENOUGH):  # the headline says it already
        detail = reason.removeprefix(NOT_ENOUGH).lstrip(": ")
        return "Not enough data", detail[:1].upper() + detail[1:]
    return "Not computed", reason


def figure_cards(summary: dict) -> list[dict]:
    """The summary's figures grouped for the page; any figure no group names comes last, under "More"."""
    figures, currency = summary["figures"], summary["currency"]
    named = {key for _, _, members in GROUPS for key, _ in members}
    extra = tuple((key, key.replace("_", " ").capitalize()) for key in figures if key not in named)
    groups = [*GROUPS, *((("More", "", extra),) if extra else ())]
    return [
        {
            "title": group,
            "note": note,
            "figures": [
                {**figures[key], "key": key, "label": label, "shown": shown_value(figures[key], currency),
                 "fraction": fraction_text(figures[key], currency), "missing": missing_text(figures[key]),
                 "counts": [(name.replace("_", " "), count) for name, count in figures[key]["counts"].items()]}
                for key, label in members
                if key in figures
            ],
        }
        for group, note, members in groups
    ]  # fmt: skip


def trend_table(trend: dict) -> list[dict]:
    """One row per period: its label and each trend figure as a percentage (None: not enough data)."""
    return [
        {
            "label": period["label"],
            "values": [_percent(period["figures"][key]["value"]) for key, _ in TREND_SERIES],
            "accounts": period["figures"]["logo_retention"]["counts"].get("accounts_at_start"),
        }
        for period in trend["periods"]
    ]


def trend_chart(trend: dict) -> str:
    series = [
        (name, [None if p["figures"][key]["value"] is None else float(p["figures"][key]["value"])
                for p in trend["periods"]])
        for key, name in TREND_SERIES
    ]  # fmt: skip
    return lines_chart_svg(
        [p["label"] for p in trend["periods"]], series, title=f"Retention, {PERIOD_LABELS[trend['period']].lower()}"
    )


def _percent(value: str | None) -> str | None:
    return None if value is None else f"{Decimal(value) * 100:.1f}%"


@console_page
@replica_page
def outcomes_dashboard_page(request):
    tenant = request.tenant
    filters = filters_from(request, OutcomesFilters, tenant=tenant, today=tenant_today(tenant))
    values = filters.values
    scope = {"segment": values.get("segment") or None, "csm": values.get("csm"), "cohort": values.get("cohort")}
    summary = outcomes_summary(tenant=tenant, start=values["start"], end=values["end"], **scope)
    trend = outcomes_trend(tenant=tenant, start=values["start"], end=values["end"], period=values["period"], **scope)
    context = {
        "form": filters.form,
        "summary": summary,
        "groups": figure_cards(summary),
        "currency": tenant.currency,
        "trend_chart": trend_chart(trend),
        "trend_columns": [name for _, name in TREND_SERIES],
        "trend_rows": trend_table(trend),
    }
    return render_page(request, "admin/outcomes/dashboard.html", TITLE, context, status=filters.status)
