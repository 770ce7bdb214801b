"""/api/v1/alert-rules (admins write, others read) and /api/v1/alerts (list, filter, work to closure)."""

import pytest

from alerts.models import Alert, AlertRule, AlertStatus
from alerts.services import alert_raise
from tests.alerts.builders import due, rule
from tests.conftest import api_as
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES = "/api/v1/alert-rules/"
ALERTS = "/api/v1/alerts/"


def errors_by_attr(response):
    return {e["attr"]: e for e in response.json()["errors"]}


def raised(world, *, key="k1", account=None, **fields):
    account = account or AccountFactory(tenant=world.tenant, csm_owner=world.csm)
    values = {"title": "Renewal soon", "message": "Renewal in 20 days.", "priority": "high", "due_at": due(2)}
    return alert_raise(tenant=world.tenant, account=account, key=key, **{**values, **fields})


# --- rules --------------------------------------------------------------------------------------------


def test_an_admin_creates_a_rule_and_settings_other_kinds_use_are_cleared(world_a):
    body = {"name": "Big drop", "kind": "score_drop", "points": 20, "within_days": 14, "priority": "high",
            "due_in_days": 2, "to_band": "red"}  # fmt: skip
    response = api_as(world_a.admin).post(RULES, body, format="json")
    assert response.status_code == 201, response.json()
    created = AlertRule.objects.for_tenant(world_a.tenant).get(pk=response.json()["id"])
    assert (created.points, created.within_days, created.to_band) == (20, 14, "")


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"name": "r", "kind": "indicator_threshold", "operator": "lt", "threshold": 3}, "indicator"),
        ({"name": "r", "kind": "indicator_threshold", "indicator": "no_such_thing", "operator": "lt", "threshold": 3},
         "indicator"),
        ({"name": "r", "kind": "score_drop", "within_days": 7}, "points"),
        ({"name": "r", "kind": "renewal_proximity", "within_days": 30, "bands": ["purple"]}, "bands.0"),
        ({"name": "r", "kind": "band_change", "to_band": "red", "from_band": "red"}, "from_band"),
        ({"name": "r", "kind": "detractor_answer", "within_days": 14, "tenant": 1}, "tenant"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_a_400_naming_the_field(world_a, body, attr):
    response = api_as(world_a.admin).post(RULES, body, format="json")
    assert response.status_code == 400
    assert attr in errors_by_attr(response)


def test_rule_names_are_unique_per_tenant_only(world_a, world_b):
    rule(world_b.tenant, name="Detractor")
    body = {"name": "Detractor", "kind": "detractor_answer", "within_days": 14}
    assert api_as(world_a.admin).post(RULES, body, format="json").status_code == 201
    again = api_as(world_a.admin).post(RULES, body, format="json")
    assert again.status_code == 400 and "name" in errors_by_attr(again)


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_only_admins_change_rules_others_read_them(world_a, role):
    existing = rule(world_a.tenant)
    client = api_as(getattr(world_a, role))
    assert client.get(RULES).json()["results"][0]["id"] == existing.pk
    assert (
        client.post(RULES, {"name": "x", "kind": "detractor_answer", "within_days": 3}, format="json").status_code
        == 403
    )
    assert client.patch(f"{RULES}{existing.pk}/", {"enabled": False}, format="json").status_code == 403
    assert client.delete(f"{RULES}{existing.pk}/").status_code == 403


def test_an_admin_updates_and_deletes_a_rule(world_a):
    existing = rule(world_a.tenant)
    admin = api_as(world_a.admin)
    response = admin.patch(f"{RULES}{existing.pk}/", {"threshold": 10, "enabled": False}, format="json")
    assert response.status_code == 200 and response.json()["threshold"] == 10 and not response.json()["enabled"]
    assert admin.delete(f"{RULES}{existing.pk}/").status_code == 204


def test_another_tenants_rule_is_not_found(world_a, world_b):
    theirs = rule(world_b.tenant, name="B's rule")
    admin = api_as(world_a.admin)
    assert all(r["id"] != theirs.pk for r in admin.get(RULES).json()["results"])
    for method in ("get", "patch", "delete"):
        assert getattr(admin, method)(f"{RULES}{theirs.pk}/", {}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled


# --- alerts -------------------------------------------------------------------------------------------


def test_csms_list_every_alert_of_their_tenant_and_filter_their_own(world_a, world_b):
    mine = raised(world_a, key="mine")
    other_csm = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    theirs = raised(world_a, key="theirs", account=AccountFactory(tenant=world_a.tenant, csm_owner=other_csm))
    raised(world_b, key="b")
    client = api_as(world_a.csm)
    assert {a["id"] for a in client.get(ALERTS).json()["results"]} == {mine.pk, theirs.pk}
    assert [a["id"] for a in client.get(ALERTS, {"assignee": "me"}).json()["results"]] == [mine.pk]
    assert [a["id"] for a in client.get(ALERTS, {"assignee": other_csm.pk}).json()["results"]] == [theirs.pk]


def test_alerts_filter_by_status_priority_account_and_overdue(world_a):
    high = raised(world_a, key="a", priority="high")
    low = raised(world_a, key="b", priority="low", due_at=due(-1))
    client = api_as(world_a.viewer)

    def ids(**params):
        return {a["id"] for a in client.get(ALERTS, params).json()["results"]}

    assert ids(priority="low") == {low.pk}
    assert ids(account=high.account_id) == {high.pk}
    assert ids(overdue="true") == {low.pk}
    assert ids(status="closed") == set()
    for nonsense in ("someone", "²", "9" * 4400):  # a superscript digit and a huge number are no member ids
        bad = client.get(ALERTS, {"assignee": nonsense})
        assert bad.status_code == 400 and "assignee" in errors_by_attr(bad)
        bad = client.get("/api/v1/tasks/", {"assignee": nonsense})
        assert bad.status_code == 400 and "assignee" in errors_by_attr(bad)


def test_the_alert_says_why_and_whether_it_is_overdue(world_a):
    alert = raised(world_a, due_at=due(-1))
    body = api_as(world_a.viewer).get(f"{ALERTS}{alert.pk}/").json()
    assert body["message"] == "Renewal in 20 days." and body["overdue"] is True
    assert body["assignee"] == world_a.csm.pk and body["status"] == "open"


def test_closing_needs_a_note_naming_the_field(world_a):
    alert = raised(world_a)
    client = api_as(world_a.csm)
    refused = client.patch(f"{ALERTS}{alert.pk}/", {"status": "closed"}, format="json")
    assert refused.status_code == 400 and "closing_note" in errors_by_attr(refused)
    closed = client.patch(f"{ALERTS}{alert.pk}/", {"status": "closed", "closing_note": "Renewal call booked."},
                          format="json")  # fmt: skip
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert (body["status"], body["closing_note"], body["closed_by"]) == ("closed", "Renewal call booked.",
                                                                        world_a.csm.user.email)  # fmt: skip
    reopen = client.patch(f"{ALERTS}{alert.pk}/", {"status": "open"}, format="json")
    assert reopen.status_code == 400 and "status" in errors_by_attr(reopen)


def test_working_an_alert_moves_status_and_assignee(world_a):
    alert = raised(world_a)
    body = {"status": "in_progress", "assignee": world_a.admin.pk}
    response = api_as(world_a.csm).patch(f"{ALERTS}{alert.pk}/", body, format="json")
    assert response.status_code == 200
    alert.refresh_from_db()
    assert (alert.status, alert.assignee) == (AlertStatus.IN_PROGRESS, world_a.admin)


def test_alerts_cannot_be_created_or_deleted_through_the_api(world_a):
    alert = raised(world_a)
    admin = api_as(world_a.admin)
    assert admin.post(ALERTS, {}, format="json").status_code == 405
    assert admin.delete(f"{ALERTS}{alert.pk}/").status_code == 405
    assert admin.put(f"{ALERTS}{alert.pk}/", {"status": "in_progress"}, format="json").status_code == 405
    assert admin.patch(f"{ALERTS}{alert.pk}/", {"message": "made up"}, format="json").status_code == 400


def test_a_csm_works_alerts_of_their_book_not_other_csms(world_a):
    other_csm = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    theirs = raised(world_a, account=AccountFactory(tenant=world_a.tenant, csm_owner=other_csm))
    response = api_as(world_a.csm).patch(f"{ALERTS}{theirs.pk}/", {"status": "in_progress"}, format="json")
    assert response.status_code == 403
    assert (
        api_as(world_a.viewer).patch(f"{ALERTS}{theirs.pk}/", {"status": "in_progress"}, format="json").status_code
        == 403
    )


def test_a_write_key_closes_an_alert(world_a, key_client_a):
    alert = raised(world_a)
    response = key_client_a.patch(f"{ALERTS}{alert.pk}/", {"status": "closed", "closing_note": "Synced from CRM."},
                                  format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["closed_by"] is None


def test_tenant_a_cannot_see_or_close_tenant_bs_alerts(world_a, world_b):
    alert_b = raised(world_b)
    for member in (world_a.admin, world_a.csm):
        client = api_as(member)
        assert client.get(f"{ALERTS}{alert_b.pk}/").status_code == 404
        closing = {"status": "closed", "closing_note": "not mine"}
        assert client.patch(f"{ALERTS}{alert_b.pk}/", closing, format="json").status_code == 404
        assert client.get(ALERTS, {"account": alert_b.account_id}).status_code == 400
    alert_b.refresh_from_db()
    assert alert_b.status == AlertStatus.OPEN


def test_an_alert_cannot_be_assigned_to_another_tenants_member(world_a, world_b):
    alert = raised(world_a)
    response = api_as(world_a.admin).patch(f"{ALERTS}{alert.pk}/", {"assignee": world_b.csm.pk}, format="json")
    assert response.status_code == 400 and errors_by_attr(response)["assignee"]["code"] == "does_not_exist"
    alert.refresh_from_db()
    assert alert.assignee == world_a.csm


def test_filtering_by_another_tenants_member_or_rule_finds_nothing(world_a, world_b):
    raised(world_a)
    assert api_as(world_a.admin).get(ALERTS, {"assignee": world_b.csm.pk}).json()["results"] == []
    rule_b = rule(world_b.tenant)
    assert api_as(world_a.admin).get(ALERTS, {"rule": rule_b.pk}).status_code == 400
    assert Alert.objects.for_tenant(world_a.tenant).count() == 1


def test_an_alert_is_never_given_to_a_viewer(world_a):
    alert = raised(world_a, key="v")
    response = api_as(world_a.admin).patch(f"{ALERTS}{alert.pk}/", {"assignee": world_a.viewer.pk}, format="json")
    assert response.status_code == 400 and "assignee" in errors_by_attr(response)
    assert (
        api_as(world_a.admin).patch(f"{ALERTS}{alert.pk}/", {"assignee": world_a.csm.pk}, format="json").status_code
        == 200
    )
    alert.refresh_from_db()
    assert alert.assignee == world_a.csm
