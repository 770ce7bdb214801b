"""Timestamps read through psycopg's C loader equal what Django's own loader reads."""

from datetime import UTC

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from accounts.pg_timestamps import UtcTimestamptzLoader

SAMPLES = [
    "2026-12-02 19:31:45.225678+00", "2026-03-29 01:30:00+02", "2026-10-25 02:59:59.999999+01",
    "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00", "1970-01-01 00:00:00-09:30", "2000-02-29 12:00:00+14",
]  # fmt: skip
QUERY = "SELECT value::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS s(value, n) ORDER BY n"


@pytest.mark.django_db
@pytest.mark.postgres
def test_timestamps_read_fast_are_the_ones_django_reads():
    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(1184, 0) is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        cursor.execute(QUERY, [SAMPLES])
        fast = [row[0] for row in cursor.fetchall()]
    with connection.connection.cursor() as cursor:
        register_tzloader(UTC, cursor)  # Django's pure-Python loader, on this cursor only
        cursor.execute(QUERY, [SAMPLES])
        django_read = [row[0] for row in cursor.fetchall()]
    assert fast == django_read and all(value.tzinfo is UTC for value in fast)
    assert [value.isoformat() for value in fast] == [value.isoformat() for value in django_read]
