"""How often a password-reset email may be sent: per email address and per client address, each an hour.

Both counters advance on every request, whether or not the email belongs to anyone, so the limits (like
the page's answer) say nothing about which accounts exist. The counters live in the shared cache.
"""

import hashlib
import logging

from django.conf import settings

from accounts.api.throttling import rate_limit_wait

logger = logging.getLogger(__name__)
HOUR = 3600


def password_reset_allowed(*, email: str, address: str) -> bool:
    """Count one reset request; False when the email or the address is over its hourly limit."""
    # Hashed: the cache never holds the email addresses people type.
    email_hash = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    over_email = rate_limit_wait(
        f"password-reset:email:{email_hash}", settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR, window_seconds=HOUR
    )
    over_address = rate_limit_wait(
        f"password-reset:address:{address}", settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR, window_seconds=HOUR
    )
    if over_email is None and over_address is None:
        return True
    logger.warning(
        "Password reset not sent: over the hourly limit for %s (address %s, email hash %s).",
        "the email" if over_email is not None else "the client address",
        address,
        email_hash[:12],
    )
    return False
