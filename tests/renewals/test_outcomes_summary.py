"""GET /api/v1/outcomes/summary/: hand-worked figures, the cohort rule, tenancy and bad parameters.

Ten accounts of 1,000 ARR at the start of 2025 (the cohort, 10,000). In 2025: one churns (-1,000), one
expands by 500, one contracts by 200, and a new account arrives with 3,000 (not in the cohort).
  GRR = (10,000 - 200 - 1,000) / 10,000 = 0.88      NRR = (10,000 + 500 - 200 - 1,000) / 10,000 = 0.93
  logo retention = 9 / 10 = 0.9                      growth per customer = NRR / logo retention = 1.0333…
"""

from datetime import date
from decimal import Decimal

import pytest

from outcomes.services.ledger import arr_move
from tests.conftest import api_as
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes/summary/"


def book(tenant) -> None:
    accounts = [AccountFactory(tenant=tenant, arr=Decimal("0")) for _ in range(10)]
    for account in accounts:
        arr_move(tenant=tenant, account=account, arr=Decimal("1000"), on=date(2024, 6, 1))
    arr_move(tenant=tenant, account=accounts[0], arr=Decimal("0"), on=date(2025, 6, 1))
    arr_move(tenant=tenant, account=accounts[1], arr=Decimal("1500"), on=date(2025, 7, 1))
    arr_move(tenant=tenant, account=accounts[2], arr=Decimal("800"), on=date(2025, 8, 1))
    newcomer = AccountFactory(tenant=tenant, arr=Decimal("0"))
    arr_move(tenant=tenant, account=newcomer, arr=Decimal("3000"), on=date(2025, 3, 1))


def test_the_summary_gives_the_hand_worked_figures_with_their_definitions(world_a, world_b):
    book(world_a.tenant)
    other = AccountFactory(tenant=world_b.tenant, arr=Decimal("0"))  # another tenant's churn: not counted
    arr_move(tenant=world_b.tenant, account=other, arr=Decimal("9000"), on=date(2024, 1, 1))
    arr_move(tenant=world_b.tenant, account=other, arr=Decimal("0"), on=date(2025, 2, 1))
    response = api_as(world_a.viewer).get(URL, {"start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200, response.json()
    figures = response.json()["figures"]
    assert figures["gross_revenue_retention"]["value"] == "0.880000"
    assert figures["net_revenue_retention"]["value"] == "0.930000"
    assert figures["logo_retention"]["value"] == "0.900000"
    assert figures["revenue_growth_per_customer"]["value"] == "1.033333"
    assert figures["gross_revenue_retention"]["denominator"] == "10000.00"
    assert "starting ARR" in figures["gross_revenue_retention"]["definition"]


def test_below_the_minimum_a_figure_says_not_enough_data(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("0"))
    arr_move(tenant=world_a.tenant, account=account, arr=Decimal("1000"), on=date(2024, 6, 1))
    grr = (
        api_as(world_a.admin)
        .get(URL, {"start": "2025-01-01", "end": "2025-12-31"})
        .json()["figures"]["gross_revenue_retention"]
    )
    assert (grr["value"], grr["enough"]) == (None, False)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"start": "2025-13-01"}, "start"), ({"start": "2025-06-01", "end": "2025-01-01"}, "end"),
     ({"segmnet": "smb"}, "segmnet"), ({"csm": "999999"}, "csm")],
)  # fmt: skip
def test_bad_parameters_are_a_400_naming_them(world_a, params, field):
    response = api_as(world_a.admin).get(URL, params)
    assert response.status_code == 400 and [e["attr"] for e in response.json()["errors"]] == [field]
