"""The alerts admin: rules for admins; alerts worked to closure with a note, soonest due first, overdue in red."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from alerts.models import Alert, AlertRule, AlertStatus
from alerts.services import alert_raise, alerts_resolve
from tests.alerts.builders import due, rule
from tests.conftest import session_client
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES = "/admin/alerts/alertrule/"
ALERTS = "/admin/alerts/alert/"


def raised(world, tag, *, key="k", assignee=None, **fields):
    account = AccountFactory(tenant=world.tenant, name=f"{tag} Corp", csm_owner=world.csm)
    values = {"title": f"{tag} title", "message": f"{tag} message", "priority": "high", "due_at": due(2)}
    return alert_raise(tenant=world.tenant, account=account, key=key, assignee=assignee, **{**values, **fields})


@pytest.fixture
def both(world_a, world_b):
    return {
        "ours": raised(world_a, "Ours"),
        "theirs": raised(world_b, "Theirs"),
        "our_rule": rule(world_a.tenant, name="Ours rule"),
        "their_rule": rule(world_b.tenant, name="Theirs rule"),
    }


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_role_sees_its_tenants_alerts_and_rules_only(role, client, world_a, both):
    c = session_client(client, getattr(world_a, role))
    for url in (ALERTS, RULES, f"{ALERTS}{both['ours'].pk}/change/", f"{RULES}{both['our_rule'].pk}/change/"):
        response = c.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Ours" in page and "Theirs" not in page, url
    for url in (
        f"{ALERTS}{both['theirs'].pk}/change/",
        f"{ALERTS}{both['theirs'].pk}/history/",
        f"{RULES}{both['their_rule'].pk}/change/",
    ):
        assert c.get(url).status_code == 404, url
    if role == "admin":  # others are refused deleting anything before any lookup
        assert c.get(f"{RULES}{both['their_rule'].pk}/delete/").status_code == 404


def test_tenant_a_cannot_close_tenant_bs_alert(client, world_a, both):
    c = session_client(client, world_a.admin)
    theirs = both["theirs"]
    response = c.post(f"{ALERTS}{theirs.pk}/change/", {"status": "closed", "closing_note": "not mine"})
    assert response.status_code == 404
    bulk = c.post(ALERTS, {"action": "close_selected", "_selected_action": [theirs.pk], "apply": "1", "note": "x"})
    assert bulk.status_code in (200, 302)
    theirs.refresh_from_db()
    assert theirs.status == AlertStatus.OPEN


def test_closing_in_the_change_form_needs_a_note(client, world_a, both):
    c = session_client(client, world_a.csm)
    ours = both["ours"]
    url = f"{ALERTS}{ours.pk}/change/"
    refused = c.post(url, {"status": "closed", "assignee": world_a.csm.pk, "closing_note": ""})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"closing_note": ["A note is required to close an alert."]}
    done = c.post(url, {"status": "closed", "assignee": world_a.csm.pk, "closing_note": "Called the sponsor."})
    assert done.status_code == 302
    ours.refresh_from_db()
    assert (ours.status, ours.closing_note, ours.closed_by) == ("closed", "Called the sponsor.", world_a.csm.user)


def test_close_selected_asks_for_one_note_then_closes(client, world_a, both):
    c = session_client(client, world_a.admin)
    second = raised(world_a, "Ours second", key="k2")
    selected = [both["ours"].pk, second.pk]
    asked = c.post(ALERTS, {"action": "close_selected", "_selected_action": selected})
    assert asked.status_code == 200 and "Closing note" in asked.content.decode()
    no_note = c.post(ALERTS, {"action": "close_selected", "_selected_action": selected, "apply": "1", "note": ""})
    assert no_note.status_code == 200
    assert Alert.objects.for_tenant(world_a.tenant).filter(status=AlertStatus.CLOSED).count() == 0
    c.post(
        ALERTS, {"action": "close_selected", "_selected_action": selected, "apply": "1", "note": "Quarterly review."}
    )
    closed = Alert.objects.for_tenant(world_a.tenant).filter(status=AlertStatus.CLOSED)
    assert {a.closing_note for a in closed} == {"Quarterly review."} and closed.count() == 2


def test_the_soonest_due_come_first_and_overdue_ones_are_red(client, world_a):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    raised(world_a, "Someone else's", key="a", assignee=other, due_at=due(-2))
    raised(world_a, "Mine later", key="b", assignee=world_a.csm, due_at=due(5))
    page = session_client(client, world_a.csm).get(ALERTS).content.decode()
    assert page.index("Someone else") < page.index("Mine later")
    assert "(overdue)" in page and "color:#ba2121" in page


def test_a_csm_cannot_work_another_csms_alert_and_a_viewer_none(client, world_a):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    account = AccountFactory(tenant=world_a.tenant, csm_owner=other)
    theirs = alert_raise(tenant=world_a.tenant, account=account, key="k", title="t", message="m", priority="low",
                         due_at=due(1))  # fmt: skip
    body = {"status": "closed", "assignee": other.pk, "closing_note": "n"}
    assert session_client(client, world_a.csm).post(f"{ALERTS}{theirs.pk}/change/", body).status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == AlertStatus.OPEN


def test_only_admins_add_rules_and_a_bad_rule_names_the_field(client, world_a):
    body = {"name": "Drop", "kind": "score_drop", "priority": "high", "due_in_days": 3, "within_days": 7}
    assert session_client(client, world_a.csm).post(f"{RULES}add/", body).status_code == 403
    admin = session_client(client, world_a.admin)
    refused = admin.post(f"{RULES}add/", body)
    assert refused.status_code == 200 and "Required for this kind of rule." in refused.content.decode()
    assert admin.post(f"{RULES}add/", {**body, "points": 15}).status_code == 302
    assert AlertRule.objects.for_tenant(world_a.tenant).get().points == 15
    renewal = {**body, "name": "Renewal", "kind": "renewal_proximity", "within_days": 60, "bands": ["red", "yellow"]}
    assert admin.post(f"{RULES}add/", renewal).status_code == 302
    assert AlertRule.objects.for_tenant(world_a.tenant).get(name="Renewal").bands == ["red", "yellow"]


def test_the_assignee_choices_are_the_tenants_members_only(client, world_a, world_b, both):
    page = session_client(client, world_a.admin).get(f"{ALERTS}{both['ours'].pk}/change/").content.decode()
    assert world_a.csm.user.email in page or str(world_a.csm) in page
    assert world_b.csm.user.email not in page and str(world_b.csm) not in page


@pytest.mark.parametrize(
    ("zone", "shown"), [("America/New_York", "2026-05-10 22:30"), ("Pacific/Auckland", "2026-05-11 14:30")]
)
def test_alert_dates_read_on_the_tenants_clock(client, world_a, world_b, zone, shown):
    world_a.tenant.time_zone = zone
    world_a.tenant.save()
    moment = datetime(2026, 5, 11, 2, 30, tzinfo=UTC)
    ours = raised(world_a, "Ours", due_at=moment)
    raised(world_b, "Theirs", due_at=moment)  # another tenant's zone is never ours
    c = session_client(client, world_a.csm)
    listed = c.get(ALERTS).content.decode()
    assert shown in listed and "2026-05-11 02:30" not in listed
    Alert.objects.for_tenant(world_a.tenant).filter(pk=ours.pk).update(first_fired_at=moment)
    with timezone.override(ZoneInfo(zone)):
        expected = date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    form = c.get(f"{ALERTS}{ours.pk}/change/").content.decode()
    assert expected in form
    assert date_format(moment.replace(tzinfo=None), "DATETIME_FORMAT") not in form


def test_an_alert_closed_by_the_system_says_so_in_its_history_on_the_tenants_clock(client, world_a):
    world_a.tenant.time_zone = "Pacific/Auckland"
    world_a.tenant.save()
    ours = raised(world_a, "Ours")
    at = datetime(2026, 5, 10, 12, 30, tzinfo=UTC)  # 00:30 on the 11th in Auckland
    alerts_resolve(tenant=world_a.tenant, resolutions=[(ours, "the follow-up was closed")], now=at)
    c = session_client(client, world_a.csm)
    history = c.get(f"{ALERTS}{ours.pk}/history/")
    assert history.status_code == 200 and "csplatform: cause cleared" in history.content.decode()
    form = c.get(f"{ALERTS}{ours.pk}/change/").content.decode()
    assert "Closed by csplatform: the follow-up was closed." in form
    with timezone.override(ZoneInfo("Pacific/Auckland")):
        assert date_format(timezone.localtime(at), "DATETIME_FORMAT") in form  # closed at, the 11th
