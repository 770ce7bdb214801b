"""Deadline adherence of tasks: done by the deadline counts on time; open work before its deadline is not counted."""

from datetime import UTC, datetime, timedelta

import pytest

from alerts.adherence import Adherence, adherence_of, task_verdict
from alerts.models import Task
from alerts.selectors import tasks_adherence
from tests.alerts.work_builders import open_alert
from tests.factories import MembershipFactory, UserFactory

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SINCE = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


def at(day, hour=12):
    return datetime(2026, 6, day, hour, 0, tzinfo=UTC)


def test_a_verdict_is_known_when_done_or_when_the_deadline_passes():
    assert task_verdict(due_at=at(10), done_at=at(10), now=NOW).on_time  # at the deadline is on time
    late = task_verdict(due_at=at(10), done_at=at(11), now=NOW)
    assert (late.on_time, late.decided_at) == (False, at(10))  # late from the moment the deadline passed
    missed = task_verdict(due_at=at(14), done_at=None, now=NOW)
    assert (missed.on_time, missed.decided_at) == (False, at(14))
    assert task_verdict(due_at=at(20), done_at=None, now=NOW) is None  # still in hand
    early = task_verdict(due_at=at(20), done_at=at(3), now=NOW)
    assert (early.on_time, early.decided_at) == (True, at(3))


def test_adherence_counts_the_tasks_decided_in_the_window():
    tasks = [
        (at(5), at(4)),  # on time
        (at(6), at(8)),  # late
        (at(14), None),  # missed
        (at(20), None),  # open, not yet due: not counted
        (at(20), at(12)),  # done early, on time
        (SINCE - timedelta(days=1), SINCE - timedelta(days=2)),  # decided before the window
    ]
    result = adherence_of(tasks, since=SINCE, now=NOW)
    assert result == Adherence(on_time=2, total=4) and result.share == 0.5
    assert adherence_of([], since=SINCE, now=NOW).share is None


@pytest.mark.django_db
def test_tasks_adherence_per_assignee_of_one_tenant(world_a, world_b):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    alert = open_alert(world_a)

    def task(assignee, due_at, done_at=None, tenant_world=world_a, on=alert):
        return Task.objects.create(tenant=tenant_world.tenant, alert=on, account=on.account, title="t",
                                   assignee=assignee, due_at=due_at, done_at=done_at)  # fmt: skip

    task(world_a.csm, at(5), at(4))
    task(world_a.csm, at(6), at(8))
    task(world_a.csm, at(14))
    task(world_a.csm, at(20))
    task(other, at(9), at(9, 11))
    theirs = open_alert(world_b)
    task(world_b.csm, at(5), at(4), tenant_world=world_b, on=theirs)

    result = tasks_adherence(tenant=world_a.tenant, assignee_ids=[world_a.csm.pk, other.pk, world_b.csm.pk],
                             since=SINCE, now=NOW)  # fmt: skip
    assert result == {
        world_a.csm.pk: Adherence(on_time=1, total=3),
        other.pk: Adherence(on_time=1, total=1),
        world_b.csm.pk: Adherence(on_time=0, total=0),  # another tenant's member: nothing of theirs counts here
    }
