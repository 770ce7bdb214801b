"""The timeline merges its sources newest first, in the tenant's days (a hand-worked world in Auckland)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import Alert
from followups.models import Activity
from indicators.models import GutRead, HealthScoreHistory
from tests.workspace.timeline_world import NOW, ZONE, build_noise, build_timeline_world, event, result, store, utc
from workspace.timeline.entries import Window
from workspace.timeline.registry import SOURCES, timeline_entries

pytestmark = pytest.mark.django_db

AUCKLAND = ZoneInfo(ZONE)
DECEMBER = Window(date(2026, 12, 1), date(2026, 12, 7), AUCKLAND, 100)


@pytest.fixture
def kiwi(world_a, world_b):
    with time_machine.travel(NOW, tick=False):
        built = build_timeline_world(world_a)
        build_noise(world_a, world_b)
    return built


def lines(entries) -> list[tuple[str, str, str]]:
    """(local moment, kind, title); whole days by their date."""
    return [
        (
            f"{e.at.astimezone(AUCKLAND):%d %b}" + ("" if e.whole_day else f" {e.at.astimezone(AUCKLAND):%H:%M}"),
            e.kind,
            e.title,
        )
        for e in entries
    ]


def test_every_source_is_merged_newest_first_in_the_tenants_days(world_a, kiwi):
    csm = kiwi.csm.user
    entries = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER)
    assert lines(entries) == [
        ("06 Dec", "usage", "3 usage events by 2 active users"),
        ("06 Dec 15:00", "ticket", "Ticket opened T-1 (high severity)"),
        ("06 Dec 14:00", "alert", f"Alert closed by {csm}: Usage fell"),
        ("05 Dec", "usage", "1 usage event by 1 active user"),
        ("05 Dec 16:00", "followup", f"Call on the follow-up of Bob Birch, by {csm}"),
        ("05 Dec 11:05", "followup", "Follow-up opened: detractor Bob Birch"),
        ("05 Dec 11:00", "survey", "NPS answer 3 (detractor) from Bob Birch"),
        ("05 Dec 10:00", "communication", f"Email (proactive) with Ann Ash, by {csm}"),
        ("04 Dec", "renewal", "Renewal closed: renewed (the renewal due 2026-12-04)"),
        ("04 Dec 09:00", "alert", "Alert opened (high priority): Usage fell"),
        ("03 Dec 09:00", "event", "Content: Educational with Ann Ash"),
        ("03 Dec 01:00", "score", "Score 70.0 \u2192 55.0 (\u221215.0 points), band yellow \u2192 red"),
        ("02 Dec 12:00", "gut", f"Gut read: negative, by {csm} (counts until 2026-12-31 13:00)"),
        ("01 Dec 01:00", "score", "First score: 70.0 (yellow)"),
    ]


def test_usage_is_one_entry_per_local_day_with_its_top_features(world_a, kiwi):
    usage = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER, kinds=["usage"])
    # In UTC all four events fall on 5 December; in Auckland one is on the 5th and three on the 6th.
    assert [(e.at.astimezone(AUCKLAND).date(), e.title, e.detail) for e in usage] == [
        (date(2026, 12, 6), "3 usage events by 2 active users", "Most used: reports (2), export (1)"),
        (date(2026, 12, 5), "1 usage event by 1 active user", "Most used: reports (1)"),
    ]
    assert all(e.whole_day for e in usage)


def test_a_score_change_says_what_changed_and_why(world_a, kiwi):
    [change, first] = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER, kinds=["score"])
    # One measure with all the weight: its points went from 70 to 55 as its value rose from 5 to 20 days.
    assert change.detail == "Days since the last proactive communication rose from 5 days to 20 days: \u221215 points"
    assert first.title == "First score: 70.0 (yellow)"


def test_details_and_links_name_the_rows_behind_the_entries(world_a, kiwi):
    entries = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=DECEMBER)
    by_title = {e.title: e for e in entries}
    ticket = by_title["Ticket opened T-1 (high severity)"]
    assert ticket.detail == "Export fails \u00b7 by Bob Birch"
    assert ticket.link.startswith("/admin/indicators/event/")
    assert by_title["NPS answer 3 (detractor) from Bob Birch"].detail == "Exports keep failing"
    followup = by_title["Follow-up opened: detractor Bob Birch"]
    assert followup.detail == "Due 2026-12-08 23:00"  # the deadline in Auckland
    assert followup.link == f"/admin/followups/followup/{kiwi.followup.pk}/change/"
    assert by_title[f"Alert closed by {kiwi.csm.user}: Usage fell"].detail == "Usage is back"
    renewal = by_title["Renewal closed: renewed (the renewal due 2026-12-04)"]
    assert renewal.detail == "ARR due 25,000 NZD, closed ARR 25,000 NZD"
    assert renewal.link == f"/admin/outcomes/renewal/{kiwi.renewal.pk}/change/"


def test_the_window_is_the_tenants_days_and_its_limit_keeps_the_newest(world_a, kiwi):
    fifth = Window(date(2026, 12, 5), date(2026, 12, 5), AUCKLAND, 100)
    entries = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=fifth)
    # 5 December in Auckland: from 4 Dec 11:00 UTC to 5 Dec 11:00 UTC.
    assert [e.kind for e in entries] == ["usage", "followup", "followup", "survey", "communication"]
    newest = Window(date(2026, 12, 1), date(2026, 12, 7), AUCKLAND, 3)
    assert [e.kind for e in timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=newest)] == [
        "usage", "ticket", "alert"
    ]  # fmt: skip


def test_a_closed_alert_opened_before_the_window_shows_only_its_closing(world_a, kiwi):
    sixth = Window(date(2026, 12, 6), date(2026, 12, 6), AUCKLAND, 100)
    alerts = timeline_entries(tenant=world_a.tenant, account=kiwi.account, window=sixth, kinds=["alert"])
    assert [e.title for e in alerts] == [f"Alert closed by {kiwi.csm.user}: Usage fell"]


def test_kinds_narrow_the_sources(world_a, kiwi):
    entries = timeline_entries(
        tenant=world_a.tenant, account=kiwi.account, window=DECEMBER, kinds=["ticket", "gut", "renewal"]
    )
    assert [e.kind for e in entries] == ["ticket", "renewal", "gut"]


def test_every_source_has_a_distinct_kind():
    kinds = [source.kind for source in SOURCES]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) == {
        "usage", "ticket", "communication", "survey", "followup", "alert", "task", "score", "gut", "renewal", "event"
    }  # fmt: skip


def test_another_tenants_account_is_refused(world_b, kiwi):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        timeline_entries(tenant=world_b.tenant, account=kiwi.account, window=DECEMBER)


def test_the_reads_do_not_grow_with_the_entries(world_a, kiwi):
    tenant, account = world_a.tenant, kiwi.account

    def reads() -> int:
        with CaptureQueriesContext(connection) as captured:
            timeline_entries(tenant=tenant, account=account, window=DECEMBER)
        return len(captured)

    before = reads()
    for n in range(10):  # ten more of each kind, on 2 December in Auckland
        at = utc(12, 1, 12, n)
        store(
            tenant,
            event(f"more-u{n}", "usage", "reports", at, account, kiwi.ann),
            event(f"more-t{n}", "support", "ticket_opened", at, account, ticket_id=f"M-{n}"),
            event(f"more-c{n}", "communication", "call", at, account, kiwi.bob, csm=kiwi.csm.pk),
            event(f"more-x{n}", "lifecycle", "onboarding_milestone", at, account, milestone=f"step {n}"),
        )
        Activity.objects.create(tenant=tenant, followup=kiwi.followup, kind="email", by=kiwi.csm, at=at)
        Alert.objects.create(
            tenant=tenant, account=account, key=f"more:{n}", title=f"More {n}", message="More", due_at=at,
            first_fired_at=at, last_fired_at=at,
        )  # fmt: skip
        GutRead.objects.create(tenant=tenant, account=account, level="neutral", expires_at=utc(12, 31, 0), set_at=at)
        HealthScoreHistory.objects.create(
            tenant=tenant, account=account, at=at, score=50.0 + n, computed=50.0 + n, band="red", coverage=1.0,
            scorecard="default@1", result=result(50.0 + n, "red", 20.0),
        )  # fmt: skip
    # Ten more entries of seven kinds, and one usage day (2 December) for the ten usage events.
    assert len(timeline_entries(tenant=tenant, account=account, window=DECEMBER)) == 14 + 7 * 10 + 1
    assert reads() == before
