"""The digest's "New alerts": the member's alerts opened since their previous digest was composed (a first digest:
the last 24 hours), so each alert is new in exactly one digest, across the night the clocks go back too."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from alerts.models import Alert
from tests.workspace.builders import account, alert
from workspace.services.digest import send_due_digests

pytestmark = pytest.mark.django_db

# Europe/London, October 2026: BST (UTC+1) until 02:00 on Sunday 25 October, GMT (UTC+0) after it.
SATURDAY_0800 = datetime(2026, 10, 24, 7, 0, tzinfo=UTC)  # 08:00 BST
SUNDAY_0800 = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 08:00 GMT, 25 hours after Saturday's
MONDAY_0800 = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
FAR_DUE = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)  # due later than any of these digests: in no other section


@pytest.fixture
def london(world_a, world_b):
    for world in (world_a, world_b):
        world.tenant.time_zone = "Europe/London"
        world.tenant.save()
    return world_a


def opened(of_account, title, at, **fields):
    made = alert(of_account, due_at=FAR_DUE, title=title, **fields)
    Alert.objects.for_tenant(of_account.tenant).filter(pk=made.pk).update(first_fired_at=at, last_fired_at=at)
    return made


def new_alerts_section(email) -> str:
    """The text part's "New alerts" lines."""
    body = email.body
    if "New alerts\n" not in body:
        return ""
    return body.split("New alerts\n", 1)[1].split("\n\n", 1)[0]


def digest_at(world, now):
    """The digest the world's CSM gets at ``now``."""
    mail.outbox.clear()
    send_due_digests(tenant=world.tenant, now=now)
    (email,) = [m for m in mail.outbox if m.to == [world.csm.user.email]]
    return email


def test_new_alerts_run_from_the_previous_digest_across_the_clocks_going_back(london, world_b):
    mine = account(london.tenant, london.csm, name="Mine Ltd")
    opened(mine, "Usage fell before Saturday's digest", datetime(2026, 10, 24, 6, 59, tzinfo=UTC))  # 07:59 BST
    opened(mine, "Seats dropped Saturday morning", datetime(2026, 10, 24, 7, 30, tzinfo=UTC))  # 08:30 BST
    opened(mine, "Ticket spike in the repeated hour", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 01:30 GMT
    opened(mine, "Champion left on Sunday", datetime(2026, 10, 25, 9, 0, tzinfo=UTC))  # after Sunday's digest
    opened(
        account(world_b.tenant, world_b.csm, name="Bravo Ltd"), "Bravo alert", datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    )

    saturday = new_alerts_section(digest_at(london, SATURDAY_0800))
    assert "Usage fell before Saturday's digest" in saturday and "opened 24 Oct 2026 07:59" in saturday
    assert "Seats dropped" not in saturday

    # Saturday's digest was composed at 07:00 UTC; Sunday's window is the 25 hours from there. The last 24 hours
    # would start at 08:00 UTC Saturday and miss the alert of 07:30 UTC (08:30 BST).
    sunday_email = digest_at(london, SUNDAY_0800)
    sunday = new_alerts_section(sunday_email)
    assert sunday.splitlines() == [
        line
        for line in sunday.splitlines()
        if "Ticket spike in the repeated hour" in line or "Seats dropped Saturday morning" in line
    ]
    assert len(sunday.splitlines()) == 2
    assert sunday.index("Ticket spike") < sunday.index("Seats dropped")  # the latest first
    assert "opened 25 Oct 2026 01:30" in sunday and "opened 24 Oct 2026 08:30" in sunday
    html = sunday_email.alternatives[0][0]
    assert "<h2>New alerts</h2>" in html and "Seats dropped Saturday morning" in html
    assert "Usage fell before" not in html and "Bravo" not in html
    assert "https://" in sunday or "http://" in sunday  # each line links to the alert in the console

    monday = new_alerts_section(digest_at(london, MONDAY_0800))
    assert [line.split(" (")[0] for line in monday.splitlines()] == ["- Champion left on Sunday"]


def test_a_first_digest_lists_the_alerts_of_the_last_24_hours(london):
    mine = account(london.tenant, london.csm, name="Mine Ltd")
    opened(mine, "Opened 24.5 hours before", datetime(2026, 10, 24, 7, 30, tzinfo=UTC))
    opened(mine, "Opened 23.5 hours before", datetime(2026, 10, 24, 8, 30, tzinfo=UTC))

    section = new_alerts_section(digest_at(london, SUNDAY_0800))

    assert [line.split(" (")[0] for line in section.splitlines()] == ["- Opened 23.5 hours before"]


def test_new_alerts_are_the_members_own_and_still_open(london):
    from alerts.models import AlertStatus
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(tenant=london.tenant, role="csm")
    mine = account(london.tenant, london.csm, name="Mine Ltd")
    theirs = account(london.tenant, colleague, name="Their Ltd")
    at = datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    opened(mine, "On my account", at)
    opened(theirs, "Assigned to me on theirs", at, assignee=london.csm)
    opened(theirs, "Theirs alone", at)
    opened(mine, "Closed already", at, status=AlertStatus.CLOSED)

    section = new_alerts_section(digest_at(london, SUNDAY_0800))

    titles = sorted(line.split(" (")[0] for line in section.splitlines())
    assert titles == ["- Assigned to me on theirs", "- On my account"]
