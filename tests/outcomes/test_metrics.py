"""Outcome metrics from the ARR ledger and renewals (pure), on hand-worked ledgers.

Every period below is Q1 2026, [2026-01-01, 2026-04-01); the cohort is read at the end of 2025-12-31.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.metrics import (
    ARR_DUE,
    MIN_CHURNED_LIFETIMES,
    MIN_CLOSED_RENEWALS,
    MIN_COHORT_ACCOUNTS,
    STARTING_ARR,
    Ledger,
    Movement,
    RenewalRecord,
    average_arr,
    churned_lifetimes,
    cohort,
    lifetime_value,
    logo_retention,
    observed_lifetimes,
    renewal_rates,
    revenue_growth_per_customer,
    revenue_retention,
)

Q1 = (date(2026, 1, 1), date(2026, 4, 1))
Q2 = (date(2026, 4, 1), date(2026, 7, 1))
OPENED = date(2025, 1, 1)


def M(millions: str) -> Decimal:
    return Decimal(millions) * 1_000_000


def move(account: int, on: date, kind: str, amount: Decimal | str) -> Movement:
    return Movement(account, on, kind, Decimal(amount))


def steady(count: int, arr: str = "100", first_id: int = 100) -> list[Movement]:
    """``count`` accounts at ``arr`` since 2025 that do nothing: ballast to clear the cohort minimum."""
    return [move(first_id + i, OPENED, "new", arr) for i in range(count)]


# OUTCOMES.md's worked example, with the edges of the period and of the cohort around it.
#
# | account | ARR at 2025-12-31 | in Q1 2026                  | counts as                               |
# |---------|-------------------|-----------------------------|-----------------------------------------|
# | 1       | 1.0M              | -0.6M contraction, Feb 10   | contraction 0.6M                        |
# | 2       | 0.9M              | -0.9M churn, Mar 1          | churn 0.9M, a logo lost                 |
# | 3       | 1.2M              | +1.0M expansion, Jan 1      | expansion 1.0M (first day is in)        |
# | 4       | 1.0M              | +0.8M expansion, Mar 31     | expansion 0.8M (last day is in)         |
# | 5       | 1.0M              | +3.0M expansion, Apr 1      | nothing: after the period               |
# | 6       | 1.0M (new Dec 31) | -                           | in the cohort: new the day before start |
# | 7-10    | 1.0, 1.0, 0.9, 1.0| -                           | -                                       |
# | 11      | -                 | +2.0M new, Feb 1            | excluded: new in the period             |
# | 12      | - (churned 2025)  | +0.5M reactivation, Feb 15  | excluded: not a customer at the start   |
#
# starting ARR 10.0M over 10 accounts; expansion 1.8M, contraction 0.6M, churn 0.9M:
# GRR = (10.0 - 0.6 - 0.9) / 10.0 = 85%;  NRR = (10.0 + 1.8 - 0.6 - 0.9) / 10.0 = 103%;
# expansion 18%, contraction 6%, revenue churn 9%; logo retention 9/10 = 90%, logo churn 10%;
# growth per customer = (10.3M / 9 retained) / (10.0M / 10) = 1.1444... = 103% / 90%.
WORKED_EXAMPLE = [
    move(1, OPENED, "new", M("1.0")),
    move(1, date(2026, 2, 10), "contraction", M("-0.6")),
    move(2, OPENED, "new", M("0.9")),
    move(2, date(2026, 3, 1), "churn", M("-0.9")),
    move(3, OPENED, "new", M("0.7")),
    move(3, date(2025, 6, 1), "expansion", M("0.5")),
    move(3, date(2026, 1, 1), "expansion", M("1.0")),
    move(4, OPENED, "new", M("1.0")),
    move(4, date(2026, 3, 31), "expansion", M("0.8")),
    move(5, OPENED, "new", M("1.0")),
    move(5, date(2026, 4, 1), "expansion", M("3.0")),
    move(6, date(2025, 12, 31), "new", M("1.0")),
    *[move(account, OPENED, "new", M(arr)) for account, arr in [(7, "1.0"), (8, "1.0"), (9, "0.9"), (10, "1.0")]],
    move(11, date(2026, 2, 1), "new", M("2.0")),
    move(12, OPENED, "new", M("0.4")),
    move(12, date(2025, 9, 1), "churn", M("-0.4")),
    move(12, date(2026, 2, 15), "reactivation", M("0.5")),
]


def test_outcomes_worked_example_gives_grr_85_and_nrr_103():
    retention = revenue_retention(WORKED_EXAMPLE, *Q1)
    assert (retention.grr.numerator, retention.grr.denominator) == (M("8.5"), M("10.0"))
    assert retention.grr.value == Decimal("0.85")
    assert retention.nrr.value == Decimal("1.03")
    assert (retention.expansion.numerator, retention.expansion.value) == (M("1.8"), Decimal("0.18"))
    assert (retention.contraction.numerator, retention.contraction.value) == (M("0.6"), Decimal("0.06"))
    assert (retention.churn.numerator, retention.churn.value) == (M("0.9"), Decimal("0.09"))
    assert retention.grr.counts == {
        "accounts_at_start": 10,
        "expanded": 2,
        "contracted": 1,
        "churned": 1,
        "came_back": 0,
    }
    assert retention.grr.enough and retention.grr.denominator_label == STARTING_ARR
    assert "never above 100%" in retention.grr.definition


def test_worked_example_logo_retention_is_9_of_10():
    logos = logo_retention(WORKED_EXAMPLE, *Q1)
    assert (logos.retention.numerator, logos.retention.denominator) == (9, 10)
    assert (logos.retention.value, logos.churn.value) == (Decimal("0.9"), Decimal("0.1"))


def test_worked_example_growth_per_customer_is_nrr_over_logo_retention():
    growth = revenue_growth_per_customer(WORKED_EXAMPLE, *Q1)
    assert growth.numerator == M("10.3") / 9 and growth.denominator == M("1.0")
    assert growth.value == pytest.approx(Decimal("1.03") / Decimal("0.9"), abs=Decimal("1e-20"))


def test_new_accounts_and_outside_reactivations_change_nothing():
    without = [m for m in WORKED_EXAMPLE if m.account_id not in (11, 12)]
    assert revenue_retention(without, *Q1) == revenue_retention(WORKED_EXAMPLE, *Q1)
    assert {a.account_id for a in cohort(WORKED_EXAMPLE, *Q1)} == set(range(1, 11))


# | account | start | in Q1                                   | counts as                                |
# |---------|-------|-----------------------------------------|------------------------------------------|
# | 1       | 100   | +50 Jan 10, -30 Feb 10 (net +20)        | expansion 20, no contraction             |
# | 2       | 100   | -40 Jan 10, +10 Feb 10 (net -30)        | contraction 30, no expansion             |
# | 3       | 100   | +60 Jan 10, -160 churn Mar 1            | churn 100 (its starting ARR), not 160    |
# | 100-106 | 700   | -                                       | -                                        |
# starting 1000: GRR = (1000 - 30 - 100) / 1000 = 87%; NRR = (1000 + 20 - 30 - 100) / 1000 = 89%.
def test_changes_are_netted_per_account_over_the_period():
    ledger = [
        move(1, OPENED, "new", "100"),
        move(1, date(2026, 1, 10), "expansion", "50"),
        move(1, date(2026, 2, 10), "contraction", "-30"),
        move(2, OPENED, "new", "100"),
        move(2, date(2026, 1, 10), "contraction", "-40"),
        move(2, date(2026, 2, 10), "expansion", "10"),
        move(3, OPENED, "new", "100"),
        move(3, date(2026, 1, 10), "expansion", "60"),
        move(3, date(2026, 3, 1), "churn", "-160"),
        *steady(7),
    ]
    retention = revenue_retention(ledger, *Q1)
    assert (retention.expansion.numerator, retention.contraction.numerator) == (20, 30)
    assert retention.churn.numerator == 100
    assert (retention.grr.value, retention.nrr.value) == (Decimal("0.87"), Decimal("0.89"))


# | account | start | in Q1                                        | revenue        | logo     |
# |---------|-------|----------------------------------------------|----------------|----------|
# | 1       | 100   | churn Feb 1, reactivation at 150 Mar 1       | churn 100      | lost     |
# | 2       | 100   | churn and reactivation at 100 both on Feb 1  | nothing        | retained |
# | 100-107 | 800   | -                                            | -              | retained |
# GRR = NRR = (1000 - 100) / 1000 = 90%: the 150 account 1 came back with is not retention;
# logo retention 9 / 10.
def test_a_cohort_account_that_churns_and_comes_back_is_lost_not_retained():
    ledger = [
        move(1, OPENED, "new", "100"),
        move(1, date(2026, 2, 1), "churn", "-100"),
        move(1, date(2026, 3, 1), "reactivation", "150"),
        move(2, OPENED, "new", "100"),
        move(2, date(2026, 2, 1), "churn", "-100"),
        move(2, date(2026, 2, 1), "reactivation", "100"),  # same day: ARR at the end of the day never hit 0
        *steady(8),
    ]
    retention = revenue_retention(ledger, *Q1)
    assert (retention.grr.value, retention.nrr.value) == (Decimal("0.9"), Decimal("0.9"))
    assert (retention.grr.counts["churned"], retention.grr.counts["came_back"]) == (1, 1)
    assert logo_retention(ledger, *Q1).retention.value == Decimal("0.9")
    assert revenue_growth_per_customer(ledger, *Q1).value == 1  # retained accounts still average 100


def test_below_ten_starting_accounts_there_is_not_enough_data_but_the_counts_stay():
    ledger = [move(1, date(2026, 2, 1), "churn", "-100"), *steady(1, first_id=1), *steady(MIN_COHORT_ACCOUNTS - 2)]
    retention = revenue_retention(ledger, *Q1)
    assert retention.grr.value is None and not retention.grr.enough
    assert (retention.grr.numerator, retention.grr.denominator) == (800, 900)
    assert retention.grr.counts["accounts_at_start"] == MIN_COHORT_ACCOUNTS - 1
    assert logo_retention(ledger, *Q1).churn.value is None
    assert revenue_growth_per_customer(ledger, *Q1).value is None
    assert revenue_retention([*ledger, *steady(1, first_id=50)], *Q1).grr.value == Decimal("0.9")  # ten: enough


def test_an_empty_cohort_gives_none_not_a_division_by_zero():
    ledger = [move(1, date(2026, 2, 1), "new", "100")]
    assert revenue_retention(ledger, *Q1).nrr.value is None
    assert logo_retention([], *Q1).retention.value is None
    assert revenue_growth_per_customer(ledger, *Q1).value is None


def test_a_cohort_that_all_churned_has_no_growth_per_customer():
    ledger = [m for i in range(10) for m in (move(i, OPENED, "new", "100"), move(i, date(2026, 3, 1), "churn", "-100"))]
    assert revenue_retention(ledger, *Q1).grr.value == 0
    assert revenue_growth_per_customer(ledger, *Q1).value is None


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("contraction", "30"), ("churn", "100"), ("expansion", "-10"), ("new", "0"), ("upsell", "10")],
)
def test_a_movement_with_the_wrong_sign_or_an_unknown_kind_is_refused(kind, amount):
    with pytest.raises(ValueError):
        move(1, OPENED, kind, amount)


# A random ledger as the ledger service writes it: each step sets an account's ARR, the kind follows from
# the ARR before and after (from 0: new, or reactivation after a churn; to 0: churn; up; down).
LEVELS = st.sampled_from([0, 0, 25, 50, 100, 175, 400])
DAYS = st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 6, 30))
LEDGER = st.lists(st.lists(st.tuples(DAYS, LEVELS), min_size=1, max_size=6), min_size=0, max_size=16)


def ledger_from(accounts: list[list[tuple[date, int]]]) -> list[Movement]:
    movements = []
    for account_id, steps in enumerate(accounts):
        arr, churned = Decimal(0), False
        for on, level in sorted(steps, key=lambda step: step[0]):
            after = Decimal(level)
            if after == arr:
                continue
            if arr == 0:
                kind = "reactivation" if churned else "new"
            elif after == 0:
                kind, churned = "churn", True
            else:
                kind = "expansion" if after > arr else "contraction"
            movements.append(Movement(account_id, on, kind, after - arr))
            arr = after
    return movements


@settings(max_examples=300, deadline=None)
@given(accounts=LEDGER)
def test_grr_never_exceeds_100_percent_nor_nrr_falls_below_it(accounts):
    ledger = ledger_from(accounts)
    retention = revenue_retention(ledger, *Q1)
    grr, nrr = retention.grr, retention.nrr
    assert 0 <= grr.numerator <= grr.denominator
    assert grr.numerator <= nrr.numerator
    if grr.enough:
        assert 0 <= grr.value <= 1 and grr.value <= nrr.value
        assert grr.value == pytest.approx(1 - retention.contraction.value - retention.churn.value, abs=Decimal("1e-20"))
        logos = logo_retention(ledger, *Q1).retention.value
        growth = revenue_growth_per_customer(ledger, *Q1).value
        if logos:
            assert growth == pytest.approx(nrr.value / logos, abs=Decimal("1e-20"))


@settings(max_examples=100, deadline=None)
@given(accounts=LEDGER, newcomers=st.lists(st.tuples(st.dates(*Q1).filter(lambda d: d < Q1[1]), LEVELS)))
def test_accounts_new_in_the_period_never_move_retention(accounts, newcomers):
    ledger = ledger_from(accounts)
    extra = [Movement(1000 + i, on, "new", Decimal(arr)) for i, (on, arr) in enumerate(newcomers) if arr]
    assert revenue_retention([*ledger, *extra], *Q1) == revenue_retention(ledger, *Q1)
    assert logo_retention([*ledger, *extra], *Q1) == logo_retention(ledger, *Q1)


# Renewals in Q1 2026, judged by their term's end whenever they closed.
#
# | # | term end   | ARR due | outcome  | closed | gross part (min)    | net part      |
# |---|------------|---------|----------|--------|---------------------|---------------|
# | 1 | 2026-01-01 | 100     | renewed  | 100    | 100                 | 100           |
# | 2 | 2026-01-31 | 100     | expanded | 150    | 100 (no expansion)  | 150           |
# | 3 | 2026-02-10 | 200     | downsold | 150    | 150                 | 150           |
# | 4 | 2026-02-28 | 100     | churned  | None   | 0                   | 0             |
# | 5 | 2026-03-01 | 100     | churned  | 0      | 0                   | 0             |
# | 6-10 | March   | 5 x 100 | renewed  | 100    | 500                 | 500           |
# | 11 | 2026-03-31 | 300    | pending  | -      | counted aside: late, still open, stays in Q1 |
# | 12 | 2026-04-01 | 100    | renewed  | 100    | in Q2: closed early, judged by term end      |
# | 13 | 2025-12-31 | 100    | churned  | 0      | in Q4 2025                                   |
# ARR due of the 10 closed = 1100; gross = 850 / 1100 = 77.27%; net = 900 / 1100 = 81.82%.
RENEWALS = [
    RenewalRecord(1, date(2026, 1, 1), Decimal(100), "renewed", Decimal(100)),
    RenewalRecord(2, date(2026, 1, 31), Decimal(100), "expanded", Decimal(150)),
    RenewalRecord(3, date(2026, 2, 10), Decimal(200), "downsold", Decimal(150)),
    RenewalRecord(4, date(2026, 2, 28), Decimal(100), "churned", None),
    RenewalRecord(5, date(2026, 3, 1), Decimal(100), "churned", Decimal(0)),
    *[RenewalRecord(i, date(2026, 3, 10 + i), Decimal(100), "renewed", Decimal(100)) for i in range(6, 11)],
    RenewalRecord(11, date(2026, 3, 31), Decimal(300), "pending", None),
    RenewalRecord(12, date(2026, 4, 1), Decimal(100), "renewed", Decimal(100)),
    RenewalRecord(13, date(2025, 12, 31), Decimal(100), "churned", Decimal(0)),
]


def test_renewal_rates_divide_by_arr_due_with_and_without_expansion():
    rates = renewal_rates(RENEWALS, *Q1)
    assert (rates.gross.numerator, rates.gross.denominator, rates.net.numerator) == (850, 1100, 900)
    assert rates.gross.value == Decimal(850) / Decimal(1100)
    assert rates.net.value == Decimal(900) / Decimal(1100)
    assert rates.gross.denominator_label == ARR_DUE != STARTING_ARR
    assert rates.gross.counts == {
        "due": 11,
        "closed": 10,
        "pending": 1,
        "renewed": 6,
        "expanded": 1,
        "downsold": 1,
        "churned": 2,
    }


def test_a_pending_renewal_is_counted_aside_in_the_period_its_term_ended():
    q1, q2 = renewal_rates(RENEWALS, *Q1), renewal_rates(RENEWALS, *Q2)
    assert (q1.pending, q1.pending_arr_due) == (1, 300)
    assert (q2.pending, q2.gross.counts["due"]) == (0, 1)  # only #12, the early renewal


def test_fewer_than_ten_closed_renewals_are_not_enough():
    rates = renewal_rates(RENEWALS, *Q2)
    assert rates.gross.counts["closed"] == 1 < MIN_CLOSED_RENEWALS
    assert (rates.gross.value, rates.net.value, rates.gross.enough) == (None, None, False)
    assert rates.gross.numerator == rates.gross.denominator == 100


def test_a_closed_renewal_without_its_closed_arr_is_refused():
    with pytest.raises(ValueError):
        RenewalRecord(1, date(2026, 1, 1), Decimal(100), "downsold", None)


def test_average_arr_is_over_the_customers_at_the_end_of_the_day():
    assert average_arr(WORKED_EXAMPLE, date(2025, 12, 31)) == M("1.0")  # 10.0M over accounts 1-10
    # 2026-03-31: the 9 retained at 10.3M, account 11 new at 2.0M, 12 back at 0.5M (2 churned): 12.8M / 11
    assert average_arr(WORKED_EXAMPLE, date(2026, 3, 31)) == M("12.8") / 11
    assert average_arr(WORKED_EXAMPLE, date(2024, 12, 31)) is None


# LTV = average ARR x gross margin / annual revenue churn: 12,000 x 0.8 / 0.15 = 64,000.
def test_lifetime_value_is_margin_over_churn():
    ltv = lifetime_value(Decimal(12_000), Decimal("0.8"), Decimal("0.15"))
    assert (ltv.value, ltv.numerator, ltv.denominator, ltv.unit) == (
        Decimal(64_000),
        Decimal(9_600),
        Decimal("0.15"),
        "money",
    )


@pytest.mark.parametrize("rate", [Decimal(0), None])
def test_lifetime_value_without_churn_is_not_enough_data(rate):
    ltv = lifetime_value(Decimal(12_000), Decimal("0.8"), rate)
    assert (ltv.value, ltv.enough) == (None, False)


@pytest.mark.parametrize(("margin", "rate"), [(Decimal("1.2"), Decimal("0.1")), (Decimal("0.8"), Decimal("-0.1"))])
def test_lifetime_value_refuses_a_margin_or_rate_out_of_range(margin, rate):
    with pytest.raises(ValueError):
        lifetime_value(Decimal(12_000), margin, rate)


def churned_after(account: int, days: int, start: date = OPENED) -> list[Movement]:
    return [move(account, start, "new", "100"), move(account, start + timedelta(days=days), "churn", "-100")]


# Lifetimes of ten churned accounts, 30, 60, ... 300 days: median (150 + 180) / 2 = 165.
# Account 20 churned after 40 days, came back and churned again: its lifetime is the first, 40 days.
# Account 21 contracted before churning: its lifetime still runs from its first ARR to the churn.
# Account 30 never churned: not a lifetime, counted as not churned.
def test_observed_lifetimes_run_from_first_arr_to_first_churn():
    ledger = [m for k in range(1, 11) for m in churned_after(k, 30 * k)]
    ledger += [*churned_after(20, 40), move(20, date(2025, 6, 1), "reactivation", "80")]
    ledger += [move(20, date(2025, 9, 1), "churn", "-80")]
    ledger += [move(21, date(2025, 3, 1), "new", "100"), move(21, date(2025, 4, 1), "contraction", "-60")]
    ledger += [move(21, date(2025, 5, 1), "churn", "-40"), move(30, OPENED, "new", "100")]
    assert churned_lifetimes(ledger)[20] == 40 and churned_lifetimes(ledger)[21] == 61
    lifetimes = observed_lifetimes([m for m in ledger if m.account_id <= 10 or m.account_id == 30])
    assert (lifetimes.value, lifetimes.unit) == (Decimal(165), "days")
    assert lifetimes.counts == {"churned": 10, "not_churned": 1}


def test_too_few_churned_accounts_give_no_median_lifetime():
    ledger = [m for k in range(1, MIN_CHURNED_LIFETIMES) for m in churned_after(k, 30 * k)]
    lifetimes = observed_lifetimes(ledger)
    assert (lifetimes.value, lifetimes.enough, lifetimes.counts["churned"]) == (None, False, MIN_CHURNED_LIFETIMES - 1)


def naive_cohort(movements: list[Movement], start: date, end: date) -> list[tuple]:
    """The cohort rule read off the movements directly, day by day (the reference for ``Ledger``)."""
    found = []
    for account_id in sorted({m.account_id for m in movements}):
        own = [m for m in movements if m.account_id == account_id]
        arr = sum((m.amount for m in own if m.on < start), Decimal(0))
        if arr <= 0:
            continue
        starting, lapsed = arr, False
        for day in sorted({m.on for m in own if start <= m.on < end}):
            arr += sum(m.amount for m in own if m.on == day)
            lapsed = lapsed or arr <= 0
        found.append((account_id, starting, Decimal(0) if lapsed else arr, lapsed, lapsed and arr > 0))
    return found


@settings(max_examples=200, deadline=None)
@given(accounts=LEDGER, before=DAYS)
def test_a_ledger_indexed_once_answers_every_period_as_the_movements_do(accounts, before):
    movements = ledger_from(accounts)
    indexed = Ledger(movements)
    for period in (Q1, Q2, (date(2025, 11, 15), date(2026, 2, 15))):
        expected = naive_cohort(movements, *period)
        found = cohort(indexed, *period)
        assert [(a.account_id, a.starting_arr, a.ending_arr, a.lapsed, a.came_back) for a in found] == expected
        assert revenue_retention(indexed, *period) == revenue_retention(movements, *period)
    earlier = [m for m in movements if m.on < before]
    assert observed_lifetimes(indexed, before=before) == observed_lifetimes(earlier)
    assert churned_lifetimes(earlier) == observed_lifetimes_days(indexed, before)


def observed_lifetimes_days(ledger: Ledger, before: date) -> dict[int, int]:
    return ledger.lifetimes(before)[0]
