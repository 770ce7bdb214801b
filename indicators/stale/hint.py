"""The hint that accounts are stale: the fast path after the durable mark (``marks``).

With Redis, a set of ``tenant:account`` members that the sweep drains every second or so; adding
to it is best effort with short timeouts, so a Redis outage delays scores but never slows or fails
ingestion (the sweep of the durable marks catches up). Without Redis, the accounts are recomputed
right away, in-process, after the commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

import redis
from celery import Task
from django.conf import settings

logger = logging.getLogger(__name__)
DIRTY_SET = "csp:dirty-accounts"
DRAIN_MAX = 20_000
_held: ContextVar[dict[int, set[int]] | None] = ContextVar("recompute_held", default=None)
_recompute: Task  # set by IndicatorsConfig.ready


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.2, socket_timeout=0.2)


def hint_send(*, tenant_id: int, account_ids: set[int]) -> bool:
    """Call after commit. True when the accounts were handed on (to Redis, or recomputed in-process)."""
    if not account_ids:
        return False
    if recompute_hold(tenant_id=tenant_id, account_ids=account_ids):
        return True
    if not settings.REDIS_URL:
        _recompute_here(tenant_id, sorted(account_ids))
        return True
    try:
        _client().sadd(DIRTY_SET, *(f"{tenant_id}:{account_id}" for account_id in sorted(account_ids)))
        return True
    except redis.RedisError:
        logger.warning("Could not add %d accounts to the recompute set; the sweep will find them.", len(account_ids))
        return False


@contextmanager
def recompute_held() -> Iterator[None]:
    """Collect the recomputes asked for inside the block and hand them on once, at its end.

    For bulk work made of many small transactions (seeding, imports): one recompute per account
    instead of one per transaction.
    """
    held: dict[int, set[int]] = defaultdict(set)
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    for tenant_id, account_ids in held.items():
        hint_send(tenant_id=tenant_id, account_ids=account_ids)


def recompute_hold(*, tenant_id: int, account_ids) -> bool:
    """Inside ``recompute_held()``: add the accounts to the held recomputes and say True; False outside."""
    held = _held.get()
    if held is None:
        return False
    held[tenant_id].update(account_ids)
    return True


def recompute_here_with(task: Task) -> None:
    """Set the recompute task that runs in-process without Redis (``tenant_id``, ``account_ids``).

    The task sits above its trigger (a recompute claims its accounts through ``claims``), so it is
    handed in by ``IndicatorsConfig.ready`` rather than imported here.
    """
    global _recompute
    _recompute = task


def _recompute_here(tenant_id: int, account_ids: list[int]) -> None:
    _recompute.apply(kwargs={"tenant_id": tenant_id, "account_ids": account_ids})


def drain_dirty() -> list[tuple[int, int]]:
    """Take (tenant_id, account_id) pairs out of the dirty set."""
    if not settings.REDIS_URL:
        return []
    members = _client().spop(DIRTY_SET, DRAIN_MAX) or []
    pairs = []
    for member in members:
        tenant_id, _, account_id = member.decode().partition(":")
        pairs.append((int(tenant_id), int(account_id)))
    return pairs


def dirty_hints_waiting() -> int | None:
    """Members of the dirty set the sweep has not drained yet (for monitoring); None without Redis."""
    if not settings.REDIS_URL:
        return None
    return int(_client().scard(DIRTY_SET))
