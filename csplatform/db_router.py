"""The database router: writes and ordinary reads to the primary, opted-in reads to the replica.

``accounts.replica.reading_from_replica()`` marks the reads that may go to the replica (dashboards,
reports, exports); everything else, and every write, goes to ``default``. The replica is a streaming copy
of the primary made by PostgreSQL, so migrations never run on it (``migrate --database replica`` does
nothing), except in tests, where REPLICA_MIGRATE builds the test replica's schema from the migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from accounts.replica import replica_read_alias

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return replica_read_alias() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        # Explicitly the primary: a row read from the replica is saved to the primary, never back where it came from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # both databases hold the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db != REPLICA or settings.REPLICA_MIGRATE
