"""Scores as they stood in the past: one history point a day over a period, from stored rollups.

Each point reads only what had happened by its moment: events (the engine ignores later ones), survey
answers as they were then (an amendment counts from when it was made), the gut read live then, and the
rollups of whole days. That is why a back-filled point sits at the end of a day of the tenant's calendar:
a day's rollup holds all of that day's activity, so a point in the middle of the day would count the
afternoon's usage in the morning's score. Account and contact facts (licenses, roles...) are the
current ones: their history is not kept as data the engine reads.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from indicators import engine
from indicators.engine.calendar import local_day
from indicators.models import GutRead
from indicators.scoring.load import inputs_load, tenant_facts
from indicators.scoring.recompute import CHUNK, scores_store
from indicators.scoring.scorecards import scorecards_for_accounts


def backfill_moments(*, until: datetime, days: int, step_days: int, zone) -> list[datetime]:
    """The end of every ``step_days``-th day of the tenant's calendar over ``days`` days before ``until``'s
    day, oldest first, then ``until`` itself (a live point)."""
    today = local_day(until, zone)
    ends = [_day_end(today - timedelta(days=d), zone) for d in range(days, 0, -step_days)]
    return [*ends, until]


def _day_end(day, zone) -> datetime:
    """The last microsecond of ``day`` in ``zone`` (days of 23 or 25 hours included)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone) - timedelta(microseconds=1)


def history_backfill(*, tenant: Tenant, account_ids: list[int], days: int, step_days: int = 1,
                     until: datetime | None = None, progress=None) -> int:  # fmt: skip
    """Score each account at the end of every ``step_days``-th day over ``days`` days up to ``until``, oldest
    first; return the points written."""
    until = until or timezone.now()
    facts = tenant_facts(tenant)
    moments = backfill_moments(until=until, days=days, step_days=step_days, zone=facts.zone)
    ids = sorted(account_ids)
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Load the whole period once; the engine ignores whatever is dated after each moment.
        inputs = inputs_load(tenant=tenant, account_ids=chunk, as_of=until, history_from=moments[0], facts=facts)
        reads = gut_reads_by_account(tenant=tenant, account_ids=chunk, until=until)
        scorecards = scorecards_for_accounts(tenant=tenant, account_ids=chunk)
        for moment in moments:
            evaluations = {
                pk: engine.evaluate_account(
                    replace(account_inputs, as_of=moment, gut=_live_at(reads.get(pk), moment)),
                    scorecard=scorecards[pk],
                )
                for pk, account_inputs in inputs.items()
            }
            with transaction.atomic():
                scores_store(tenant=tenant, evaluations=evaluations, as_of=moment)
            written += len(evaluations)
        if progress is not None:
            progress(len(chunk))
    return written


def gut_reads_by_account(*, tenant: Tenant, account_ids: list[int], until: datetime) -> dict[int, list]:
    """Every gut read set by ``until``, per account, oldest first: ([set_at, ...], [GutRead, ...])."""
    reads: dict[int, tuple[list, list]] = {}
    rows = GutRead.objects.for_tenant(tenant).filter(account_id__one_of=account_ids, set_at__lte=until)
    for account_id, level, note, expires_at, set_at in rows.order_by("account_id", "set_at", "pk").values_list(
        "account_id", "level", "note", "expires_at", "set_at"
    ):
        times, found = reads.setdefault(account_id, ([], []))
        times.append(set_at)
        found.append(engine.GutRead(level=level, expires_at=expires_at, recorded_at=set_at, note=note))
    return reads


def _live_at(reads, moment: datetime) -> engine.GutRead | None:
    """The read current at ``moment``: the latest set by then (a newer read replaces an older one)."""
    if reads is None:
        return None
    times, found = reads
    n = bisect_right(times, moment)
    return found[n - 1] if n else None
