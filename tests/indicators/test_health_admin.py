"""The account admin's health: the change page panel, the change list's columns, filters and sorting, the action."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from indicators.admin.account_health import TREND_STABLE
from indicators.models import HealthScore
from indicators.scoring.recompute import accounts_recompute
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.health_data import event, score_row, store, usage_on

pytestmark = pytest.mark.django_db
ACCOUNTS = "/admin/accounts/account/"
NOW = datetime.now(UTC)


@pytest.fixture
def declining(world_a):
    """An account whose usage fell a month ago, scored then and now; its sponsor has gone quiet."""
    tenant = world_a.tenant
    account = AccountFactory(tenant=tenant, name="Declining Corp", licenses=10, lifecycle_stage="mature")
    users = [ContactFactory(account=account, name=f"User {i}") for i in range(9)]
    sponsor = ContactFactory(account=account, name="Sponsor Sam", is_executive=True)
    Account.objects.for_tenant(tenant).filter(pk=account.pk).update(executive_sponsor=sponsor)
    events = [e for i, c in enumerate(users) for e in usage_on(account, c, range(0 if i < 2 else 31, 90), NOW)]
    events += usage_on(account, sponsor, [45], NOW)
    events.append(event(account, None, "support", "ticket_escalated", NOW - timedelta(days=3), ticket_id="T-1"))
    events.append(event(account, users[0], "survey", "nps_response", NOW - timedelta(days=2), score=2))
    store(tenant, events)
    for days_ago in (60, 31, 0):
        accounts_recompute(tenant=tenant, account_ids=[account.pk], as_of=NOW - timedelta(days=days_ago))
    return account


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_change_page_shows_score_band_trend_chart_and_the_last_change_in_words(admin_client_a, world_a, declining):
    health = HealthScore.objects.for_tenant(world_a.tenant).get(account=declining)
    html = page(admin_client_a, f"{ACCOUNTS}{declining.pk}/change/")
    assert f"{health.score:.0f}" in html and health.get_band_display() in html
    assert f"{round(100 * health.coverage)}%" in html
    assert "Change 7d" in html and "Change 30d" in html
    # The trend: a real picture, one point per history row.
    start = html.index('class="csp-chart"')
    svg = html[html.rindex("<svg", 0, start) : html.index("</svg>", start) + len("</svg>")]
    root = ElementTree.fromstring(svg)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == 3
    # The last change: before and after, each measure's points and effect, the events, the next step.
    assert "What changed" in html and "Score went from" in html
    assert "License utilization" in html and "Points before" in html
    assert "ticket_escalated" in html and "Suggested next step:" in html


def test_change_page_lists_contacts_with_stage_survey_and_key_people_at_risk(admin_client_a, declining):
    html = page(admin_client_a, f"{ACCOUNTS}{declining.pk}/change/")
    assert "Contacts (User 360)" in html
    assert "Executive sponsor Sponsor Sam has not used the product for 45 days." in html
    assert "habitual" in html and "dormant" in html
    assert "2/10" in html  # User 0's detractor answer
    contact = declining.contacts.get(name="User 0")
    assert f"/admin/accounts/contact/{contact.pk}/change/" in html


def test_an_account_not_scored_yet_says_so(admin_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    assert "Not scored yet" in page(admin_client_a, f"{ACCOUNTS}{account.pk}/change/")


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_every_role_sees_the_health_panel(role, client, world_a, declining):
    html = page(session_client(client, getattr(world_a, role)), f"{ACCOUNTS}{declining.pk}/change/")
    assert "What changed" in html and "Sponsor Sam" in html


@pytest.fixture
def spread(world_a, world_b):
    """A's accounts with chosen scores and 7-day changes, and B's, which A must never see."""
    rows = {}
    for name, score, change in [("Rising Red", 30, 12.0), ("Falling Green", 85, -20.0), ("Flat Yellow", 55, 1.0),
                                ("Slipping Yellow", 45, -6.0)]:  # fmt: skip
        account = AccountFactory(tenant=world_a.tenant, name=name)
        score_row(world_a.tenant, account, score, change_7d=change)
        rows[name] = account
    rows["Unscored"] = AccountFactory(tenant=world_a.tenant, name="Unscored")
    theirs = AccountFactory(tenant=world_b.tenant, name="Their Red")
    score_row(world_b.tenant, theirs, 10, change_7d=-30.0)
    rows["Their Red"] = theirs
    return rows


def listed(client, **params) -> list[str]:
    response = client.get(ACCOUNTS, params)
    assert response.status_code == 200
    return [a.name for a in response.context["cl"].result_list]


def test_change_list_shows_score_band_and_change(admin_client_a, spread):
    html = page(admin_client_a, ACCOUNTS)
    for header in ("Score", "Band", "Change 7d"):
        assert header in html
    assert "\u221220.0" in html and "+12.0" in html
    assert "Their Red" not in html


def test_change_list_sorts_by_score_and_by_change(admin_client_a, spread):
    cl = admin_client_a.get(ACCOUNTS).context["cl"]
    score_col, change_col = cl.list_display.index("health_score"), cl.list_display.index("health_change_7d")
    by_score = [n for n in listed(admin_client_a, o=str(score_col)) if n != "Unscored"]
    assert by_score == ["Rising Red", "Slipping Yellow", "Flat Yellow", "Falling Green"]
    by_change = [n for n in listed(admin_client_a, o=f"-{change_col}") if n != "Unscored"]
    assert by_change == ["Rising Red", "Flat Yellow", "Slipping Yellow", "Falling Green"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"band": "red"}, {"Rising Red"}),
        ({"band": "yellow"}, {"Flat Yellow", "Slipping Yellow"}),
        ({"band": "none"}, {"Unscored"}),
        ({"score": "40-60"}, {"Flat Yellow", "Slipping Yellow"}),
        ({"score": "80-100"}, {"Falling Green"}),
        ({"trend": "rising"}, {"Rising Red"}),
        ({"trend": "falling"}, {"Falling Green", "Slipping Yellow"}),
        ({"trend": "stable"}, {"Flat Yellow"}),
        ({"band": "yellow", "trend": "falling"}, {"Slipping Yellow"}),
    ],
)
def test_change_list_filters_by_band_score_range_and_trend(admin_client_a, spread, params, expected):
    assert set(listed(admin_client_a, **params)) == expected


def test_trend_threshold_is_inclusive_at_the_edge(admin_client_a, world_a):
    score_row(world_a.tenant, AccountFactory(tenant=world_a.tenant, name="Edge"), 50, change_7d=-TREND_STABLE)
    assert listed(admin_client_a, trend="falling") == ["Edge"] and listed(admin_client_a, trend="stable") == []


def recompute(client, ids):
    return client.post(ACCOUNTS, {"action": "recompute_health", "_selected_action": [str(i) for i in ids]},
                       follow=True)  # fmt: skip


def test_recompute_action_scores_the_selected_accounts_of_the_tenant_only(admin_client_a, world_a, world_b):
    ours = [AccountFactory(tenant=world_a.tenant) for _ in range(2)]
    theirs = AccountFactory(tenant=world_b.tenant)
    response = recompute(admin_client_a, [a.pk for a in ours] + [theirs.pk])
    assert "Recomputed the health score of 2 accounts." in response.content.decode()
    assert set(HealthScore.objects.for_tenant(world_a.tenant).values_list("account_id", flat=True)) == {
        a.pk for a in ours
    }
    assert not HealthScore.objects.for_tenant(world_b.tenant).exists()


def test_many_selected_accounts_are_queued_for_the_workers(admin_client_a, world_a, monkeypatch,
                                                           django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr("indicators.admin.accounts.RECOMPUTE_INLINE_MAX", 1)
    ours = [AccountFactory(tenant=world_a.tenant) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = recompute(admin_client_a, [a.pk for a in ours])
    assert "Recompute queued for 3 accounts." in response.content.decode()
    recomputes = [c for c in callbacks if c.args[0].name == "indicators.recompute_accounts"]
    assert len(recomputes) == 1  # one chunk for the tenant; eager Celery ran it (what reacts to scores may queue more)
    assert HealthScore.objects.for_tenant(world_a.tenant).count() == 3


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_only_admins_may_run_the_recompute_action(role, client, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    c = session_client(client, getattr(world_a, role))
    assert "recompute_health" not in c.get(ACCOUNTS).content.decode()
    recompute(c, [account.pk])
    assert not HealthScore.objects.for_tenant(world_a.tenant).exists()


def test_another_tenants_account_page_is_404(admin_client_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    ContactFactory(account=theirs)
    assert admin_client_a.get(f"{ACCOUNTS}{theirs.pk}/change/").status_code == 404


def test_the_panels_never_show_another_tenants_contacts_or_events(admin_client_a, world_a, world_b, declining):
    # B's contact and events pointing at nothing of A's: A's page must not list them.
    theirs = AccountFactory(tenant=world_b.tenant)
    stranger = ContactFactory(account=theirs, name="Stranger Danger", is_champion=True)
    store(world_b.tenant, [event(theirs, stranger, "relationship", "champion_left", NOW - timedelta(hours=1))])
    html = page(admin_client_a, f"{ACCOUNTS}{declining.pk}/change/")
    assert "Stranger Danger" not in html and "champion_left" not in html


def test_the_change_list_costs_the_same_queries_for_few_or_many_scored_accounts(admin_client_a, world_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_a.get(ACCOUNTS).status_code == 200
        return len(captured)

    for i in range(2):
        score_row(world_a.tenant, AccountFactory(tenant=world_a.tenant), 50 + i, change_7d=1.0)
    few = queries()
    for i in range(6):
        score_row(world_a.tenant, AccountFactory(tenant=world_a.tenant), 60 + i, change_7d=-1.0)
    assert queries() == few


def test_a_long_contact_list_is_capped_with_key_people_first_and_a_link_to_the_rest(
    admin_client_a, world_a, monkeypatch
):
    monkeypatch.setattr("indicators.admin.account_health.CONTACTS_SHOWN", 3)
    account = AccountFactory(tenant=world_a.tenant)
    ContactFactory.create_batch(4, account=account)
    ContactFactory(account=account, name="Zed Champion", is_champion=True)
    html = page(admin_client_a, f"{ACCOUNTS}{account.pk}/change/")
    assert html.count('class="contact-row') == 3 and "Zed Champion" in html
    assert f"/admin/accounts/contact/?account__id__exact={account.pk}" in html and "2 more contacts" in html


def test_a_score_without_history_or_engine_result_still_renders(admin_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    score_row(world_a.tenant, account, 64, change_7d=-3.0)
    html = page(admin_client_a, f"{ACCOUNTS}{account.pk}/change/")
    assert "No history yet" in html and "\u22123.0" in html and "What changed" not in html


def test_the_list_shows_scores_rounded_half_up():
    from types import SimpleNamespace

    from django.contrib import admin as django_admin

    from accounts.models import Account

    column = django_admin.site._registry[Account].health_score
    assert column(SimpleNamespace(health=SimpleNamespace(score=82.5))) == "83"  # f"{82.5:.0f}" gives "82"
    assert column(SimpleNamespace(health=SimpleNamespace(score=None))) == "-"
