"""The team view, hand-worked on a small world (tenant A, UTC).

Alice (A's CSM) owns a red, a yellow and a green account and a churned one; Bob (another CSM) an unscored
one; one account has no owner. The admin owns nothing but holds a follow-up; the viewer neither, so has no
row. Tenant B's rows never count.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import LifecycleStage
from accounts.roles import Role
from alerts.models import AlertStatus, Task
from outcomes.models import Outcome
from tests.conftest import session_client
from tests.factories import MembershipFactory, UserFactory
from tests.workspace.builders import account, alert, contact, followup, renewal, response
from workspace.selectors.team import UNASSIGNED, team_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_world(world_a, world_b):
    now = timezone.now()
    today = now.date()
    tenant, alice, admin = world_a.tenant, world_a.csm, world_a.admin
    bob = MembershipFactory(tenant=tenant, role=Role.CSM, user=UserFactory(email="bob@alpha.test", full_name="Bob"))
    a1 = account(tenant, alice, arr=10000, score=20, segment="enterprise")
    a2 = account(tenant, alice, arr=20000, score=50)
    a3 = account(tenant, alice, arr=30000, score=80)
    a4 = account(tenant, alice, arr=5000, score=10, lifecycle_stage=LifecycleStage.CHURNED)
    b1 = account(tenant, bob, arr=7000, segment="smb")
    u1 = account(tenant, None, arr=4000, score=90, segment="")
    c1, c2, cb = contact(a1), contact(a2), contact(b1)
    beta = account(world_b.tenant, world_b.csm, arr=999999, score=5)
    cbeta = contact(beta)
    days = lambda n: now + timedelta(days=n)  # noqa: E731
    # Alerts: Alice 2 open (1 overdue), a closed one and one on her churned account left out; Bob holds one
    # assigned to him on Alice's account; an overdue one on the unowned account.
    alert(a1, due_at=days(-1))
    alert(a2, due_at=days(2))
    alert(a3, due_at=days(-1), status=AlertStatus.CLOSED)
    alert(a4, due_at=days(-1))
    alert(a1, due_at=days(1), assignee=bob)
    alert(u1, due_at=now - timedelta(hours=2))
    alert(beta, due_at=days(-1))
    # Open follow-ups: Alice's overdue one, one unassigned on her account (she holds it); the admin's.
    followup(c1, due_at=days(-1), assignee=alice)
    followup(c2, due_at=days(1))
    followup(cb, due_at=days(1), assignee=admin)
    followup(cbeta, due_at=days(-1), assignee=world_b.csm)
    # Closed in the last 90 days: Alice 2 of 3 on time (one exactly at its deadline); one closed 100 days ago
    # is out. Bob 0 of 1.
    followup(c1, due_at=days(-10), closed_at=days(-11), assignee=alice)
    followup(c1, due_at=days(-20), closed_at=days(-20), assignee=alice)
    followup(c2, due_at=days(-30), closed_at=days(-29), assignee=alice)
    followup(c2, due_at=days(-101), closed_at=days(-100), assignee=alice)
    followup(cb, due_at=days(-5), closed_at=days(-4), assignee=bob)
    followup(cbeta, due_at=days(-5), closed_at=days(-6), assignee=world_b.csm)
    # Answers of the last 90 days: Alice 6 promoters, 2 passives, 2 detractors; Bob 3; one of Alice's too old.
    for score in (9, 10, 9, 10, 9, 9, 7, 8, 0, 6):
        response(c1 if score > 8 else c2, score, at=days(-5))
    response(c1, 0, at=days(-95))
    for score in (9, 9, 2):
        response(cb, score, at=days(-3))
    response(cbeta, 0, at=days(-3))
    # Renewals whose term ended in the last 12 months.
    renewal(a1, term_end=today - timedelta(days=40), outcome=Outcome.RENEWED, closed_arr=10000)
    renewal(a2, term_end=today - timedelta(days=60), outcome=Outcome.EXPANDED, closed_arr=25000)
    renewal(a2, term_end=today - timedelta(days=5))  # pending
    renewal(a3, term_end=today - timedelta(days=200), outcome=Outcome.RENEWED, closed_arr=30000)
    renewal(a4, term_end=today - timedelta(days=90), outcome=Outcome.CHURNED, closed_arr=0)
    renewal(b1, term_end=today - timedelta(days=10), outcome=Outcome.DOWNSOLD, closed_arr=6000)
    renewal(u1, term_end=today - timedelta(days=30), outcome=Outcome.RENEWED, closed_arr=4000)
    renewal(u1, term_end=today - timedelta(days=400), outcome=Outcome.CHURNED, closed_arr=0)
    renewal(beta, term_end=today - timedelta(days=10), outcome=Outcome.CHURNED, closed_arr=0)
    return world_a, bob, now


def by_name(team):
    return {row.name: row for row in team.rows}


def test_each_row_counts_its_book_and_its_work(team_world):
    world, _bob, now = team_world
    rows = by_name(team_view(tenant=world.tenant, now=now))
    alice, admin = str(world.csm.user), str(world.admin.user)
    assert list(rows) == [*sorted([alice, "Bob", admin], key=str.lower), UNASSIGNED]
    shown = {
        name: (r.book.accounts, r.book.total_arr, r.book.counts, (r.alerts.open, r.alerts.overdue),
               (r.followups.open, r.followups.overdue), r.segment_mix)
        for name, r in rows.items()
    }  # fmt: skip
    assert shown[alice] == (3, 60000, {"red": 1, "yellow": 1, "green": 1, "none": 0}, (2, 1), (2, 1),
                            [("mid-market", 2), ("enterprise", 1)])  # fmt: skip
    assert shown["Bob"] == (1, 7000, {"red": 0, "yellow": 0, "green": 0, "none": 1}, (1, 0), (0, 0), [("smb", 1)])
    assert shown[admin] == (0, 0, {"red": 0, "yellow": 0, "green": 0, "none": 0}, (0, 0), (1, 0), [])
    assert shown[UNASSIGNED] == (1, 4000, {"red": 0, "yellow": 0, "green": 1, "none": 0}, (1, 1), (0, 0), [("", 1)])


def test_adherence_nps_and_retention_per_row_and_in_total(team_world):
    world, _bob, now = team_world
    team = team_view(tenant=world.tenant, now=now)
    rows = by_name(team)
    alice = rows[str(world.csm.user)]
    assert (alice.adherence.on_time, alice.adherence.closed) == (2, 3)
    assert (rows["Bob"].adherence.on_time, rows["Bob"].adherence.closed) == (0, 1)
    # NPS 60% - 20% = 40; Rocks's adjusted shares 6.75/13 and 2.75/13 give a standard error of
    # 100 * sqrt((9.5/13 - (4/13)^2) / 13) = 22.120 and a margin of 1.95996 * 22.120 = 43.35.
    assert (alice.nps.responses, alice.nps.nps) == (10, 40.0)
    assert alice.nps.margin == pytest.approx(43.35, abs=0.01)
    assert (rows["Bob"].nps.responses, rows["Bob"].nps.nps, rows["Bob"].nps.margin) == (3, None, None)
    retention = alice.retention
    assert (retention.renewed, retention.churned, retention.pending) == (3, 1, 1)
    assert retention.grr is None and "Not enough data" in retention.grr_missing
    assert "Gross revenue retention" in retention.definition
    assert (rows["Bob"].retention.renewed, rows["Bob"].retention.churned) == (1, 0)
    assert (rows[UNASSIGNED].retention.renewed, rows[UNASSIGNED].retention.churned) == (1, 0)
    total = team.total
    assert (total.book.accounts, total.book.total_arr) == (5, Decimal(71000))
    assert (total.alerts.open, total.alerts.overdue, total.followups.open, total.followups.overdue) == (4, 2, 3, 1)
    assert (total.adherence.on_time, total.adherence.closed) == (2, 4)
    assert (total.nps.responses, round(total.nps.nps, 2)) == (13, 38.46)  # (8 - 3) / 13
    assert (total.retention.renewed, total.retention.churned, total.retention.pending) == (5, 1, 1)


def test_the_page_shows_the_rows_to_a_viewer_with_links_to_each_members_today(client, team_world):
    world, bob, _ = team_world
    html = session_client(client, world.viewer).get("/admin/work/team/").content.decode()
    assert f'data-member="{world.csm.pk}"' in html and 'data-member="unassigned"' in html
    assert f"/admin/work/today/?member={bob.pk}" in html
    assert "40 ±43" in html and "n=10" in html and "too few, n=3" in html
    assert "2 of 3" in html and "3 kept, 1 churned" in html
    assert "71,000" in html  # the total ARR; B's 999,999 is in no row
    assert "999,999" not in html and "999999" not in html


def test_playbook_tasks_done_count_toward_their_holders_adherence(team_world, world_b):
    world, bob, now = team_world
    tenant = world.tenant
    on_alice = alert(account(tenant, world.csm, arr=1000), due_at=now)
    on_beta = alert(account(world_b.tenant, world_b.csm, arr=1000), due_at=now)

    def task(on, assignee, *, due, done):
        return Task.objects.for_tenant(on.tenant).create(
            tenant=on.tenant, alert=on, account=on.account, title="Executive call", assignee=assignee,
            due_at=now + timedelta(days=due), done_at=None if done is None else now + timedelta(days=done),
        )  # fmt: skip

    task(on_alice, world.csm, due=-3, done=-4)  # on time
    task(on_alice, world.csm, due=-3, done=-2)  # late
    task(on_alice, None, due=-3, done=-3)  # nobody's: its account's CSM holds it; exactly on time
    task(on_alice, bob, due=-3, done=-1)  # Bob's, late
    task(on_alice, world.csm, due=-120, done=-100)  # done before the 90 days
    task(on_alice, world.csm, due=-3, done=None)  # not done: no verdict yet
    task(on_beta, world_b.csm, due=-3, done=-1)
    rows = by_name(team_view(tenant=tenant, now=now))
    alice = rows[str(world.csm.user)]
    # Follow-ups 2 of 3 (the test above), tasks 2 of 3.
    assert (alice.adherence.on_time, alice.adherence.closed) == (4, 6)
    assert (rows["Bob"].adherence.on_time, rows["Bob"].adherence.closed) == (0, 2)
