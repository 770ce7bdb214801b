"""The benchmark's own PostgreSQL database: create, migrate, populate, preload, baseline COPY, verify, drop.

Bulk work goes through psycopg directly (COPY, set-based SQL); the tenant, its key and its
customers are made with the application's own services and models, so they look like real ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import psycopg
from psycopg import sql

from bench.ingest_lib.data import COLUMNS, FEATURES, Event, Population, Traffic, copy_line
from indicators.ingest import usage_days

EVENTS = "indicators_event"
COPY_EVENTS = f"COPY {EVENTS} ({', '.join(COLUMNS)}) FROM STDIN"


def admin_url(database_url: str) -> str:
    """The same server's maintenance database, for CREATE/DROP DATABASE."""
    return database_url.rsplit("/", 1)[0] + "/postgres"


class Busy(RuntimeError):
    """Another run holds the benchmark database."""


class RunLock:
    """Held for a whole run, so a second run cannot drop the database of one in progress."""

    def __init__(self, database_url: str, name: str):
        self.database_url, self.name = database_url, name
        self.conn: psycopg.Connection | None = None

    def acquire(self) -> None:
        """Take the lock (a session-level advisory lock on the maintenance database), or raise Busy."""
        self.conn = psycopg.connect(admin_url(self.database_url), autocommit=True)
        query = "SELECT pg_try_advisory_lock(hashtext('bench.ingest:' || %s))"
        if not self.conn.execute(query, [self.name]).fetchone()[0]:
            self.conn.close()
            raise Busy(f"Another benchmark run is using database {self.name!r}; wait for it to finish.")

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()  # ending the session releases the lock


def database_create(database_url: str, name: str) -> None:
    with psycopg.connect(admin_url(database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(database_url: str, name: str) -> None:
    with psycopg.connect(admin_url(database_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def server_settings(database_url: str) -> dict[str, str]:
    names = ["server_version", "shared_buffers", "synchronous_commit", "max_wal_size", "checkpoint_timeout"]
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)", [names])
        return dict(rows.fetchall())


def postmaster_pid(database_url: str) -> int | None:
    """The postmaster's pid (the parent of our backend), if this machine can see it."""
    with psycopg.connect(database_url) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        with open(f"/proc/{backend}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return time.perf_counter() - started


def tenant_setup(population: Population) -> tuple[int, str]:
    """A fresh tenant with an ingest-only key, its customers, and its features; (tenant id, key plaintext).

    The key keeps the platform's limits, as a production key would: ingestion counts messages
    (1,200,000 a minute by default, 20,000 a second), not requests.
    """
    from accounts.models import Account, Contact
    from accounts.roles import Scope
    from accounts.services.api_keys import api_key_create
    from accounts.services.tenants import tenant_create
    from indicators.models import Feature

    created = tenant_create(name=f"Bench {int(time.time())}", admin_email="bench-admin@example.com")
    tenant = created.tenant
    _, key = api_key_create(tenant=tenant, name="bench ingest", scopes=[Scope.INGEST])
    accounts = Account.objects.for_tenant(tenant).bulk_create(
        [
            Account(tenant=tenant, external_id=population.account_external_id(a), name=f"Customer {a:05d}",
                    segment=("smb", "mid-market", "enterprise")[a % 3], arr=12_000 + 100 * (a % 500),
                    licenses=population.users_per_account)
            for a in range(population.accounts)
        ],
        batch_size=1_000,
    )  # fmt: skip
    population.account_pks = [a.pk for a in accounts]
    contacts = Contact.objects.for_tenant(tenant).bulk_create(
        [
            Contact(tenant=tenant, account=account, external_id=population.user_external_id(a, u),
                    email=f"user{u}@customer{a}.example", name=f"User {a}-{u}")
            for a, account in enumerate(accounts)
            for u in range(population.users_per_account)
        ],
        batch_size=2_000,
    )  # fmt: skip
    per = population.users_per_account
    population.contact_pks = [[c.pk for c in contacts[a * per : (a + 1) * per]] for a in range(population.accounts)]
    Feature.objects.for_tenant(tenant).bulk_create([Feature(tenant=tenant, key=name, name=name) for name in FEATURES])
    return tenant.pk, key


def preload(database_url: str, traffic: Traffic, tenant_id: int, rows: int, *, keep_every: int = 20) -> list[Event]:
    """COPY ``rows`` events into the table in one transaction; return every ``keep_every``-th (to re-send later).

    Foreign-key triggers are skipped (session_replication_role = replica): the ids are valid by
    construction, and the indexes, which are what we want realistic, are maintained as usual.
    """
    kept: list[Event] = []
    chunk = 20_000
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        with cur.copy(COPY_EVENTS) as copy:
            for start in range(0, rows, chunk):
                lines = []
                for i in range(start, min(rows, start + chunk)):
                    event = traffic.event()
                    lines.append(copy_line(event, traffic.population, tenant_id))
                    if i % keep_every == 0:
                        kept.append(event)
                copy.write("".join(lines))
        cur.execute(CLAIMS, {"tenant": tenant_id})
    return kept


# The message ids ingestion would have claimed for the preloaded events still in the de-duplication window,
# so that re-sending one of them is recognised as a duplicate, as it would be in production.
CLAIMS = """
INSERT INTO indicators_eventmessage (tenant_id, message_id, event_id, received_at)
SELECT tenant_id, message_id, id, received_at FROM indicators_event
WHERE tenant_id = %(tenant)s AND received_at >= now() - interval '30 days'
ON CONFLICT (tenant_id, message_id) DO NOTHING
"""


ACCOUNT_DAYS = """
INSERT INTO indicators_accountday
    (tenant_id, account_id, day, events, usage_events, active_users, by_feature, by_type, last_activity_at)
SELECT f.tenant_id, f.account_id, f.day, f.n, f.n, u.users, f.by_feature, jsonb_build_object('usage', f.n), f.last_at
FROM (
    SELECT tenant_id, account_id, day, sum(n) AS n, jsonb_object_agg(name, n) AS by_feature, max(last_at) AS last_at
    FROM (
        SELECT tenant_id, account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, name,
               count(*) AS n, max(occurred_at) AS last_at
        FROM indicators_event WHERE tenant_id = %(tenant)s GROUP BY 1, 2, 3, 4
    ) per_name GROUP BY 1, 2, 3
) f
JOIN (
    SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, count(DISTINCT contact_id) AS users
    FROM indicators_event WHERE tenant_id = %(tenant)s GROUP BY 1, 2
) u USING (account_id, day)
"""
CONTACT_DAYS = """
INSERT INTO indicators_contactday
    (tenant_id, contact_id, account_id, day, events, usage_events, by_feature, last_activity_at)
SELECT tenant_id, contact_id, min(account_id), day, sum(n), sum(n), jsonb_object_agg(name, n), max(last_at)
FROM (
    SELECT tenant_id, contact_id, account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, name,
           count(*) AS n, max(occurred_at) AS last_at
    FROM indicators_event WHERE tenant_id = %(tenant)s GROUP BY 1, 2, 3, 4, 5
) per_name GROUP BY tenant_id, contact_id, day
"""
CONTACTS_SEEN = """
UPDATE accounts_contact c SET first_seen_at = s.first_at, last_seen_at = s.last_at
FROM (
    SELECT contact_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM indicators_event WHERE tenant_id = %(tenant)s GROUP BY 1
) s
WHERE c.id = s.contact_id
"""


def backfill(database_url: str, tenant_id: int) -> None:
    """What ingesting the preloaded events would have left behind: daily rollups, contacts' first/last seen
    and usage masks."""
    with psycopg.connect(database_url) as conn:
        for statement in (ACCOUNT_DAYS, CONTACT_DAYS, CONTACTS_SEEN):
            conn.execute(statement, {"tenant": tenant_id})
        conn.execute(usage_days.FILL_FROM_ROLLUPS)


def settle(database_url: str) -> None:
    """VACUUM ANALYZE (autovacuum may be off) and CHECKPOINT, so a measured phase starts from a quiet server."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def table_rows(database_url: str, tenant_id: int) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM {EVENTS} WHERE tenant_id = %s", [tenant_id]).fetchone()[0]


def copy_batches(conn: psycopg.Connection, blocks: Iterable[str]) -> list[float]:
    """The baseline: one COPY of each block of rows, each committed; the seconds each took."""
    latencies = []
    with conn.cursor() as cur:
        for block in blocks:
            started = time.perf_counter()
            with cur.copy(COPY_EVENTS) as copy:
                copy.write(block)
            conn.commit()
            latencies.append(time.perf_counter() - started)
    return latencies


def verify(database_url: str, tenant_id: int, acknowledged: set[str], unacknowledged: set[str]) -> dict[str, int]:
    """How many times each message id is stored: acknowledged ids must be there exactly once."""
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE sent (message_id text PRIMARY KEY, acked boolean NOT NULL)")
        with cur.copy("COPY sent (message_id, acked) FROM STDIN") as copy:
            copy.write("".join(f"{m}\tt\n" for m in acknowledged))
            copy.write("".join(f"{m}\tf\n" for m in unacknowledged - acknowledged))
        cur.execute("ANALYZE sent")
        cur.execute(
            f"""
            SELECT count(*) FILTER (WHERE acked),
                   count(*) FILTER (WHERE acked AND n = 1),
                   count(*) FILTER (WHERE acked AND n = 0),
                   count(*) FILTER (WHERE acked AND n > 1),
                   count(*) FILTER (WHERE NOT acked),
                   count(*) FILTER (WHERE NOT acked AND n >= 1)
            FROM (
                SELECT s.message_id, s.acked, count(e.id) AS n
                FROM sent s LEFT JOIN {EVENTS} e ON e.tenant_id = %s AND e.message_id = s.message_id
                GROUP BY s.message_id, s.acked
            ) per_id
            """,
            [tenant_id],
        )
        acked, once, missing, twice, unacked, unacked_stored = cur.fetchone()
        cur.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {EVENTS} WHERE tenant_id = %s GROUP BY message_id "
            "HAVING count(*) > 1) d",
            [tenant_id],
        )
        table_duplicates = cur.fetchone()[0]
    return {
        "acknowledged": acked,
        "stored exactly once": once,
        "missing": missing,
        "duplicated": twice,
        "message ids stored twice in the whole table": table_duplicates,
        "unacknowledged (failed requests)": unacked,
        "unacknowledged but stored (committed, answer lost)": unacked_stored,
    }
