"""The alerts console's dead ends: a refused close that stays editable, open work due first, Mine, churned."""

import pytest

from alerts.models import AlertStatus
from alerts.services import alert_raise, alert_update
from tests.alerts.builders import due
from tests.conftest import session_client
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALERTS = "/admin/alerts/alert/"


def raised(world, tag, *, owner=None, assignee=None, days=2, stage="adopting"):
    account = AccountFactory(
        tenant=world.tenant, name=f"{tag} Corp", csm_owner=owner or world.csm, lifecycle_stage=stage
    )
    return alert_raise(tenant=world.tenant, account=account, key="k", title=f"{tag} title", message=f"{tag} message",
                       priority="high", due_at=due(days), assignee=assignee)  # fmt: skip


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_closing_without_a_note_shows_the_error_on_the_note_and_stays_editable(client, world_a):
    alert = raised(world_a, "Ours")
    c = session_client(client, world_a.csm)
    url = f"{ALERTS}{alert.pk}/change/"
    page = page_of(c.post(url, {"status": "closed", "assignee": world_a.csm.pk, "closing_note": ""}))
    assert "A note is required to close an alert." in page
    assert '<textarea name="closing_note"' in page and '<select name="status"' in page
    assert 'name="_save"' in page
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert c.post(url, {"status": "closed", "assignee": world_a.csm.pk, "closing_note": "Called."}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert '<textarea name="closing_note"' not in page_of(c.get(url))  # read-only once closed


def test_the_list_opens_on_open_alerts_due_soonest_first(client, world_a):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    closed = raised(world_a, "Closed one", days=-300)
    alert_update(tenant=world_a.tenant, alert=closed, status=AlertStatus.CLOSED, note="Done.")
    raised(world_a, "Mine later", assignee=world_a.csm, days=5)
    raised(world_a, "Theirs sooner", owner=other, assignee=other, days=1)
    c = session_client(client, world_a.csm)
    page = page_of(c.get(ALERTS))
    assert "Closed one" not in page
    assert page.index("Theirs sooner") < page.index("Mine later")
    assert "Closed one" in page_of(c.get(ALERTS, {"work": "all"}))
    only_closed = page_of(c.get(ALERTS, {"work": "closed"}))
    assert "Closed one" in only_closed and "Mine later" not in only_closed
    assert "Closed one" in page_of(c.get(ALERTS, {"status__exact": "closed"}))  # the status filter wins


def test_mine_is_assigned_to_me_or_on_my_accounts(client, world_a, world_b):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    raised(world_a, "Assigned to me", owner=other, assignee=world_a.csm)
    raised(world_a, "On my account", assignee=other)
    raised(world_a, "Not mine", owner=other, assignee=other)
    raised(world_b, "Other tenant", owner=world_b.csm)
    page = page_of(session_client(client, world_a.csm).get(ALERTS, {"mine": "yes"}))
    assert "Assigned to me" in page and "On my account" in page
    assert "Not mine" not in page and "Other tenant" not in page


def test_alerts_of_churned_accounts_are_out_of_the_list_unless_asked_for(client, world_a):
    raised(world_a, "Gone", stage="churned")
    raised(world_a, "Live")
    c = session_client(client, world_a.csm)
    page = page_of(c.get(ALERTS))
    assert "Live title" in page and "Gone title" not in page
    assert "Gone title" in page_of(c.get(ALERTS, {"churned": "show"}))
    only = page_of(c.get(ALERTS, {"churned": "only"}))
    assert "Gone title" in only and "Live title" not in only
