"""Outcome metrics from the ARR ledger and the renewals, each a ``Figure`` shown beside its definition.

Money is ``Decimal`` in the tenant's reporting currency and ratios are exact ``Decimal`` quotients:
rounding is left to whoever shows them. Every function takes a period [start, end) of local dates
(``outcomes.periods``). ARR is read at the end of a day, so movements on the same day net out.

Decisions that finance and CS teams otherwise argue about:

- **Cohort.** Revenue and logo retention follow the accounts with ARR > 0 at the end of the day before
  the period starts. Accounts that are new in the period, and reactivations of accounts outside the
  cohort, are left out of both.
- **Netted per account.** Expansion, contraction and churn are each cohort account's net change over the
  period, so an account up 50 then down 30 expanded by 20 and contracted by nothing. This is what makes
  GRR = Σ min(ARR at start, ARR at end) ÷ starting ARR, which cannot exceed 100% (nor fall below 0).
- **Churn is final within the period.** A cohort account whose ARR reaches 0 at the end of any day of the
  period churned its whole starting ARR, and is lost for logo retention too, even if it comes back
  before the period ends: a reactivation is not retention. Its ARR after it came back is not counted.
- **Renewals are judged by their term's end**, whenever they closed; pending ones are counted aside,
  never as renewed. Renewal rates divide by the ARR due, GRR and NRR by the starting ARR.
- **Not enough data.** Below the minimums (module constants) a figure keeps its counts, numerator and
  denominator but its value is None and ``enough`` is False, so nobody reads one account's story as a rate.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from statistics import median

from outcomes.periods import year_before

# With fewer than ten accounts in the cohort, one account is over a tenth of the logos: a single churn
# moves logo retention by more than ten points and GRR by whatever that account happened to pay.
MIN_COHORT_ACCOUNTS = 10
# The same reasoning per renewal: below ten closed renewals one outcome moves the rate by over ten points.
MIN_CLOSED_RENEWALS = 10
# A median of fewer than ten observed lifetimes moves by months when one account is added or removed.
MIN_CHURNED_LIFETIMES = 10

ZERO = Decimal(0)
ONE = Decimal(1)

# The sign each kind's amount must carry (the ledger's kind follows from ARR before and after).
MOVEMENT_SIGNS = {"new": 1, "expansion": 1, "reactivation": 1, "contraction": -1, "churn": -1}
RENEWAL_OUTCOMES = ("pending", "renewed", "expanded", "downsold", "churned")

STARTING_ARR = "starting ARR"
ARR_DUE = "ARR due"
ACCOUNTS_AT_START = "accounts at start"

GRR_DEFINITION = (
    "Gross revenue retention: starting ARR less contraction and churn, over starting ARR, "
    "for the accounts that were customers when the period began; never above 100%."
)
NRR_DEFINITION = (
    "Net revenue retention: starting ARR plus expansion less contraction and churn, over starting ARR, "
    "for the accounts that were customers when the period began; new accounts excluded."
)
EXPANSION_DEFINITION = "Expansion rate: ARR added by accounts that were customers at the start, over starting ARR."
CONTRACTION_DEFINITION = "Contraction rate: ARR lost by accounts that stayed customers, over starting ARR."
CHURN_DEFINITION = "Revenue churn rate: starting ARR of the accounts that churned, over starting ARR."
LOGO_RETENTION_DEFINITION = (
    "Logo retention: accounts that were customers at the start and still are at the end, "
    "without lapsing in between, over the accounts at the start."
)
LOGO_CHURN_DEFINITION = "Logo churn: 1 less logo retention, the share of starting accounts lost in the period."
GROWTH_PER_CUSTOMER_DEFINITION = (
    "Revenue growth per customer: ARR per retained account at the end over ARR per account at the start "
    "(NRR divided by logo retention)."
)
GROSS_RENEWAL_DEFINITION = (
    "Gross renewal rate: ARR renewed without expansion, over ARR due, for closed renewals whose term "
    "ended in the period; pending renewals excluded."
)
NET_RENEWAL_DEFINITION = (
    "Net renewal rate: ARR closed including expansion, over ARR due, for closed renewals whose term "
    "ended in the period; pending renewals excluded."
)
LTV_DEFINITION = (
    "Lifetime value: average ARR per account times gross margin, divided by the annual revenue churn rate "
    "(gross: churn and contraction, 1 less GRR, over the year to the end)."
)
LIFETIME_DEFINITION = (
    "Observed lifetime: median days from an account's first ARR to its first churn, churned accounts only."
)

COHORT_MINIMUM = f"at least {MIN_COHORT_ACCOUNTS} accounts at the period's start"
RENEWALS_MINIMUM = f"at least {MIN_CLOSED_RENEWALS} closed renewals with a term ending in the period"
LIFETIMES_MINIMUM = f"at least {MIN_CHURNED_LIFETIMES} churned accounts"
LTV_MINIMUM = "a revenue churn rate above 0"
ANNUAL_LTV_MINIMUM = (
    f"the tenant's gross margin, customers at the end, at least {MIN_COHORT_ACCOUNTS} accounts at the start of the "
    "year to the end and some revenue lost in that year"
)
NO_MARGIN = "No gross margin is set for the tenant: an admin sets it in the tenant's settings."


@dataclass(frozen=True)
class Movement:
    """One ledger entry: the signed change of an account's ARR on a local date."""

    account_id: int
    on: date
    kind: str
    amount: Decimal

    def __post_init__(self) -> None:
        sign = MOVEMENT_SIGNS.get(self.kind)
        if sign is None:
            raise ValueError(f"kind must be one of {', '.join(MOVEMENT_SIGNS)}, not {self.kind!r}")
        if self.amount * sign <= 0:
            raise ValueError(f"a {self.kind} movement must be {'positive' if sign > 0 else 'negative'}")


@dataclass(frozen=True)
class RenewalRecord:
    """One renewal at one term end; ``closed_arr`` is the ARR after it closed (None or 0 when churned)."""

    account_id: int
    term_end: date
    arr_due: Decimal
    outcome: str
    closed_arr: Decimal | None

    def __post_init__(self) -> None:
        if self.outcome not in RENEWAL_OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(RENEWAL_OUTCOMES)}, not {self.outcome!r}")
        if self.arr_due < 0 or (self.closed_arr is not None and self.closed_arr < 0):
            raise ValueError("ARR due and closed ARR cannot be negative")
        if self.outcome in ("renewed", "expanded", "downsold") and self.closed_arr is None:
            raise ValueError(f"a {self.outcome} renewal needs its closed ARR")

    @property
    def closed(self) -> bool:
        return self.outcome != "pending"

    @property
    def renewed_arr(self) -> Decimal:
        return self.closed_arr or ZERO


@dataclass(frozen=True)
class Figure:
    """A figure with what it was computed from; ``value`` is None when there is not ``enough`` data."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    denominator_label: str
    counts: Mapping[str, int]
    definition: str
    enough: bool
    minimum: str
    unit: str = "ratio"  # ratio, money or days
    missing: str | None = None  # why there is no value, when the minimum alone does not say it


def _figure(numerator: Decimal, denominator: Decimal, *, enough: bool, **details) -> Figure:
    value = numerator / denominator if enough and denominator else None
    return Figure(value, numerator, denominator, enough=value is not None, **details)


@dataclass(frozen=True)
class CohortAccount:
    """A cohort account over a period: its ARR at the start and end, and whether it lapsed."""

    account_id: int
    starting_arr: Decimal
    ending_arr: Decimal  # 0 when it lapsed, whatever it came back to
    lapsed: bool  # ARR reached 0 at the end of some day of the period
    came_back: bool  # lapsed, then a customer again at the end

    @property
    def expansion(self) -> Decimal:
        return max(self.ending_arr - self.starting_arr, ZERO) if not self.lapsed else ZERO

    @property
    def contraction(self) -> Decimal:
        return max(self.starting_arr - self.ending_arr, ZERO) if not self.lapsed else ZERO

    @property
    def churned_arr(self) -> Decimal:
        return self.starting_arr if self.lapsed else ZERO


def _daily_changes(movements: Iterable[Movement]) -> dict[int, dict[date, Decimal]]:
    changes: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for movement in movements:
        changes[movement.account_id][movement.on] += movement.amount
    return changes


class Ledger:
    """Movements indexed once: per account, its days with a change and its ARR at the end of each. A trend
    computes many periods from one ``Ledger`` (each figure function takes one as well as movements), and
    the cohorts it asks for twice are computed once."""

    def __init__(self, movements: Iterable[Movement]) -> None:
        self._days: dict[int, list[date]] = {}
        self._arr: dict[int, list[Decimal]] = {}
        for account_id, days in sorted(_daily_changes(movements).items()):
            ordered = sorted(days.items())
            self._days[account_id] = [day for day, _ in ordered]
            self._arr[account_id] = list(accumulate((change for _, change in ordered), initial=ZERO))[1:]
        self._cohorts: dict[tuple[date, date], list[CohortAccount]] = {}
        self._spans: list[tuple[date, int, date | None, date | None]] | None = None

    def arr_on(self, on: date) -> dict[int, Decimal]:
        found = {}
        for account_id, days in self._days.items():
            index = bisect_right(days, on)
            if index and self._arr[account_id][index - 1] > 0:
                found[account_id] = self._arr[account_id][index - 1]
        return found

    def cohort(self, start: date, end: date) -> list[CohortAccount]:
        if (start, end) not in self._cohorts:
            self._cohorts[(start, end)] = list(self._followed(start, end))
        return self._cohorts[(start, end)]

    def _followed(self, start: date, end: date) -> Iterator[CohortAccount]:
        for account_id, days in self._days.items():
            arr = self._arr[account_id]
            first, stop = bisect_left(days, start), bisect_left(days, end)
            starting = arr[first - 1] if first else ZERO
            if starting <= 0:
                continue
            within = arr[first:stop]
            last = within[-1] if within else starting
            lapsed = bool(within) and min(within) <= 0
            yield CohortAccount(account_id, starting, ZERO if lapsed else last, lapsed, came_back=lapsed and last > 0)

    def lifetimes(self, before: date | None = None) -> tuple[dict[int, int], int]:
        """Days from each account's first ARR to its first churn, for the churns before ``before`` (all when
        None), and how many accounts had a movement by then."""
        if self._spans is None:
            self._spans = [(days[0], *self._first_span(account_id)) for account_id, days in self._days.items()]
        lifetimes, accounts = {}, 0
        for first_day, account_id, began, churned_on in self._spans:
            if before is not None and first_day >= before:
                continue
            accounts += 1
            if churned_on is not None and (before is None or churned_on < before):
                lifetimes[account_id] = (churned_on - began).days
        return lifetimes, accounts

    def _first_span(self, account_id: int) -> tuple[int, date | None, date | None]:
        began = None
        for day, arr in zip(self._days[account_id], self._arr[account_id], strict=True):
            if began is None and arr > 0:
                began = day
            elif began is not None and arr <= 0:
                return account_id, began, day
        return account_id, began, None


def as_ledger(movements: Iterable[Movement] | Ledger) -> Ledger:
    return movements if isinstance(movements, Ledger) else Ledger(movements)


def arr_by_account(movements: Iterable[Movement] | Ledger, on: date) -> dict[int, Decimal]:
    """Each customer's ARR at the end of ``on`` (accounts at 0 or below are not customers)."""
    return as_ledger(movements).arr_on(on)


def average_arr(movements: Iterable[Movement] | Ledger, on: date) -> Decimal | None:
    """Mean ARR of the customers at the end of ``on`` (the ``average_arr`` of ``lifetime_value``); None without any."""
    arrs = arr_by_account(movements, on).values()
    return sum(arrs, ZERO) / len(arrs) if arrs else None


def cohort(movements: Iterable[Movement] | Ledger, start: date, end: date) -> list[CohortAccount]:
    """The accounts that were customers the day before ``start``, followed through [start, end)."""
    return as_ledger(movements).cohort(start, end)


@dataclass(frozen=True)
class RevenueRetention:
    grr: Figure
    nrr: Figure
    expansion: Figure
    contraction: Figure
    churn: Figure


def revenue_retention(movements: Iterable[Movement] | Ledger, start: date, end: date) -> RevenueRetention:
    """GRR, NRR and the expansion, contraction and revenue churn rates of the period's starting cohort."""
    accounts = cohort(movements, start, end)
    starting = expansion = contraction = churned = ZERO
    counts = {"accounts_at_start": len(accounts), "expanded": 0, "contracted": 0, "churned": 0, "came_back": 0}
    for a in accounts:  # one pass: a trend runs this twice per period, over thousands of accounts
        starting += a.starting_arr
        if a.lapsed:
            churned += a.starting_arr
            counts["churned"] += 1
            counts["came_back"] += a.came_back
            continue
        change = a.ending_arr - a.starting_arr
        if change > 0:
            expansion += change
            counts["expanded"] += 1
        elif change < 0:
            contraction -= change
            counts["contracted"] += 1
    enough = len(accounts) >= MIN_COHORT_ACCOUNTS
    common = {"denominator_label": STARTING_ARR, "counts": counts, "minimum": COHORT_MINIMUM, "enough": enough}
    return RevenueRetention(
        grr=_figure(starting - contraction - churned, starting, definition=GRR_DEFINITION, **common),
        nrr=_figure(starting + expansion - contraction - churned, starting, definition=NRR_DEFINITION, **common),
        expansion=_figure(expansion, starting, definition=EXPANSION_DEFINITION, **common),
        contraction=_figure(contraction, starting, definition=CONTRACTION_DEFINITION, **common),
        churn=_figure(churned, starting, definition=CHURN_DEFINITION, **common),
    )


@dataclass(frozen=True)
class LogoRetention:
    retention: Figure
    churn: Figure


def logo_retention(movements: Iterable[Movement] | Ledger, start: date, end: date) -> LogoRetention:
    """Share of the starting accounts still customers at the end, never having lapsed, and its complement."""
    accounts = cohort(movements, start, end)
    at_start = len(accounts)
    retained = sum(not a.lapsed for a in accounts)
    counts = {"accounts_at_start": at_start, "retained": retained, "churned": at_start - retained}
    common = {
        "denominator_label": ACCOUNTS_AT_START,
        "counts": counts,
        "minimum": COHORT_MINIMUM,
        "enough": at_start >= MIN_COHORT_ACCOUNTS,
    }
    return LogoRetention(
        retention=_figure(Decimal(retained), Decimal(at_start), definition=LOGO_RETENTION_DEFINITION, **common),
        churn=_figure(Decimal(at_start - retained), Decimal(at_start), definition=LOGO_CHURN_DEFINITION, **common),
    )


def revenue_growth_per_customer(movements: Iterable[Movement] | Ledger, start: date, end: date) -> Figure:
    """ARR per retained account at the end over ARR per starting account at the start (= NRR ÷ logo retention)."""
    accounts = cohort(movements, start, end)
    retained = [a for a in accounts if not a.lapsed]
    starting = sum((a.starting_arr for a in accounts), ZERO)
    enough = len(accounts) >= MIN_COHORT_ACCOUNTS and bool(retained) and starting > 0
    per_retained_at_end = sum((a.ending_arr for a in retained), ZERO) / len(retained) if retained else ZERO
    per_account_at_start = starting / len(accounts) if accounts else ZERO
    return _figure(
        per_retained_at_end,
        per_account_at_start,
        enough=enough,
        denominator_label="ARR per account at start",
        counts={"accounts_at_start": len(accounts), "retained": len(retained)},
        definition=GROWTH_PER_CUSTOMER_DEFINITION,
        minimum=COHORT_MINIMUM,
    )


@dataclass(frozen=True)
class RenewalRates:
    gross: Figure
    net: Figure
    pending: int
    pending_arr_due: Decimal


def renewal_rates(renewals: Iterable[RenewalRecord], start: date, end: date) -> RenewalRates:
    """Gross and net renewal rates on ARR due, for the renewals whose term ends in [start, end)."""
    due = [r for r in renewals if start <= r.term_end < end]
    closed = [r for r in due if r.closed]
    pending = [r for r in due if not r.closed]
    arr_due = sum((r.arr_due for r in closed), ZERO)
    counts = {
        "due": len(due),
        "closed": len(closed),
        "pending": len(pending),
        **{outcome: sum(r.outcome == outcome for r in closed) for outcome in RENEWAL_OUTCOMES[1:]},
    }
    common = {
        "denominator_label": ARR_DUE,
        "counts": counts,
        "minimum": RENEWALS_MINIMUM,
        "enough": len(closed) >= MIN_CLOSED_RENEWALS,
    }
    gross = sum((min(r.renewed_arr, r.arr_due) for r in closed), ZERO)
    net = sum((r.renewed_arr for r in closed), ZERO)
    return RenewalRates(
        gross=_figure(gross, arr_due, definition=GROSS_RENEWAL_DEFINITION, **common),
        net=_figure(net, arr_due, definition=NET_RENEWAL_DEFINITION, **common),
        pending=len(pending),
        pending_arr_due=sum((r.arr_due for r in pending), ZERO),
    )


def lifetime_value(average_arr: Decimal, gross_margin: Decimal, revenue_churn_rate: Decimal | None) -> Figure:
    """Average ARR times gross margin over the annual revenue churn rate; None when that rate is 0 or unknown.

    The rate is gross revenue churn (contraction included: 1 - GRR) of a year or a trailing twelve months,
    since ARR is annual: a quarter's rate would count the lifetime in quarters. Net churn would make LTV
    infinite whenever NRR is above 100%.
    """
    if average_arr < 0:
        raise ValueError("average ARR cannot be negative")
    if not 0 < gross_margin <= 1:
        raise ValueError("gross margin must be above 0 and at most 1")
    if revenue_churn_rate is not None and not 0 <= revenue_churn_rate <= 1:
        raise ValueError("revenue churn rate must be between 0 and 1")
    enough = revenue_churn_rate is not None and revenue_churn_rate > 0
    numerator = average_arr * gross_margin
    return Figure(
        value=numerator / revenue_churn_rate if enough else None,
        numerator=numerator,
        denominator=revenue_churn_rate,
        denominator_label="annual revenue churn rate",
        counts={},
        definition=LTV_DEFINITION,
        enough=enough,
        minimum=LTV_MINIMUM,
        unit="money",
    )


def annual_lifetime_value(movements: Iterable[Movement] | Ledger, end: date, gross_margin: Decimal | None) -> Figure:
    """``lifetime_value`` as of the end of the day before ``end``: the average ARR of the customers then, and
    the gross revenue churn rate (1 - GRR) of the year [``end`` less a year, ``end``), so that a month, a
    quarter or a year each gets an annual rate. Without a margin, customers, enough accounts at the year's
    start or any churn in it, the value is None and ``missing`` says which."""
    movements = as_ledger(movements)
    year = revenue_retention(movements, year_before(end), end)
    customers = arr_by_account(movements, end - timedelta(days=1))
    average = sum(customers.values(), ZERO) / len(customers) if customers else None
    churn_rate = ONE - year.grr.value if year.grr.value is not None else None
    counts = {
        "customers_at_end": len(customers),
        "accounts_at_year_start": year.grr.counts["accounts_at_start"],
        "churned_in_year": year.grr.counts["churned"],
        "contracted_in_year": year.grr.counts["contracted"],
    }
    if gross_margin is None:
        missing = NO_MARGIN
    elif average is None:
        missing = "No customers at the end: there is no average ARR."
    elif churn_rate is None:
        missing = (
            f"Not enough data for the annual revenue churn rate: needs at least {MIN_COHORT_ACCOUNTS} accounts at "
            "the start of the year to the end."
        )
    elif churn_rate == 0:
        missing = "No revenue was lost in the year to the end: the formula's lifetime is unbounded."
    else:
        missing = None
    if missing is not None:
        numerator = average * gross_margin if average is not None and gross_margin is not None else None
        return Figure(None, numerator, churn_rate, "annual revenue churn rate", counts, LTV_DEFINITION,
                      enough=False, minimum=ANNUAL_LTV_MINIMUM, unit="money", missing=missing)  # fmt: skip
    ltv = lifetime_value(average, gross_margin, churn_rate)
    return replace(ltv, counts=counts, minimum=ANNUAL_LTV_MINIMUM)


def churned_lifetimes(movements: Iterable[Movement] | Ledger) -> dict[int, int]:
    """Days from each churned account's first day with ARR to the first day its ARR was back to 0."""
    return as_ledger(movements).lifetimes()[0]


def observed_lifetimes(movements: Iterable[Movement] | Ledger, before: date | None = None) -> Figure:
    """Median observed lifetime (days) of the churned accounts, from their first ARR to their first churn;
    with ``before``, as it stood then (the movements before that day only).

    Only lifetimes that ended are observed, so while many customers are still active the median
    understates the typical lifetime; it is shown beside the LTV formula, not instead of it.
    """
    found, accounts = as_ledger(movements).lifetimes(before)
    lifetimes = sorted(found.values())
    enough = len(lifetimes) >= MIN_CHURNED_LIFETIMES
    return Figure(
        value=Decimal(str(median(lifetimes))) if enough else None,
        numerator=None,
        denominator=None,
        denominator_label="",
        counts={"churned": len(lifetimes), "not_churned": accounts - len(lifetimes)},
        definition=LIFETIME_DEFINITION,
        enough=enough,
        minimum=LIFETIMES_MINIMUM,
        unit="days",
    )
