"""Outcome figures of a tenant over a period, from its ARR ledger and renewals (the arithmetic is metrics.py)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Account, Membership, Tenant
from outcomes import metrics
from outcomes.models import ArrMovement, Renewal


def _shown(figure: metrics.Figure) -> dict:
    """A figure for JSON: money to the cent and ratios to six places, as exact decimal strings."""
    places = Decimal("0.01") if figure.unit == "money" else Decimal("0.000001")
    return {
        key: str(value.quantize(places if key == "value" else Decimal("0.01"))) if isinstance(value, Decimal) else value
        for key, value in asdict(figure).items()
    }


def _accounts(tenant: Tenant, segment: str | None, csm: Membership | None):
    accounts = Account.objects.for_tenant(tenant)
    if segment:
        accounts = accounts.filter(segment__iexact=segment)
    if csm is not None:
        accounts = accounts.filter(csm_owner=csm)
    return accounts


def outcomes_summary(*, tenant: Tenant, start: date, end: date, segment: str | None = None,
                     csm: Membership | None = None) -> dict:  # fmt: skip
    """Revenue and logo retention, renewal rates and revenue growth per customer over [start, end] (inclusive
    dates of the tenant's calendar), each with its definition, counts and whether there is enough data."""
    stop = end + timedelta(days=1)
    ids = _accounts(tenant, segment, csm).values("pk")
    movements = [
        metrics.Movement(account_id=a, on=on, kind=kind, amount=amount)
        for a, on, kind, amount in ArrMovement.objects.for_tenant(tenant).filter(account_id__in=ids, on__lt=stop)
        .values_list("account_id", "on", "kind", "amount")
    ]  # fmt: skip
    renewals = [
        metrics.RenewalRecord(account_id=a, term_end=term_end, arr_due=due, outcome=outcome, closed_arr=closed)
        for a, term_end, due, outcome, closed in Renewal.objects.for_tenant(tenant)
        .filter(account_id__in=ids, term_end__gte=start, term_end__lt=stop)
        .values_list("account_id", "term_end", "arr_due", "outcome", "closed_arr")
    ]  # fmt: skip
    revenue = metrics.revenue_retention(movements, start, stop)
    logos = metrics.logo_retention(movements, start, stop)
    rates = metrics.renewal_rates(renewals, start, stop)
    return {
        "start": start,
        "end": end,
        "currency": tenant.currency,
        "figures": {
            "gross_revenue_retention": _shown(revenue.grr),
            "net_revenue_retention": _shown(revenue.nrr),
            "expansion": _shown(revenue.expansion),
            "contraction": _shown(revenue.contraction),
            "revenue_churn": _shown(revenue.churn),
            "logo_retention": _shown(logos.retention),
            "logo_churn": _shown(logos.churn),
            "gross_renewal_rate": _shown(rates.gross),
            "net_renewal_rate": _shown(rates.net),
            "revenue_growth_per_customer": _shown(metrics.revenue_growth_per_customer(movements, start, stop)),
        },
        "pending_renewals": rates.pending,
        "pending_arr_due": str(rates.pending_arr_due),
    }
