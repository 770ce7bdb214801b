"""The timeline page (admin/work/accounts/<id>/timeline/) and the account page's Timeline section."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import session_client
from tests.factories import AccountFactory
from tests.workspace.timeline_world import NOW, build_noise, build_timeline_world, event, store, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiwi(world_a, world_b):
    with time_machine.travel(NOW, tick=False):
        built = build_timeline_world(world_a)
        build_noise(world_a, world_b)
    return built


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def url(account) -> str:
    return reverse("workspace-admin:account-timeline", args=[account.pk])


def kinds_shown(response) -> list[str]:
    return re.findall(r'data-kind="(\w+)"', response.content.decode())


def test_the_page_lists_the_accounts_entries_by_local_day(client, world_a, kiwi):
    response = session_client(client, world_a.viewer).get(url(kiwi.account))
    assert response.status_code == 200
    text = response.content.decode()
    assert kinds_shown(response) == [
        "usage", "ticket", "alert", "usage", "followup", "followup", "survey", "communication", "renewal", "alert",
        "event", "score", "gut", "score",
    ]  # fmt: skip
    days = re.findall(r'<tr class="timeline-day"><th colspan="3">(.*?)</th>', text)
    assert days == [
        "Sunday 2026-12-06", "Saturday 2026-12-05", "Friday 2026-12-04", "Thursday 2026-12-03",
        "Wednesday 2026-12-02", "Tuesday 2026-12-01",
    ]  # fmt: skip
    assert "From 2026-11-08 to 2026-12-07" in text  # 30 days up to today in Auckland
    assert "Pacific/Auckland" in text
    assert "Nothing older." in text


def test_kinds_filter_the_page(client, world_a, kiwi):
    response = session_client(client, world_a.csm).get(url(kiwi.account), {"kind": ["usage", "ticket"]})
    assert response.status_code == 200
    assert kinds_shown(response) == ["usage", "ticket", "usage"]
    assert response.context["newest_url"] == f"{url(kiwi.account)}?kind=usage&kind=ticket"  # paging keeps it


def test_before_pages_back_by_the_tenants_days(client, world_a, kiwi):
    response = session_client(client, world_a.viewer).get(url(kiwi.account), {"before": "2026-12-05"})
    assert response.status_code == 200
    assert kinds_shown(response) == ["renewal", "alert", "event", "score", "gut", "score"]
    assert "From 2026-11-05 to 2026-12-04" in response.content.decode()


def test_the_older_link_skips_the_empty_days_to_the_next_entry(client, world_a, kiwi):
    store(world_a.tenant, event("old", "communication", "call", utc(6, 9, 22), kiwi.account))  # 10 Jun 10:00 NZST
    client = session_client(client, world_a.viewer)
    response = client.get(url(kiwi.account), {"kind": "communication"})
    older = response.context["older_url"]
    assert older == f"{url(kiwi.account)}?kind=communication&before=2026-06-11"
    response = client.get(older)
    assert kinds_shown(response) == ["communication"]
    assert "From 2026-05-12 to 2026-06-10" in response.content.decode()
    assert response.context["older_url"] is None


def test_a_future_before_shows_the_days_up_to_today(client, world_a, kiwi):
    response = session_client(client, world_a.viewer).get(url(kiwi.account), {"before": "2027-03-01"})
    assert response.status_code == 200
    assert "From 2026-11-08 to 2026-12-07" in response.content.decode()


@pytest.mark.parametrize(
    "query, named",
    [
        ({"since": "2026-12-01"}, "Unknown parameter: since."),
        ({"kind": ["usage", "tweets"]}, "tweets is not one of the available choices"),
        ({"before": "yesterday"}, "Before: Enter a valid date."),
    ],
)
def test_a_refused_parameter_is_a_400_that_names_it(client, world_a, kiwi, query, named):
    response = session_client(client, world_a.viewer).get(url(kiwi.account), query)
    assert response.status_code == 400
    assert named in response.content.decode()
    assert len(kinds_shown(response)) == 14  # the page shows its defaults beside the error


def test_another_tenants_account_or_a_missing_one_is_not_found(client, world_a, world_b, kiwi):
    theirs = AccountFactory(tenant=world_b.tenant)
    for membership in (world_a.admin, world_a.csm, world_a.viewer):
        c = session_client(client, membership)
        assert c.get(url(theirs)).status_code == 404
        assert c.get(reverse("workspace-admin:account-timeline", args=[10**9])).status_code == 404
    # And B's people see nothing of A's account.
    assert session_client(client, world_b.admin).get(url(kiwi.account)).status_code == 404


def test_the_account_page_shows_the_latest_entries_and_links_to_the_timeline(client, world_a, kiwi):
    response = session_client(client, world_a.viewer).get(
        reverse("admin:accounts_account_change", args=[kiwi.account.pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    section = text[text.index('class="account-timeline"') :]
    assert "Ticket opened T-1 (high severity)" in section
    assert "First score: 70.0 (yellow)" in section
    assert url(kiwi.account) in section
    assert len(re.findall(r'data-kind="(\w+)"', section)) == 14  # all of them: fewer than 15 this year


def test_the_section_shows_at_most_fifteen_entries(client, world_a, kiwi):
    store(
        world_a.tenant,
        *(event(f"call-{n}", "communication", "call", utc(11, 1 + n, 1), kiwi.account) for n in range(5)),
    )
    response = session_client(client, world_a.viewer).get(
        reverse("admin:accounts_account_change", args=[kiwi.account.pk])
    )
    text = response.content.decode()
    section = text[text.index('class="account-timeline"') :]
    kinds = re.findall(r'data-kind="(\w+)"', section)
    assert len(kinds) == 15
    assert kinds[-1] == "communication"  # the newest of the five calls (5 Nov); the older four are left out
