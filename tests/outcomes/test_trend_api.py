"""GET /api/v1/outcomes/trend/ and the cohort filter: hand-worked figures per period, the tenant's calendar,
tenancy and bad parameters.

The book (as tests/renewals/test_outcomes_summary.py): ten accounts of 1,000 ARR since 2024-06-01. In 2025 a
newcomer arrives with 3,000 on March 1, account 0 churns on June 1, account 1 expands to 1,500 on July 1 and
account 2 contracts to 800 on August 1; two renewals of 1,000 are pending with terms ending in November.

| quarter | cohort: accounts, starting ARR | moves in it         | GRR                   | NRR                | logos |
|---------|--------------------------------|---------------------|-----------------------|--------------------|-------|
| 2025-Q1 | 10, 10,000                     | newcomer: not in it | 1                     | 1                  | 10/10 |
| 2025-Q2 | 11, 13,000 (newcomer in)       | churn 1,000         | 12,000/13,000=.923077 | .923077            | 10/11 |
| 2025-Q3 | 10, 12,000 (account 0 gone)    | +500, -200          | 11,800/12,000=.983333 | 12,300/12,000=1.025| 10/10 |
| 2025-Q4 | 10, 12,300                     | none                | 1                     | 1                  | 10/10 |
| 2025    | 10, 10,000                     | all of the above    | .88                   | .93                | 9/10  |
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import Renewal
from outcomes.selectors import outcomes_trend
from outcomes.services.ledger import arr_move
from tests.conftest import api_as
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes/trend/"
SUMMARY = "/api/v1/outcomes/summary/"
AFTER_2025 = "2026-03-15T12:00:00Z"


def book(tenant, **account_fields):
    accounts = [AccountFactory(tenant=tenant, arr=Decimal("0"), **account_fields) for _ in range(10)]
    for account in accounts:
        arr_move(tenant=tenant, account=account, arr=Decimal("1000"), on=date(2024, 6, 1))
    newcomer = AccountFactory(tenant=tenant, arr=Decimal("0"), **account_fields)
    arr_move(tenant=tenant, account=newcomer, arr=Decimal("3000"), on=date(2025, 3, 1))
    arr_move(tenant=tenant, account=accounts[0], arr=Decimal("0"), on=date(2025, 6, 1))
    arr_move(tenant=tenant, account=accounts[1], arr=Decimal("1500"), on=date(2025, 7, 1))
    arr_move(tenant=tenant, account=accounts[2], arr=Decimal("800"), on=date(2025, 8, 1))
    for account in accounts[3:5]:
        Renewal.objects.create(tenant=tenant, account=account, term_start=date(2024, 11, 15),
                               term_end=date(2025, 11, 15), arr_due=Decimal("1000"))  # fmt: skip
    return accounts, newcomer


def value(entry, figure):
    return entry["figures"][figure]["value"]


@time_machine.travel(AFTER_2025, tick=False)
def test_the_quarterly_trend_gives_each_quarters_hand_worked_figures(world_a, world_b):
    book(world_a.tenant)
    response = api_as(world_a.viewer).get(URL, {"period": "quarter", "start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["period"], answer["start"], answer["end"]) == ("quarter", "2025-01-01", "2025-12-31")
    quarters = answer["periods"]
    assert [(q["label"], q["start"], q["end"], q["complete"]) for q in quarters] == [
        ("2025-Q1", "2025-01-01", "2025-03-31", True), ("2025-Q2", "2025-04-01", "2025-06-30", True),
        ("2025-Q3", "2025-07-01", "2025-09-30", True), ("2025-Q4", "2025-10-01", "2025-12-31", True),
    ]  # fmt: skip
    assert [value(q, "gross_revenue_retention") for q in quarters] == ["1.000000", "0.923077", "0.983333", "1.000000"]
    assert [value(q, "net_revenue_retention") for q in quarters] == ["1.000000", "0.923077", "1.025000", "1.000000"]
    assert [value(q, "logo_retention") for q in quarters] == ["1.000000", "0.909091", "1.000000", "1.000000"]
    assert [q["figures"]["gross_revenue_retention"]["denominator"] for q in quarters] == [
        "10000.00", "13000.00", "12000.00", "12300.00",
    ]  # fmt: skip
    assert [(q["pending_renewals"], q["pending_arr_due"]) for q in quarters] == [
        (0, "0"), (0, "0"), (0, "0"), (2, "2000.00"),
    ]  # fmt: skip
    assert quarters[0]["figures"]["gross_renewal_rate"]["missing"] == (
        "Not enough data: needs at least 10 closed renewals with a term ending in the period."
    )


@time_machine.travel(AFTER_2025, tick=False)
def test_a_yearly_trend_agrees_with_the_summary_of_the_same_year(world_a):
    book(world_a.tenant)
    api = api_as(world_a.viewer)
    (year,) = api.get(URL, {"period": "year", "start": "2025-01-01", "end": "2025-12-31"}).json()["periods"]
    summary = api.get(SUMMARY, {"start": "2025-01-01", "end": "2025-12-31"}).json()
    assert year["label"] == "2025" and year["figures"] == summary["figures"]
    assert value(year, "gross_revenue_retention") == "0.880000" and value(year, "net_revenue_retention") == "0.930000"


@time_machine.travel(AFTER_2025, tick=False)
def test_monthly_is_the_default_and_the_running_month_is_to_date(world_a):
    book(world_a.tenant)
    months = api_as(world_a.viewer).get(URL).json()["periods"]
    # Without a start: twelve months back from today's (2026-03-15), today's to date.
    assert [m["label"] for m in months][:2] == ["2025-04", "2025-05"] and len(months) == 12
    assert (months[-1]["label"], months[-1]["end"], months[-1]["complete"]) == (
        "2026-03 (to date)", "2026-03-15", False,
    )  # fmt: skip
    june = next(m for m in months if m["label"] == "2025-06")
    assert june["figures"]["logo_churn"]["counts"] == {"accounts_at_start": 11, "retained": 10, "churned": 1}


@time_machine.travel(AFTER_2025, tick=False)
def test_trailing_twelve_months_end_with_each_month(world_a):
    book(world_a.tenant)
    ttm = api_as(world_a.viewer).get(URL, {"period": "ttm", "start": "2025-12-01", "end": "2025-12-31"}).json()
    (december,) = ttm["periods"]
    assert (december["label"], december["start"], december["end"]) == ("TTM to 2025-12", "2025-01-01", "2025-12-31")
    assert value(december, "gross_revenue_retention") == "0.880000"


@time_machine.travel("2025-04-02T12:00:00Z", tick=False)
def test_a_move_at_night_falls_in_the_tenants_quarter_after_the_clocks_changed(world_a, key_client_a):
    """Paris moved to summer time (UTC+2) on 2025-03-30: 22:30 UTC on March 31 is 00:30 on April 1 there,
    so the churn belongs to Q2; read in UTC (or at the winter offset) it would fall in Q1."""
    tenant = world_a.tenant
    tenant.time_zone = "Europe/Paris"
    tenant.save()
    accounts = [AccountFactory(tenant=tenant, arr=Decimal("0")) for _ in range(10)]
    for account in accounts:
        arr_move(tenant=tenant, account=account, arr=Decimal("1000"), on=date(2024, 6, 1))
    body = {"account": accounts[0].pk, "type": "commercial", "name": "churn", "occurred_at": "2025-03-31T22:30:00Z",
            "properties": {"amount": "0"}}  # fmt: skip
    assert key_client_a.post("/api/v1/events/", body, format="json").status_code == 201
    quarters = api_as(world_a.viewer).get(URL, {"period": "quarter", "start": "2025-01-01"}).json()["periods"]
    assert [q["label"] for q in quarters] == ["2025-Q1", "2025-Q2 (to date)"]
    assert [value(q, "logo_retention") for q in quarters] == ["1.000000", "0.900000"]
    assert quarters[1]["end"] == "2025-04-02"


@time_machine.travel("2026-04-01T05:00:00Z", tick=False)
def test_the_running_month_is_the_tenants_today_not_utcs(world_a):
    tenant = world_a.tenant
    tenant.time_zone = "America/Los_Angeles"  # 22:00 on March 31 there
    tenant.save()
    months = api_as(world_a.viewer).get(URL, {"start": "2026-01-01", "end": "2026-04-30"}).json()["periods"]
    assert [m["label"] for m in months] == ["2026-01", "2026-02", "2026-03 (to date)"]
    assert months[-1]["end"] == "2026-03-31"


@time_machine.travel(AFTER_2025, tick=False)
def test_the_cohort_keeps_the_accounts_that_became_customers_that_year(world_a):
    book(world_a.tenant)
    api = api_as(world_a.viewer)
    q2_to_q4 = {"start": "2025-04-01", "end": "2025-12-31"}
    everyone = api.get(SUMMARY, q2_to_q4).json()["figures"]["gross_revenue_retention"]
    of_2024 = api.get(SUMMARY, {**q2_to_q4, "cohort": "2024"}).json()
    of_2025 = api.get(SUMMARY, {**q2_to_q4, "cohort": "2025"}).json()["figures"]["gross_revenue_retention"]
    assert (everyone["value"], everyone["counts"]["accounts_at_start"]) == ("0.907692", 11)  # 11,800 / 13,000
    assert of_2024["cohort"] == 2024 and of_2024["figures"]["gross_revenue_retention"]["value"] == "0.880000"
    assert (of_2025["value"], of_2025["counts"]["accounts_at_start"]) == (None, 1)  # the newcomer alone
    trend = api.get(URL, {**q2_to_q4, "period": "quarter", "cohort": "2024"}).json()["periods"]
    # Q2: 9,000 / 10,000; from Q3 on the 2024 cohort holds nine customers, under the minimum of ten.
    assert [value(q, "gross_revenue_retention") for q in trend] == ["0.900000", None, None]
    assert trend[1]["figures"]["gross_revenue_retention"]["counts"]["accounts_at_start"] == 9


@time_machine.travel(AFTER_2025, tick=False)
def test_segment_and_csm_narrow_the_trend_to_those_accounts(world_a):
    book(world_a.tenant, segment="enterprise", csm_owner=world_a.csm)
    api = api_as(world_a.viewer)
    query = {"period": "year", "start": "2025-01-01", "end": "2025-12-31"}
    (mine,) = api.get(URL, {**query, "csm": world_a.csm.pk, "segment": "Enterprise"}).json()["periods"]
    (theirs,) = api.get(URL, {**query, "csm": world_a.admin.pk}).json()["periods"]
    (smb,) = api.get(URL, {**query, "segment": "smb"}).json()["periods"]
    assert value(mine, "gross_revenue_retention") == "0.880000"
    assert theirs["figures"]["logo_retention"]["counts"]["accounts_at_start"] == 0
    assert smb["figures"]["logo_retention"]["counts"]["accounts_at_start"] == 0


@time_machine.travel(AFTER_2025, tick=False)
def test_another_tenants_ledger_never_enters_the_trend(world_a, world_b):
    book(world_b.tenant)
    own = AccountFactory(tenant=world_a.tenant, arr=Decimal("0"))
    arr_move(tenant=world_a.tenant, account=own, arr=Decimal("500"), on=date(2024, 1, 1))
    query = {"period": "year", "start": "2025-01-01", "end": "2025-12-31"}
    for principal in (world_a.admin, world_a.csm, world_a.viewer):
        (year,) = api_as(principal).get(URL, query).json()["periods"]
        grr = year["figures"]["gross_revenue_retention"]
        assert (grr["counts"]["accounts_at_start"], grr["denominator"]) == (1, "500.00")
        assert year["pending_renewals"] == 0
    b_csm = api_as(world_a.viewer).get(URL, {**query, "csm": world_b.csm.pk})
    assert b_csm.status_code == 400 and [e["attr"] for e in b_csm.json()["errors"]] == ["csm"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"period": "week"}, "period"), ({"period": "week", "start": "2025-01-01"}, "period"),
     ({"start": "2025-13-01"}, "start"), ({"start": "2025-06-01", "end": "2025-01-01"}, "end"),
     ({"perod": "month"}, "perod"), ({"csm": "999999"}, "csm"), ({"cohort": "twenty"}, "cohort"),
     ({"cohort": "1200"}, "cohort"), ({"period": "month", "start": "2000-01-01", "end": "2025-12-31"}, "start")],
)  # fmt: skip
def test_bad_parameters_are_a_400_naming_them(world_a, params, field):
    response = api_as(world_a.viewer).get(URL, params)
    assert response.status_code == 400 and [e["attr"] for e in response.json()["errors"]] == [field]


def test_an_unknown_cohort_parameter_on_the_summary_is_a_400_naming_it(world_a):
    response = api_as(world_a.viewer).get(SUMMARY, {"cohort": "2024x"})
    assert response.status_code == 400 and [e["attr"] for e in response.json()["errors"]] == ["cohort"]


def test_the_trend_is_documented_with_its_parameters(world_a):
    schema = api_as(world_a.viewer).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/outcomes/trend/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"period", "start", "end", "segment", "csm", "cohort"}


@time_machine.travel(AFTER_2025, tick=False)
def test_the_ledger_and_renewals_are_read_once_however_many_periods(world_a):
    book(world_a.tenant)
    reads = {}
    for period in ("month", "year"):
        with CaptureQueriesContext(connection) as queries:
            outcomes_trend(tenant=world_a.tenant, start=date(2025, 1, 1), end=date(2025, 12, 31), period=period)
        sql = [q["sql"] for q in queries.captured_queries]
        reads[period] = (len(sql), sum('FROM "outcomes_arrmovement"' in q for q in sql),
                         sum('FROM "outcomes_renewal"' in q for q in sql))  # fmt: skip
    assert reads["month"] == reads["year"]
    assert reads["month"][1:] == (1, 1)
