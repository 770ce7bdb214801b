"""The digest's unsubscribe link turns the digest off without a login; a tampered link changes nothing."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.workspace.builders import account, alert
from tests.workspace.test_digest import SPRING_FORWARD_0800
from workspace.services.digest import send_due_digests
from workspace.services.notifications import preference_for
from workspace.services.unsubscribe_links import unsubscribe_token

pytestmark = pytest.mark.django_db


def _digest_link(world) -> str:
    world.tenant.time_zone = "Europe/London"
    world.tenant.save()
    alert(account(world.tenant, world.csm, name="Mine Ltd"), due_at=SPRING_FORWARD_0800, title="Call back")
    assert send_due_digests(tenant=world.tenant, now=SPRING_FORWARD_0800) == 1
    (email,) = mail.outbox
    (link,) = re.findall(r"Stop the daily digest: (\S+)", email.body)
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert f'href="{link}"' in email.alternatives[0][0]
    return urlsplit(link).path


def test_opening_the_link_turns_the_digest_off_without_a_login(world_a, client):
    path = _digest_link(world_a)
    response = client.get(path)
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    preference = preference_for(world_a.csm)
    assert preference.daily_digest is False and preference.unsubscribed_at is not None
    assert preference.urgent_email is True


def test_the_one_click_post_unsubscribes_too(world_a, client):
    assert client.post(_digest_link(world_a), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert preference_for(world_a.csm).daily_digest is False


def test_a_tampered_link_is_refused_and_changes_nothing(world_a, world_b, client):
    token = unsubscribe_token(world_a.csm)
    signature = token.rpartition(":")[2]
    forged = unsubscribe_token(world_b.csm).rpartition(":")[0] + ":" + signature
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense"):
        response = client.get(f"/email/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert b"This link is not valid" in response.content
    assert preference_for(world_a.csm).daily_digest is True
    assert preference_for(world_b.csm).daily_digest is True


def test_a_token_signed_for_another_purpose_is_refused(world_a, client):
    from django.core import signing

    other = signing.dumps({"m": world_a.csm.pk, "t": world_a.tenant.pk}, salt="accounts.invitation")
    assert client.get(f"/email/unsubscribe/{other}/").status_code == 400
    assert preference_for(world_a.csm).daily_digest is True


def test_an_urgent_link_stops_urgent_emails_and_leaves_the_digest(world_a, client):
    from workspace.services.unsubscribe_links import URGENT

    assert client.get(f"/email/unsubscribe/{unsubscribe_token(world_a.csm, URGENT)}/").status_code == 200
    preference = preference_for(world_a.csm)
    assert (preference.daily_digest, preference.urgent_email) == (True, False)
    assert preference.unsubscribed_at is not None


def test_a_link_naming_an_unknown_kind_is_refused(world_a, client):
    from django.core import signing

    from workspace.services.unsubscribe_links import SALT

    odd = signing.dumps({"m": world_a.csm.pk, "t": world_a.tenant.pk, "k": "everything"}, salt=SALT)
    assert client.get(f"/email/unsubscribe/{odd}/").status_code == 400
    assert (preference_for(world_a.csm).daily_digest, preference_for(world_a.csm).urgent_email) == (True, True)
