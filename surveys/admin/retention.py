"""The NPS dashboard's retention panel: GRR, NRR and logo retention over the dashboard's range, from the
outcome figures (``outcomes.selectors.outcomes_summary``), each with its definition, counts and why a value
is missing. NPS is never shown alone: it stands beside what customers actually did."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Membership, Tenant
from outcomes.selectors import outcomes_summary

SHOWN = (
    ("gross_revenue_retention", "Gross revenue retention (GRR)"),
    ("net_revenue_retention", "Net revenue retention (NRR)"),
    ("logo_retention", "Logo retention"),
)


def _percent(value: str | None) -> str | None:
    return None if value is None else f"{Decimal(value) * 100:.1f}%"


def _counts(key: str, figure: dict, currency: str) -> str:
    counts = figure["counts"]
    accounts = counts["accounts_at_start"]
    if key == "logo_retention":
        return f"{counts['retained']} of {accounts} accounts retained, {counts['churned']} lost"
    starting = f"{Decimal(figure['denominator']):,.0f} {currency}" if figure["denominator"] is not None else "none"
    moves = f"{counts['churned']} churned, {counts['contracted']} contracted"
    if key == "net_revenue_retention":
        moves += f", {counts['expanded']} expanded"
    return f"starting ARR {starting} over {accounts} accounts; {moves}"


def retention_panel(*, tenant: Tenant, start: date, end: date, segment: str = "",
                    csm: Membership | None = None) -> dict:  # fmt: skip
    """The panel's rows for [start, end] (inclusive), narrowed like the dashboard by segment and CSM."""
    summary = outcomes_summary(tenant=tenant, start=start, end=end, segment=segment or None, csm=csm)
    rows = []
    for key, label in SHOWN:
        figure = summary["figures"][key]
        rows.append({
            "key": key, "label": label, "value": _percent(figure["value"]), "missing": figure.get("missing"),
            "counts": _counts(key, figure, summary["currency"]), "definition": figure["definition"],
        })  # fmt: skip
    return {
        "rows": rows,
        "cohort_day": start - timedelta(days=1),
        "currency": summary["currency"],
        "rates": summary["rates"],
        "excluded": summary["excluded"],
    }
