"""Where a person is signed in: their own sessions only, each revocable, and revoked means signed out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import SignedInSession
from accounts.services.signed_in_sessions import SEEN_SESSION_KEY
from accounts.user_agents import user_agent_summary
from tests.accounts.two_factor_helpers import SESSIONS, sign_in

pytestmark = pytest.mark.django_db

CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def row_of(client) -> SignedInSession:
    return SignedInSession.objects.get(session_key=client.session.session_key)


def test_the_list_shows_each_of_my_sessions_and_which_is_this_one(world_a):
    email = world_a.csm.user.email
    sign_in(email, agent=CHROME_MAC)
    here, _ = sign_in(email)
    response = here.get(SESSIONS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chrome on macOS" in html and "Firefox on Linux" in html and "203.0.113.7" in html
    assert html.count("(this session)") == 1
    this_row = html.split('class="current-session"', 1)[1].split("</tr>", 1)[0]
    assert "Firefox on Linux" in this_row


@pytest.mark.parametrize("whose", ["same tenant", "other tenant"])
def test_a_member_neither_sees_nor_signs_out_another_members_session(world_a, world_b, whose):
    other_member = world_a.viewer if whose == "same tenant" else world_b.csm
    theirs, _ = sign_in(other_member.user.email, agent=CHROME_MAC)
    mine, _ = sign_in(world_a.csm.user.email)
    their_row = row_of(theirs)

    assert "Chrome on macOS" not in mine.get(SESSIONS).content.decode()
    refused = mine.post(SESSIONS, {"action": "revoke", "session": str(their_row.pk)})
    assert refused.status_code == 404
    mine.post(SESSIONS, {"action": "revoke_others"})
    assert signed_in(theirs) and SignedInSession.objects.filter(pk=their_row.pk).exists()


def test_signing_out_another_of_my_sessions_signs_it_out_at_once_and_is_audited(world_a):
    email = world_a.csm.user.email
    phone, _ = sign_in(email, agent=CHROME_MAC)
    laptop, _ = sign_in(email)
    assert signed_in(phone)
    row = row_of(phone)

    response = laptop.post(SESSIONS, {"action": "revoke", "session": str(row.pk)})
    assert response.status_code == 302
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")  # its very next request
    assert signed_in(laptop)
    assert not SignedInSession.objects.filter(pk=row.pk).exists()
    ended = SignedInSession.history.filter(id=row.pk, history_type="-").get()
    assert ended.history_change_reason == "signed out by its owner" and ended.history_user == world_a.csm.user


def test_signing_out_everywhere_else_keeps_this_session_only(world_a):
    email = world_a.csm.user.email
    others = [sign_in(email)[0] for _ in range(2)]
    here, _ = sign_in(email)
    assert here.post(SESSIONS, {"action": "revoke_others"}).status_code == 302
    assert [signed_in(c) for c in others] == [False, False] and signed_in(here)
    assert list(SignedInSession.objects.filter(user=world_a.csm.user)) == [row_of(here)]


def test_signing_out_this_session_from_the_list_signs_me_out(world_a):
    here, _ = sign_in(world_a.csm.user.email)
    response = here.post(SESSIONS, {"action": "revoke", "session": str(row_of(here).pk)})
    assert response.status_code == 302 and not signed_in(here)
    assert not SignedInSession.objects.filter(user=world_a.csm.user).exists()


def test_changing_the_password_signs_out_the_other_sessions_only(world_a):
    email = world_a.csm.user.email
    other, _ = sign_in(email)
    here, _ = sign_in(email)
    new = "a new and longer passphrase 42"
    response = here.post(
        "/admin/password_change/",
        {"old_password": "correct horse battery staple", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert signed_in(here) and not signed_in(other)
    rows = list(SignedInSession.objects.filter(user=world_a.csm.user))
    assert [r.session_key for r in rows] == [here.session.session_key]  # the row follows the re-keyed session


def test_last_seen_is_written_at_most_once_a_minute(world_a):
    here, _ = sign_in(world_a.csm.user.email)
    row = row_of(here)
    long_ago = timezone.now() - timedelta(hours=1)
    SignedInSession.objects.filter(pk=row.pk).update(last_seen_at=long_ago)
    here.get("/admin/")
    assert row_of(here).last_seen_at == long_ago  # seen at sign-in, under a minute ago: no write

    session = here.session
    session[SEEN_SESSION_KEY] = session[SEEN_SESSION_KEY] - 61
    session.save()
    here.get("/admin/")
    assert row_of(here).last_seen_at > long_ago + timedelta(minutes=59)


def test_a_bad_or_unknown_field_is_a_400_naming_it(world_a):
    here, _ = sign_in(world_a.csm.user.email)
    assert "session:" in here.post(SESSIONS, {"action": "revoke", "session": "x"}).content.decode()
    response = here.post(SESSIONS, {"action": "revoke_others", "user": "1"})
    assert response.status_code == 400 and "Unknown field: user." in response.content.decode()
    assert here.get(SESSIONS, {"user": "1"}).status_code == 400


@pytest.mark.parametrize(
    ("header", "summary"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
         "Edge on Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1",
         "Safari on iPhone"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
         "Chrome on Android"),
        ("", "Unknown browser"),
    ],
)  # fmt: skip
def test_a_user_agent_reads_as_browser_on_system(header, summary):
    assert user_agent_summary(header) == summary


def test_a_page_view_writes_nothing_once_the_session_is_known(world_a):
    """Neither the session nor its record is written back on an ordinary console page view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    here, _ = sign_in(world_a.csm.user.email)
    here.get("/admin/")  # the first page after sign-in settles the session's tenant
    with CaptureQueriesContext(connection) as queries:
        assert here.get("/admin/accounts/account/").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert writes == []
