"""Per-key (and per-member) rate limits: a fixed one-minute window counted in the cache.

With Redis the counter is shared by every web process (INCR is atomic). If the cache is
unreachable the request is let through: a limiter must never take the API down with it.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from accounts.api.principal import principal_of

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def rate_limit_wait(ident: str, limit: int) -> int | None:
    """Count one request for ``ident``; None if within ``limit`` per minute, else seconds to wait."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"ratelimit:{ident}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        count = cache.incr(key)
    except Exception:
        logger.warning("Rate-limit cache unavailable; allowing the request.", exc_info=True)
        return None
    return None if count <= limit else max(1, round((window + 1) * WINDOW_SECONDS - now))


def key_rate_limit(api_key) -> int:
    return api_key.rate_limit_per_minute or settings.API_DEFAULT_RATE_PER_MINUTE


class TenantPrincipalThrottle(BaseThrottle):
    def allow_request(self, request, view):
        principal = principal_of(request)
        ident = principal.throttle_ident or f"ip:{self.get_ident(request)}"
        limit = key_rate_limit(principal.api_key) if principal.api_key else settings.API_DEFAULT_RATE_PER_MINUTE
        self._wait = rate_limit_wait(ident, limit)
        return self._wait is None

    def wait(self):
        return self._wait
