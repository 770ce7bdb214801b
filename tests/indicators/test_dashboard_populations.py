"""Dashboards read one population: churned accounts apart, unscored ones shown, no retention figure that isn't."""

from decimal import Decimal

import pytest

from accounts.models import LifecycleStage
from indicators.selectors import health_overview
from tests.conftest import session_client
from tests.factories import AccountFactory
from tests.indicators.health_data import score_row

pytestmark = pytest.mark.django_db
HEALTH = "/admin/health-dashboard/"
NPS = "/admin/surveys/nps/"
CHURNED = LifecycleStage.CHURNED


@pytest.fixture
def book(world_a, world_b):
    """A: green 1,000 and 2,000; red 500; not scored 700; churned: a red one (4,000) and an unscored one (300).
    B: a churned red account and an unscored one, which A must never count."""
    a = world_a.tenant
    for name, arr, score, stage, change in [
        ("Green One", 1000, 90, LifecycleStage.MATURE, 3.0), ("Green Two", 2000, 75, LifecycleStage.RENEWING, None),
        ("Red One", 500, 20, LifecycleStage.ADOPTING, -4.0), ("Gone Red", 4000, 10, CHURNED, -30.0),
    ]:  # fmt: skip
        score_row(a, AccountFactory(tenant=a, name=name, arr=arr, lifecycle_stage=stage), score, change_7d=change)
    AccountFactory(tenant=a, name="New One", arr=700, lifecycle_stage=LifecycleStage.ONBOARDING)
    AccountFactory(tenant=a, name="Gone Unscored", arr=300, lifecycle_stage=CHURNED)
    b = world_b.tenant
    score_row(b, AccountFactory(tenant=b, name="Theirs", arr=9000, lifecycle_stage=CHURNED), 5, change_7d=-60.0)
    AccountFactory(tenant=b, arr=8000)


def test_churned_accounts_are_counted_apart_and_unscored_ones_are_a_band(world_a, book):
    overview = health_overview(tenant=world_a.tenant)
    assert overview.accounts == 4  # current customers only
    assert overview.by_band == {"green": 2, "yellow": 0, "red": 1} and overview.unscored == 1
    assert overview.average == pytest.approx((90 + 75 + 20) / 3)  # the churned account's 10 is not in it
    assert overview.arr_by_band == {"green": Decimal(3000), "yellow": Decimal(0), "red": Decimal(500)}
    assert overview.unscored_arr == Decimal(700)
    assert (overview.churned, overview.churned_arr) == (2, Decimal(4300))
    assert overview.rows()[-1] == ("none", 1, Decimal(700))


def test_the_health_dashboard_shows_churned_accounts_apart_and_a_not_scored_yet_bar(admin_client_a, book):
    response = admin_client_a.get(HEALTH)
    html = response.content.decode()
    assert "4</strong> current customers" in html
    assert "Not scored yet" in html and ">Not scored yet: 1<" in html  # the bar's tooltip
    assert "2 churned accounts</a>,\n    ARR 4,300 USD, not in health figures." in html
    names = [r["name"] for r in response.context["fallers"] + response.context["risers"]]
    assert names == ["Red One", "Green One"]  # the churned account's fall is no mover
    assert "Theirs" not in html and "9,000" not in html


def test_each_band_links_to_the_very_accounts_it_counts(admin_client_a, book):
    response = admin_client_a.get(HEALTH)
    for link in response.context["band_links"]:
        listed = admin_client_a.get(link["url"])
        assert listed.status_code == 200
        assert listed.context["cl"].result_count == link["count"], link["label"]
    churned = admin_client_a.get(response.context["churned_url"])
    assert {a.name for a in churned.context["cl"].result_list} == {"Gone Red", "Gone Unscored"}


def test_the_nps_dashboard_bands_leave_churned_accounts_out_and_show_the_unscored(client, world_a, book):
    response = session_client(client, world_a.viewer).get(NPS)
    assert response.status_code == 200
    assert response.context["bands"] == [
        ("Green", 2, Decimal(3000)), ("Yellow", 0, Decimal(0)), ("Red", 1, Decimal(500)),
        ("Not scored yet", 1, Decimal(700)),
    ]  # fmt: skip
    html = response.content.decode()
    assert "<td>Red</td><td>1</td><td>500</td>" in html and "<td>Not scored yet</td><td>1</td><td>700</td>" in html
    assert "2 churned accounts, ARR 4,300 USD, not in health figures." in html
    assert "9,000" not in html


def test_the_nps_dashboards_bands_count_accounts_and_invent_no_retention(client, world_a, book):
    """Retention is the outcomes panel's (from the ARR ledger); the bands only count accounts by band."""
    html = session_client(client, world_a.viewer).get(NPS).content.decode()
    assert "not churned" not in html
    assert "%" not in html.split('id="nps-bands"')[1].split("</div>")[0]


def test_a_tenant_without_accounts_gets_empty_bands_and_no_churned_line(admin_client_a, client, world_a):
    html = admin_client_a.get(HEALTH).content.decode()
    assert "churned" not in html and "0</strong> current customers" in html
    response = session_client(client, world_a.viewer).get(NPS)
    assert [count for _, count, _ in response.context["bands"]] == [0, 0, 0, 0]
