"""The scoring benchmarks' data: a tenant's accounts with months of usage, loaded in bulk as ingestion leaves it.

Built on bench/ingest_lib: the same tenant set-up, the same COPY of realistic ``track`` rows and
the same set-based back-fill of the daily rollups. On top of that, a few non-usage events per
account (communications, tickets: what the "days since" and support indicators read), and two
accounts for the growth measure: one with ``days`` of history, one with ten times as much, at the
same daily rate (events, rollups and daily score history).
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec
import psycopg

from bench.ingest_lib import database as db
from bench.ingest_lib.data import FEATURES, Event, Population, Traffic, copy_line

GROWTH_EXTERNAL_IDS = ("growth-short", "growth-long")
GROWTH_EVENTS_PER_DAY = 100
TOUCHES = (  # (type, name, properties) of the non-usage events each account gets a few of
    ("communication", "call", {"direction": "proactive"}),
    ("communication", "email", {"direction": "reactive"}),
    ("communication", "meeting", {"direction": "proactive"}),
    ("support", "ticket_opened", {"severity": "normal"}),
    ("support", "ticket_closed", {}),
)


@dataclass
class Scored:
    """What the benchmarks need to know about the data set."""

    tenant_id: int
    population: Population
    growth: dict[str, int]  # external id -> account pk
    events: int


def database_ready(database_url: str, accounts: int, events: int) -> bool:
    """True when the database already holds a data set of this size (``--reuse-db``)."""
    try:
        with psycopg.connect(database_url) as conn:
            found = conn.execute("SELECT count(*) FROM accounts_account").fetchone()[0]
            stored = conn.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'indicators_event'")
            approx = stored.fetchone()[0]
    except psycopg.Error:
        return False
    return found == accounts + len(GROWTH_EXTERNAL_IDS) and approx >= events * 0.95


def reload(database_url: str, population: Population) -> Scored:
    """The ids of a data set built by an earlier run."""
    with psycopg.connect(database_url) as conn:
        tenant_id = conn.execute("SELECT min(tenant_id) FROM accounts_account").fetchone()[0]
        rows = conn.execute(
            "SELECT id, external_id FROM accounts_account WHERE tenant_id = %s ORDER BY external_id", [tenant_id]
        ).fetchall()
        events = conn.execute("SELECT count(*) FROM indicators_event WHERE tenant_id = %s", [tenant_id]).fetchone()[0]
    growth = {external: pk for pk, external in rows if external in GROWTH_EXTERNAL_IDS}
    population.account_pks = [pk for pk, external in rows if external not in GROWTH_EXTERNAL_IDS]
    return Scored(tenant_id, population, growth, events)


def build(database_url: str, population: Population, *, events: int, days: float, seed: int, say) -> Scored:
    """Create the tenant and its accounts, COPY ``events`` usage events over ``days`` days, back-fill rollups."""
    started = time.perf_counter()
    tenant_id, _key = db.tenant_setup(population)
    growth = growth_accounts(tenant_id, population)
    contacts = population.accounts * population.users_per_account
    say(
        "tenant, accounts, contacts",
        f"{population.accounts:,} / {contacts:,}",
        f"{time.perf_counter() - started:.1f} s",
    )
    traffic = Traffic(population, seed=seed, days=days)
    started = time.perf_counter()
    db.preload(database_url, traffic, tenant_id, events, keep_every=10**9)
    copied = time.perf_counter() - started
    say("usage events (COPY)", f"{events:,}", f"{copied:.0f} s, {events / copied:,.0f} rows/s")
    growth_events = copy_growth(database_url, tenant_id, population, growth, days=round(days), seed=seed)
    say("growth accounts' usage events (COPY)", f"{growth_events:,}", "x1 and x10 history")
    started = time.perf_counter()
    db.backfill(database_url, tenant_id)
    say("daily rollups, contacts' first/last seen (set-based SQL)", "done", f"{time.perf_counter() - started:.0f} s")
    touches = copy_touches(database_url, tenant_id, population, growth, days=round(days), seed=seed)
    say("communications and tickets (COPY)", f"{touches:,}", "a few per account")
    started = time.perf_counter()
    db.settle(database_url)
    say("VACUUM ANALYZE, CHECKPOINT", "done", f"{time.perf_counter() - started:.0f} s")
    # The growth accounts came last; leave them out, as ``reload`` does, so both list the same accounts.
    del population.account_pks[-len(growth) :], population.contact_pks[-len(growth) :]
    return Scored(tenant_id, population, {e: growth[e] for e in GROWTH_EXTERNAL_IDS}, events + growth_events + touches)


def growth_accounts(tenant_id: int, population: Population) -> dict[str, int]:
    """Two more accounts, like the others; their contacts join ``population`` (after the regular accounts)."""
    from accounts.models import Account, Contact, Tenant

    tenant = Tenant.objects.get(pk=tenant_id)
    found = {}
    for external_id in GROWTH_EXTERNAL_IDS:
        account = Account.objects.for_tenant(tenant).create(
            tenant=tenant, external_id=external_id, name=external_id, segment="mid-market", arr=12_000,
            licenses=population.users_per_account,
        )  # fmt: skip
        contacts = Contact.objects.for_tenant(tenant).bulk_create(
            [Contact(tenant=tenant, account=account, external_id=f"{external_id}-user-{u}",
                     email=f"user{u}@{external_id}.example", name=f"User {u}")
             for u in range(population.users_per_account)]
        )  # fmt: skip
        population.account_pks.append(account.pk)
        population.contact_pks.append([c.pk for c in contacts])
        found[external_id] = account.pk
    return found


def copy_growth(database_url: str, tenant_id: int, population: Population, growth: dict[str, int], *, days: int,
                seed: int) -> int:  # fmt: skip
    """The same daily usage for both growth accounts: ``days`` days of it, and ten times as many days."""
    rng = random.Random(seed + 1)
    now = datetime.now(UTC)
    names = list(FEATURES)
    lines = []
    for external_id, span in zip(GROWTH_EXTERNAL_IDS, (days, 10 * days), strict=True):
        index = population.account_pks.index(growth[external_id])
        for day in range(span):
            for _ in range(GROWTH_EVENTS_PER_DAY):
                at = now - timedelta(days=day, seconds=rng.randrange(86_400))
                user = rng.randrange(population.users_per_account)
                message_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                event = Event(message_id, index, user, rng.choice(names), at, {"plan": "pro"})
                lines.append(copy_line(event, population, tenant_id))
    with psycopg.connect(database_url) as conn, conn.cursor() as cur, cur.copy(db.COPY_EVENTS) as copy:
        copy.write("".join(lines))
    return len(lines)


def copy_touches(database_url: str, tenant_id: int, population: Population, growth: dict[str, int], *, days: int,
                 seed: int, per_account: int = 4) -> int:  # fmt: skip
    """A few communications and tickets per account over ``days``; weekly ones for the growth accounts.

    Loaded after the rollups are back-filled: the rollup back-fill counts every row as usage.
    """
    rng = random.Random(seed + 2)
    now = datetime.now(UTC)
    lines = []

    def line(account_index: int, at: datetime) -> str:
        kind, name, properties = rng.choice(TOUCHES)
        contact = population.contact_pks[account_index][rng.randrange(population.users_per_account)]
        values = (tenant_id, population.account_pks[account_index], contact, "", "", kind, name, at.isoformat(),
                  at.isoformat(), msgspec.json.encode(properties).decode(), "bench", str(uuid.uuid4()))  # fmt: skip
        return "\t".join(map(str, values)) + "\n"

    for a in range(population.accounts):
        lines += [line(a, now - timedelta(days=days * rng.random())) for _ in range(per_account)]
    for external_id, span in zip(GROWTH_EXTERNAL_IDS, (days, 10 * days), strict=True):
        index = population.account_pks.index(growth[external_id])
        lines += [line(index, now - timedelta(days=d, hours=3)) for d in range(0, span, 7)]
    with psycopg.connect(database_url) as conn, conn.cursor() as cur, cur.copy(db.COPY_EVENTS) as copy:
        copy.write("".join(lines))
    return len(lines)


def scores_reset(database_url: str, tenant_id: int, growth: dict[str, int], *, days: int) -> None:
    """No scores yet, except the growth accounts' daily score history (``days`` and ten times as many)."""
    with psycopg.connect(database_url) as conn:
        conn.execute("TRUNCATE indicators_healthscore, indicators_healthscorehistory")
        for external_id, span in zip(GROWTH_EXTERNAL_IDS, (days, 10 * days), strict=True):
            conn.execute(
                """
                INSERT INTO indicators_healthscorehistory
                    (tenant_id, account_id, at, score, computed, gut, band, coverage, scorecard, result, "values")
                SELECT %(tenant)s, %(account)s, now() - make_interval(days => d), 60 + d %% 7, 60 + d %% 7, NULL,
                       'yellow', 0.9, 'default', '{}'::jsonb, '{}'::jsonb
                FROM generate_series(1, %(span)s) d
                """,
                {"tenant": tenant_id, "account": growth[external_id], "span": span},
            )
