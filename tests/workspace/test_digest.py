"""The daily digest: each CSM's own book only, after 08:00 on the tenant's clock (DST days too), once a day,
never empty, and never to a member who turned it off."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.workspace.builders import account, alert
from workspace.models import DigestSend
from workspace.services.digest import send_due_digests
from workspace.services.notifications import preference_for
from workspace.tasks import send_tenant_digests

pytestmark = pytest.mark.django_db

# 29 March 2026, the day London moves to BST: 08:00 local is 07:00 UTC.
SPRING_FORWARD_0800 = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


@pytest.fixture
def london(world_a, world_b):
    for world in (world_a, world_b):
        world.tenant.time_zone = "Europe/London"
        world.tenant.save()
    return world_a


def _overdue_alert(of_account, title):
    return alert(of_account, due_at=SPRING_FORWARD_0800 - timedelta(days=1), title=title)


def _mail_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_a_digest_holds_only_the_csms_own_book(london, world_b, settings):
    settings.SITE_URL = "https://cs.example.com"
    colleague = MembershipFactory(tenant=london.tenant, role=Role.CSM, user=UserFactory(email="colleague@alpha.test"))
    _overdue_alert(account(london.tenant, london.csm, name="Mine Ltd"), "Call Mine Ltd back")
    _overdue_alert(account(london.tenant, colleague, name="Colleague Corp"), "Colleague Corp escalation")
    _overdue_alert(account(world_b.tenant, world_b.csm, name="Bravo Private"), "Bravo Private escalation")

    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800) == 2

    (mine,) = _mail_to(london.csm.user.email)
    html = mine.alternatives[0][0]
    for part in (mine.body, html):
        assert "Mine Ltd" in part and "Call Mine Ltd back" in part
        assert "Colleague Corp" not in part and "Bravo Private" not in part
    assert "https://cs.example.com/admin/accounts/account/" in mine.body
    assert 'href="https://cs.example.com/admin/work/today/"' in html and mine.alternatives[0][1] == "text/html"
    (theirs,) = _mail_to("colleague@alpha.test")
    assert "Colleague Corp" in theirs.body and "Mine Ltd" not in theirs.body
    assert _mail_to(world_b.csm.user.email) == []


def test_before_0800_on_the_spring_forward_day_nothing_goes(london):
    _overdue_alert(account(london.tenant, london.csm, name="Mine Ltd"), "Call back")
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800 - timedelta(minutes=1)) == 0
    assert mail.outbox == []
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800) == 1


def test_the_sweep_sends_at_0800_new_york_on_the_fall_back_day(world_a):
    world_a.tenant.time_zone = "America/New_York"
    world_a.tenant.save()
    # 1 November 2026: 08:00 EST is 13:00 UTC; at 12:30 UTC it is 07:30 there.
    _overdue_alert(account(world_a.tenant, world_a.csm, name="Mine Ltd"), "Call back")
    with time_machine.travel(datetime(2026, 11, 1, 12, 30, tzinfo=UTC), tick=False):
        assert send_tenant_digests.apply(kwargs={"tenant_id": world_a.tenant.pk}).get() == 0
    with time_machine.travel(datetime(2026, 11, 1, 13, 0, tzinfo=UTC), tick=False):
        assert send_tenant_digests.apply(kwargs={"tenant_id": world_a.tenant.pk}).get() == 1
    assert len(mail.outbox) == 1


def test_a_digest_goes_once_a_day(london):
    _overdue_alert(account(london.tenant, london.csm, name="Mine Ltd"), "Call back")
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800) == 1
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800 + timedelta(minutes=15)) == 0
    assert len(mail.outbox) == 1
    assert DigestSend.objects.for_tenant(london.tenant).get().day.isoformat() == "2026-03-29"
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800 + timedelta(days=1)) == 1


def test_an_empty_digest_is_not_sent(london):
    account(london.tenant, london.csm, name="Quiet Ltd")
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800) == 0
    assert mail.outbox == []
    assert not DigestSend.objects.for_tenant(london.tenant).exists()


def test_a_member_who_turned_the_digest_off_gets_none(london):
    _overdue_alert(account(london.tenant, london.csm, name="Mine Ltd"), "Call back")
    preference = preference_for(london.csm)
    preference.daily_digest = False
    preference.save()
    assert send_due_digests(tenant=london.tenant, now=SPRING_FORWARD_0800) == 0
    assert mail.outbox == []


def test_due_times_read_on_the_tenant_clock_with_their_year(world_a):
    """An item due at 04:59 UTC on 1 March 2026 was due at 23:59 on 28 February 2026 in New York; shown
    without its year, a follow-up overdue since last December would read as due later this month."""
    world_a.tenant.time_zone = "America/New_York"
    world_a.tenant.save()
    alert(account(world_a.tenant, world_a.csm, name="Eastern Ltd"), due_at=datetime(2026, 3, 1, 4, 59, tzinfo=UTC),
          title="Call Eastern back")  # fmt: skip

    send_due_digests(tenant=world_a.tenant, now=datetime(2026, 3, 2, 14, 0, tzinfo=UTC))

    (digest,) = _mail_to(world_a.csm.user.email)
    for part in (digest.body, digest.alternatives[0][0]):
        assert "due 28 Feb 2026 23:59" in part
