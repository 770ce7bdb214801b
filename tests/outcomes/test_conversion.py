"""Amounts in an account's currency turned into the reporting currency (pure), on a hand-worked ledger.

Rates: EUR 1.10 from 2024-01-01 and 1.20 from 2025-01-01; no GBP rate at all.

| account     | movement (own currency)                 | rate used               | in USD             | USD ARR after |
|-------------|-----------------------------------------|-------------------------|--------------------|---------------|
| 1 EUR       | new 1,000 on 2024-06-01                 | 1.10                    | +1,100             | 1,100         |
| 1 EUR       | expansion +500 on 2025-03-01            | 1.20                    | +600               | 1,700         |
| 1 EUR       | contraction -300 of 1,500 on 2025-06-01 | none: a fifth of 1,700  | -340               | 1,360         |
| 1 EUR       | churn -1,200 on 2025-09-01              | none: all that is left  | -1,360             | 0             |
| 2 USD       | new 2,000 on 2024-01-01                 | reporting currency      | +2,000             | 2,000         |
| 3 GBP       | new 1,000 on 2024-06-01                 | no GBP rate             | left out           | -             |
| 4 EUR       | new 100 on 2023-06-01                   | no EUR rate before 2024 | left out           | -             |

Renewals: account 1's term ending 2025-02-01 (1,000 due, 1,000 closed) at 1.20 is 1,200 of 1,200; account 3's
is left out with its account.
"""

from datetime import date
from decimal import Decimal

import pytest

from outcomes.conversion import LedgerEntry, Rate, RateTable, to_reporting_currency
from outcomes.metrics import RenewalRecord, revenue_retention

EUR_2024 = Rate("EUR", Decimal("1.10"), date(2024, 1, 1))
EUR_2025 = Rate("EUR", Decimal("1.20"), date(2025, 1, 1))
RATES = RateTable([EUR_2025, EUR_2024])  # in any order
CURRENCIES = {1: "EUR", 3: "GBP", 4: "EUR"}  # account 2 is in the reporting currency

LEDGER = [
    LedgerEntry(2, date(2024, 1, 1), "new", Decimal(2000), Decimal(2000)),
    LedgerEntry(1, date(2024, 6, 1), "new", Decimal(1000), Decimal(1000)),
    LedgerEntry(3, date(2024, 6, 1), "new", Decimal(1000), Decimal(1000)),
    LedgerEntry(4, date(2023, 6, 1), "new", Decimal(100), Decimal(100)),
    LedgerEntry(1, date(2025, 3, 1), "expansion", Decimal(500), Decimal(1500)),
    LedgerEntry(1, date(2025, 6, 1), "contraction", Decimal(-300), Decimal(1200)),
    LedgerEntry(1, date(2025, 9, 1), "churn", Decimal(-1200), Decimal(0)),
]
RENEWALS = [
    RenewalRecord(1, date(2025, 2, 1), Decimal(1000), "renewed", Decimal(1000)),
    RenewalRecord(3, date(2025, 2, 1), Decimal(1000), "pending", None),
]


def converted():
    return to_reporting_currency(entries=LEDGER, renewals=RENEWALS, currencies=CURRENCIES, rates=RATES)


def test_a_rate_holds_from_its_day_until_the_next():
    assert RATES.on("EUR", date(2023, 12, 31)) is None
    assert RATES.on("EUR", date(2024, 1, 1)) == EUR_2024
    assert RATES.on("EUR", date(2024, 12, 31)) == EUR_2024
    assert RATES.on("EUR", date(2025, 1, 1)) == EUR_2025
    assert RATES.on("GBP", date(2025, 1, 1)) is None


def test_the_hand_worked_ledger_in_the_reporting_currency():
    result = converted()
    assert [(m.account_id, m.on, m.kind, m.amount) for m in result.movements] == [
        (2, date(2024, 1, 1), "new", Decimal(2000)),
        (1, date(2024, 6, 1), "new", Decimal("1100.00")),
        (1, date(2025, 3, 1), "expansion", Decimal("600.00")),
        (1, date(2025, 6, 1), "contraction", Decimal("-340")),
        (1, date(2025, 9, 1), "churn", Decimal("-1360")),
    ]  # fmt: skip
    assert result.renewals == [RenewalRecord(1, date(2025, 2, 1), Decimal("1200.00"), "renewed", Decimal("1200.00"))]
    assert result.rates_used == [EUR_2024, EUR_2025]
    assert result.excluded == {"EUR": 1, "GBP": 1}


def test_a_churn_leaves_the_account_at_zero_whatever_the_rates_did():
    result = converted()
    assert sum(m.amount for m in result.movements if m.account_id == 1) == 0


def test_a_rate_that_moved_is_neither_expansion_nor_contraction():
    # Account 1 over Q2 2025: 1,700 USD at the start, 1,360 at the end: GRR 80%, as in euros (1,200 of 1,500).
    result = converted()
    own = [m for m in result.movements if m.account_id == 1]
    grr = revenue_retention(own, date(2025, 4, 1), date(2025, 7, 1)).grr
    assert (grr.numerator, grr.denominator) == (Decimal("1360.00"), Decimal("1700.00"))
    assert grr.numerator / grr.denominator == Decimal("0.8")


def test_an_excluded_account_takes_its_renewals_and_rates_with_it():
    only_gbp_rate = RateTable([Rate("GBP", Decimal("1.27"), date(2025, 1, 1))])  # after account 3's first ARR
    result = to_reporting_currency(entries=LEDGER, renewals=RENEWALS, currencies=CURRENCIES, rates=only_gbp_rate)
    assert {m.account_id for m in result.movements} == {2}
    assert result.renewals == [] and result.rates_used == []
    assert result.excluded == {"EUR": 2, "GBP": 1}


def test_accounts_in_the_reporting_currency_pass_unchanged_without_any_rate():
    result = to_reporting_currency(entries=LEDGER[:1], renewals=[], currencies={}, rates=RateTable([]))
    assert [m.amount for m in result.movements] == [Decimal(2000)] and result.excluded == {}


def test_a_rate_must_be_above_zero():
    with pytest.raises(ValueError):
        Rate("EUR", Decimal(0), date(2025, 1, 1))
