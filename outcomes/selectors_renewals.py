"""Reads of renewals for the console: the pending ones ahead by term end, and one account's renewals.

Plain data out (frozen dataclasses of numbers, dates and labels), each read in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Account, Membership, Tenant
from outcomes.models import CsmCall, Outcome, Renewal, RenewalForecast
from outcomes.services.forecast import disagrees

HORIZONS = (30, 60, 90, 180)  # days ahead the console looks
OVERDUE = "overdue"
ROWS_SHOWN = 500  # rows listed on the page; the totals count every renewal in the horizon
ZERO = Decimal("0.00")
CALL_LABELS = dict(CsmCall.choices)
OUTCOME_LABELS = dict(Outcome.choices)


@dataclass(frozen=True)
class Window:
    """A slice of the days to term end: ``first`` to ``last`` days ahead, inclusive (overdue: below 0)."""

    key: str
    label: str
    first: int | None
    last: int | None

    def holds(self, days_left: int) -> bool:
        return (self.first is None or days_left >= self.first) and (self.last is None or days_left <= self.last)


def windows_until(horizon: int) -> tuple[Window, ...]:
    """Overdue, the next 30 days, then each further step of ``HORIZONS`` up to ``horizon`` days ahead."""
    found, first = [Window(OVERDUE, "Overdue (term ended, still pending)", None, -1)], 0
    for last in HORIZONS:
        if last > horizon:
            break
        label = f"Next {last} days" if first == 0 else f"{first}\u2013{last} days"
        found.append(Window(f"d{last}", label, first, last))
        first = last + 1
    return tuple(found)


@dataclass(frozen=True)
class RenewalAhead:
    renewal_id: int
    account_id: int
    account_name: str
    segment: str
    term_end: date
    days_left: int  # negative: the term ended that many days ago and the renewal is still pending
    window: str
    arr_due: Decimal
    score: float | None  # the account's current health
    band: str
    csm_id: int | None  # the account's CSM owner (a membership)
    csm_name: str
    csm_call: str  # the CSM's call, as a label ("" when none)
    csm_call_on: date | None
    forecast: float | None  # the latest forecast's chance of renewing, 0-1; None: no forecast (yet, or possible)
    disagrees: bool  # the forecast and the CSM's call are on different sides of renewing


@dataclass(frozen=True)
class WindowTotal:
    window: Window
    renewals: int
    arr_due: Decimal
    cumulative_renewals: int  # this window and every earlier one, overdue included
    cumulative_arr_due: Decimal


@dataclass(frozen=True)
class RenewalsAhead:
    today: date
    horizon: int
    rows: list[RenewalAhead]  # the first ``ROWS_SHOWN`` by term end
    total: int  # every pending renewal in the horizon
    arr_due: Decimal
    windows: list[WindowTotal] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def renewals_ahead(*, tenant: Tenant, today: date, horizon: int = HORIZONS[-1], segment: str | None = None,
                   csm: Membership | None = None) -> RenewalsAhead:  # fmt: skip
    """Pending renewals whose term ends within ``horizon`` days of ``today`` (the tenant's date), and the
    overdue ones (term ended, still pending), by term end, with the account's health, the CSM's call and the
    latest forecast."""
    if horizon not in HORIZONS:
        raise ValueError(f"horizon must be one of {HORIZONS}")
    windows = windows_until(horizon)
    renewals = Renewal.objects.for_tenant(tenant).filter(
        outcome=Outcome.PENDING, term_end__lte=today + timedelta(days=horizon)
    )
    if segment:
        renewals = renewals.filter(account__segment__iexact=segment)
    if csm is not None:
        renewals = renewals.filter(account__csm_owner=csm)
    columns = (
        "pk", "account_id", "account__name", "account__segment", "term_end", "arr_due", "account__health__score",
        "account__health__band", "account__csm_owner_id", "account__csm_owner__user__full_name",
        "account__csm_owner__user__email", "csm_call", "csm_call_on", "forecast__probability",
    )  # fmt: skip
    rows = []
    for r in renewals.order_by("term_end", "pk").values_list(*columns, named=True):
        days_left = (r.term_end - today).days
        rows.append(
            RenewalAhead(
                renewal_id=r.pk, account_id=r.account_id, account_name=r.account__name, segment=r.account__segment,
                term_end=r.term_end, days_left=days_left, window=next(w.key for w in windows if w.holds(days_left)),
                arr_due=r.arr_due, score=r.account__health__score, band=r.account__health__band or "",
                csm_id=r.account__csm_owner_id,
                csm_name=r.account__csm_owner__user__full_name or r.account__csm_owner__user__email or "",
                csm_call=CALL_LABELS.get(r.csm_call, ""), csm_call_on=r.csm_call_on,
                forecast=r.forecast__probability, disagrees=disagrees(r.forecast__probability, r.csm_call),
            )
        )  # fmt: skip
    return RenewalsAhead(
        today=today, horizon=horizon, rows=rows[:ROWS_SHOWN], total=len(rows),
        arr_due=sum((r.arr_due for r in rows), ZERO), windows=_totals(windows, rows),
    )  # fmt: skip


def _totals(windows: tuple[Window, ...], rows: list[RenewalAhead]) -> list[WindowTotal]:
    totals, count, arr = [], 0, ZERO
    for window in windows:
        mine = [r for r in rows if r.window == window.key]
        due = sum((r.arr_due for r in mine), ZERO)
        count, arr = count + len(mine), arr + due
        totals.append(WindowTotal(window, len(mine), due, count, arr))
    return totals


@dataclass(frozen=True)
class AccountRenewal:
    renewal_id: int
    term_start: date
    term_end: date
    arr_due: Decimal
    outcome: str  # the outcome's key ("pending", "churned"...)
    outcome_label: str
    closed_arr: Decimal | None
    closed_on: date | None
    reason: str
    csm_call: str
    csm_call_on: date | None
    forecast: float | None  # the chance to renew its forecast gave (the one standing when it closed, if closed)


def account_renewals(*, tenant: Tenant, account: Account) -> list[AccountRenewal]:
    """The account's renewals, the latest term first, with outcome, ARR and the CSM's call."""
    rows = (
        Renewal.objects.for_tenant(tenant).filter(account_id=account.pk).order_by("-term_end", "-pk")
        .values_list("pk", "term_start", "term_end", "arr_due", "outcome", "closed_arr", "closed_on", "reason__name",
                     "csm_call", "csm_call_on", "forecast__probability")
    )  # fmt: skip
    return [
        AccountRenewal(
            renewal_id=pk, term_start=start, term_end=end, arr_due=due, outcome=outcome,
            outcome_label=OUTCOME_LABELS.get(outcome, outcome), closed_arr=closed_arr, closed_on=closed_on,
            reason=reason or "", csm_call=CALL_LABELS.get(call, ""), csm_call_on=call_on, forecast=chance,
        )
        for pk, start, end, due, outcome, closed_arr, closed_on, reason, call, call_on, chance in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class NextForecast:
    """The forecast of an account's next pending renewal, with what drives it."""

    term_end: date
    probability: float | None  # None: too few closed renewals to forecast from yet
    low: float | None
    high: float | None
    expected_arr: Decimal | None
    model_version: str
    made_on: date
    drivers: list[str]
    csm_call: str
    disagrees: bool


def account_next_forecast(*, tenant: Tenant, account: Account) -> NextForecast | None:
    """The latest forecast of the account's earliest pending renewal; None when it has none yet."""
    found = (
        RenewalForecast.objects.for_tenant(tenant)
        .filter(renewal__account_id=account.pk, renewal__outcome=Outcome.PENDING).select_related("renewal")
        .order_by("renewal__term_end").first()
    )  # fmt: skip
    if found is None:
        return None
    renewal = found.renewal
    return NextForecast(
        term_end=renewal.term_end, probability=found.probability, low=found.low, high=found.high,
        expected_arr=found.expected_arr, model_version=found.model_version, made_on=found.made_on,
        drivers=[str(d) for d in found.drivers or []], csm_call=CALL_LABELS.get(renewal.csm_call, ""),
        disagrees=disagrees(found.probability, renewal.csm_call),
    )  # fmt: skip
