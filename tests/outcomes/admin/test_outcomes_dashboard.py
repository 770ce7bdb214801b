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

import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.services.ledger import arr_move
from tests.conftest import session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/dashboard/"
YEAR = {"start": "2025-01-01", "end": "2025-12-31"}
SVG = "{http://www.w3.org/2000/svg}"


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


# The trend by quarter of 2025, each quarter's cohort being the customers the day before it starts:
#   Q1  10 accounts, 10,000; nothing moves                        GRR 100.0%  NRR 100.0%  logos 10/10 100.0%
#   Q2  11 accounts (the newcomer joined in March), 13,000;
#       one churns (-1,000)                                       GRR  92.3%  NRR  92.3%  logos 10/11  90.9%
#   Q3  10 accounts, 12,000; +500 expansion, -200 contraction     GRR  98.3%  NRR 102.5%  logos 10/10 100.0%
#   Q4  10 accounts, 12,300; nothing moves                        GRR 100.0%  NRR 100.0%  logos 10/10 100.0%
QUARTERS = [
    ["2025-Q1", "100.0%", "100.0%", "100.0%", "10"],
    ["2025-Q2", "92.3%", "92.3%", "90.9%", "11"],
    ["2025-Q3", "98.3%", "102.5%", "100.0%", "10"],
    ["2025-Q4", "100.0%", "100.0%", "100.0%", "10"],
]


def trend_rows(html: str) -> list[list[str]]:
    body = html.split('id="retention-trend"')[1].split("<tbody>")[1].split("</tbody>")[0]
    cells = [row.split("<td")[1:] for row in body.split("<tr>")[1:]]
    return [[re.sub(r"<[^>]+>", "", "<td" + c).strip() for c in row] for row in cells]


def test_the_retention_trend_by_quarter_is_drawn_and_tabled(client, world_a, books):
    html = session_client(client, world_a.viewer).get(URL, {**YEAR, "period": "quarter"}).content.decode()
    assert trend_rows(html) == QUARTERS
    start = html.index('class="csp-chart"', html.index("Retention trend"))
    svg = ElementTree.fromstring(html[html.rindex("<svg", 0, start) : html.index("</svg>", start) + 6])
    points = {c.find(f"{SVG}title").text: (c.get("cx"), c.get("cy")) for c in svg.iter(f"{SVG}circle")}
    # y runs from 80% (y = 212) to 110% (y = 50); x from 48 (Q1) to 704 (Q4)
    assert points["NRR, 2025-Q3: 102.5%"] == ("485.33", "90.5")
    assert points["Logo retention, 2025-Q2: 90.9%"][1] == "153.09"  # 212 - (90.909 - 80) x 5.4
    assert len([p for p in svg.iter(f"{SVG}polyline")]) == 3


def test_a_trend_without_enough_data_shows_dashes_and_says_so(client, world_a, books):
    html = session_client(client, world_a.viewer).get(URL, {**YEAR, "segment": "enterprise"}).content.decode()
    rows = trend_rows(html)
    assert [r[0] for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert {value for row in rows for value in row[1:4]} == {"–"}
    assert "Not enough data in any period" in html


def test_lifetime_value_uses_the_tenants_gross_margin_or_says_why_not(client, world_a, books):
    # Customers at the end of 2025: 7 x 1,000 + 1,500 + 800 + 3,000 = 12,300 over 10, so 1,230 on average;
    # the year's revenue churn rate is 1 - GRR = 12%: 1,230 x 0.80 / 0.12 = 8,200.
    as_viewer = session_client(client, world_a.viewer)
    html = card(as_viewer.get(URL, YEAR).content.decode(), "lifetime_value")
    assert "Not computed" in html and "gross margin" in html
    world_a.tenant.gross_margin = Decimal("0.80")
    world_a.tenant.save()
    html = card(as_viewer.get(URL, YEAR).content.decode(), "lifetime_value")
    assert '<div class="outcomes-big value">8,200 USD</div>' in html
    assert "984 USD ÷ 12.0% annual revenue churn rate" in html
