"""Outcome figures of a tenant over a range of days or per period of its calendar, from its ARR ledger and
renewals (the arithmetic is metrics.py, the calendar periods.py).

The rows are read once per answer: the ledger up to the last day asked for (a cohort needs every movement
before its period) and the renewals whose term ends in the range, converted to the tenant's currency with
its rates (``conversion``: the answer lists the rates used and the accounts left out for want of one);
each range or period is then computed from them in memory by ``_range_figures``, the one place that says
which figures an answer holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Min

from accounts.models import Account, Membership, Tenant
from outcomes import conversion, metrics, periods
from outcomes.models import ArrMovement, ExchangeRate, MovementKind, Renewal
from outcomes.services.ledger import tenant_today

# Each period is computed over the whole ledger read: ten years of months is plenty for a chart, and a
# bound keeps one request from asking for thousands.
MAX_PERIODS = 120
PLACES = {"money": Decimal("0.01"), "ratio": Decimal("0.000001"), "days": Decimal("0.1")}
CENTS = Decimal("0.01")


def _places(figure: metrics.Figure, key: str) -> Decimal:
    if key == "value":
        return PLACES[figure.unit]
    if key == "denominator" and figure.unit == "money":
        return PLACES["ratio"]  # lifetime value divides money by a rate
    return CENTS


def _shown(figure: metrics.Figure) -> dict:
    """A figure for JSON: its value to the cent (money), to six places (ratios) or a tenth (days), numerator and
    denominator to the cent (a rate to six places), as exact decimal strings; ``missing`` says why there is no
    value (by default: too little data)."""
    shown = {
        key: str(value.quantize(_places(figure, key))) if isinstance(value, Decimal) else value
        for key, value in asdict(figure).items()
    }
    if figure.value is None:
        shown["missing"] = figure.missing or f"Not enough data: needs {figure.minimum}."
    return shown


@dataclass(frozen=True)
class Books:
    """What an answer reads, once, in the reporting currency: the ledger before its end and the renewals due in
    it, with the rates that converted them and the accounts left out for want of one (``conversion``)."""

    ledger: metrics.Ledger  # the movements, indexed once for every period
    renewals: list[metrics.RenewalRecord]
    rates: list[conversion.Rate]
    excluded: dict[str, int]

    def shown(self) -> dict:
        return {
            "rates": [{"currency": r.currency, "rate": str(r.rate), "valid_from": r.valid_from} for r in self.rates],
            "excluded": {
                "accounts": sum(self.excluded.values()),
                "currencies": list(self.excluded),
                "reason": conversion.EXCLUDED_REASON if self.excluded else None,
            },
        }


def _accounts(tenant: Tenant, segment: str | None, csm: Membership | None, cohort: int | None, unowned: bool = False):
    accounts = Account.objects.for_tenant(tenant)
    if segment:
        accounts = accounts.filter(segment__iexact=segment)
    if csm is not None:
        accounts = accounts.filter(csm_owner=csm)
    if unowned:
        accounts = accounts.filter(csm_owner__isnull=True)
    if cohort is not None:
        # The year an account became a customer: its first "new" movement (an opening balance is dated
        # from the contract start when the account has one). Reactivations do not move it.
        first_new = (
            ArrMovement.objects.for_tenant(tenant).filter(kind=MovementKind.NEW).order_by()
            .values("account_id").annotate(first=Min("on"))
            .filter(first__gte=date(cohort, 1, 1), first__lt=date(cohort + 1, 1, 1))
        )  # fmt: skip
        accounts = accounts.filter(pk__in=first_new.values("account_id"))
    return accounts


def _books(tenant: Tenant, accounts, first: date, stop: date) -> Books:
    ids = accounts.values("pk")
    foreign = dict(accounts.exclude(currency="").exclude(currency=tenant.currency).values_list("pk", "currency"))
    entries = [
        conversion.LedgerEntry(*row)
        for row in ArrMovement.objects.for_tenant(tenant).filter(account_id__in=ids, on__lt=stop)
        .order_by("on", "pk").values_list("account_id", "on", "kind", "amount", "arr_after")
    ]  # fmt: skip
    renewals = [
        metrics.RenewalRecord(account_id=a, term_end=term_end, arr_due=due, outcome=outcome, closed_arr=closed)
        for a, term_end, due, outcome, closed in Renewal.objects.for_tenant(tenant)
        .filter(account_id__in=ids, term_end__gte=first, term_end__lt=stop)
        .values_list("account_id", "term_end", "arr_due", "outcome", "closed_arr")
    ]  # fmt: skip
    rates = conversion.RateTable(
        conversion.Rate(*row)
        for row in ExchangeRate.objects.for_tenant(tenant).filter(currency__in=set(foreign.values()))
        .values_list("currency", "rate", "valid_from")
    )  # fmt: skip
    converted = conversion.to_reporting_currency(entries=entries, renewals=renewals, currencies=foreign, rates=rates)
    return Books(metrics.Ledger(converted.movements), converted.renewals, converted.rates_used, converted.excluded)


def _range_figures(books: Books, start: date, stop: date, *, gross_margin: Decimal | None) -> dict:
    """Every figure of [start, stop) from the rows read, with the pending renewals counted aside. Lifetime value
    and observed lifetimes are as of the end: the year to it, and every churn before it."""
    revenue = metrics.revenue_retention(books.ledger, start, stop)
    logos = metrics.logo_retention(books.ledger, start, stop)
    rates = metrics.renewal_rates(books.renewals, start, stop)
    return {
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
            "revenue_growth_per_customer": _shown(metrics.revenue_growth_per_customer(books.ledger, start, stop)),
            "lifetime_value": _shown(metrics.annual_lifetime_value(books.ledger, stop, gross_margin)),
            "observed_lifetimes": _shown(metrics.observed_lifetimes(books.ledger, before=stop)),
        },
        "pending_renewals": rates.pending,
        "pending_arr_due": str(rates.pending_arr_due),
    }


def _margin(tenant: Tenant) -> str | None:
    return str(tenant.gross_margin) if tenant.gross_margin is not None else None


def _scope(segment: str | None, csm: Membership | None, cohort: int | None) -> dict:
    return {"segment": segment or None, "csm": csm.pk if csm is not None else None, "cohort": cohort}


def outcomes_summary(*, tenant: Tenant, start: date, end: date, segment: str | None = None,
                     csm: Membership | None = None, cohort: int | None = None,
                     unowned: bool = False) -> dict:  # fmt: skip
    """Revenue and logo retention, renewal rates and revenue growth per customer over [start, end] (inclusive
    dates of the tenant's calendar), each with its definition, counts and whether there is enough data.
    ``cohort`` keeps the accounts that became customers in that year; ``unowned`` the accounts no CSM owns."""
    stop = end + timedelta(days=1)
    books = _books(tenant, _accounts(tenant, segment, csm, cohort, unowned), start, stop)
    return {
        "start": start,
        "end": end,
        "currency": tenant.currency,
        **_scope(segment, csm, cohort),
        "gross_margin": _margin(tenant),
        **books.shown(),
        **_range_figures(books, start, stop, gross_margin=tenant.gross_margin),
    }


def outcomes_trend(*, tenant: Tenant, start: date, end: date, period: str, segment: str | None = None,
                   csm: Membership | None = None, cohort: int | None = None) -> dict:  # fmt: skip
    """The summary's figures for each ``period`` (month, quarter, year or ttm) of the tenant's calendar inside
    [start, end] (inclusive dates), oldest first, the running one to date (``complete`` False): see
    ``periods.periods``. Raises ``periods.InvalidPeriod`` for an unknown period, naming ``kind``, and for more
    than ``MAX_PERIODS`` periods, naming ``start``."""
    stop = end + timedelta(days=1)
    found = periods.periods(period, start, stop, today=tenant_today(tenant))
    if len(found) > MAX_PERIODS:
        raise periods.InvalidPeriod("start", f"at most {MAX_PERIODS} periods of {period} at once: start later.")
    first = min((p.start for p in found), default=start)  # a trailing twelve months starts before the range
    books = _books(tenant, _accounts(tenant, segment, csm, cohort), first, stop)
    return {
        "period": period,
        "start": start,
        "end": end,
        "currency": tenant.currency,
        "gross_margin": _margin(tenant),
        **_scope(segment, csm, cohort),
        **books.shown(),
        "periods": [
            {"label": p.label, "start": p.start, "end": p.last_day, "complete": p.complete,
             **_range_figures(books, p.start, p.end, gross_margin=tenant.gross_margin)}
            for p in found
        ],
    }  # fmt: skip
