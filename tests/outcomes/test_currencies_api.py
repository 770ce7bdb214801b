"""Accounts in several currencies: the figures convert with the tenant's rates and say which; an account without a
rate is left out and counted; the rates API and admin; the account's currency; commercial events in it.

A USD tenant with EUR rates 1.10 from 2024-01-01 and 1.20 from 2025-01-01, and no GBP rate (tenant B has one).

| account         | since 2024-06-01     | in 2025                           | in USD                                  |
|-----------------|----------------------|-----------------------------------|-----------------------------------------|
| 8 in USD        | 1,000 each           | one contracts to 800 on Aug 1     | 8,000 at the start; -200                |
| EUR 1           | 1,000 EUR            | +500 EUR on Mar 1                 | 1,100 at the start; +600 (at 1.20)      |
| EUR 2           | 1,000 EUR            | churns on Jun 1                   | 1,100 at the start; -1,100              |
| GBP             | 1,000 GBP            | churns on Jun 1                   | left out: no GBP rate                   |

2025: starting ARR 10,200 over 10 accounts. GRR = (10,200 - 200 - 1,100) / 10,200 = 0.872549;
NRR = (10,200 + 600 - 200 - 1,100) / 10,200 = 0.931373; logo retention 9 / 10.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account
from outcomes.models import ArrMovement, ExchangeRate
from outcomes.services.ledger import arr_move
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
SUMMARY = "/api/v1/outcomes/summary/"
TREND = "/api/v1/outcomes/trend/"
RATES = "/api/v1/exchange-rates/"
YEAR_2025 = {"start": "2025-01-01", "end": "2025-12-31"}


def rate(tenant, currency: str, value: str, valid_from: date) -> ExchangeRate:
    return ExchangeRate.objects.create(tenant=tenant, currency=currency, rate=Decimal(value), valid_from=valid_from)


def customer(tenant, currency: str, arr: str) -> Account:
    account = AccountFactory(tenant=tenant, arr=Decimal("0"), currency=currency)
    arr_move(tenant=tenant, account=account, arr=Decimal(arr), on=date(2024, 6, 1))
    return account


def book(tenant) -> None:
    rate(tenant, "EUR", "1.10", date(2024, 1, 1))
    rate(tenant, "EUR", "1.20", date(2025, 1, 1))
    dollars = [customer(tenant, "", "1000") for _ in range(8)]
    euro_1, euro_2 = customer(tenant, "EUR", "1000"), customer(tenant, "EUR", "1000")
    pounds = customer(tenant, "GBP", "1000")
    arr_move(tenant=tenant, account=euro_1, arr=Decimal("1500"), on=date(2025, 3, 1))
    arr_move(tenant=tenant, account=euro_2, arr=Decimal("0"), on=date(2025, 6, 1))
    arr_move(tenant=tenant, account=pounds, arr=Decimal("0"), on=date(2025, 6, 1))
    arr_move(tenant=tenant, account=dollars[0], arr=Decimal("800"), on=date(2025, 8, 1))


@time_machine.travel("2026-02-01T12:00:00Z", tick=False)
def test_the_summary_converts_each_amount_and_lists_the_rates_it_used(world_a, world_b):
    book(world_a.tenant)
    rate(world_b.tenant, "GBP", "1.27", date(2020, 1, 1))  # another tenant's rate: never A's
    answer = api_as(world_a.viewer).get(SUMMARY, YEAR_2025).json()
    figures = answer["figures"]
    assert figures["gross_revenue_retention"]["denominator"] == "10200.00"
    assert figures["gross_revenue_retention"]["value"] == "0.872549"
    assert figures["net_revenue_retention"]["value"] == "0.931373"
    assert figures["logo_retention"]["counts"] == {"accounts_at_start": 10, "retained": 9, "churned": 1}
    assert answer["currency"] == "USD"
    assert answer["rates"] == [
        {"currency": "EUR", "rate": "1.10000000", "valid_from": "2024-01-01"},
        {"currency": "EUR", "rate": "1.20000000", "valid_from": "2025-01-01"},
    ]
    assert answer["excluded"]["accounts"] == 1 and answer["excluded"]["currencies"] == ["GBP"]
    assert "exchange rate" in answer["excluded"]["reason"]


@time_machine.travel("2026-02-01T12:00:00Z", tick=False)
def test_with_the_missing_rate_added_the_account_comes_in(world_a):
    book(world_a.tenant)
    rate(world_a.tenant, "GBP", "1.25", date(2024, 1, 1))
    answer = api_as(world_a.viewer).get(SUMMARY, YEAR_2025).json()
    grr = answer["figures"]["gross_revenue_retention"]
    # 11 accounts, 11,450 starting (the pounds at 1.25); 1,100 + 1,250 churned, 200 contracted: 8,900 / 11,450.
    assert (grr["denominator"], grr["value"]) == ("11450.00", "0.777293")
    assert answer["excluded"] == {"accounts": 0, "currencies": [], "reason": None}
    assert {r["currency"] for r in answer["rates"]} == {"EUR", "GBP"}


@time_machine.travel("2026-02-01T12:00:00Z", tick=False)
def test_the_trend_lists_its_rates_once_and_converts_every_period(world_a):
    book(world_a.tenant)
    answer = api_as(world_a.viewer).get(TREND, {"period": "quarter", **YEAR_2025}).json()
    assert len(answer["rates"]) == 2 and answer["excluded"]["currencies"] == ["GBP"]
    q1, q2 = answer["periods"][:2]
    # Q1: 10,200 at the start, EUR 1 up 500 EUR at 1.20: NRR 10,800 / 10,200. Q2: 10,800, EUR 2 churns 1,100.
    assert q1["figures"]["net_revenue_retention"]["value"] == "1.058824"
    assert (q2["figures"]["gross_revenue_retention"]["denominator"], q2["figures"]["logo_churn"]["value"]) == (
        "10800.00", "0.100000",
    )  # fmt: skip


def test_rates_are_read_by_everyone_and_changed_by_admins_only(world_a, world_b):
    own = rate(world_a.tenant, "EUR", "1.10", date(2024, 1, 1))
    theirs = rate(world_b.tenant, "EUR", "9.99", date(2024, 1, 1))
    listed = api_as(world_a.viewer).get(RATES).json()["results"]
    assert [(r["id"], r["rate"]) for r in listed] == [(own.pk, "1.10000000")]
    assert api_as(world_a.viewer).get(f"{RATES}{theirs.pk}/").status_code == 404
    body = {"currency": "eur", "rate": "1.2", "valid_from": "2025-01-01"}
    for principal in (world_a.viewer, world_a.csm):
        assert api_as(principal).post(RATES, body, format="json").status_code == 403
        assert api_as(principal).patch(f"{RATES}{own.pk}/", {"rate": "2"}, format="json").status_code == 403
    created = api_as(world_a.admin).post(RATES, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["currency"] == "EUR"
    assert api_as(world_a.admin).patch(f"{RATES}{theirs.pk}/", {"rate": "2"}, format="json").status_code == 404
    assert api_as(world_a.admin).delete(f"{RATES}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.rate == Decimal("9.99")


def test_a_key_with_the_write_scope_keeps_rates_up_to_date(world_a, key_client_a):
    answer = key_client_a.post(RATES, {"currency": "JPY", "rate": "0.0067", "valid_from": "2025-01-01"}, format="json")
    assert answer.status_code == 201, answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"currency": "USD", "rate": "1", "valid_from": "2025-01-01"}, "currency"),  # the tenant's own
     ({"currency": "EURO", "rate": "1", "valid_from": "2025-01-01"}, "currency"),
     ({"currency": "EUR", "rate": "0", "valid_from": "2025-01-01"}, "rate"),
     ({"currency": "EUR", "rate": "1.1", "valid_from": "2024-01-01"}, "valid_from"),  # that day has one
     ({"currency": "EUR", "rate": "1.1", "valid_from": "2025-01-01", "tenant": 1}, "tenant")],
)  # fmt: skip
def test_a_bad_rate_is_a_400_naming_the_field(world_a, body, field):
    rate(world_a.tenant, "EUR", "1.10", date(2024, 1, 1))
    answer = api_as(world_a.admin).post(RATES, body, format="json")
    assert answer.status_code == 400 and [e["attr"] for e in answer.json()["errors"]] == [field]


def test_another_tenants_rate_on_the_same_day_is_no_clash(world_a, world_b):
    rate(world_b.tenant, "EUR", "1.10", date(2024, 1, 1))
    body = {"currency": "EUR", "rate": "1.1", "valid_from": "2024-01-01"}
    assert api_as(world_a.admin).post(RATES, body, format="json").status_code == 201


def test_rates_in_the_console_are_the_tenants_own_and_admins_change_them(client, world_a, world_b):
    own = rate(world_a.tenant, "EUR", "1.10", date(2024, 1, 1))
    theirs = rate(world_b.tenant, "CHF", "1.05", date(2024, 1, 1))
    admin = session_client(client, world_a.admin)
    listing = admin.get("/admin/outcomes/exchangerate/").content.decode()
    assert "1.10000000" in listing and "CHF" not in listing
    assert admin.get(f"/admin/outcomes/exchangerate/{theirs.pk}/change/").status_code == 404
    add = "/admin/outcomes/exchangerate/add/"
    assert admin.post(add, {"currency": "EUR", "rate": "1.2", "valid_from": "2025-01-01"}).status_code == 302
    clash = admin.post(add, {"currency": "EUR", "rate": "1.3", "valid_from": "2025-01-01"})
    assert clash.status_code == 200 and "already has a rate from this day" in clash.content.decode()
    assert ExchangeRate.objects.for_tenant(world_a.tenant).count() == 2
    csm = session_client(client, world_a.csm)
    assert csm.get(add).status_code == 403
    change = f"/admin/outcomes/exchangerate/{own.pk}/change/"
    assert csm.post(change, {"currency": "EUR", "rate": "5", "valid_from": "2024-01-01"}).status_code == 403
    own.refresh_from_db()
    assert own.rate == Decimal("1.10")


def test_an_accounts_currency_is_its_own_or_reads_as_the_tenants(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    api = api_as(world_a.admin)
    assert api.get(f"/api/v1/accounts/{account.pk}/").json()["currency"] == "USD"
    changed = api.patch(f"/api/v1/accounts/{account.pk}/", {"currency": "eur"}, format="json")
    assert changed.status_code == 200 and changed.json()["currency"] == "EUR"
    account.refresh_from_db()
    assert account.currency == "EUR"
    assert api.patch(f"/api/v1/accounts/{account.pk}/", {"currency": ""}, format="json").json()["currency"] == "USD"
    bad = api.patch(f"/api/v1/accounts/{account.pk}/", {"currency": "E1R"}, format="json")
    assert bad.status_code == 400 and [e["attr"] for e in bad.json()["errors"]] == ["currency"]


def commercial(client, account, name: str, amount: str, **properties):
    body = {"account": account.pk, "type": "commercial", "name": name, "occurred_at": "2025-03-01T12:00:00Z",
            "properties": {"amount": amount, **properties}}  # fmt: skip
    answer = client.post("/api/v1/events/", body, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_an_event_in_the_accounts_own_currency_moves_its_arr(world_a, key_client_a):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("10000"), currency="EUR")
    stored = commercial(key_client_a, account, "expansion", "2000")  # no currency: the account's
    assert stored["properties"]["currency"] == "EUR"
    commercial(key_client_a, account, "expansion", "500", currency="eur")
    commercial(key_client_a, account, "expansion", "999", currency="USD")  # the tenant's, not the account's
    account.refresh_from_db()
    assert account.arr == Decimal("12500.00")
    moves = ArrMovement.objects.for_tenant(world_a.tenant).filter(account=account).order_by("pk")
    assert [m.amount for m in moves] == [Decimal("10000.00"), Decimal("2000.00"), Decimal("500.00")]
