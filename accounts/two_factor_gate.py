"""Which step of two-factor sign-in a signed-in request still owes, if any.

A person with a confirmed authenticator must enter a code in each new session ("verify"); a person without
one who belongs to a tenant that requires it must set one up ("enrol"). Until then every console page sends
them to that step, and the session does not count for the API either. API keys are not people: unaffected.
"""

from __future__ import annotations

from enum import StrEnum

from accounts.services.two_factor import two_factor_enabled, two_factor_required


class Step(StrEnum):
    VERIFY = "verify"
    ENROL = "enrol"


def step_owed(request) -> Step | None:
    user = request.user
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    if is_verified is not None and is_verified():
        return None
    if two_factor_enabled(user=user):
        return Step.VERIFY
    if two_factor_required(user=user):
        return Step.ENROL
    return None
