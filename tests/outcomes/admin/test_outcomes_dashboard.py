"""The outcomes dashboard: each figure of the range with its definition and counts, "not enough data" below
its minimum, filtered by segment and CSM, for the active tenant only.

Tenant A (as in tests/renewals/test_outcomes_summary.py): ten mid-market accounts of 1,000 ARR since
2024-06-01, owned by A's CSM (the cohort of 2025, 10,000). In 2025 one churns (-1,000), one expands by 500,
one contracts by 200, and a new enterprise account arrives with 3,000 (not in the cohort).
  GRR = (10,000 - 200 - 1,000) / 10,000 = 88.0%     NRR = (10,000 + 500 - 200 - 1,000) / 10,000 = 93.0%
  logo retention = 9 / 10 = 90.0%, logo churn 10.0%   growth per customer = 93% / 90% = 103.3%
  no renewal closed in 2025: the renewal rates have not enough data (at least 10 closed renewals).
Tenant B: one account of 9,000 that churns in February 2025, never counted in A's figures.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.services.ledger import arr_move
from tests.conftest import session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/dashboard/"
YEAR = {"start": "2025-01-01", "end": "2025-12-31"}


def cohort(tenant, csm, n=10) -> list:
    accounts = [AccountFactory(tenant=tenant, arr=Decimal("0"), csm_owner=csm) for _ in range(n)]
    for account in accounts:
        arr_move(tenant=tenant, account=account, arr=Decimal("1000"), on=date(2024, 6, 1))
    return accounts


@pytest.fixture
def books(world_a, world_b):
    t = world_a.tenant
    accounts = cohort(t, world_a.csm)
    arr_move(tenant=t, account=accounts[0], arr=Decimal("0"), on=date(2025, 6, 1))
    arr_move(tenant=t, account=accounts[1], arr=Decimal("1500"), on=date(2025, 7, 1))
    arr_move(tenant=t, account=accounts[2], arr=Decimal("800"), on=date(2025, 8, 1))
    newcomer = AccountFactory(tenant=t, arr=Decimal("0"), segment="enterprise")
    arr_move(tenant=t, account=newcomer, arr=Decimal("3000"), on=date(2025, 3, 1))
    theirs = AccountFactory(tenant=world_b.tenant, arr=Decimal("0"), segment="b-only-segment")
    arr_move(tenant=world_b.tenant, account=theirs, arr=Decimal("9000"), on=date(2024, 1, 1))
    arr_move(tenant=world_b.tenant, account=theirs, arr=Decimal("0"), on=date(2025, 2, 1))


def card(html: str, key: str) -> str:
    return html.split(f'id="figure-{key}"')[1].split("</div>\n  \n")[0].split('<div class="outcomes-card')[0]


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_member_reads_the_hand_worked_figures_with_definitions_and_counts(client, world_a, books, role):
    response = session_client(client, getattr(world_a, role)).get(URL, YEAR)
    assert response.status_code == 200
    html = response.content.decode()
    keys = ("gross_revenue_retention", "net_revenue_retention", "logo_retention", "logo_churn",
            "revenue_growth_per_customer", "gross_renewal_rate")  # fmt: skip
    shown = {key: card(html, key) for key in keys}
    assert '<div class="outcomes-big value">88.0%</div>' in shown["gross_revenue_retention"]
    assert "8,800 ÷ 10,000 starting ARR" in shown["gross_revenue_retention"]
    assert "never above 100%" in shown["gross_revenue_retention"]  # its definition beside it
    assert "accounts at start 10 · expanded 1 · contracted 1 · churned 1" in shown["gross_revenue_retention"]
    assert '<div class="outcomes-big value">93.0%</div>' in shown["net_revenue_retention"]
    assert '<div class="outcomes-big value">90.0%</div>' in shown["logo_retention"]
    assert "9 ÷ 10 accounts at start" in shown["logo_retention"]
    assert '<div class="outcomes-big value">10.0%</div>' in shown["logo_churn"]
    assert '<div class="outcomes-big value">103.3%</div>' in shown["revenue_growth_per_customer"]
    assert (
        "Not enough data" in shown["gross_renewal_rate"]
        and "at least 10 closed renewals" in shown["gross_renewal_rate"]
    )
    assert "b-only-segment" not in html


def test_a_segment_too_small_says_not_enough_data_and_a_csm_keeps_their_book(client, world_a, books):
    as_admin = session_client(client, world_a.admin)
    html = as_admin.get(URL, {**YEAR, "segment": "enterprise"}).content.decode()
    assert "Not enough data" in card(html, "gross_revenue_retention")  # its only account is new: no cohort
    assert "accounts at start 0" in card(html, "gross_revenue_retention")
    html = as_admin.get(URL, {**YEAR, "csm": world_a.csm.pk}).content.decode()
    assert '<div class="outcomes-big value">88.0%</div>' in card(html, "gross_revenue_retention")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"start": "2025-13-01"}, "start"), ({"start": "2025-06-01", "end": "2025-01-01"}, "end"),
     ({"start": "2015-01-01", "end": "2025-01-01"}, "start"), ({"period": "week"}, "period"),
     ({"segment": "b-only-segment"}, "segment")],
)  # fmt: skip
def test_bad_filters_are_a_400_naming_the_field(client, world_a, books, params, field):
    response = session_client(client, world_a.viewer).get(URL, params)
    assert response.status_code == 400 and field in response.context["form"].errors


def test_another_tenants_csm_is_not_found(client, world_a, world_b, books):
    as_admin = session_client(client, world_a.admin)
    assert as_admin.get(URL, {**YEAR, "csm": world_b.csm.pk}).status_code == 404
    assert as_admin.get(URL, {**YEAR, "csm": 999999}).status_code == 404


def test_tenant_b_reads_its_own_churn(client, world_b, books):
    html = session_client(client, world_b.viewer).get(URL, YEAR).content.decode()
    assert "accounts at start 1 · retained 0 · churned 1" in card(html, "logo_retention")


def test_the_page_reads_a_fixed_number_of_queries_however_many_accounts(client, world_a, books):
    as_viewer = session_client(client, world_a.viewer)
    as_viewer.get(URL, YEAR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_viewer.get(URL, YEAR).status_code == 200
        return len(captured)

    before = queries()
    cohort(world_a.tenant, world_a.csm, n=15)
    assert queries() == before
