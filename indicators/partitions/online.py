"""Convert the events table between plain and partitioned by month, while events keep arriving.

1. A new table of the target shape is created beside the live one, with the live one's columns,
   indexes and foreign keys (under temporary names) and its own sequence.
2. A trigger mirrors every insert, update and delete on the live table into the new one.
3. The rows already there are copied in batches of ids, each batch in its own short transaction.
   A batch locks the rows it copies (``FOR SHARE``), so a concurrent update or delete of one of
   them waits for the batch and is then mirrored after it: no row is copied stale.
4. The switch, one short transaction: the live table is locked, the sequence carried on, the
   tables swapped by name and the temporary names made final. A statement waiting on the lock
   then finds the new table under the name it asked for. The old table is dropped after.

Forwards (``to_partitioned``) is migration 0019; backwards (``to_plain``) is its reverse.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

from accounts.rls_schema import table_secure
from indicators.partitions.months import AHEAD, DEFAULT, PARENT, Month, months_between

logger = logging.getLogger(__name__)

NEXT = f"{PARENT}_next"  # the table being built
OLD = f"{PARENT}_old"  # the live table, between the swap and its drop
SEQUENCE = f"{PARENT}_id_seq"
MIRROR = f"{PARENT}_mirror"
BATCH = 50_000  # rows a copying transaction
SWITCH_LOCK_TIMEOUT = "30s"
RETRIES = 5


def to_partitioned(*, batch: int = BATCH, using: str = DEFAULT_DB_ALIAS) -> None:
    """The live events table becomes one partitioned by month of ``occurred_at``, with a default partition."""
    _convert(partitioned=True, batch=batch, using=using)


def to_plain(*, batch: int = BATCH, using: str = DEFAULT_DB_ALIAS) -> None:
    """The live events table becomes one plain table again."""
    _convert(partitioned=False, batch=batch, using=using)


def _convert(*, partitioned: bool, batch: int, using: str) -> None:
    connection = connections[using]
    # Two transactions: adding the new table's foreign keys locks the tables they reference, and the
    # trigger's wait for the live table's writers must not hold those locks (a writer may need them).
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _abandoned_attempt_removed(cursor)
        _create_next(cursor, partitioned)
    _retried(_install_mirror, using)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM {PARENT}")
        low, high = cursor.fetchone()
    copied = 0
    for start in range(low, high + 1, batch):
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {NEXT} SELECT * FROM {PARENT} WHERE id >= %s AND id < %s FOR SHARE "
                "ON CONFLICT DO NOTHING",
                [start, start + batch],
            )
            copied += cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {NEXT}")
    _retried(_switch, using)
    _old_dropped(using)
    logger.info("Events table now %s: %d rows copied", "partitioned" if partitioned else "plain", copied)


def _old_dropped(using: str) -> None:
    """Drop the old table, its foreign keys first, one transaction each.

    Dropping a foreign key locks the table it references; dropping them all at once would take those
    locks one after another while writers hold some of them and wait for the others (a deadlock).
    """
    with connections[using].cursor() as cursor:
        keys = [name for name, _ in _foreign_keys(cursor, OLD)]
    for name in keys:
        _retried(lambda cursor, name=name: cursor.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT {name}"), using)
    _retried(lambda cursor: cursor.execute(f"DROP TABLE {OLD}"), using)


def _abandoned_attempt_removed(cursor) -> None:
    """What a conversion stopped before its switch left behind: it was never live, so it goes."""
    cursor.execute(f"DROP TRIGGER IF EXISTS {MIRROR} ON {PARENT}")
    cursor.execute(f"DROP FUNCTION IF EXISTS {MIRROR}()")
    cursor.execute(f"DROP TABLE IF EXISTS {NEXT}")


def _create_next(cursor, partitioned: bool) -> None:
    """The new table: the live one's columns, its own sequence, the key, indexes and foreign keys."""
    by = " PARTITION BY RANGE (occurred_at)" if partitioned else ""
    cursor.execute(f"CREATE TABLE {NEXT} (LIKE {PARENT} INCLUDING STORAGE INCLUDING COMMENTS){by}")
    cursor.execute(f"CREATE SEQUENCE {NEXT}_id_seq AS bigint OWNED BY {NEXT}.id")
    cursor.execute(f"ALTER TABLE {NEXT} ALTER COLUMN id SET DEFAULT nextval('{NEXT}_id_seq')")
    # A unique key on a partitioned table must hold the partition key; ids stay unique, from one sequence.
    key = "id, occurred_at" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {NEXT} ADD CONSTRAINT {NEXT}_pkey PRIMARY KEY ({key})")
    if partitioned:
        for month in _months_to_create(cursor):
            cursor.execute(
                f"CREATE TABLE {month.table} PARTITION OF {NEXT} "
                f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
            )
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {NEXT} DEFAULT")
    for name, definition in _indexes(cursor, PARENT):
        # The same definition on the new table, under a temporary name (index names are per schema);
        # a partitioned table's own index reads "ON ONLY", the new one is built on every partition.
        on = re.compile(rf" INDEX {re.escape(name)} ON (ONLY )?public\.{PARENT} ")
        cursor.execute(on.sub(f" INDEX {name}__next ON public.{NEXT} ", definition, count=1))
    for name, definition in _foreign_keys(cursor, PARENT):
        cursor.execute(f"ALTER TABLE {NEXT} ADD CONSTRAINT {name}__next {definition}")
    cursor.execute("SELECT relrowsecurity FROM pg_class WHERE oid = %s::regclass", [PARENT])
    if cursor.fetchone()[0]:  # the tenant policy, from the first moment the table is live
        table_secure(cursor, NEXT)


def _months_to_create(cursor) -> list[Month]:
    """Every month from the oldest event's to ``AHEAD`` months on; anything else lands in the default."""
    cursor.execute(f"SELECT min(occurred_at), max(occurred_at) FROM {PARENT}")
    oldest, newest = cursor.fetchone()
    now = datetime.now(UTC)
    first = Month.of(min(oldest, now).astimezone(UTC)) if oldest else Month.of(now).plus(-1)
    last = max(Month.of(newest.astimezone(UTC)) if newest else Month.of(now), Month.of(now).plus(AHEAD))
    return months_between(first, last)


def _retried(step, using: str) -> None:
    """Run ``step`` (one transaction taking strong locks) again when PostgreSQL chose it to break a
    deadlock with a writer, or its lock wait timed out: it changed nothing, and writers come and go."""
    for attempt in range(1, RETRIES + 1):
        try:
            with transaction.atomic(using=using), connections[using].cursor() as cursor:
                step(cursor)
            return
        except OperationalError as error:
            if attempt == RETRIES or getattr(error.__cause__, "sqlstate", None) not in ("40P01", "55P03"):
                raise
            logger.warning("Events table conversion: %s, trying again (%d of %d)", error, attempt, RETRIES)
            time.sleep(attempt)


def _install_mirror(cursor) -> None:
    """Every later change to the live table is made to the new one too, in the same transaction.

    Creating the trigger waits for the transactions writing the table: once it exists, every write
    not yet visible to the batches below is mirrored.
    """
    cursor.execute(f"""
        CREATE FUNCTION {MIRROR}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {NEXT} WHERE id = OLD.id AND occurred_at = OLD.occurred_at;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {NEXT} VALUES (NEW.*) ON CONFLICT DO NOTHING;
          END IF;
          RETURN NULL;
        END $$
    """)
    cursor.execute(
        f"CREATE TRIGGER {MIRROR} AFTER INSERT OR UPDATE OR DELETE ON {PARENT} FOR EACH ROW EXECUTE FUNCTION {MIRROR}()"
    )


def _switch(cursor) -> None:
    """Swap the tables in one short transaction; the lock waits at most ``SWITCH_LOCK_TIMEOUT``.

    Only names change under the lock (the old table is dropped after it, in its own transaction):
    dropping it here would lock the tables its foreign keys reference while holding this one.
    """
    cursor.execute(f"SET LOCAL lock_timeout = '{SWITCH_LOCK_TIMEOUT}'")
    cursor.execute(f"LOCK TABLE {PARENT} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"DROP TRIGGER {MIRROR} ON {PARENT}")
    cursor.execute(f"DROP FUNCTION {MIRROR}()")
    # Past every id handed out so far, including the ones claimed for events not yet inserted.
    cursor.execute(
        f"SELECT setval('{NEXT}_id_seq', greatest(nextval(pg_get_serial_sequence('{PARENT}', 'id')), "
        f"(SELECT coalesce(max(id), 0) + 1 FROM {NEXT})))"
    )
    indexes = [name for name, _ in _indexes(cursor, PARENT)]
    keys = [name for name, _ in _foreign_keys(cursor, PARENT)]
    cursor.execute(f"ALTER SEQUENCE {SEQUENCE} RENAME TO {OLD}_id_seq")
    cursor.execute(f"ALTER TABLE {PARENT} RENAME CONSTRAINT {PARENT}_pkey TO {OLD}_pkey")
    for name in indexes:
        cursor.execute(f"ALTER INDEX {name} RENAME TO {name}__old")
    for name in keys:
        cursor.execute(f"ALTER TABLE {PARENT} RENAME CONSTRAINT {name} TO {name}__old")
    cursor.execute(f"ALTER TABLE {PARENT} RENAME TO {OLD}")
    cursor.execute(f"ALTER TABLE {NEXT} RENAME TO {PARENT}")
    cursor.execute(f"ALTER SEQUENCE {NEXT}_id_seq RENAME TO {SEQUENCE}")
    cursor.execute(f"ALTER TABLE {PARENT} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
    cursor.execute(f"ALTER TABLE {PARENT} RENAME CONSTRAINT {NEXT}_pkey TO {PARENT}_pkey")
    for name in indexes:
        cursor.execute(f"ALTER INDEX {name}__next RENAME TO {name}")
    for name in keys:
        cursor.execute(f"ALTER TABLE {PARENT} RENAME CONSTRAINT {name}__next TO {name}")


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes other than its primary key's."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i JOIN pg_class AS c "
        "ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY 1",
        [table],
    )
    return cursor.fetchall()


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's own foreign keys (not inherited from a parent)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' AND conparentid = 0 ORDER BY 1",
        [table],
    )
    return cursor.fetchall()
