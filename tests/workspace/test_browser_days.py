"""The console as its people use it, in headless Chromium at 1440 px, signing in through the login form.

- A CSM's Monday: Today, a red account renewing soon, a call logged from its page, a detractor's follow-up
  worked and closed (its alert closes with it), an alert closed first without a note (the error shows and the
  form stays editable), then with one.
- A leader's team view, and one CSM's day opened from it, read-only.
- A viewer's read-only walk: the same pages, with nothing to change.

Tenant B holds look-alike rows whose names must never show.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertStatus, RuleKind
from alerts.services import AccountState, rules_evaluate
from followups.models import Activity, FollowUp, RootCause, Status
from indicators.models import Event
from tests.alerts.builders import rule
from tests.browser import screenshot
from tests.factories import ContactFactory
from tests.followups.conftest import followup_of, respond
from tests.workspace.builders import account, alert, renewal

PASSWORD = "correct horse battery staple"  # every test user's (tests/factories.py)
SECRET = "Beta Secret Holdings"  # tenant B's account: never on A's pages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def monday(world_a, world_b):
    tenant, csm = world_a.tenant, world_a.csm
    tenant.time_zone = "Europe/London"
    tenant.save()
    today = timezone.localdate(timezone.now(), timezone=timezone.get_fixed_timezone(0))
    red = account(tenant, csm, name="Northwind Red", arr=120000, score=22, change_7d=-9.0)
    account(tenant, csm, name="Calm Green", arr=30000, score=85)
    renewal(red, term_end=today + timedelta(days=20), arr_due=120000)
    rule(tenant, RuleKind.DETRACTOR_ANSWER, name="Detractor answer", within_days=14)
    dana = ContactFactory(account=red, tenant=tenant, name="Dana Detractor")
    followup = followup_of(respond(dana, 2, "Reports are slow"))
    rules_evaluate(tenant=tenant, states={red.pk: AccountState(22.0, "red", {})}, as_of=timezone.now())
    # Due an hour ago: "due today and overdue" at any hour (an hour ahead is tomorrow after 23:00).
    renewing = alert(red, due_at=timezone.now() - timedelta(hours=1), assignee=csm, title="Renewal in 20 days, red")
    RootCause.objects.create(tenant=tenant, name="Slow reports")
    beta = account(world_b.tenant, world_b.csm, name=SECRET, arr=999000, score=5)
    renewal(beta, term_end=today + timedelta(days=10))
    alert(beta, due_at=timezone.now(), assignee=world_b.csm, title=f"{SECRET} alert")
    return world_a, red, followup, renewing


def sign_in(chromium, live_server, membership):
    page = chromium.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", membership.user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def fits(page) -> bool:
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width <= window


def test_a_csms_monday(live_server, chromium, monday):
    world, red, followup, renewing = monday
    page = sign_in(chromium, live_server, world.csm)
    assert page.url.endswith("/admin/work/today/")
    today_url = page.url
    assert SECRET not in page.content() and fits(page)
    assert "Renewal in 20 days, red" in page.inner_text("#work-due")
    assert "Dana Detractor" in page.inner_text("#detractors")
    screenshot(page, "monday-today")

    # A red account renewing soon, from the renewals ahead; a call logged from its page.
    page.click("#renewal-rows a:has-text('Northwind Red')")
    page.wait_for_url(f"**/admin/accounts/account/{red.pk}/change/")
    assert fits(page)
    page.click("a.touch-link")
    page.check("input[name=kind][value=call]")
    page.fill("#id_note", "Walked the CFO through the renewal; reports are the worry.")
    page.click("input[type=submit][value='Log the touch']")
    page.wait_for_url(f"**/admin/accounts/account/{red.pk}/change/")
    assert "Logged a call" in page.inner_text(".messagelist")
    assert "Call" in page.inner_text(".field-section_timeline")
    touch = Event.objects.for_tenant(world.tenant).get(account=red, source="console")
    assert touch.properties["summary"].startswith("Walked the CFO")
    screenshot(page, "monday-account")

    # The detractor's follow-up: a call logged on it and its status moved, then closed with its root cause.
    page.goto(today_url)
    page.click("#detractors a:has-text('open')")
    page.wait_for_url(f"**/admin/followups/followup/{followup.pk}/change/")
    page.select_option("#id_status", "in_progress")
    page.select_option("#id_activities-0-kind", "call")
    page.fill("#id_activities-0-note", "Dana: the monthly report takes minutes to load.")
    page.click("input[name=_continue]")
    page.wait_for_url(f"**/admin/followups/followup/{followup.pk}/change/")
    notes = page.locator("#activities-group textarea").evaluate_all("areas => areas.map(a => a.value)")
    assert "Dana: the monthly report takes minutes to load." in notes
    assert Activity.objects.for_tenant(world.tenant).get(followup=followup).by == world.csm
    page.click("a:has-text('Close with the outcome')")
    page.select_option("#id_root_cause", label="Slow reports")
    page.select_option("#id_product_mismatch", "no")
    page.select_option("#id_resolved", "no")
    page.fill("#id_note", "Engineering has the slow report; Dana will hear back.")
    page.click("input[value='Close the follow-up']")
    page.wait_for_url(f"**/admin/followups/followup/{followup.pk}/change/")
    assert "Follow-up closed." in page.inner_text(".messagelist")
    followup.refresh_from_db()
    assert followup.status == Status.CLOSED and followup.root_cause.name == "Slow reports"
    answer_alert = Alert.objects.for_tenant(world.tenant).get(detail__response_id=followup.response_id)
    assert answer_alert.status == AlertStatus.CLOSED and answer_alert.closed_by_system

    # An alert closed first without a note: the error shows and the form stays open; then with a note.
    page.goto(today_url)
    page.click("#work-due a:has-text('Renewal in 20 days, red')")
    page.wait_for_url(f"**/admin/alerts/alert/{renewing.pk}/change/")
    page.select_option("#id_status", "closed")
    page.click("input[name=_save]")
    assert "A note is required to close an alert." in page.inner_text(".field-closing_note")
    assert page.locator("#id_status").is_enabled() and page.locator("#id_closing_note").is_editable()
    renewing.refresh_from_db()
    assert renewing.status != AlertStatus.CLOSED
    screenshot(page, "monday-alert-error")
    page.select_option("#id_status", "closed")
    page.fill("#id_closing_note", "Executive call booked for Thursday; success plan reviewed.")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    renewing.refresh_from_db()
    assert renewing.status == AlertStatus.CLOSED and renewing.closed_by == world.csm.user

    page.goto(today_url)
    assert "Renewal in 20 days, red" not in page.inner_text("#work-due")
    screenshot(page, "monday-today-after")


def test_a_leaders_team_view_and_one_csms_day(live_server, chromium, monday):
    world, _red, _followup, _renewing = monday
    page = sign_in(chromium, live_server, world.admin)
    assert page.url.endswith("/admin/work/team/")
    assert SECRET not in page.content() and fits(page)
    # The whole table shows beside the menu, without scrolling sideways.
    assert page.evaluate("(t => t.scrollWidth <= t.parentElement.clientWidth)(document.querySelector('#team'))")
    row = page.locator("tr", has_text=str(world.csm.user)).first
    assert "150,000" in row.inner_text()  # Northwind Red and Calm Green
    screenshot(page, "leader-team")
    row.locator("a", has_text=str(world.csm.user)).click()
    page.wait_for_url(f"**/admin/work/today/?member={world.csm.pk}")
    assert "(read-only)" in page.inner_text("#today-for")
    assert "Renewal in 20 days, red" in page.inner_text("#work-due")
    assert SECRET not in page.content()


def test_a_viewers_read_only_walk(live_server, chromium, monday):
    world, red, followup, renewing = monday
    Activity.objects.create(tenant=world.tenant, followup=followup, kind="call", note="Dana called back.",
                            by=world.csm)  # fmt: skip
    page = sign_in(chromium, live_server, world.viewer)
    assert page.url.endswith("/admin/work/team/")
    assert SECRET not in page.content()

    page.goto(f"{live_server.url}/admin/accounts/account/{red.pk}/change/")
    assert page.locator("a.timeline-link").count() == 1 and page.locator("a.touch-link").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    response = page.goto(f"{live_server.url}/admin/work/accounts/{red.pk}/touch/")
    assert response.status == 403

    page.goto(f"{live_server.url}/admin/followups/followup/{followup.pk}/change/")
    assert "Dana called back." in page.inner_text("#activities-group")
    assert page.locator("input[name=_save]").count() == 0

    page.goto(f"{live_server.url}/admin/alerts/alert/{renewing.pk}/change/")
    assert page.locator("#id_status").count() == 0 and page.locator("input[name=_save]").count() == 0
    assert FollowUp.objects.for_tenant(world.tenant).get(pk=followup.pk).status == Status.NEW
