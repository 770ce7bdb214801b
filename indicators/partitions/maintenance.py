"""Keeping the monthly partitions of the events table: ahead of time, and no longer than retention.

Run daily by beat (``indicators.maintain_event_partitions``). Each step is its own short transaction
under a transaction-level advisory lock, so two runs never interleave and none waits on another.
On SQLite (one plain table) only the per-tenant retention applies.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from psycopg.errors import LockNotAvailable

from accounts.models import TENANT_SETTING_DEFAULTS, Tenant
from indicators.models import Event
from indicators.partitions.months import (
    DEFAULT,
    PARENT,
    Month,
    droppable,
    months_ahead,
    retention_cutoff,
)

logger = logging.getLogger(__name__)

LOCK = 0x657665_6E7473  # "events": one advisory lock id for every change to the partitions
DELETE_BATCH = 10_000  # rows a statement when a tenant's shorter retention deletes its own events
DROP_LOCK_TIMEOUT = "5s"  # a drop waits this long for a long read to finish, then tries again next run


@dataclass
class Maintained:
    created: list[Month] = field(default_factory=list)
    dropped: list[Month] = field(default_factory=list)
    deleted: int = 0  # events deleted row by row: tenants keeping less than the longest retention


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [PARENT])
        return cursor.fetchone()[0] == "p"


def partitions() -> list[Month]:
    """The monthly partitions that exist, oldest first (the default partition is not one of them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [PARENT],
        )
        return sorted(m for (name,) in cursor.fetchall() if (m := Month.named(name)) is not None)


def tenant_cutoffs(now: datetime) -> dict[int, datetime]:
    """{tenant id: the start of its oldest month kept}."""
    return {
        t.pk: retention_cutoff(now, t.setting("event_retention_months")) for t in Tenant.objects.only("pk", "settings")
    }


def oldest_kept(cutoffs: dict[int, datetime], now: datetime) -> datetime:
    """The start of the oldest month any tenant keeps: partitions wholly before it hold nothing kept."""
    default = retention_cutoff(now, TENANT_SETTING_DEFAULTS["event_retention_months"])
    return min(cutoffs.values(), default=default)


def events_partitions_maintain(*, now: datetime | None = None) -> Maintained:
    """Create the months ahead (and the months back-dated events arrived for), apply every retention."""
    now = now or timezone.now()
    done = Maintained()
    cutoffs = tenant_cutoffs(now)
    oldest = oldest_kept(cutoffs, now)
    if is_partitioned():
        existing = set(partitions())
        for month in droppable(sorted(existing), oldest):
            if partition_drop(month):
                done.dropped.append(month)
        for month in sorted(set(months_ahead(now)) | set(_months_in_default(oldest))):
            if month not in existing:
                partition_create(month)
                done.created.append(month)
    for tenant_id, cutoff in cutoffs.items():
        done.deleted += _delete_before(tenant_id, cutoff)
    if done.created or done.dropped or done.deleted:
        logger.info(
            "Event partitions maintained: created %s, dropped %s, %d events past retention deleted",
            [str(m) for m in done.created], [str(m) for m in done.dropped], done.deleted,
        )  # fmt: skip
    return done


def partition_create(month: Month) -> None:
    """Create ``month``'s partition, moving into it any event the default partition holds for it.

    The rows are moved and the table attached in one transaction: the attach checks that the default
    partition holds nothing of the month any more, and the check constraint spares it a scan of the
    new table.
    """
    bounds = f"FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
    check = f"occurred_at >= '{month.start.isoformat()}' AND occurred_at < '{month.end.isoformat()}'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute(f"CREATE TABLE {month.table} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING STORAGE)")
        cursor.execute(f"ALTER TABLE {month.table} ADD CONSTRAINT {month.table}_bounds CHECK ({check})")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE {check} RETURNING *) "
            f"INSERT INTO {month.table} SELECT * FROM moved"
        )
        cursor.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {month.table} FOR VALUES {bounds}")
        cursor.execute(f"ALTER TABLE {month.table} DROP CONSTRAINT {month.table}_bounds")


def partition_drop(month: Month) -> float | None:
    """Drop ``month``'s partition and every event in it; the seconds it took, or None if a read held it.

    The drop needs the parent's exclusive lock for an instant; it waits for it at most
    ``DROP_LOCK_TIMEOUT`` so that it never queues every other query behind a long read.
    """
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            cursor.execute(f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'")
            cursor.execute(f"DROP TABLE {month.table}")
    except OperationalError as error:
        if not isinstance(error.__cause__, LockNotAvailable):
            raise
        logger.warning("Event partition %s not dropped: a long read held the table; retried next run", month)
        return None
    return time.perf_counter() - started


def _months_in_default(oldest: datetime) -> list[Month]:
    """The months of the events the default partition holds (back-dated ones), within retention."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') FROM {DEFAULT} "
            "WHERE occurred_at >= %s",
            [oldest],
        )
        return [Month(m.year, m.month) for (m,) in cursor.fetchall()]


def _delete_before(tenant_id: int, cutoff: datetime) -> int:
    """Delete the tenant's events older than ``cutoff`` in batches (its index on (tenant, time) finds them)."""
    deleted = 0
    expired = Event.objects.for_tenant(tenant_id).filter(occurred_at__lt=cutoff)  # the time prunes partitions
    while True:
        batch = list(expired.values_list("pk", flat=True)[:DELETE_BATCH])
        if not batch:
            return deleted
        deleted += expired.filter(pk__in=batch).delete()[0]
