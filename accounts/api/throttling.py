"""Per-key (and per-member) rate limits: a fixed one-minute window counted in the cache.

With Redis the counter is shared by every web process (INCRBY is atomic). If the cache is
unreachable the request is let through: a limiter must never take the API down with it.

The REST API counts requests. Ingestion counts messages: a batch may carry 1 or 2,500, so a
request count would either throttle real pipelines or not limit anything.
"""

import functools
import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

from accounts.api.principal import principal_of
from accounts.client_address import client_address
from accounts.limits import API_RATE_CEILING, INGEST_CEILING, capped

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60
INGEST_TENANT_SETTING = "ingest_messages_per_minute"
# 20,000 messages a second per key: far above what one integration needs in steady state, low
# enough that one runaway sender cannot take every web worker. Tenants may set their own.
DEFAULT_INGEST_MESSAGES_PER_MINUTE = 1_200_000


def rate_limit_wait(ident: str, limit: int, cost: int = 1, *, window_seconds: int = WINDOW_SECONDS) -> int | None:
    """Count ``cost`` units for ``ident``; None if within ``limit`` per window, else seconds to wait."""
    now = time.time()
    window = int(now // window_seconds)
    key = f"ratelimit:{ident}:{window_seconds}:{window}"
    try:
        count = _count(key, cost, window_seconds)
    except Exception:
        logger.warning("Rate-limit cache unavailable; allowing the request.", exc_info=True)
        return None
    return None if count <= limit else max(1, round((window + 1) * window_seconds - now))


def _count(key: str, cost: int, window_seconds: int) -> int:
    """Add ``cost`` to the window's counter and return its total: one round trip on Redis."""
    backend = caches["default"]  # ``cache`` is a proxy to it
    if settings.REDIS_URL and isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)  # the cache's own key, prefix included
        client = _redis(settings.REDIS_URL)
        count = client.incrby(full_key, cost)
        if count == cost:  # the window's first call created the counter
            client.expire(full_key, window_seconds + 5)
        return count
    cache.add(key, 0, timeout=window_seconds + 5)
    return cache.incr(key, cost)


@functools.cache
def _redis(url: str) -> redis.Redis:
    # One client per process (the cache backend builds a new one on every call); short timeouts,
    # as for the recompute hints: ingestion never waits on Redis.
    return redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.2)


def key_rate_limit(api_key) -> int:
    """The key's requests per minute (its own, else the platform's), never above the platform's ceiling."""
    return capped(api_key.rate_limit_per_minute or settings.API_DEFAULT_RATE_PER_MINUTE, API_RATE_CEILING)


def ingest_messages_per_minute(api_key) -> int:
    """The key's tenant's ingestion limit in messages per minute, else the platform's; at most the ceiling."""
    limit = api_key.tenant.settings.get(INGEST_TENANT_SETTING) or getattr(
        settings, "INGEST_MESSAGES_PER_MINUTE", DEFAULT_INGEST_MESSAGES_PER_MINUTE
    )
    return capped(limit, INGEST_CEILING)


def ingest_rate_limit_wait(api_key, *, messages: int) -> int | None:
    """Count a tracking request's ``messages`` against its key; None if allowed, else seconds to wait.

    A request limit set on the key itself (``rate_limit_per_minute``) applies as well; the
    platform's default request limit does not, since it is sized for the REST API.
    """
    wait = rate_limit_wait(f"ingest:{api_key.key_id}", ingest_messages_per_minute(api_key), cost=max(1, messages))
    if wait is None and api_key.rate_limit_per_minute:
        wait = rate_limit_wait(f"key:{api_key.key_id}", key_rate_limit(api_key))
    return wait


class TenantPrincipalThrottle(BaseThrottle):
    def allow_request(self, request, view):
        principal = principal_of(request)
        # Not DRF's get_ident: it believes a client's own X-Forwarded-For unless NUM_PROXIES is set.
        ident = principal.throttle_ident or f"ip:{client_address(request)}"
        limit = key_rate_limit(principal.api_key) if principal.api_key else settings.API_DEFAULT_RATE_PER_MINUTE
        self._wait = rate_limit_wait(ident, limit)
        return self._wait is None

    def wait(self):
        return self._wait
