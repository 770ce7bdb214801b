"""The console's work items: snooze and reassign alerts, playbooks with steps, tasks worked to done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, Playbook, Task
from tests.alerts.builders import rule
from tests.alerts.work_builders import open_alert, playbook
from tests.conftest import session_client
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALERTS, TASKS, PLAYBOOKS, RULES = (f"/admin/alerts/{m}/" for m in ("alert", "task", "playbook", "alertrule"))


def later(days=10):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def with_tasks(world, **fields):
    tenant = world.tenant
    return open_alert(world, rule=rule(tenant, "renewal_proximity", playbook=playbook(tenant)), **fields)


def listed(response):
    return list(response.context["cl"].result_list)


# --- snooze -------------------------------------------------------------------------------------------


def test_snoozing_from_the_alert_page_needs_a_later_day_and_a_reason(client, world_a):
    alert = open_alert(world_a)
    c = session_client(client, world_a.csm)
    page = c.get(f"{ALERTS}{alert.pk}/change/")
    assert f"{ALERTS}{alert.pk}/snooze/" in page.content.decode()
    url = f"{ALERTS}{alert.pk}/snooze/"
    refused = c.post(url, {"snoozed_until": timezone.localdate().isoformat(), "snooze_reason": ""})
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert set(errors) == {"snoozed_until", "snooze_reason"} and errors["snooze_reason"] == [
        "Say why the alert can wait."
    ]
    done = c.post(url, {"snoozed_until": later(), "snooze_reason": "Sponsor on leave"})
    assert done.status_code == 302 and done.url == f"{ALERTS}{alert.pk}/change/"
    alert.refresh_from_db()
    assert (alert.snooze_reason, alert.snoozed_by) == ("Sponsor on leave", world_a.csm.user)
    assert "Snoozed until" in c.get(f"{ALERTS}{alert.pk}/change/").content.decode()


def test_the_alert_list_leaves_snoozed_alerts_out_unless_asked(client, world_a):
    snoozed, working = open_alert(world_a, key="s"), open_alert(world_a, key="w")
    c = session_client(client, world_a.admin)
    c.post(f"{ALERTS}{snoozed.pk}/snooze/", {"snoozed_until": later(), "snooze_reason": "Wait"})
    assert listed(c.get(ALERTS)) == [working]
    assert listed(c.get(ALERTS, {"snoozed": "yes"})) == [snoozed]
    assert set(listed(c.get(ALERTS, {"snoozed": "all"}))) == {snoozed, working}
    c.post(f"{ALERTS}{snoozed.pk}/unsnooze/")
    assert set(listed(c.get(ALERTS))) == {snoozed, working}


def test_snooze_selected_applies_one_day_and_reason_to_the_tenants_alerts_only(client, world_a, world_b):
    ours, theirs = open_alert(world_a), open_alert(world_b)
    c = session_client(client, world_a.admin)
    post = {"action": "snooze_selected", "_selected_action": [ours.pk, theirs.pk], "apply": "1",
            "snoozed_until": later(), "snooze_reason": "Quarter end"}  # fmt: skip
    assert c.post(ALERTS, post).status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.snooze_reason == "Quarter end" and theirs.snoozed_until is None
    refused = c.post(ALERTS, {**post, "snooze_reason": ""})
    assert refused.status_code == 200 and "snooze_reason" in refused.context["form"].errors


def test_viewers_may_not_snooze_and_another_tenants_alert_is_not_found(client, world_a, world_b):
    ours, theirs = open_alert(world_a), open_alert(world_b)
    viewer = session_client(client, world_a.viewer)
    assert viewer.get(f"{ALERTS}{ours.pk}/snooze/").status_code == 403
    assert "snooze_selected" not in viewer.get(ALERTS).content.decode()
    admin = session_client(client, world_a.admin)
    for action in ("snooze", "unsnooze", "reassign"):
        assert admin.get(f"{ALERTS}{theirs.pk}/{action}/").status_code == 404, action
        body = {"snoozed_until": later(), "snooze_reason": "x", "assignee": world_a.admin.pk}
        assert admin.post(f"{ALERTS}{theirs.pk}/{action}/", body).status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.snoozed_until is None and theirs.assignee_id == world_b.csm.pk


# --- reassign -----------------------------------------------------------------------------------------


def test_reassign_offers_the_tenants_working_members_and_refuses_others(client, world_a, world_b):
    alert = with_tasks(world_a)
    c = session_client(client, world_a.csm)
    url = f"{ALERTS}{alert.pk}/reassign/"
    choices = set(c.get(url).context["form"].fields["assignee"].queryset)
    assert choices == {world_a.admin, world_a.csm}  # no viewer, nobody of another tenant
    for assignee in (world_b.csm.pk, world_a.viewer.pk):
        refused = c.post(url, {"assignee": assignee})
        assert refused.status_code == 200 and "assignee" in refused.context["form"].errors
    assert c.post(url, {"assignee": world_a.admin.pk}).status_code == 302
    alert.refresh_from_db()
    assert alert.assignee == world_a.admin
    assert set(Task.objects.for_tenant(world_a.tenant).values_list("assignee_id", flat=True)) == {world_a.admin.pk}


def test_a_csm_reassigns_only_the_alerts_they_may_change(client, world_a):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    theirs = open_alert(world_a, key="o", account=AccountFactory(tenant=world_a.tenant, csm_owner=other))
    mine = open_alert(world_a, key="m")
    c = session_client(client, world_a.csm)
    assert c.get(f"{ALERTS}{theirs.pk}/reassign/").status_code == 403
    post = {"action": "reassign_selected", "_selected_action": [theirs.pk, mine.pk], "apply": "1",
            "assignee": world_a.admin.pk}  # fmt: skip
    assert c.post(ALERTS, post).status_code == 302
    assert dict(Alert.objects.for_tenant(world_a.tenant).values_list("pk", "assignee_id")) == {
        theirs.pk: other.pk, mine.pk: world_a.admin.pk,
    }  # fmt: skip


# --- tasks and playbooks ------------------------------------------------------------------------------


def test_the_alert_page_lists_its_tasks_and_a_task_is_completed_with_a_note(client, world_a):
    alert = with_tasks(world_a)
    call = Task.objects.for_tenant(world_a.tenant).get(alert=alert, title="Executive call")
    c = session_client(client, world_a.csm)
    page = c.get(f"{ALERTS}{alert.pk}/change/").content.decode()
    assert "Executive call" in page and f"{TASKS}{call.pk}/complete/" in page
    done = c.post(f"{TASKS}{call.pk}/complete/", {"note": "Spoke to the CFO."})
    assert done.status_code == 302 and done.url == f"{ALERTS}{alert.pk}/change/"
    call.refresh_from_db()
    assert (call.note, call.done_by) == ("Spoke to the CFO.", world_a.csm.user)
    assert c.post(f"{TASKS}{call.pk}/reopen/").status_code == 302
    call.refresh_from_db()
    assert call.done_at is None


def test_the_task_list_starts_with_open_tasks_soonest_due_and_filters_mine_and_overdue(client, world_a):
    alert = with_tasks(world_a)
    tasks = Task.objects.for_tenant(world_a.tenant).filter(alert=alert)
    review = tasks.get(title="Success plan review")
    call = tasks.get(title="Executive call")
    call.due_at = timezone.now() - timedelta(hours=1)
    call.save(update_fields=["due_at"])
    review.done_at = timezone.now()
    review.save(update_fields=["done_at"])
    c = session_client(client, world_a.csm)
    assert listed(c.get(TASKS)) == [call]
    assert listed(c.get(TASKS, {"state": "overdue"})) == [call]
    assert listed(c.get(TASKS, {"state": "all"})) == [call, review]  # open first
    assert listed(c.get(TASKS, {"assigned": "me"})) == [call]
    assert listed(session_client(client, world_a.admin).get(TASKS, {"assigned": "me"})) == []


def test_tasks_of_another_tenant_are_not_found(client, world_a, world_b):
    theirs = Task.objects.for_tenant(world_b.tenant).filter(alert=with_tasks(world_b)).first()
    c = session_client(client, world_a.admin)
    for url in (f"{TASKS}{theirs.pk}/change/", f"{TASKS}{theirs.pk}/complete/", f"{TASKS}{theirs.pk}/reopen/"):
        assert c.get(url).status_code == 404, url
        assert c.post(url, {"note": "x"}).status_code == 404, url
    assert listed(c.get(TASKS, {"state": "all"})) == []
    bulk = c.post(TASKS, {"action": "complete_selected", "_selected_action": [theirs.pk], "index": "0"})
    assert bulk.status_code in (200, 302)
    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_admins_write_playbooks_with_steps_and_csms_only_read_them(client, world_a, world_b):
    c = session_client(client, world_a.admin)
    added = c.post(f"{PLAYBOOKS}add/", {
        "name": "Save the renewal", "description": "", "enabled": "on",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0",
        "steps-0-position": "1", "steps-0-title": "Executive call", "steps-0-due_in_days": "2",
        "steps-0-assignee": "account_csm",
        "steps-1-position": "2", "steps-1-title": "Success plan review", "steps-1-due_in_days": "7",
        "steps-1-assignee": "alert_assignee",
    })  # fmt: skip
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    made = Playbook.objects.for_tenant(world_a.tenant).get()
    assert list(made.steps.values_list("title", "due_in_days")) == [("Executive call", 2), ("Success plan review", 7)]
    assert {s.tenant_id for s in made.steps.all()} == {world_a.tenant.pk}
    theirs = playbook(world_b.tenant, name="Theirs")
    rule_form = c.get(f"{RULES}add/").context["adminform"].form
    assert list(rule_form.fields["playbook"].queryset) == [made]
    assert c.get(f"{PLAYBOOKS}{theirs.pk}/change/").status_code == 404
    csm = session_client(client, world_a.csm)
    assert csm.get(f"{PLAYBOOKS}{made.pk}/change/").status_code == 200
    refused = csm.post(f"{PLAYBOOKS}{made.pk}/change/", {"name": "Renamed", "steps-TOTAL_FORMS": "0",
                                                         "steps-INITIAL_FORMS": "0"})  # fmt: skip
    assert refused.status_code == 403
    made.refresh_from_db()
    assert made.name == "Save the renewal"


def test_the_task_form_hands_work_to_working_members_only_and_keeps_a_note(client, world_a, world_b):
    alert = with_tasks(world_a)
    task = Task.objects.for_tenant(world_a.tenant).get(alert=alert, title="Executive call")
    c = session_client(client, world_a.csm)
    url = f"{TASKS}{task.pk}/change/"
    form = c.get(url).context["adminform"].form
    assert set(form.fields["assignee"].queryset) == {world_a.admin, world_a.csm}
    for refused in (world_a.viewer.pk, world_b.csm.pk, ""):
        answer = c.post(url, {"assignee": refused, "note": "x"})
        assert answer.status_code == 200 and "assignee" in answer.context["adminform"].form.errors
    assert c.post(url, {"assignee": world_a.admin.pk, "note": "Booked for Tuesday."}).status_code == 302
    task.refresh_from_db()
    assert (task.assignee, task.note, task.done_at) == (world_a.admin, "Booked for Tuesday.", None)


def test_the_work_pages_refuse_query_parameters_they_do_not_take(client, world_a):
    alert = with_tasks(world_a)
    task = Task.objects.for_tenant(world_a.tenant).filter(alert=alert).first()
    c = session_client(client, world_a.csm)
    for url in (f"{ALERTS}{alert.pk}/snooze/", f"{ALERTS}{alert.pk}/reassign/", f"{TASKS}{task.pk}/complete/"):
        refused = c.get(url, {"days": "3"})
        assert refused.status_code == 400, url
        assert "Unknown parameter: days." in refused.content.decode(), url
        assert c.get(url).status_code == 200, url
