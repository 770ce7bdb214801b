"""Playbook tasks on the timeline: set with their deadline, done on time or late (tenant A keeps Auckland's days)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine

from alerts.models import Task
from tests.workspace.timeline_world import NOW, ZONE, build_timeline_world, utc
from workspace.timeline.entries import Window
from workspace.timeline.registry import timeline_entries

pytestmark = pytest.mark.django_db

AUCKLAND = ZoneInfo(ZONE)
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 7), AUCKLAND, 100)


def task(kiwi, title: str, *, set_at, due_at, done_at=None, note=""):
    with time_machine.travel(set_at, tick=False):
        row = Task.objects.create(tenant=kiwi.account.tenant, alert=kiwi.alert, account=kiwi.account, title=title,
                                  due_at=due_at, assignee=kiwi.csm)  # fmt: skip
    if done_at is not None:
        Task.unscoped.filter(pk=row.pk).update(done_at=done_at, done_by=kiwi.csm.user, note=note)
    return row


def test_tasks_show_when_set_and_when_done_late_or_on_time(world_a):
    with time_machine.travel(NOW, tick=False):
        kiwi = build_timeline_world(world_a)
    # Set 4 Dec 22:00 Auckland (09:00 UTC), due at the end of 5 Dec there (10:59:59 UTC on the 5th).
    due = utc(12, 5, 10, 59)
    task(kiwi, "Executive call", set_at=utc(12, 4, 9), due_at=due, done_at=utc(12, 5, 3), note="Spoke to the CFO")
    task(kiwi, "Success plan review", set_at=utc(12, 4, 9), due_at=due, done_at=utc(12, 6, 1))
    csm = kiwi.csm.user
    with time_machine.travel(NOW, tick=False):
        entries = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER, kinds=["task"])
    assert [(f"{e.at.astimezone(AUCKLAND):%d %b %H:%M}", e.title, e.detail) for e in entries] == [
        ("06 Dec 14:00", f"Task done by {csm} (late): Success plan review", ""),
        ("05 Dec 16:00", f"Task done by {csm}: Executive call", "Spoke to the CFO"),
        ("04 Dec 22:00", f"Task set, for {kiwi.csm}: Executive call (due 2026-12-05)", "From the alert “Usage fell”."),
        ("04 Dec 22:00", f"Task set, for {kiwi.csm}: Success plan review (due 2026-12-05)",
         "From the alert “Usage fell”."),
    ]  # fmt: skip


def test_another_tenants_tasks_never_show(world_a, world_b):
    with time_machine.travel(NOW, tick=False):
        kiwi = build_timeline_world(world_a)
    theirs = task(kiwi, "Not theirs", set_at=utc(12, 4, 9), due_at=utc(12, 5, 10))
    with time_machine.travel(NOW, tick=False):
        entries = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER, kinds=["task"])
    assert [e.link for e in entries] == [f"/admin/alerts/task/{theirs.pk}/change/"]
    Task.unscoped.filter(pk=theirs.pk).update(tenant=world_b.tenant)  # a row of B's pointing at A's account
    with time_machine.travel(NOW, tick=False):
        assert timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER, kinds=["task"]) == []
