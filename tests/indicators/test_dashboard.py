"""The health dashboard: band distribution, average, this week's movers, for the active tenant only."""

from xml.etree import ElementTree

import pytest

from tests.conftest import session_client
from tests.factories import AccountFactory, UserFactory
from tests.indicators.health_data import score_row

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/health-dashboard/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def tenants(world_a, world_b):
    """A: 3 green, 2 yellow, 1 red and 2 unscored accounts; B: 4 red ones that moved a lot."""
    for name, score, change in [("G1", 90, 2.0), ("G2", 80, -1.0), ("G3", 70, 15.0), ("Y1", 60, -25.0),
                                ("Y2", 40, None), ("R1", 20, -8.0)]:  # fmt: skip
        score_row(world_a.tenant, AccountFactory(tenant=world_a.tenant, name=f"Ours {name}"), score, change_7d=change)
    AccountFactory.create_batch(2, tenant=world_a.tenant)
    for i in range(4):
        theirs = AccountFactory(tenant=world_b.tenant, name=f"Theirs {i}")
        score_row(world_b.tenant, theirs, 5, change_7d=-50.0 + i)


def bars(html: str) -> dict[str, str]:
    start = html.index('class="csp-chart"')
    svg = ElementTree.fromstring(html[html.rindex("<svg", 0, start) : html.index("</svg>", start) + 6])
    return dict(b.find(f"{SVG}title").text.split(": ") for b in svg.iter(f"{SVG}rect") if b.get("class") == "bar")


def test_dashboard_counts_bands_averages_and_lists_movers_of_the_active_tenant(admin_client_a, tenants):
    response = admin_client_a.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert bars(html) == {"Green": "3", "Yellow": "2", "Red": "1", "Not scored yet": "2"}
    overview = response.context["overview"]
    assert overview.accounts == 8 and overview.average == pytest.approx(60.0)
    assert '<strong class="average">60.0</strong>' in html
    assert [r["name"] for r in response.context["fallers"]] == ["Ours Y1", "Ours R1", "Ours G2"]
    assert [r["name"] for r in response.context["risers"]] == ["Ours G3", "Ours G1"]
    assert "\u221225.0" in html and "+15.0" in html
    assert "Theirs" not in html


def test_band_counts_link_to_the_filtered_account_list(admin_client_a, tenants):
    html = admin_client_a.get(DASHBOARD).content.decode()
    assert "/admin/accounts/account/?band=red" in html and "/admin/accounts/account/?band=none" in html


def test_a_tenant_without_accounts_gets_an_empty_but_valid_picture(admin_client_a):
    response = admin_client_a.get(DASHBOARD)
    assert response.status_code == 200
    assert bars(response.content.decode()) == {"Green": "0", "Yellow": "0", "Red": "0", "Not scored yet": "0"}
    assert response.context["overview"].average is None


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_every_member_reads_it(role, client, world_a, tenants):
    assert session_client(client, getattr(world_a, role)).get(DASHBOARD).status_code == 200


def test_the_index_links_to_the_dashboard(admin_client_a):
    html = admin_client_a.get("/admin/").content.decode()
    assert f'href="{DASHBOARD}"' in html and "Dashboards" in html


def test_anonymous_and_non_members_are_sent_to_the_login_page(client, db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory())
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_operator_outside_any_tenant_is_asked_to_pick_one(client, tenants):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(DASHBOARD, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "Choose a tenant" in response.content.decode()
