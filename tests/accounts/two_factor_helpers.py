"""Signing in through the console's forms, and codes computed the way an authenticator app computes them."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP

from accounts.admin.security_pages import PENDING_KEY
from accounts.services.two_factor import two_factor_enrol

PASSWORD = "correct horse battery staple"  # every test user's (tests/factories.py)
LOGIN = "/admin/login/"
VERIFY = "/admin/security/two-factor/verify/"
TWO_FACTOR = "/admin/security/two-factor/"
SESSIONS = "/admin/security/sessions/"


def code_for(hex_key: str, *, steps: int = 0) -> str:
    """The 6-digit code for ``hex_key`` now (``steps`` of 30 s later: each code signs in once)."""
    totp = TOTP(bytes.fromhex(hex_key))
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def enrolled(user, hex_key: str = "3132333435363738393031323334353637383930") -> tuple[str, list[str]]:
    """``user`` with a confirmed authenticator (RFC 6238's test secret) and ten recovery codes."""
    done = two_factor_enrol(user=user, hex_key=hex_key, code=code_for(hex_key, steps=-1))
    assert done is not None
    return hex_key, done[1]


def sign_in(email: str, *, next_url: str = "/admin/", agent: str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"):
    """A new browser that has sent the right password (and nothing else yet); returns (client, response)."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="203.0.113.7")
    response = client.post(LOGIN + f"?next={next_url}", {"username": email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response


def pending_key(client) -> str:
    return client.session[PENDING_KEY]
