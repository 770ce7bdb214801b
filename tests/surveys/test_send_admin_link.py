"""In DEBUG, an invitation's admin page shows its survey link, so the quick start needs no mailbox."""

from surveys.tokens import token_for
from tests.conftest import session_client
from tests.factories import ContactFactory
from tests.surveys.conftest import link_path, make_send, make_survey


def _send(world):
    return make_send(make_survey(world.tenant), ContactFactory(tenant=world.tenant))


def _page(client, send):
    return client.get(f"/admin/surveys/surveysend/{send.pk}/change/")


def test_in_debug_the_send_page_shows_a_link_that_opens_the_survey(settings, client, world_a):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8123"
    send = _send(world_a)
    page = _page(session_client(client, world_a.csm), send)
    assert page.status_code == 200
    link = f"http://127.0.0.1:8123{link_path(send)}"
    assert f'href="{link}"' in page.content.decode()
    client.logout()
    assert client.get(link_path(send)).status_code == 200  # the public page, signed out


def test_without_debug_the_link_is_not_shown(settings, client, world_a):
    settings.DEBUG = False
    send = _send(world_a)
    page = _page(session_client(client, world_a.admin), send)
    assert page.status_code == 200
    assert token_for(send) not in page.content.decode()
    assert "Invitation link" not in page.content.decode()


def test_another_tenants_send_shows_no_link(settings, client, world_a, world_b):
    settings.DEBUG = True
    theirs = _send(world_b)
    page = client.get(f"/admin/surveys/surveysend/{theirs.pk}/change/", follow=True)
    assert token_for(theirs) not in page.content.decode()
    session_client(client, world_a.admin)
    page = client.get(f"/admin/surveys/surveysend/{theirs.pk}/change/", follow=True)
    assert token_for(theirs) not in page.content.decode()
