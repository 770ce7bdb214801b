"""The demo's renewal history as planned: the same on every run, a believable book of renewals, and churn that a
few indicators preceded, noisily, and the rest did not (no database: the plan and the ranking are pure)."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.models import Account
from demo.events_vocabulary import DAYS
from demo.history_values import DRIVERS, LEADS, Marginal, signal, term_values
from demo.people import company_names, demo_plan
from demo.renewal_history import (
    CHURN_REASONS,
    DOWNSELL_REASONS,
    FORMER_COUNT,
    DemoAccount,
    former_customers,
    former_external_ids,
    past_terms,
)
from demo.renewal_seed import demo_account
from indicators.engine import ACCOUNT_INDICATORS, DEFAULT_SCORECARD, score
from outcomes.backtest import ScoredRenewal, backtest
from outcomes.ranking import NOISE, PRECEDED_CHURN, TOO_FEW, Sample, mann_whitney_auc, rank_indicators
from outcomes.services.learning import DIRECTIONS
from outcomes.services.renewals import outcome_of

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)  # a fixed day: the plan's dates follow the day it is made on
TODAY = NOW.date()
EVENTS_FROM = TODAY - timedelta(days=DAYS)
# What moves with the latent risk: the drivers, the values computed from license utilization (active users, the
# low-utilization flag), and objectives documented (the churned accounts wrote theirs down less often).
MOVES_WITH_CHURN = {*DRIVERS, "mau", "wau", "dau", "low_license_utilization", "objectives_documented"}
NEVER_RECORDED = {
    "onboarding_rating",
    "onboarding_adoption",
    "post_sale_score",
    "gut_read",
    "ticket_volume_vs_baseline",
}


@dataclass(frozen=True)
class Closed:
    account: DemoAccount
    number: int
    churned: bool
    outcome: str
    by_events: bool


@pytest.fixture(scope="module")
def book() -> list[Closed]:
    """Every renewal closed by today: the current customers' (the events' included) and the former customers'."""
    customers = [demo_account(Account(**planned.fields)) for planned in demo_plan(NOW)[0]]
    formers = former_customers(company_names()[1], today=TODAY, churned_before=EVENTS_FROM)
    closed = [
        Closed(account, term.number, term.churned, term.outcome, term.by_events)
        for account in customers
        for term in past_terms(account, today=TODAY, events_from=EVENTS_FROM)
    ]
    return closed + [Closed(f.account, t.number, t.churned, t.outcome, False) for f in formers for t in f.terms]


def samples(book: list[Closed], lead: int) -> list[Sample]:
    """Each renewal's values as recorded ``lead`` days before its term end."""
    found = []
    for c in book:
        [(_, values)] = term_values(c.account, term=c.number, churned=c.churned, leads=(lead,))
        found.append(Sample(churned=c.churned, values=values))
    return found


def customer(**fields) -> DemoAccount:
    defaults = {"external_id": "acct-x", "segment": "smb", "stage": "mature", "arr": Decimal("12000.00"),
                "licenses": 8, "contract_start": date(2023, 3, 10), "renewal_on": date(2026, 3, 10)}  # fmt: skip
    return DemoAccount(**(defaults | fields))


def test_a_customers_past_terms_are_its_anniversaries_and_the_last_closes_at_todays_arr():
    terms = past_terms(customer(), today=date(2025, 12, 1), events_from=date(2025, 6, 2))

    assert [(t.number, t.term_start, t.term_end) for t in terms] == [
        (1, date(2023, 3, 10), date(2024, 3, 10)),
        (2, date(2024, 3, 10), date(2025, 3, 10)),
    ]  # the term ending 2026-03-10 is the pending one
    assert terms[-1].closed_arr == Decimal("12000.00")
    assert terms[1].arr_due == terms[0].closed_arr  # each term is due at what the one before closed at
    for term in terms:
        assert term.outcome == outcome_of(term.arr_due, term.closed_arr)
        assert term.term_start < term.closed_on <= term.term_end and not term.by_events
        assert term.reason is None or term.reason in DOWNSELL_REASONS
        assert term.csm_call_on is None or term.csm_call_on <= term.closed_on


def test_a_term_ending_in_the_events_months_is_left_to_them_renewed_at_todays_arr():
    terms = past_terms(customer(), today=date(2025, 12, 1), events_from=date(2025, 1, 1))

    assert [t.by_events for t in terms] == [False, True]
    assert (terms[1].outcome, terms[1].arr_due, terms[1].closed_arr) == (
        "renewed",
        Decimal("12000.00"),
        Decimal("12000.00"),
    )


def test_a_churned_customers_last_term_ends_on_its_churn_date_from_the_arr_it_had():
    churned = customer(stage="churned", renewal_on=date(2025, 3, 10))

    terms = past_terms(churned, today=date(2025, 12, 1))

    assert [t.term_end for t in terms] == [date(2024, 3, 10), date(2025, 3, 10)]
    last = terms[-1]
    assert (last.outcome, last.arr_due, last.closed_arr) == ("churned", Decimal("12000.00"), Decimal(0))
    assert last.reason is None or last.reason in CHURN_REASONS
    assert terms[0].outcome != "churned"


def test_a_contract_started_on_29_february_renews_on_the_28th():
    terms = past_terms(customer(contract_start=date(2024, 2, 29), renewal_on=date(2027, 2, 28)), today=date(2026, 6, 1))

    assert [t.term_end for t in terms] == [date(2025, 2, 28), date(2026, 2, 28)]


def test_the_plan_is_the_same_on_every_run(book):
    formers = former_customers(company_names()[1], today=TODAY, churned_before=EVENTS_FROM)
    again = former_customers(company_names()[1], today=TODAY, churned_before=EVENTS_FROM)

    assert formers == again
    account = book[0].account
    assert past_terms(account, today=TODAY) == past_terms(account, today=TODAY)
    assert term_values(account, term=1, churned=False) == term_values(account, term=1, churned=False)


def test_a_few_hundred_renewals_over_three_years_of_which_10_to_15_percent_churned(book):
    churned = sum(c.churned for c in book)

    assert 420 <= len(book) <= 460
    assert 0.10 <= churned / len(book) <= 0.15
    outcomes = Counter(c.outcome for c in book if not c.by_events)
    assert outcomes["expanded"] > 20 and outcomes["downsold"] > 10 and outcomes["renewed"] > 150
    assert 60 <= sum(c.by_events for c in book) <= 110  # the events of the last six months close these


def test_former_customers_churned_in_the_three_years_before_the_events_months():
    formers = former_customers(company_names()[1], today=TODAY, churned_before=EVENTS_FROM)

    assert [f.account.external_id for f in formers] == former_external_ids()
    assert len(formers) == FORMER_COUNT and len({f.name for f in formers}) == FORMER_COUNT
    assert not {f.name for f in formers} & set(company_names()[0])  # no current customer's name
    for former in formers:
        *renewed, churn = former.terms
        assert churn.churned and churn.term_end == former.account.renewal_on
        assert TODAY - timedelta(days=3 * 365) <= churn.term_end < EVENTS_FROM
        assert former.terms[0].term_end >= TODAY - timedelta(days=3 * 365)  # every renewal in the last three years
        assert former.terms[0].term_start == former.account.contract_start
        assert not any(t.churned for t in renewed)
        assert bool(former.objectives) == former.account.objectives_documented


def test_every_indicator_of_the_catalogue_gets_a_value_or_no_data_and_related_values_agree():
    account = customer(onboarding_started=date(2023, 3, 14), onboarding_completed=date(2023, 4, 20))

    rows = term_values(account, term=2, churned=True)

    assert [lead for lead, _ in rows] == sorted(LEADS, reverse=True) and {90, 180} <= set(LEADS)
    for _, values in rows:
        assert list(values) == [i.key for i in ACCOUNT_INDICATORS]
        assert all(values[key] is None for key in NEVER_RECORDED)
        assert values["days_in_onboarding"] == 37.0  # the account's own dates
        assert values["mau"] == max(1, round(values["license_utilization"] * 8 / 100))
        assert values["license_utilization"] == 100 * values["mau"] / 8
        assert values["low_license_utilization"] == float(values["license_utilization"] < 40)
        assert 1 <= values["wau"] <= values["mau"] and values["dau"] <= values["wau"]
        windows = [values[f"high_value_engagements_{days}d"] for days in (15, 30, 45, 60)]
        assert windows == sorted(windows)


def test_a_drivers_pull_grows_as_the_term_end_nears():
    assert [signal(lead) for lead in (270, 180, 90, 30)] == pytest.approx([0.2, 0.5, 0.8, 1.0])


def test_a_marginal_reads_its_quantiles_linearly_in_between():
    marginal = Marginal(((0, 0), (0.5, 10), (1, 30)), digits=1)

    assert [marginal.value(share) for share in (0, 0.25, 0.5, 0.75, 1)] == [0, 5, 10, 20, 30]


def test_the_ranking_finds_the_drivers_and_calls_every_other_indicator_noise(book):
    results = {r.indicator: r for r in rank_indicators(samples(book, 90), directions=DIRECTIONS)}

    preceded = {key for key, r in results.items() if r.verdict == PRECEDED_CHURN}
    assert preceded == MOVES_WITH_CHURN
    assert {key for key, r in results.items() if r.verdict == TOO_FEW} == NEVER_RECORDED
    assert all(r.verdict == NOISE for key, r in results.items() if key not in MOVES_WITH_CHURN | NEVER_RECORDED)
    for key in DRIVERS:  # honest intervals: wide at this size (about 60 churned), yet clear of 0.5
        assert 0.5 < results[key].auc_low < results[key].auc < results[key].auc_high
        assert 0.1 < results[key].auc_high - results[key].auc_low < 0.2


def test_the_drivers_said_less_six_months_ahead_than_three(book):
    def aucs(lead):
        sampled = samples(book, lead)
        found = {}
        for key in DRIVERS:
            sign = DIRECTIONS[key]
            churned = [-sign * s.values[key] for s in sampled if s.churned and s.values[key] is not None]
            renewed = [-sign * s.values[key] for s in sampled if not s.churned and s.values[key] is not None]
            found[key] = mann_whitney_auc(churned, renewed)
        return found

    at_90, at_180 = aucs(90), aucs(180)

    assert sum(at_90.values()) > sum(at_180.values())


def test_the_default_scorecard_90_days_ahead_separated_churn_from_renewal(book):
    scored = []
    for sample in samples(book, 90):
        result = score(values={k: v for k, v in sample.values.items() if v is not None}, scorecard=DEFAULT_SCORECARD)
        scored.append(ScoredRenewal(churned=sample.churned, score=result.final, band=result.band))

    found = backtest(scored)

    assert 0.65 < found.auc_low < found.auc < found.auc_high < 0.9
    rates = {band.band: band.churn_rate for band in found.bands}
    assert rates["red"] > rates["yellow"] > rates["green"]
