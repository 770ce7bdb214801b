"""Where a person is signed in: record a session at sign-in, mark it seen, list it, sign it out.

Signing a session out deletes it from Django's session store, so its next request is anonymous (and a
request still running cannot save it back: the store refuses to update a deleted session). A row whose
session has ended some other way (expired, a password reset) is not listed, and is dropped at the person's
next sign-in.
"""

from __future__ import annotations

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.http import Http404
from django.utils.crypto import constant_time_compare

from accounts.models import SignedInSession, User

# The session's own note of its row, so a re-keyed session (a password change cycles the key) finds it again.
ROW_SESSION_KEY = "signed_in_session_id"
SEEN_SESSION_KEY = "signed_in_session_seen"
USER_AGENT_MAX = SignedInSession._meta.get_field("user_agent").max_length


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def session_record(*, user: User, session, ip_address: str | None, user_agent: str, now: datetime) -> SignedInSession:
    """The row for a session that has just signed in.

    Django re-keys a session at sign-in, except when the same person signs in again in it: that session's
    row is then replaced, so one key never has two rows.
    """
    SignedInSession.objects.filter(session_key=session.session_key).delete()
    row = SignedInSession(
        user=user, session_key=session.session_key, created_at=now, last_seen_at=now,
        ip_address=ip_address or None, user_agent=(user_agent or "")[:USER_AGENT_MAX],
    )  # fmt: skip
    row._change_reason = "signed in"
    row.save()
    session[ROW_SESSION_KEY] = row.pk
    session[SEEN_SESSION_KEY] = now.timestamp()
    return row


def session_seen(*, user: User, session, ip_address: str | None, user_agent: str, now: datetime) -> None:
    """Mark the session seen now, at most once per ``SESSION_SEEN_EVERY_SECONDS`` (the session remembers when)."""
    last = session.get(SEEN_SESSION_KEY)
    if isinstance(last, int | float) and now.timestamp() - last < settings.SESSION_SEEN_EVERY_SECONDS:
        return
    key = session.session_key
    if key is None:
        return
    updated = SignedInSession.objects.filter(pk=session.get(ROW_SESSION_KEY), user=user).update(
        session_key=key, last_seen_at=now, ip_address=ip_address or None
    )
    if not updated:
        # Signed in before sessions were recorded, or the row was dropped: record it from here on.
        SignedInSession.objects.filter(session_key=key).delete()
        session_record(user=user, session=session, ip_address=ip_address, user_agent=user_agent, now=now)
        return
    session[SEEN_SESSION_KEY] = now.timestamp()


def _still_signed_in(user: User, session_key: str) -> bool:
    data = _store(session_key).load()  # an ended or unknown session loads as {} and creates nothing
    if str(data.get(SESSION_KEY)) != str(user.pk) or BACKEND_SESSION_KEY not in data:
        return False
    return constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())


def _end(rows, *, reason: str) -> int:
    """Delete ``rows`` and their sessions from the store; each deletion is audited with ``reason``."""
    ended = 0
    for row in rows:
        _store().delete(row.session_key)
        row._change_reason = reason
        row.delete()
        ended += 1
    return ended


def sessions_of(*, user: User) -> list[SignedInSession]:
    """The person's sessions that are still signed in, most recently seen first (reading writes nothing)."""
    return [row for row in SignedInSession.objects.filter(user=user) if _still_signed_in(user, row.session_key)]


def sessions_ended_forget(*, user: User) -> int:
    """Drop the rows of the person's sessions that ended without signing out (expired, a password changed)."""
    rows = [row for row in SignedInSession.objects.filter(user=user) if not _still_signed_in(user, row.session_key)]
    for row in rows:
        row._change_reason = "ended"
        row.delete()
    return len(rows)


@transaction.atomic
def session_revoke(*, user: User, session_id: int) -> None:
    """Sign out one of the person's own sessions; another person's (or a missing) session is not found."""
    row = SignedInSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        raise Http404("No such session.")
    _end([row], reason="signed out by its owner")


def _current_row(*, user: User, session) -> SignedInSession | None:
    """The row of ``session``, its key brought up to date (a password change re-keys the session)."""
    row = SignedInSession.objects.filter(user=user, pk=session.get(ROW_SESSION_KEY)).first()
    if row is None:
        row = SignedInSession.objects.filter(user=user, session_key=session.session_key or "").first()
    if row is not None and session.session_key and row.session_key != session.session_key:
        SignedInSession.objects.filter(pk=row.pk).update(session_key=session.session_key)
        row.session_key = session.session_key
    return row


def current_session_id(*, user: User, session) -> int | None:
    """The id of the row recording ``session`` (None when it has none)."""
    row = _current_row(user=user, session=session)
    return row.pk if row is not None else None


@transaction.atomic
def session_keep_only(*, user: User, session, reason: str) -> int:
    """Sign out every session of the person but ``session``; returns how many were signed out.

    Used by "sign out everywhere else", and after a password change or turning two-factor sign-in off.
    """
    current = _current_row(user=user, session=session)
    others = SignedInSession.objects.filter(user=user)
    if current is not None:
        others = others.exclude(pk=current.pk)
    return _end(list(others), reason=reason)


def session_forget(*, session_key: str | None) -> None:
    """The session signed out by itself: its row goes (audited), the store entry is Django's to flush."""
    if not session_key:
        return
    for row in SignedInSession.objects.filter(session_key=session_key):
        row._change_reason = "signed out"
        row.delete()
