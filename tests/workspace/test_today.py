"""A CSM's Today, hand-worked in a tenant whose day starts 13 hours before UTC's (Pacific/Auckland).

At 09:00 on 7 December in Auckland it is still the 6th in UTC: a follow-up due at 23:30 local time on the
7th is due today, one due at 00:30 on the 8th is not. The CSM ("me") sees their own book only: another
CSM's work and accounts, churned accounts and tenant B's rows never show.
"""

from datetime import date, timedelta

import pytest
import time_machine

from accounts.models import LifecycleStage
from accounts.roles import Role
from alerts.models import AlertStatus, Task
from outcomes.models import Outcome
from tests.factories import MembershipFactory
from tests.workspace.builders import account, alert, contact, followup, local, renewal, response
from workspace.selectors.today import ALERT, FOLLOW_UP, TASK, today_of

pytestmark = pytest.mark.django_db
ZONE = "Pacific/Auckland"
NOW = local(ZONE, 2026, 12, 7, 9, 0)  # 2026-12-06 20:00 UTC
TODAY = date(2026, 12, 7)


def at(*args):
    return local(ZONE, *args)


@pytest.fixture
def auckland(world_a, world_b):
    tenant = world_a.tenant
    tenant.time_zone = ZONE
    tenant.save()
    me, other = world_a.csm, MembershipFactory(tenant=tenant, role=Role.CSM)
    mine = account(tenant, me, name="Mine Red", arr=25000, score=30, change_7d=-12.0)
    mine_yellow = account(tenant, me, name="Mine Yellow", arr=90000, score=50, change_7d=-3.0)
    mine_big_red = account(tenant, me, name="Mine Big Red", arr=60000, score=20, change_7d=5.0)
    account(tenant, me, name="Mine Green", arr=40000, score=85)
    account(tenant, me, name="Mine Unscored", arr=1000)
    theirs = account(tenant, other, name="Theirs Red", arr=500000, score=10, change_7d=-30.0)
    gone = account(tenant, me, name="Mine Churned", arr=7000, score=5, change_7d=-40.0,
                   lifecycle_stage=LifecycleStage.CHURNED)  # fmt: skip
    b_account = account(world_b.tenant, world_b.csm, name="Beta Red", arr=1, score=1, change_7d=-50.0)
    c_mine, c_theirs, c_gone, c_b = contact(mine), contact(theirs), contact(gone), contact(b_account)
    rows = {
        # follow-ups: assigned to me, whatever the account
        "f_evening": followup(c_mine, due_at=at(2026, 12, 7, 23, 30), assignee=me),
        "f_tomorrow": followup(c_mine, due_at=at(2026, 12, 8, 0, 30), assignee=me),
        "f_overdue": followup(c_mine, due_at=at(2026, 12, 4, 17, 0), assignee=me),
        "f_closed": followup(c_mine, due_at=at(2026, 12, 5, 17, 0), assignee=me, closed_at=at(2026, 12, 5, 9, 0)),
        "f_others": followup(c_mine, due_at=at(2026, 12, 7, 12, 0), assignee=other),
        "f_on_theirs": followup(c_theirs, due_at=at(2026, 12, 7, 12, 0), assignee=me),
        "f_churned": followup(c_gone, due_at=at(2026, 12, 7, 12, 0), assignee=me),
        "f_beta": followup(c_b, due_at=at(2026, 12, 7, 12, 0), assignee=world_b.csm),
        # alerts: assigned to me, or on my accounts
        "a_overdue": alert(mine, due_at=at(2026, 12, 7, 8, 0)),
        "a_assigned": alert(theirs, due_at=at(2026, 12, 7, 18, 0), assignee=me),
        "a_theirs": alert(theirs, due_at=at(2026, 12, 7, 10, 0), assignee=other),
        "a_on_mine": alert(mine, due_at=at(2026, 12, 7, 12, 0), assignee=other),
        "a_closed": alert(mine, due_at=at(2026, 12, 6, 12, 0), status=AlertStatus.CLOSED),
        "a_churned": alert(gone, due_at=at(2026, 12, 6, 12, 0)),
        "a_later": alert(mine, due_at=at(2026, 12, 9, 12, 0)),
        "a_beta": alert(b_account, due_at=at(2026, 12, 6, 12, 0), assignee=world_b.csm),
    }
    # Renewals: overdue, in 10 days (with a forecast and its interval), in 100, past the horizon; not mine.
    rows["r_overdue"] = renewal(mine, term_end=TODAY - timedelta(days=3), arr_due=25000)
    rows["r_10"] = renewal(mine_yellow, term_end=TODAY + timedelta(days=10), arr_due=90000, chance=0.8, low=0.7,
                           high=0.9)  # fmt: skip
    rows["r_100"] = renewal(mine_big_red, term_end=TODAY + timedelta(days=100), arr_due=60000)
    renewal(mine, term_end=TODAY + timedelta(days=200))
    renewal(mine_big_red, term_end=TODAY - timedelta(days=30), outcome=Outcome.RENEWED, closed_arr=60000)
    renewal(theirs, term_end=TODAY + timedelta(days=10))
    renewal(gone, term_end=TODAY + timedelta(days=20))
    renewal(b_account, term_end=TODAY + timedelta(days=10))
    # Answers: detractors of the last 14 days (7 Dec and the 13 days before) from my accounts only.
    rows["d_today"] = response(c_mine, 2, at=at(2026, 12, 7, 8, 0), comment="Too slow")
    rows["d_followup"] = followup(c_mine, due_at=at(2026, 12, 9, 17, 0), assignee=me, answer=rows["d_today"])
    rows["d_first_day"] = response(c_mine, 6, at=at(2026, 11, 24, 0, 30))
    response(c_mine, 5, at=at(2026, 11, 23, 23, 59))  # 15 days back
    response(c_mine, 9, at=at(2026, 12, 6, 8, 0))  # a promoter
    response(c_theirs, 0, at=at(2026, 12, 6, 8, 0))
    response(c_gone, 0, at=at(2026, 12, 6, 8, 0))
    response(c_b, 0, at=at(2026, 12, 6, 8, 0))
    return world_a, rows


def test_due_today_runs_to_the_end_of_the_tenants_day_and_overdue_comes_first(auckland):
    world, rows = auckland
    today = today_of(tenant=world.tenant, member=world.csm, now=NOW)
    assert today.day.day == TODAY
    assert [(i.kind, i.item_id) for i in today.overdue] == [
        (FOLLOW_UP, rows["f_overdue"].pk),  # 4 Dec 17:00
        (ALERT, rows["a_overdue"].pk),  # 7 Dec 08:00, an hour before now
    ]
    assert [(i.kind, i.item_id) for i in today.due_today] == [
        (ALERT, rows["a_on_mine"].pk),  # 12:00: an alert on my account, assigned to another CSM
        (FOLLOW_UP, rows["f_on_theirs"].pk),  # 12:00: assigned to me on another CSM's account
        (ALERT, rows["a_assigned"].pk),  # 18:00
        (FOLLOW_UP, rows["f_evening"].pk),  # 23:30 local, 10:30 UTC on the 7th, after UTC's day of "now"
    ]


def test_an_alert_about_a_follow_up_on_the_list_is_the_same_piece_of_work(auckland):
    world, rows = auckland
    mine = rows["a_overdue"].account
    about_mine = alert(mine, due_at=at(2026, 12, 5, 9, 0), title="Overdue follow-up: mine")
    about_theirs = alert(mine, due_at=at(2026, 12, 5, 9, 0), title="Overdue follow-up: another CSM's")
    for row, about in ((about_mine, rows["f_overdue"]), (about_theirs, rows["f_others"])):
        type(row).objects.for_tenant(world.tenant).filter(pk=row.pk).update(detail={"followup_id": about.pk})
    today = today_of(tenant=world.tenant, member=world.csm, now=NOW)
    # My overdue follow-up stands for its alert; the alert about a follow-up I do not hold stays an item.
    assert [(i.kind, i.item_id) for i in today.overdue] == [
        (FOLLOW_UP, rows["f_overdue"].pk),
        (ALERT, about_theirs.pk),
        (ALERT, rows["a_overdue"].pk),
    ]


def test_snoozed_alerts_wait_for_their_day_and_my_playbook_tasks_join_the_day(auckland):
    world, rows = auckland
    tenant, me = world.tenant, world.csm
    # Snoozed until tomorrow: out today; snoozed until today: back since today began in Auckland.
    type(rows["a_overdue"]).objects.for_tenant(tenant).filter(pk=rows["a_overdue"].pk).update(
        snoozed_until=TODAY + timedelta(days=1), snooze_reason="Customer on holiday"
    )
    type(rows["a_assigned"]).objects.for_tenant(tenant).filter(pk=rows["a_assigned"].pk).update(
        snoozed_until=TODAY, snooze_reason="Back today")  # fmt: skip

    def task(title, due_at, assignee=me, done_at=None):
        alert_row = rows["a_later"]
        return Task.objects.for_tenant(tenant).create(
            tenant=tenant, alert=alert_row, account=alert_row.account, title=title, due_at=due_at,
            assignee=assignee, done_at=done_at,
        )  # fmt: skip

    call = task("Executive call", at(2026, 12, 7, 20, 0))
    late = task("Success plan review", at(2026, 12, 6, 17, 0))
    task("Done already", at(2026, 12, 7, 10, 0), done_at=at(2026, 12, 7, 8, 0))
    task("Someone else's", at(2026, 12, 7, 10, 0), assignee=rows["a_theirs"].assignee)
    task("Tomorrow", at(2026, 12, 8, 0, 30))
    with time_machine.travel(NOW, tick=False):  # "today" for the snooze is the tenant's today at NOW
        today = today_of(tenant=tenant, member=me, now=NOW)
    # The alert overdue since 08:00 is snoozed; the task due yesterday joins the follow-up due on the 4th.
    assert [(i.kind, i.item_id) for i in today.overdue] == [(FOLLOW_UP, rows["f_overdue"].pk), (TASK, late.pk)]
    assert [(i.kind, i.item_id) for i in today.due_today] == [
        (ALERT, rows["a_on_mine"].pk),
        (FOLLOW_UP, rows["f_on_theirs"].pk),
        (ALERT, rows["a_assigned"].pk),
        (TASK, call.pk),
        (FOLLOW_UP, rows["f_evening"].pk),
    ]


def test_renewals_ahead_by_window_with_band_forecast_interval_and_arr(auckland):
    world, rows = auckland
    renewals = today_of(tenant=world.tenant, member=world.csm, now=NOW).renewals
    assert [(r.renewal_id, r.window, r.days_left, r.band) for r in renewals.rows] == [
        (rows["r_overdue"].pk, "overdue", -3, "red"),
        (rows["r_10"].pk, "d30", 10, "yellow"),
        (rows["r_100"].pk, "d180", 100, "red"),
    ]
    forecast = renewals.rows[1]
    assert (forecast.chance, forecast.low, forecast.high, forecast.arr_due) == (0.8, 0.7, 0.9, 90000)
    assert [(w.window.key, w.renewals, w.arr_due) for w in renewals.windows] == [
        ("overdue", 1, 25000), ("d30", 1, 90000), ("d60", 0, 0), ("d90", 0, 0), ("d180", 1, 60000),
    ]  # fmt: skip


def test_fell_most_this_week_lists_my_current_accounts_only(auckland):
    world, _ = auckland
    fallers = today_of(tenant=world.tenant, member=world.csm, now=NOW).fallers
    assert [(f.account.name, f.change_7d) for f in fallers] == [("Mine Red", -12.0), ("Mine Yellow", -3.0)]


def test_book_by_risk_puts_arr_per_band_and_lists_red_then_yellow_by_arr(auckland):
    world, _ = auckland
    book = today_of(tenant=world.tenant, member=world.csm, now=NOW).book
    assert book.mix.rows() == [("red", 2, 85000), ("yellow", 1, 90000), ("green", 1, 40000), ("none", 1, 1000)]
    assert [(a.account_name, a.band) for a in book.accounts] == [
        ("Mine Big Red", "red"), ("Mine Red", "red"), ("Mine Yellow", "yellow"),
    ]  # fmt: skip


def test_recent_detractors_are_my_accounts_last_14_days_with_their_follow_up(auckland):
    world, rows = auckland
    detractors = today_of(tenant=world.tenant, member=world.csm, now=NOW).detractors
    assert [(d.response_id, d.followup_id, d.followup_open) for d in detractors] == [
        (rows["d_today"].pk, rows["d_followup"].pk, True),
        (rows["d_first_day"].pk, None, False),
    ]


def test_the_day_the_clocks_go_back_ends_at_the_next_local_midnight(world_a):
    """5 April 2026: Auckland leaves daylight time at 03:00, so the day lasts 25 hours. A follow-up due at
    23:30 that evening (11:30 UTC) is due today, though it falls more than 24 hours after midnight."""
    tenant = world_a.tenant
    tenant.time_zone = ZONE
    tenant.save()
    me = world_a.csm
    c = contact(account(tenant, me))
    late = followup(c, due_at=at(2026, 4, 5, 23, 30), assignee=me)
    followup(c, due_at=at(2026, 4, 6, 0, 15), assignee=me)
    today = today_of(tenant=tenant, member=me, now=at(2026, 4, 5, 10, 0))
    assert [i.item_id for i in today.work] == [late.pk]
    assert not today.overdue
