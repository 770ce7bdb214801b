"""Amounts in an account's own currency turned into the tenant's reporting currency with the tenant's rates.

The ledger and the renewals keep each account's amounts in its currency; figures are computed on what this
module returns, and say which rates it used and which accounts it left out. The rules:

- **Which rate.** A rate holds from its day (``valid_from``) until the currency's next one: an amount of a
  day takes the latest rate whose ``valid_from`` is on or before that day.
- **Money added** to an account's ARR (new, reactivation, expansion) is converted at the rate of its day.
- **Money removed** (contraction, churn) takes away the same share of the account's converted ARR as it took
  of its ARR in its own currency. A churn so leaves it at exactly 0, and a rate that moved between two
  movements never shows as expansion or contraction: one account's GRR is the same in both currencies.
- **Renewals** take the rate of their term's end (the day a renewal is judged by), for the ARR due and the
  closed ARR alike, so a renewal rate is the same in both currencies.
- **No rate, no figure.** An account with an added amount or a renewal on a day its currency has no rate
  for is left out of every figure and counted, with its currency, in ``excluded``: amounts in different
  currencies are never added up unconverted.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from outcomes.metrics import Movement, RenewalRecord

ZERO = Decimal(0)
EXCLUDED_REASON = (
    "Accounts in a currency without an exchange rate valid on the day of each of their amounts are left out "
    "of every figure: an admin adds the rates (valid from the day of their first ARR) to include them."
)


@dataclass(frozen=True)
class Rate:
    """One unit of ``currency`` is worth ``rate`` units of the reporting currency from ``valid_from`` on."""

    currency: str
    rate: Decimal
    valid_from: date

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("a rate must be above 0")


class RateTable:
    """The tenant's rates by currency, to find the one valid on a day."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        by_currency: dict[str, list[Rate]] = defaultdict(list)
        for rate in rates:
            by_currency[rate.currency].append(rate)
        self._rates = {c: sorted(found, key=lambda r: r.valid_from) for c, found in by_currency.items()}
        self._days = {c: [r.valid_from for r in found] for c, found in self._rates.items()}

    def on(self, currency: str, day: date) -> Rate | None:
        """The latest rate of ``currency`` valid from ``day`` or before; None when it has none yet."""
        index = bisect_right(self._days.get(currency, []), day)
        return self._rates[currency][index - 1] if index else None


@dataclass(frozen=True)
class LedgerEntry:
    """A ledger movement as stored: the signed change of ARR and the ARR after it, in the account's currency."""

    account_id: int
    on: date
    kind: str
    amount: Decimal
    arr_after: Decimal


@dataclass(frozen=True)
class Converted:
    movements: list[Movement]
    renewals: list[RenewalRecord]
    rates_used: list[Rate]  # by currency, then day
    excluded: dict[str, int]  # currency -> accounts left out


class _NoRate(Exception):
    pass


def _account_movements(entries: list[LedgerEntry], currency: str, rates: RateTable, used: set[Rate]):
    converted, arr = [], ZERO  # arr: the account's ARR in the reporting currency so far
    for entry in entries:
        before = entry.arr_after - entry.amount
        if entry.amount > 0:
            rate = rates.on(currency, entry.on)
            if rate is None:
                raise _NoRate
            used.add(rate)
            amount = entry.amount * rate.rate
        elif entry.arr_after <= 0:
            amount = -arr  # a churn takes it to 0 whatever the rates did
        else:
            amount = arr * entry.amount / before if before > 0 else ZERO  # the same share of it
        if amount:
            arr += amount
            converted.append(Movement(entry.account_id, entry.on, entry.kind, amount))
    return converted


def _account_renewals(renewals: list[RenewalRecord], currency: str, rates: RateTable, used: set[Rate]):
    converted = []
    for renewal in renewals:
        rate = rates.on(currency, renewal.term_end)
        if rate is None:
            raise _NoRate
        used.add(rate)
        closed = renewal.closed_arr * rate.rate if renewal.closed_arr is not None else None
        converted.append(replace(renewal, arr_due=renewal.arr_due * rate.rate, closed_arr=closed))
    return converted


def to_reporting_currency(
    *,
    entries: Iterable[LedgerEntry],
    renewals: Iterable[RenewalRecord],
    currencies: Mapping[int, str],
    rates: RateTable,
) -> Converted:
    """``entries`` (in ledger order) and ``renewals`` in the reporting currency. ``currencies`` maps each account
    in another currency than the reporting one to its code; every other account is in the reporting currency
    already and passes unchanged."""
    entries_of: dict[int, list[LedgerEntry]] = defaultdict(list)
    renewals_of: dict[int, list[RenewalRecord]] = defaultdict(list)
    movements, kept_renewals = [], []
    for entry in entries:
        if entry.account_id in currencies:
            entries_of[entry.account_id].append(entry)
        else:
            movements.append(Movement(entry.account_id, entry.on, entry.kind, entry.amount))
    for renewal in renewals:
        (renewals_of[renewal.account_id] if renewal.account_id in currencies else kept_renewals).append(renewal)
    used: set[Rate] = set()
    excluded: Counter[str] = Counter()
    for account_id in sorted(set(entries_of) | set(renewals_of)):
        currency, own = currencies[account_id], set()
        try:
            account_movements = _account_movements(entries_of[account_id], currency, rates, own)
            account_renewals = _account_renewals(renewals_of[account_id], currency, rates, own)
        except _NoRate:
            excluded[currency] += 1
            continue
        movements += account_movements
        kept_renewals += account_renewals
        used |= own
    return Converted(
        movements=movements,
        renewals=kept_renewals,
        rates_used=sorted(used, key=lambda r: (r.currency, r.valid_from)),
        excluded=dict(sorted(excluded.items())),
    )
