"""Reads of renewals for the console: the pending ones ahead by term end, and one account's renewals.

Plain data out (frozen dataclasses of numbers, dates and labels), each read in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Account, Membership, Tenant
from outcomes.models import CsmCall, Outcome, Renewal

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
    # The model's probability of renewing, 0-1; None until forecasts exist (see ``renewal_forecasts``).
    forecast: float | None = None


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


def renewal_forecasts(*, tenant: Tenant, renewal_ids: list[int]) -> dict[int, float]:
    """The latest forecast probability of each renewal: none yet.

    The slot for ``outcomes.models.RenewalForecast``: once it exists, the one line to return is
    ``dict(RenewalForecast.objects.for_tenant(tenant).filter(renewal_id__in=renewal_ids)
    .order_by("renewal_id", "-made_at", "-pk").distinct("renewal_id").values_list("renewal_id", "probability"))``
    (or its latest-per-renewal equivalent) and the page shows the column.
    """
    return {}


def renewals_ahead(*, tenant: Tenant, today: date, horizon: int = HORIZONS[-1], segment: str | None = None,
                   csm: Membership | None = None) -> RenewalsAhead:  # fmt: skip
    """Pending renewals whose term ends within ``horizon`` days of ``today`` (the tenant's date), and the
    overdue ones (term ended, still pending), by term end, with the account's health and the CSM's call."""
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
        "account__csm_owner__user__email", "csm_call", "csm_call_on",
    )  # fmt: skip
    rows = []
    for (
        pk,
        account_id,
        name,
        seg,
        term_end,
        arr_due,
        score,
        band,
        csm_id,
        full_name,
        email,
        call,
        call_on,
    ) in renewals.order_by("term_end", "pk").values_list(*columns):
        days_left = (term_end - today).days
        window = next(w.key for w in windows if w.holds(days_left))
        rows.append(
            RenewalAhead(
                renewal_id=pk, account_id=account_id, account_name=name, segment=seg, term_end=term_end,
                days_left=days_left, window=window, arr_due=arr_due, score=score, band=band or "",
                csm_id=csm_id, csm_name=full_name or email or "", csm_call=CALL_LABELS.get(call, ""),
                csm_call_on=call_on,
            )
        )  # fmt: skip
    shown = rows[:ROWS_SHOWN]
    forecasts = renewal_forecasts(tenant=tenant, renewal_ids=[r.renewal_id for r in shown])
    if forecasts:
        shown = [_with_forecast(r, forecasts.get(r.renewal_id)) for r in shown]
    return RenewalsAhead(
        today=today, horizon=horizon, rows=shown, total=len(rows), arr_due=sum((r.arr_due for r in rows), ZERO),
        windows=_totals(windows, rows),
    )  # fmt: skip


def _with_forecast(row: RenewalAhead, probability: float | None) -> RenewalAhead:
    return RenewalAhead(**{**row.__dict__, "forecast": probability})


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


def account_renewals(*, tenant: Tenant, account: Account) -> list[AccountRenewal]:
    """The account's renewals, the latest term first, with outcome, ARR and the CSM's call."""
    rows = (
        Renewal.objects.for_tenant(tenant).filter(account_id=account.pk).order_by("-term_end", "-pk")
        .values_list("pk", "term_start", "term_end", "arr_due", "outcome", "closed_arr", "closed_on", "reason__name",
                     "csm_call", "csm_call_on")
    )  # fmt: skip
    return [
        AccountRenewal(
            renewal_id=pk, term_start=start, term_end=end, arr_due=due, outcome=outcome,
            outcome_label=OUTCOME_LABELS.get(outcome, outcome), closed_arr=closed_arr, closed_on=closed_on,
            reason=reason or "", csm_call=CALL_LABELS.get(call, ""), csm_call_on=call_on,
        )
        for pk, start, end, due, outcome, closed_arr, closed_on, reason, call, call_on in rows
    ]  # fmt: skip
