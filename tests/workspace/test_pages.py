"""Who opens which workspace page, with which parameters, and where each role lands after signing in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from tests.conftest import session_client
from tests.factories import MembershipFactory, UserFactory
from tests.workspace.builders import account, alert, contact, followup

pytestmark = pytest.mark.django_db
TODAY, TEAM = "/admin/work/today/", "/admin/work/team/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def books(world_a, world_b):
    """An alert and a follow-up due for A's CSM, for another CSM of A, and for B's CSM."""
    soon = timezone.now() + timedelta(hours=1)
    other = MembershipFactory(tenant=world_a.tenant, role=Role.CSM, user=UserFactory(email="other@alpha.test"))
    for who, tenant, name in ((world_a.csm, world_a.tenant, "Mine"), (other, world_a.tenant, "Others"),
                              (world_b.csm, world_b.tenant, "Betas")):  # fmt: skip
        owned = account(tenant, who, name=f"{name} Account", score=20)
        alert(owned, due_at=soon, assignee=who, title=f"{name} alert")
        followup(contact(owned), due_at=soon - timedelta(days=2), assignee=who)
    return world_a, other


def test_a_csms_today_shows_their_book_only(client, books):
    world, _ = books
    response = session_client(client, world.csm).get(TODAY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mine alert" in html and "Mine Account" in html
    assert "Others" not in html and "Betas" not in html
    assert 'name="member"' not in html  # a CSM has nobody else's day to pick


def test_a_csm_may_not_open_another_members_today(client, books):
    world, other = books
    assert session_client(client, world.csm).get(TODAY, {"member": other.pk}).status_code == 403
    assert client.get(TODAY, {"member": world.csm.pk}).status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_a_leader_opens_a_csms_today_read_only(client, books, role):
    world, other = books
    leader = world.admin if role == Role.ADMIN else world.viewer
    html = session_client(client, leader).get(TODAY, {"member": other.pk}).content.decode()
    assert "Others alert" in html and "(read-only)" in html
    assert "Mine alert" not in html and "Betas" not in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CSM, Role.VIEWER])
def test_another_tenants_member_or_a_missing_one_is_not_found(client, books, world_b, role):
    world, _ = books
    signed_in = session_client(client, {Role.ADMIN: world.admin, Role.CSM: world.csm, Role.VIEWER: world.viewer}[role])
    assert signed_in.get(TODAY, {"member": world_b.csm.pk}).status_code == 404
    assert signed_in.get(TODAY, {"member": 987654321}).status_code == 404


def test_a_user_who_is_no_member_is_not_found(client, books):
    world, _ = books
    outsider = MembershipFactory(role=Role.CSM)  # a member of another tenant only
    assert session_client(client, world.admin).get(TODAY, {"member": outsider.pk}).status_code == 404


@pytest.mark.parametrize("url", [TODAY, TEAM])
def test_unknown_parameters_are_refused_by_name(client, books, url):
    world, _ = books
    response = session_client(client, world.admin).get(url, {"mine": "1", "sort": "arr"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown parameter: mine." in html and "Unknown parameter: sort." in html


def test_a_member_id_that_is_not_a_number_is_refused_by_name(client, books):
    world, _ = books
    response = session_client(client, world.admin).get(TODAY, {"member": "alice"})
    assert response.status_code == 400 and "member" in response.content.decode().lower()


def test_the_team_view_is_open_to_every_member_and_read_only(client, books):
    world, _other = books
    for member in (world.admin, world.csm, world.viewer):
        response = session_client(Client(), member).get(TEAM)
        html = response.content.decode()
        assert response.status_code == 200 and 'id="team"' in html
        assert "Others Account" not in html and "Betas" not in html  # figures, not other books' rows
        assert 'id="work-due"' not in html  # no work list: nothing to act on


def test_today_and_team_come_first_among_the_dashboards(client, books):
    world, _ = books
    html = session_client(client, world.csm).get("/admin/").content.decode()
    assert html.index(TODAY) < html.index(TEAM) < html.index("/admin/health-dashboard/")


def sign_in(email: str, next_url: str | None = None):
    client = Client()
    form = client.get("/admin/login/", {"next": next_url} if next_url else None)
    posted = {"username": email, "password": PASSWORD, "next": form.context["next"]}
    return client.post("/admin/login/", posted, follow=True)


@pytest.mark.parametrize(("role", "lands"), [(Role.CSM, TODAY), (Role.ADMIN, TEAM), (Role.VIEWER, TEAM)])
def test_signing_in_lands_a_csm_on_today_and_a_leader_on_the_team(world_a, role, lands):
    member = {Role.ADMIN: world_a.admin, Role.CSM: world_a.csm, Role.VIEWER: world_a.viewer}[role]
    response = sign_in(member.user.email)
    assert response.redirect_chain[-1][0] == lands and response.status_code == 200


def test_signing_in_with_a_page_to_return_to_goes_there(world_a):
    assert sign_in(world_a.csm.user.email, "/admin/").redirect_chain[-1][0] == "/admin/"
