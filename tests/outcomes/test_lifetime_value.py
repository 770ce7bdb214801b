"""Lifetime value with the tenant's gross margin, and observed lifetimes beside it, in the summary and trend.

The book of tests/outcomes/test_trend_api.py, with a gross margin of 0.75. LTV is as of each range's end:
average ARR of the customers then * margin ÷ the annual revenue churn rate (1 - GRR of the year to the end).

| range (end)      | year read                | cohort, starting ARR | lost in the year        | rate | customers, ARR at end | LTV                          |
|------------------|--------------------------|----------------------|-------------------------|------|-----------------------|------------------------------|
| 2025-Q1 (Mar 31) | 2024-04-01 to 2025-03-31 | none (all from June) | -                       | -    | 11, 13,000            | missing: too few at start    |
| 2025-Q2 (Jun 30) | 2024-07-01 to 2025-06-30 | 10, 10,000           | churn 1,000             | 0.10 | 10, 12,000            | 1,200 * 0.75 / 0.10 = 9,000  |
| 2025-Q3 (Sep 30) | 2024-10-01 to 2025-09-30 | 10, 10,000           | churn 1,000, contr. 200 | 0.12 | 10, 12,300            | 1,230 * 0.75 / 0.12 = 7,687.50|
| 2025 (Dec 31)    | 2025-01-01 to 2025-12-31 | 10, 10,000           | churn 1,000, contr. 200 | 0.12 | 10, 12,300            | 7,687.50                     |

Observed lifetimes: one churned account (365 days, 2024-06-01 to 2025-06-01), under the minimum of ten.
"""  # noqa: E501

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from outcomes.metrics import NO_MARGIN, Movement, annual_lifetime_value, observed_lifetimes
from outcomes.services.ledger import arr_move
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory
from tests.outcomes.test_trend_api import AFTER_2025, book

pytestmark = pytest.mark.django_db
TREND = "/api/v1/outcomes/trend/"
SUMMARY = "/api/v1/outcomes/summary/"
YEAR_2025 = {"start": "2025-01-01", "end": "2025-12-31"}


def with_margin(tenant, margin: str | None):
    tenant.gross_margin = Decimal(margin) if margin is not None else None
    tenant.save()


@time_machine.travel(AFTER_2025, tick=False)
def test_lifetime_value_per_quarter_uses_the_year_to_each_quarters_end(world_a):
    book(world_a.tenant)
    with_margin(world_a.tenant, "0.75")
    answer = api_as(world_a.viewer).get(TREND, {"period": "quarter", **YEAR_2025}).json()
    assert answer["gross_margin"] == "0.7500"
    ltv = [q["figures"]["lifetime_value"] for q in answer["periods"]]
    assert [f["value"] for f in ltv] == [None, "9000.00", "7687.50", "7687.50"]
    assert [f["denominator"] for f in ltv] == [None, "0.100000", "0.120000", "0.120000"]
    assert ltv[1]["numerator"] == "900.00" and ltv[1]["unit"] == "money" and ltv[1]["missing"] is None
    assert ltv[0]["missing"] == (
        "Not enough data for the annual revenue churn rate: needs at least 10 accounts at the start of the year "
        "to the end."
    )
    assert ltv[2]["counts"] == {
        "customers_at_end": 10, "accounts_at_year_start": 10, "churned_in_year": 1, "contracted_in_year": 1,
    }  # fmt: skip
    assert "gross margin" in ltv[2]["definition"] and "1 less GRR" in ltv[2]["definition"]


@time_machine.travel(AFTER_2025, tick=False)
def test_the_summary_shows_lifetime_value_and_the_observed_lifetimes_beside_it(world_a):
    book(world_a.tenant)
    with_margin(world_a.tenant, "0.75")
    figures = api_as(world_a.viewer).get(SUMMARY, YEAR_2025).json()["figures"]
    assert figures["lifetime_value"]["value"] == "7687.50"
    lifetimes = figures["observed_lifetimes"]
    assert (lifetimes["value"], lifetimes["unit"], lifetimes["counts"]) == (
        None, "days", {"churned": 1, "not_churned": 10},
    )  # fmt: skip
    assert lifetimes["missing"] == "Not enough data: needs at least 10 churned accounts."


@time_machine.travel(AFTER_2025, tick=False)
def test_without_a_gross_margin_lifetime_value_says_so_rather_than_invent_one(world_a):
    book(world_a.tenant)
    answer = api_as(world_a.viewer).get(SUMMARY, YEAR_2025).json()
    ltv = answer["figures"]["lifetime_value"]
    assert answer["gross_margin"] is None
    assert (ltv["value"], ltv["numerator"], ltv["enough"], ltv["missing"]) == (None, None, False, NO_MARGIN)
    assert ltv["denominator"] == "0.120000"  # the rate is known; only the margin is missing


@time_machine.travel(AFTER_2025, tick=False)
def test_a_year_without_lost_revenue_gives_no_lifetime_value(world_a):
    for _ in range(10):
        account = AccountFactory(tenant=world_a.tenant, arr=Decimal("0"))
        arr_move(tenant=world_a.tenant, account=account, arr=Decimal("1000"), on=date(2024, 6, 1))
    with_margin(world_a.tenant, "0.8")
    ltv = api_as(world_a.viewer).get(SUMMARY, YEAR_2025).json()["figures"]["lifetime_value"]
    assert (ltv["value"], ltv["denominator"]) == (None, "0.000000")
    assert ltv["missing"] == "No revenue was lost in the year to the end: the formula's lifetime is unbounded."


def test_once_every_account_churned_lifetimes_are_observed_but_lifetime_value_has_no_average_arr():
    # Accounts 1-10 start on 2024-01-01 and churn after 10, 20, ... 100 days: median (50 + 60) / 2 = 55.
    start = date(2024, 1, 1)
    ledger = [Movement(n, start, "new", Decimal(100)) for n in range(1, 11)]
    ledger += [Movement(n, start + timedelta(days=10 * n), "churn", Decimal(-100)) for n in range(1, 11)]
    ltv = annual_lifetime_value(ledger, date(2024, 12, 31), Decimal("0.8"))
    assert (ltv.value, ltv.missing) == (None, "No customers at the end: there is no average ARR.")
    assert observed_lifetimes(ledger).value == Decimal(55)


def test_the_gross_margin_is_edited_on_the_tenant_settings_page_and_checked(client, world_a, world_b):
    from tests.accounts.test_business_calendar import errors_of, page_of, settings_form

    admin = session_client(client, world_a.admin)
    assert 'name="gross_margin"' in admin.get(page_of(world_a.tenant)).content.decode()
    refused = admin.post(page_of(world_a.tenant), settings_form(world_a.tenant, gross_margin="1.5"))
    assert refused.status_code == 200 and "gross_margin" in errors_of(refused)
    saved = admin.post(page_of(world_a.tenant), settings_form(world_a.tenant, gross_margin="0.72"))
    assert saved.status_code == 302
    world_a.tenant.refresh_from_db()
    world_b.tenant.refresh_from_db()
    assert (world_a.tenant.gross_margin, world_b.tenant.gross_margin) == (Decimal("0.7200"), None)
    assert admin.get(page_of(world_b.tenant)).status_code == 404  # another tenant's settings: not found
