"""Builders for what each person owns: their sessions and their second factor (rows of B's people).

The authenticators are built unconfirmed: a confirmed one would send B's people to the code step, and the
walks that show B's own pages to B sign in without one.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignedInSession, TwoFactorStatus
from tests.isolation.world import ROLES, World, builder, canary_fields


def live_session_key(user) -> str:
    """A signed-in session of ``user`` in the session store, as ``login`` leaves it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


@builder("accounts.SignedInSession")
def build_signed_in_sessions(w: World) -> None:
    for role in ROLES:
        user = w.users[role]
        fields = canary_fields(w, SignedInSession, f"signedinsession{role}")
        w.add(SignedInSession.objects.create(user=user, session_key=live_session_key(user), ip_address="198.51.100.9",
                                             **fields))  # fmt: skip


@builder("accounts.TwoFactorStatus")
def build_two_factor_status(w: World) -> None:
    for role in ROLES:
        now = timezone.now()
        w.add(TwoFactorStatus.objects.create(user=w.users[role], enabled_at=now, recovery_codes_issued_at=now,
                                             recovery_code_used_at=now))  # fmt: skip


@builder("otp_totp.TOTPDevice")
def build_authenticators(w: World) -> None:
    for role in ROLES:
        w.add(
            TOTPDevice.objects.create(
                user=w.users[role], confirmed=False, **canary_fields(w, TOTPDevice, f"totp{role}")
            )
        )


@builder("otp_static.StaticDevice")
def build_recovery_devices(w: World) -> None:
    for role in ROLES:
        fields = canary_fields(w, StaticDevice, f"staticdevice{role}")
        w.add(StaticDevice.objects.create(user=w.users[role], confirmed=False, **fields))


@builder("otp_static.StaticToken")
def build_recovery_codes(w: World) -> None:
    for device in w.rows["otp_static.StaticDevice"]:
        w.add(StaticToken.objects.create(device=device, **canary_fields(w, StaticToken, f"statictoken{device.pk}")))
