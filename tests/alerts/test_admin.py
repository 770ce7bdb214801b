"""The alerts admin: rules for admins; alerts worked to closure with a note, own alerts first, overdue in red."""

import pytest

from alerts.models import Alert, AlertRule, AlertStatus
from alerts.services import alert_raise
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


def test_the_signed_in_members_alerts_come_first_and_overdue_ones_are_red(client, world_a):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    raised(world_a, "Someone else's", key="a", assignee=other, due_at=due(-2))
    raised(world_a, "Mine later", key="b", assignee=world_a.csm, due_at=due(5))
    page = session_client(client, world_a.csm).get(ALERTS).content.decode()
    assert page.index("Mine later") < page.index("Someone else")
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
