"""The outcomes pages as a set: listed among the dashboards, linked to each other, members only."""

import pytest

from tests.conftest import session_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGES = {
    "Renewals ahead": "/admin/outcomes/renewals-ahead/",
    "Outcomes": "/admin/outcomes/dashboard/",
    "Indicators before churn": "/admin/outcomes/churn-indicators/",
    "Scorecard backtest": "/admin/outcomes/backtest/",
    "Renewal forecast": "/admin/outcomes/forecast/",
}


def test_the_index_lists_every_page_among_the_dashboards(client, world_a):
    html = session_client(client, world_a.viewer).get("/admin/").content.decode()
    for title, url in PAGES.items():
        assert f'<a href="{url}">{title}</a>' in html


@pytest.mark.parametrize("here", PAGES)
def test_each_page_links_to_the_others(client, world_a, here):
    html = session_client(client, world_a.viewer).get(PAGES[here]).content.decode()
    nav = html.split('class="outcomes-nav"')[1].split("</p>")[0]
    assert f"<strong>{here}</strong>" in nav
    for title, url in PAGES.items():
        if title != here:
            assert f'<a href="{url}">{title}</a>' in nav


@pytest.mark.parametrize("url", PAGES.values())
def test_anonymous_people_and_non_members_are_sent_to_the_login_page(client, db, url):
    assert "/admin/login/" in client.get(url)["Location"]
    client.force_login(UserFactory())
    assert "/admin/login/" in client.get(url)["Location"]
