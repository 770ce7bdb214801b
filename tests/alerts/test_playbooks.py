"""A rule's playbook turns the alert it opens into tasks, once, due at the end of their day in the tenant's zone."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from alerts.models import Task
from alerts.selectors import account_tasks
from alerts.services import (
    AccountState,
    alert_close,
    alert_raise,
    playbook_tasks_create,
    rules_evaluate,
    task_complete,
    task_reopen,
)
from tests.alerts.builders import rule
from tests.alerts.work_builders import in_zone, open_alert, playbook
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RED = AccountState(score=22.0, band="red", values={})
# Friday 2026-03-06 22:00 in New York (EST, UTC-5): already Saturday in UTC.
FRIDAY_EVENING = datetime(2026, 3, 7, 3, 0, tzinfo=UTC)


def tasks_of(tenant, alert):
    return list(Task.objects.for_tenant(tenant).filter(alert=alert).order_by("due_at"))


@pytest.fixture
def renewal(world_a):
    tenant = in_zone(world_a.tenant, "America/New_York")
    book = playbook(tenant)
    rule(tenant, "renewal_proximity", name="Red and renewing", within_days=90, playbook=book)
    account = AccountFactory(tenant=tenant, csm_owner=world_a.csm, renewal_on=date(2026, 4, 1))
    return tenant, account


def test_the_alert_a_rule_opens_gets_one_task_per_step_due_at_the_end_of_its_day_in_the_tenants_zone(world_a, renewal):
    tenant, account = renewal
    assert rules_evaluate(tenant=tenant, states={account.pk: RED}, as_of=FRIDAY_EVENING) == (1, 0)
    alert = account.alerts.get()
    call, review = tasks_of(tenant, alert)
    # Friday 6 March in New York + 2 days = Sunday 8 March, the day clocks spring forward: it ends at
    # 23:59:59.999999 EDT (UTC-4), 03:59:59.999999 UTC on the 9th. + 7 days = Friday 13 March, also EDT.
    assert (call.title, call.due_at) == ("Executive call", datetime(2026, 3, 9, 3, 59, 59, 999999, tzinfo=UTC))
    assert (review.title, review.due_at) == (
        "Success plan review", datetime(2026, 3, 14, 3, 59, 59, 999999, tzinfo=UTC),
    )  # fmt: skip
    assert {t.assignee_id for t in (call, review)} == {world_a.csm.pk}
    assert {(t.account_id, t.tenant_id, t.done_at) for t in (call, review)} == {(account.pk, tenant.pk, None)}


def test_re_firings_of_the_open_alert_make_no_more_tasks(world_a, renewal):
    tenant, account = renewal
    rules_evaluate(tenant=tenant, states={account.pk: RED}, as_of=FRIDAY_EVENING)
    assert rules_evaluate(tenant=tenant, states={account.pk: RED}, as_of=FRIDAY_EVENING + timedelta(days=1)) == (0, 1)
    alert = account.alerts.get()
    assert alert.fire_count == 2 and len(tasks_of(tenant, alert)) == 2
    assert playbook_tasks_create(tenant=tenant, alerts=[alert]) == []  # idempotent per (alert, step)
    assert Task.objects.for_tenant(tenant).count() == 2


def test_closing_the_alert_keeps_its_tasks_and_a_new_alert_gets_its_own(world_a, renewal):
    tenant, account = renewal
    rules_evaluate(tenant=tenant, states={account.pk: RED}, as_of=FRIDAY_EVENING)
    first = account.alerts.get()
    alert_close(tenant=tenant, account=account, key=first.key, note="Renewal call booked.")
    assert len(tasks_of(tenant, first)) == 2
    rules_evaluate(tenant=tenant, states={account.pk: RED}, as_of=FRIDAY_EVENING + timedelta(days=3))
    second = account.alerts.exclude(pk=first.pk).get()
    assert len(tasks_of(tenant, second)) == 2 and Task.objects.for_tenant(tenant).count() == 4


def test_steps_go_to_the_alerts_assignee_or_the_accounts_csm(world_a):
    tenant = world_a.tenant
    renewal_rule = rule(tenant, "renewal_proximity", playbook=playbook(tenant))
    other = MembershipFactory(tenant=tenant, role="csm", user=UserFactory())
    alert = alert_raise(tenant=tenant, account=AccountFactory(tenant=tenant, csm_owner=world_a.csm), key="x",
                        title="t", message="m", priority="high", due_at=FRIDAY_EVENING, rule=renewal_rule,
                        assignee=other)  # fmt: skip
    by_title = {t.title: t.assignee_id for t in tasks_of(tenant, alert)}
    assert by_title == {"Executive call": world_a.csm.pk, "Success plan review": other.pk}


def test_no_tasks_from_a_disabled_playbook_a_rule_without_one_or_an_alert_without_a_rule(world_a):
    tenant = world_a.tenant
    disabled = rule(tenant, "renewal_proximity", name="Disabled", playbook=playbook(tenant, enabled=False))
    plain = rule(tenant, "renewal_proximity", name="Plain")
    for key, with_rule in (("a", disabled), ("b", plain), ("c", None)):
        open_alert(world_a, key=key, rule=with_rule)
    assert Task.objects.for_tenant(tenant).count() == 0


def test_a_task_is_completed_with_an_optional_note_once_and_can_be_reopened(world_a):
    tenant = world_a.tenant
    alert = open_alert(world_a, rule=rule(tenant, "renewal_proximity", playbook=playbook(tenant)))
    call = tasks_of(tenant, alert)[0]
    done_at = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)
    task_complete(tenant=tenant, task=call, by=world_a.csm.user, note="  Spoke to the CFO.  ", now=done_at)
    call.refresh_from_db()
    assert (call.done_at, call.done_by, call.note) == (done_at, world_a.csm.user, "Spoke to the CFO.")
    with pytest.raises(ValidationError) as again:
        task_complete(tenant=tenant, task=call, by=world_a.csm.user)
    assert set(again.value.message_dict) == {"done_at"}
    task_reopen(tenant=tenant, task=call)
    call.refresh_from_db()
    assert (call.done_at, call.done_by, call.note) == (None, None, "Spoke to the CFO.")
    assert call.history.count() == 3  # made, done, reopened


def test_another_tenants_task_is_refused(world_a, world_b):
    theirs = open_alert(world_b, rule=rule(world_b.tenant, "renewal_proximity", playbook=playbook(world_b.tenant)))
    task = tasks_of(world_b.tenant, theirs)[0]
    with pytest.raises(ValidationError):
        task_complete(tenant=world_a.tenant, task=task)
    with pytest.raises(ValidationError):
        playbook_tasks_create(tenant=world_a.tenant, alerts=[theirs])


def test_an_accounts_tasks_are_listed_for_its_timeline_within_its_tenant(world_a, world_b):
    alert = open_alert(world_a, rule=rule(world_a.tenant, "renewal_proximity", playbook=playbook(world_a.tenant)))
    theirs = open_alert(world_b, rule=rule(world_b.tenant, "renewal_proximity", playbook=playbook(world_b.tenant)))
    call = tasks_of(world_a.tenant, alert)[0]
    task_complete(tenant=world_a.tenant, task=call, by=world_a.csm.user, note="Spoke to the CFO.")
    listed = list(account_tasks(tenant=world_a.tenant, account_id=alert.account_id))
    assert [(t.title, t.note, t.done_by) for t in listed] == [
        ("Executive call", "Spoke to the CFO.", world_a.csm.user), ("Success plan review", "", None),
    ]  # fmt: skip
    assert list(account_tasks(tenant=world_a.tenant, account_id=theirs.account_id)) == []
