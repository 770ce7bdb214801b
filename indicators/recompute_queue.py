"""Which accounts need their score recomputed.

The durable truth is ``Account.needs_recompute_since``, written in the ingesting transaction.
Redis carries a faster hint (a set of ``tenant:account`` members) that the scoring sweep drains;
adding to it is best effort with short timeouts, so a Redis outage delays scores but never
slows or fails ingestion — the sweep of the durable marks catches up.
"""

from __future__ import annotations

import logging
from functools import cache

import redis
from django.conf import settings

logger = logging.getLogger(__name__)
DIRTY_SET = "csp:dirty-accounts"


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.2, socket_timeout=0.2)


def enqueue_recompute(*, tenant_id: int, account_ids: set[int]) -> bool:
    """Hint that these accounts changed; False when there is no Redis or it did not answer."""
    if not account_ids or not settings.REDIS_URL:
        return False
    try:
        _client().sadd(DIRTY_SET, *(f"{tenant_id}:{account_id}" for account_id in sorted(account_ids)))
        return True
    except redis.RedisError:
        logger.warning("Could not add %d accounts to the recompute set; the sweep will find them.", len(account_ids))
        return False
