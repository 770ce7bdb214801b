"""The follow-ups console's dead ends: activities every role can read, open work first and due soonest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followups.models import FollowUp, Status
from followups.services.working import activity_log
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db

FOLLOWUPS = "/admin/followups/followup/"


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def answer(world, name, score=3, owner=None):
    account = AccountFactory(tenant=world.tenant, name=f"{name} Corp", csm_owner=owner or world.csm)
    return followup_of(respond(ContactFactory(account=account, name=name), score))


def set_row(followup, **fields):
    FollowUp.objects.for_tenant(followup.tenant).filter(pk=followup.pk).update(**fields)


@pytest.mark.parametrize("role", ["csm", "viewer", "admin"])
def test_every_role_reads_the_activities_of_a_follow_up(client, world_a, role):
    followup = answer(world_a, "Jo Doe")
    activity_log(tenant=world_a.tenant, followup=followup, kind="call", note="Called about slow reports")
    page = page_of(session_client(client, getattr(world_a, role)).get(f"{FOLLOWUPS}{followup.pk}/change/"))
    assert "Called about slow reports" in page


def test_a_viewer_reads_the_activities_but_cannot_add_one(client, world_a):
    followup = answer(world_a, "Jo Doe")
    activity_log(tenant=world_a.tenant, followup=followup, kind="call", note="Called about slow reports")
    url = f"{FOLLOWUPS}{followup.pk}/change/"
    assert 'name="activities-1-note"' in page_of(session_client(client, world_a.csm).get(url))  # a blank row to log
    page = page_of(session_client(client, world_a.viewer).get(url))
    assert "Called about slow reports" in page
    assert 'name="activities-0-note"' not in page and 'name="activities-1-note"' not in page


def test_the_list_opens_on_open_work_due_soonest_first(client, world_a):
    now = timezone.now()
    closed_last_year = answer(world_a, "Closed Person")
    set_row(
        closed_last_year, status=Status.CLOSED, closed_at=now - timedelta(days=365), due_at=now - timedelta(days=366)
    )
    later, sooner = answer(world_a, "Later Person"), answer(world_a, "Sooner Person")
    set_row(later, due_at=now + timedelta(days=5))
    set_row(sooner, due_at=now + timedelta(days=1))
    page = page_of(session_client(client, world_a.csm).get(FOLLOWUPS, {"mine": "yes"}))
    assert "Closed Person" not in page
    assert page.index("Sooner Person") < page.index("Later Person")
    every = page_of(session_client(client, world_a.csm).get(FOLLOWUPS, {"work": "all"}))
    assert "Closed Person" in every and "Sooner Person" in every
    closed = page_of(session_client(client, world_a.csm).get(FOLLOWUPS, {"work": "closed"}))
    assert "Closed Person" in closed and "Sooner Person" not in closed


def test_due_first_wins_over_own_first(client, world_a):
    now = timezone.now()
    mine_later = answer(world_a, "Mine Later")
    theirs_sooner = answer(world_a, "Theirs Sooner", owner=world_a.admin)
    set_row(mine_later, due_at=now + timedelta(days=3))
    set_row(theirs_sooner, due_at=now + timedelta(days=1))
    page = page_of(session_client(client, world_a.csm).get(FOLLOWUPS))
    assert page.index("Theirs Sooner") < page.index("Mine Later")


def test_mine_shows_only_the_members_follow_ups(client, world_a, world_b):
    answer(world_a, "Mine Person")
    answer(world_a, "Admins Person", owner=world_a.admin)
    answer(world_b, "Other Tenant Person")
    page = page_of(session_client(client, world_a.csm).get(FOLLOWUPS, {"mine": "yes"}))
    assert "Mine Person" in page and "Admins Person" not in page and "Other Tenant Person" not in page


def test_follow_ups_of_churned_accounts_are_out_of_the_list_unless_asked_for(client, world_a):
    churned = answer(world_a, "Gone Person")
    churned.account.lifecycle_stage = "churned"
    churned.account.save()
    answer(world_a, "Live Person")
    c = session_client(client, world_a.csm)
    page = page_of(c.get(FOLLOWUPS))
    assert "Live Person" in page and "Gone Person" not in page
    assert "Gone Person" in page_of(c.get(FOLLOWUPS, {"churned": "show"}))


def test_only_those_who_may_close_a_follow_up_see_its_close_button(client, world_a):
    followup = answer(world_a, "Jo Doe")
    url = f"{FOLLOWUPS}{followup.pk}/change/"
    close = f"{FOLLOWUPS}{followup.pk}/close/"
    assert close in page_of(session_client(client, world_a.csm).get(url))
    viewer = session_client(client, world_a.viewer)
    assert close not in page_of(viewer.get(url))
    assert viewer.get(close).status_code == 403
