"""Two-factor sign-in: enrol an authenticator, check a code, issue recovery codes, turn it off.

The secrets and the checking are django-otp's: a confirmed ``TOTPDevice`` (codes from an authenticator app,
each usable once, wrong ones throttled by doubling delays) and a ``StaticDevice`` holding the recovery codes
(each deleted when used). Every change is recorded on the person's ``TwoFactorStatus`` with its reason.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, TwoFactorStatus, User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# An authenticator's clock may be a step (30 s) behind or ahead when the person confirms it.
ENROL_TOLERANCE_STEPS = 1


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: the device it matched (None: refused), and whether it was a recovery code."""

    device: TOTPDevice | StaticDevice | None
    recovery: bool = False
    throttled: bool = False


def authenticator_of(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(*, user: User) -> bool:
    """Whether any tenant the person belongs to requires two-factor sign-in.

    Any, not the active one: a session may switch to each of the person's tenants, so the strictest applies.
    """
    return Membership.unscoped.filter(user=user, tenant__require_two_factor=True).exists()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_authenticator_secret() -> str:
    """A fresh TOTP secret as 40 hex digits (160 bits, RFC 4226's recommended length), django-otp's format."""
    return secrets.token_hex(20)


def secret_for_display(hex_key: str) -> str:
    """The secret as authenticator apps take it when typed in: base32, in groups of four."""
    text = b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(*, user: User, hex_key: str) -> str:
    """The ``otpauth://`` address a QR code carries (django-otp builds it, with the issuer from settings)."""
    return TOTPDevice(user=user, key=hex_key, name=AUTHENTICATOR_NAME).config_url


def normalised_code(raw: str) -> str:
    """A code as typed: spaces and dashes dropped, lower case (recovery codes are base32, shown in lower case)."""
    return "".join(ch for ch in (raw or "") if ch not in " -\t").lower()


def _status_record(*, user: User, reason: str, **fields) -> TwoFactorStatus:
    status = TwoFactorStatus.objects.filter(user=user).first() or TwoFactorStatus(user=user)
    for name, value in fields.items():
        setattr(status, name, value)
    status._change_reason = reason
    status.save()
    return status


def _recovery_codes_issue(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enrol(*, user: User, hex_key: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm a new authenticator with a code it shows; None when the code is wrong.

    On success any earlier devices are replaced, ten recovery codes are issued (returned once, to show), and
    the code just used cannot be used again to sign in.
    """
    digits = normalised_code(code)
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = TOTP(bytes.fromhex(hex_key))
    if not totp.verify(int(digits), tolerance=ENROL_TOLERANCE_STEPS):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    # No drift learnt from this code: a code from the previous step is usually a slow typist, not a slow clock.
    device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=hex_key, confirmed=True,
                                       last_t=totp.t())  # fmt: skip
    codes = _recovery_codes_issue(user=user)
    now = timezone.now()
    _status_record(user=user, reason="enrolled", enabled_at=now, recovery_codes_issued_at=now)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones (the old ones stop working)."""
    codes = _recovery_codes_issue(user=user)
    _status_record(user=user, reason="recovery codes replaced", recovery_codes_issued_at=timezone.now())
    return codes


def code_check(*, user: User, code: str) -> CodeCheck:
    """Check a sign-in code: six digits from the authenticator, or one of the recovery codes (used up by this).

    django-otp throttles each device: after a wrong code the next attempt must wait 1, 2, 4 ... seconds, and
    a code tried during the wait is refused without being checked.
    """
    token = normalised_code(code)
    if not token:
        return CodeCheck(None)
    if token.isdigit():
        device = authenticator_of(user=user)
        if device is None:
            return CodeCheck(None)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(None, throttled=True)
        return CodeCheck(device if device.verify_token(token) else None)
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not two_factor_enabled(user=user):
        return CodeCheck(None)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(None, throttled=True)
    with transaction.atomic():
        if not device.verify_token(token):  # deletes the matching code: each works once
            return CodeCheck(None)
        _status_record(user=user, reason="recovery code used", recovery_code_used_at=timezone.now())
    return CodeCheck(device, recovery=True)


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove the authenticator and the recovery codes (the caller has checked a current code)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _status_record(user=user, reason="disabled", enabled_at=None, recovery_codes_issued_at=None)
