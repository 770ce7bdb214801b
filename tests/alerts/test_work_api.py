"""/api/v1/alerts/{id}/snooze|unsnooze|reassign, /api/v1/playbooks and /api/v1/tasks, within one tenant."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alerts.models import Playbook, Task
from tests.alerts.builders import rule
from tests.alerts.work_builders import open_alert, playbook
from tests.conftest import api_as
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALERTS, PLAYBOOKS, TASKS, RULES = "/api/v1/alerts/", "/api/v1/playbooks/", "/api/v1/tasks/", "/api/v1/alert-rules/"
LATER = (date.today() + timedelta(days=10)).isoformat()


def errors_by_attr(response):
    return {e["attr"]: e["code"] for e in response.json()["errors"]}


def with_tasks(world):
    tenant = world.tenant
    return open_alert(world, rule=rule(tenant, "renewal_proximity", playbook=playbook(tenant)))


# --- snooze -------------------------------------------------------------------------------------------


def test_a_csm_snoozes_an_alert_of_their_book_and_unsnoozes_it(world_a):
    alert = open_alert(world_a)
    client = api_as(world_a.csm)
    snoozed = client.post(f"{ALERTS}{alert.pk}/snooze/", {"snoozed_until": LATER, "snooze_reason": "Sponsor away"},
                          format="json")  # fmt: skip
    assert snoozed.status_code == 200, snoozed.json()
    body = snoozed.json()
    assert (body["snoozed_until"], body["snooze_reason"], body["snoozed_by"]) == (
        LATER, "Sponsor away", world_a.csm.user.email,
    )  # fmt: skip
    back = client.post(f"{ALERTS}{alert.pk}/unsnooze/", {}, format="json")
    assert back.status_code == 200 and back.json()["snoozed_until"] is None


def test_a_bad_snooze_is_a_400_naming_the_field(world_a):
    alert = open_alert(world_a)
    client = api_as(world_a.csm)
    today = timezone.localdate().isoformat()
    past = client.post(f"{ALERTS}{alert.pk}/snooze/", {"snoozed_until": today, "snooze_reason": "x"}, format="json")
    assert past.status_code == 400 and errors_by_attr(past) == {"snoozed_until": "invalid"}
    blank = client.post(f"{ALERTS}{alert.pk}/snooze/", {"snoozed_until": LATER, "snooze_reason": " "}, format="json")
    assert blank.status_code == 400 and set(errors_by_attr(blank)) == {"snooze_reason"}
    unknown = client.post(f"{ALERTS}{alert.pk}/snooze/", {"snoozed_until": LATER, "snooze_reason": "x", "days": 3},
                          format="json")  # fmt: skip
    assert unknown.status_code == 400 and errors_by_attr(unknown) == {"days": "unknown_field"}


def test_viewers_may_not_snooze_and_another_tenants_alert_is_not_found(world_a, world_b):
    ours, theirs = open_alert(world_a), open_alert(world_b)
    body = {"snoozed_until": LATER, "snooze_reason": "x"}
    assert api_as(world_a.viewer).post(f"{ALERTS}{ours.pk}/snooze/", body, format="json").status_code == 403
    for action in ("snooze", "unsnooze", "reassign"):
        answer = api_as(world_a.admin).post(f"{ALERTS}{theirs.pk}/{action}/", body, format="json")
        assert answer.status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.snoozed_until is None


# --- reassign -----------------------------------------------------------------------------------------


def test_an_alert_is_reassigned_to_a_working_member_of_the_tenant_only(world_a, world_b):
    alert = with_tasks(world_a)
    client = api_as(world_a.csm)
    for assignee, code in ((world_b.csm.pk, "does_not_exist"), (world_a.viewer.pk, "invalid")):
        refused = client.post(f"{ALERTS}{alert.pk}/reassign/", {"assignee": assignee}, format="json")
        assert refused.status_code == 400 and errors_by_attr(refused) == {"assignee": code}
    done = client.post(f"{ALERTS}{alert.pk}/reassign/", {"assignee": world_a.admin.pk}, format="json")
    assert done.status_code == 200 and done.json()["assignee"] == world_a.admin.pk
    # Its open tasks the CSM held as the alert's assignee follow it.
    tasks = Task.objects.for_tenant(world_a.tenant).filter(alert=alert)
    assert set(tasks.values_list("assignee_id", flat=True)) == {world_a.admin.pk}


def test_a_csm_may_not_reassign_another_csms_alert(world_a):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    alert = open_alert(world_a, account=AccountFactory(tenant=world_a.tenant, csm_owner=other))
    refused = api_as(world_a.csm).post(f"{ALERTS}{alert.pk}/reassign/", {"assignee": world_a.csm.pk}, format="json")
    assert refused.status_code == 403
    alert.refresh_from_db()
    assert alert.assignee_id == other.pk


# --- playbooks ----------------------------------------------------------------------------------------


def test_an_admin_writes_a_playbook_with_ordered_steps_and_attaches_it_to_a_rule(world_a):
    client = api_as(world_a.admin)
    made = client.post(PLAYBOOKS, {"name": "Save the renewal", "steps": [
        {"title": "Executive call", "due_in_days": 2, "assignee": "account_csm"},
        {"title": "Success plan review", "due_in_days": 7},
    ]}, format="json")  # fmt: skip
    assert made.status_code == 201, made.json()
    steps = made.json()["steps"]
    assert [(s["position"], s["title"], s["assignee"]) for s in steps] == [
        (1, "Executive call", "account_csm"), (2, "Success plan review", "alert_assignee"),
    ]  # fmt: skip
    # Reorder, keep one step by id, drop the other, add a new one.
    pk = made.json()["id"]
    changed = client.patch(f"{PLAYBOOKS}{pk}/", {"steps": [
        {"title": "QBR", "due_in_days": 14}, {"id": steps[0]["id"], "title": "Executive call", "due_in_days": 1},
    ]}, format="json")  # fmt: skip
    assert changed.status_code == 200, changed.json()
    assert [(s["position"], s["title"]) for s in changed.json()["steps"]] == [(1, "QBR"), (2, "Executive call")]
    assert changed.json()["steps"][1]["id"] == steps[0]["id"]
    renewal = rule(world_a.tenant, "renewal_proximity")
    attached = client.patch(f"{RULES}{renewal.pk}/", {"playbook": pk}, format="json")
    assert attached.status_code == 200 and attached.json()["playbook"] == pk


def test_playbooks_refuse_other_tenants_rows_and_non_admins(world_a, world_b):
    theirs = playbook(world_b.tenant, name="Theirs")
    ours = playbook(world_a.tenant, name="Ours")
    admin = api_as(world_a.admin)
    assert [p["name"] for p in admin.get(PLAYBOOKS).json()["results"]] == ["Ours"]
    assert admin.get(f"{PLAYBOOKS}{theirs.pk}/").status_code == 404
    their_step = theirs.steps.first().pk
    stolen = admin.patch(f"{PLAYBOOKS}{ours.pk}/", {"steps": [{"id": their_step, "title": "x"}]}, format="json")
    assert stolen.status_code == 400 and "steps.0.id" in errors_by_attr(stolen)
    renewal = rule(world_a.tenant, "renewal_proximity")
    foreign = admin.patch(f"{RULES}{renewal.pk}/", {"playbook": theirs.pk}, format="json")
    assert foreign.status_code == 400 and errors_by_attr(foreign) == {"playbook": "does_not_exist"}
    assert api_as(world_a.csm).post(PLAYBOOKS, {"name": "Mine"}, format="json").status_code == 403
    assert api_as(world_a.viewer).get(f"{PLAYBOOKS}{ours.pk}/").status_code == 200
    assert Playbook.objects.for_tenant(world_b.tenant).get().steps.count() == 2


# --- tasks --------------------------------------------------------------------------------------------


def test_a_csm_lists_their_open_tasks_and_completes_one_with_a_note(world_a, world_b):
    alert = with_tasks(world_a)
    with_tasks(world_b)
    client = api_as(world_a.csm)
    mine = client.get(TASKS, {"assignee": "me", "state": "open"}).json()["results"]
    assert [t["title"] for t in mine] == ["Executive call", "Success plan review"]  # soonest due first
    done = client.post(f"{TASKS}{mine[0]['id']}/complete/", {"note": "Spoke to the CFO."}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["note"], done.json()["done_by"]) == ("Spoke to the CFO.", world_a.csm.user.email)
    again = client.post(f"{TASKS}{mine[0]['id']}/complete/", {}, format="json")
    assert again.status_code == 400 and set(errors_by_attr(again)) == {"done_at"}
    assert [t["title"] for t in client.get(TASKS, {"state": "done"}).json()["results"]] == ["Executive call"]
    reopened = client.post(f"{TASKS}{mine[0]['id']}/reopen/", {}, format="json")
    assert reopened.status_code == 200 and reopened.json()["done_at"] is None
    assert {t["alert"] for t in client.get(TASKS).json()["results"]} == {alert.pk}


def test_another_tenants_task_is_not_found_and_viewers_may_not_complete(world_a, world_b):
    ours = Task.objects.for_tenant(world_a.tenant).filter(alert=with_tasks(world_a)).first()
    theirs = Task.objects.for_tenant(world_b.tenant).filter(alert=with_tasks(world_b)).first()
    admin = api_as(world_a.admin)
    assert admin.get(f"{TASKS}{theirs.pk}/").status_code == 404
    for action in ("complete", "reopen", "reassign"):
        assert admin.post(f"{TASKS}{theirs.pk}/{action}/", {}, format="json").status_code == 404, action
    assert api_as(world_a.viewer).post(f"{TASKS}{ours.pk}/complete/", {}, format="json").status_code == 403
    assert admin.get(TASKS, {"alert": theirs.alert_id}).status_code == 400  # another tenant's alert: no such choice
    theirs.refresh_from_db()
    assert theirs.done_at is None
