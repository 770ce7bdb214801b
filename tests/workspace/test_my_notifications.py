"""My notifications: every member, viewers included, sees and changes their own email choices in the console, and
only their own: no id in the request reaches another member's, in their tenant or another."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from accounts.middleware import SESSION_KEY
from accounts.roles import Role
from tests.conftest import session_client
from tests.factories import MembershipFactory
from workspace.models import NotificationPreference
from workspace.services.notifications import preference_for, unsubscribe
from workspace.services.unsubscribe_links import URGENT, unsubscribe_token

pytestmark = pytest.mark.django_db
URL = "/admin/work/notifications/"


def checked(content: bytes, name: str) -> bool:
    (tag,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', content.decode())
    return " checked" in tag


def choices(membership) -> tuple[bool, bool]:
    preference = preference_for(membership)
    return preference.daily_digest, preference.urgent_email


def test_a_csm_sees_their_choices_and_turns_the_digest_off(client, world_a):
    session_client(client, world_a.csm)
    page = client.get(URL)
    assert page.status_code == 200
    assert checked(page.content, "daily_digest") and checked(page.content, "urgent_email")
    assert world_a.csm.user.email.encode() in page.content

    saved = client.post(URL, {"urgent_email": "on"})

    assert saved.status_code == 302 and saved["Location"] == URL
    assert choices(world_a.csm) == (False, True)
    page = client.get(URL)
    assert not checked(page.content, "daily_digest") and checked(page.content, "urgent_email")
    assert b"Your notification settings are saved." in page.content


def test_a_viewer_changes_their_own_choices_too(client, world_a):
    session_client(client, world_a.viewer)
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"daily_digest": "on"}).status_code == 302
    assert choices(world_a.viewer) == (True, False)


def test_an_id_in_the_request_never_reaches_another_members_choices(client, world_a, world_b):
    colleague = world_a.admin
    for other in (colleague, world_b.csm):
        preference_for(other)
    session_client(client, world_a.csm)
    tampered = [
        {"membership": colleague.pk}, {"membership_id": colleague.pk}, {"id": preference_for(colleague).pk},
        {"membership": world_b.csm.pk}, {"tenant": world_b.tenant.pk},
    ]  # fmt: skip
    for extra in tampered:
        answer = client.post(URL, {**extra})  # both boxes unticked: everything off, were it accepted
        assert answer.status_code == 400
        (field,) = extra
        assert f"Unknown field: {field}.".encode() in answer.content
    assert client.get(URL, {"member": colleague.pk}).status_code == 400
    assert choices(world_a.csm) == (True, True)
    assert choices(colleague) == (False, True)  # an admin without accounts: no digest by default, untouched
    assert choices(world_b.csm) == (True, True)

    assert client.post(URL, {}).status_code == 302  # the same request without the id: the sender's own, only
    assert choices(world_a.csm) == (False, False)
    assert choices(colleague) == (False, True) and choices(world_b.csm) == (True, True)


def test_a_member_of_two_tenants_changes_only_the_active_tenants_choices(client, world_a, world_b):
    user = world_a.csm.user
    in_b = MembershipFactory(tenant=world_b.tenant, user=user, role=Role.CSM)
    session_client(client, in_b)
    assert client.post(URL, {}).status_code == 302
    assert choices(in_b) == (False, False)
    assert choices(world_a.csm) == (True, True)


def test_resubscribing_after_an_unsubscribe_link(client, world_a):
    world_a.tenant.time_zone = "Pacific/Auckland"
    world_a.tenant.save()
    with time_machine.travel(datetime(2026, 12, 7, 11, 30, tzinfo=UTC), tick=False):  # 00:30 on the 8th there
        unsubscribe(membership=world_a.csm, digest=True)
    session_client(client, world_a.csm)
    page = client.get(URL)
    assert b"You unsubscribed from an email's link on 8 Dec 2026 00:30 (Pacific/Auckland)" in page.content
    assert not checked(page.content, "daily_digest")

    client.post(URL, {"daily_digest": "on", "urgent_email": "on"})

    preference = preference_for(world_a.csm)
    assert (preference.daily_digest, preference.urgent_email, preference.unsubscribed_at) == (True, True, None)
    assert b"You unsubscribed" not in client.get(URL).content


def test_the_user_menu_and_the_work_pages_link_to_it(client, world_a):
    session_client(client, world_a.viewer)
    for page in ("/admin/", "/admin/work/team/"):
        assert f'href="{URL}"'.encode() in client.get(page).content, page


def test_the_unsubscribe_page_links_to_it(client, world_a):
    page = client.get(f"/email/unsubscribe/{unsubscribe_token(world_a.csm, URGENT)}/")
    assert page.status_code == 200
    assert b"You will no longer receive urgent emails from Alpha." in page.content
    assert f'href="{URL}"'.encode() in page.content
    assert choices(world_a.csm) == (True, False)


def test_an_operator_outside_the_tenant_has_no_choices_there(client, world_a):
    operator = get_user_model().objects.create_superuser(email="root@platform.test", password="x")
    client.force_login(operator)
    session = client.session
    session[SESSION_KEY] = world_a.tenant.pk
    session.save()
    assert client.get(URL).status_code == 302
    assert client.post(URL, {}).status_code == 302
    assert not NotificationPreference.objects.for_tenant(world_a.tenant).exists()
