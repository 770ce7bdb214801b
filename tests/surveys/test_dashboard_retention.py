"""The NPS dashboard's retention panel: real GRR, NRR and logo retention over the dashboard's range, with their
definitions and counts, narrowed by its segment and CSM filters, the tenant's own accounts only.

Today is 2026-02-15; twelve months back the range starts on 2025-03-01, so the cohort is the customers at the
end of 2025-02-28: the ten accounts of 1,000 of tests/outcomes/test_trend_api.py (the newcomer of March 1 is
not among them). Then one churns, one expands by 500, one contracts by 200:
GRR = 8,800 / 10,000 = 88.0%; NRR = 9,300 / 10,000 = 93.0%; logo retention 9 / 10 = 90.0%.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from outcomes.models import ExchangeRate
from outcomes.services.ledger import arr_move
from tests.conftest import session_client
from tests.factories import AccountFactory
from tests.outcomes.test_trend_api import book

pytestmark = pytest.mark.django_db
NPS = "/admin/surveys/nps/"
TODAY = "2026-02-15T12:00:00Z"
TWELVE_MONTHS = {"months": "12", "interval": "month"}  # the form applies its filters once it is whole


def panel(response) -> dict[str, dict]:
    return {row["key"]: row for row in response.context["retention"]["rows"]}


@time_machine.travel(TODAY, tick=False)
def test_the_panel_shows_the_hand_worked_rates_with_definitions_and_counts(client, world_a, world_b):
    book(world_a.tenant, segment="enterprise", csm_owner=world_a.csm)
    book(world_b.tenant)  # the same story at B, and a churn of its own: none of it is A's
    theirs = AccountFactory(tenant=world_b.tenant, arr=Decimal("0"))
    arr_move(tenant=world_b.tenant, account=theirs, arr=Decimal("9000"), on=date(2024, 1, 1))
    arr_move(tenant=world_b.tenant, account=theirs, arr=Decimal("0"), on=date(2025, 5, 1))
    response = session_client(client, world_a.viewer).get(NPS)
    assert response.status_code == 200
    rows = panel(response)
    assert [(key, row["value"]) for key, row in rows.items()] == [
        ("gross_revenue_retention", "88.0%"), ("net_revenue_retention", "93.0%"), ("logo_retention", "90.0%"),
    ]  # fmt: skip
    assert rows["gross_revenue_retention"]["counts"] == (
        "starting ARR 10,000 USD over 10 accounts; 1 churned, 1 contracted"
    )
    assert rows["net_revenue_retention"]["counts"].endswith("1 churned, 1 contracted, 1 expanded")
    assert rows["logo_retention"]["counts"] == "9 of 10 accounts retained, 1 lost"
    html = response.content.decode()
    assert 'id="nps-retention"' in html and "<strong>88.0%</strong>" in html
    assert "The accounts that were customers on 2025-02-28, followed to 2026-02-15" in html
    assert "never above 100%" in html  # GRR's definition beside it


@time_machine.travel(TODAY, tick=False)
def test_the_panel_follows_the_segment_and_csm_filters(client, world_a):
    book(world_a.tenant, segment="enterprise", csm_owner=world_a.csm)
    viewer = session_client(client, world_a.viewer)
    mine = panel(viewer.get(NPS, {**TWELVE_MONTHS, "csm": world_a.csm.pk, "segment": "enterprise"}))
    assert mine["gross_revenue_retention"]["value"] == "88.0%"
    for params in ({"csm": world_a.admin.pk}, {"segment": "smb"}):
        grr = panel(viewer.get(NPS, {**TWELVE_MONTHS, **params}))["gross_revenue_retention"]
        assert (grr["value"], grr["counts"]) == (None, "starting ARR 0 USD over 0 accounts; 0 churned, 0 contracted")
        assert grr["missing"] == "Not enough data: needs at least 10 accounts at the period's start."


@time_machine.travel(TODAY, tick=False)
def test_the_panel_over_three_months_reads_that_range(client, world_a):
    book(world_a.tenant)
    response = session_client(client, world_a.viewer).get(NPS, {"months": "3", "interval": "month"})
    # From 2025-12-01: eleven customers (the newcomer too), nothing moved since.
    rows = panel(response)
    assert response.context["retention"]["cohort_day"] == date(2025, 11, 30)
    assert rows["logo_retention"]["counts"] == "10 of 10 accounts retained, 0 lost"
    assert rows["gross_revenue_retention"]["value"] == "100.0%"


@time_machine.travel(TODAY, tick=False)
def test_the_panel_names_the_rates_and_the_accounts_left_out(client, world_a):
    book(world_a.tenant)
    ExchangeRate.objects.create(tenant=world_a.tenant, currency="EUR", rate=Decimal("1.1"), valid_from=date(2024, 1, 1))
    euro = AccountFactory(tenant=world_a.tenant, arr=Decimal("0"), currency="EUR")
    arr_move(tenant=world_a.tenant, account=euro, arr=Decimal("1000"), on=date(2024, 6, 1))
    pounds = AccountFactory(tenant=world_a.tenant, arr=Decimal("0"), currency="GBP")
    arr_move(tenant=world_a.tenant, account=pounds, arr=Decimal("1000"), on=date(2024, 6, 1))
    html = session_client(client, world_a.viewer).get(NPS).content.decode()
    assert "with the rates EUR 1.10000000 from 2024-01-01." in html
    assert "1 account in GBP left out" in html
