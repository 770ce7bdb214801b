"""Keeps the record of signed-in sessions: a row at sign-in, gone at sign-out, "last seen" once a minute."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from accounts.client_address import client_address
from accounts.services.signed_in_sessions import session_forget, session_record, session_seen, sessions_ended_forget


def _where(request) -> tuple[str | None, str]:
    return client_address(request) or None, request.META.get("HTTP_USER_AGENT", "")


@receiver(user_logged_in, dispatch_uid="accounts.signed_in_session_record")
def record_signed_in_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return
    ip_address, user_agent = _where(request)
    sessions_ended_forget(user=user)  # at each sign-in, so the list stays short without a periodic sweep
    session_record(user=user, session=session, ip_address=ip_address, user_agent=user_agent, now=timezone.now())


@receiver(user_logged_out, dispatch_uid="accounts.signed_in_session_forget")
def forget_signed_in_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    session_forget(session_key=session.session_key if session is not None else None)


class SignedInSessionMiddleware:
    """Marks the signed-in session seen (a write at most once a minute per session, not one per request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            ip_address, user_agent = _where(request)
            session_seen(user=user, session=request.session, ip_address=ip_address, user_agent=user_agent,
                         now=timezone.now())  # fmt: skip
        return self.get_response(request)
