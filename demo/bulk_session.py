"""The seed's database session, set for one long bulk write.

Two costs the demo does not need, measured on a fresh SQLite database:

- Django's query log. With DEBUG on (``make run`` sets it), every statement's parameters are quoted
  for ``connection.queries``, one SQLite round trip each: a tenth of the seed, for a log nobody reads.
- Waiting for the disk at each commit. The seed commits some 1,500 small transactions (each batch of
  events, each survey answer, as the APIs would); ``synchronous=OFF`` lets SQLite hand each commit to
  the operating system without waiting for the flush. A crash of the machine (not of the process)
  mid-seed could leave a damaged file; the seed is a demo, made again by ``make clean run``.

PostgreSQL keeps its settings: only the query log is skipped there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.backends.signals import connection_created
from django.test.utils import override_settings


def _fast_commits(sender, connection, **kwargs) -> None:
    _synchronous(connection, "OFF")


def _synchronous(connection, level: str) -> None:
    # SQLite refuses the change inside a transaction: a seed run inside one (a test's) commits nothing anyway.
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {level}")


@contextmanager
def bulk_session() -> Iterator[None]:
    """Inside the block: no query log, and on SQLite commits that do not wait for the disk."""
    connection_created.connect(_fast_commits)
    try:
        if connection.connection is not None:
            _fast_commits(None, connection)
        # DEBUG is what turns the query log on (``connection.queries_logged``); the seed reads no other use of it.
        with override_settings(DEBUG=False):
            yield
    finally:
        connection_created.disconnect(_fast_commits)
        if connection.connection is not None:
            _synchronous(connection, "FULL")  # SQLite's default, as Django leaves it
