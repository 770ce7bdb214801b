"""Scale benchmark: 20 million events over 12 monthly partitions, against the same run at 1 million.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``,
Redis at 127.0.0.1:6379; nothing to install)::

    .venv/bin/python bench/scale.py                                  # full size: 1 M, then 20 M events
    .venv/bin/python bench/scale.py --small 100000 --large 1000000   # a quick run

One run, on its own database (``csplatform_scale``, created, migrated, dropped at the end unless
``--keep-db``), Redis database ``/14``:

1. Set-up: a tenant with ``--accounts`` accounts of ``--users-per-account`` users, a partition for
   each of the last 12 months, and ``--small`` events COPYed in (spread over those 12 months, with
   the message ids ingestion would have claimed for the last 30 days), their daily rollups, health
   scores, and ``--responses`` NPS answers with their daily counts.
2. At the small size: ingestion over HTTP (``POST /v1/batch`` through gunicorn, closed loop at
   ``--concurrency``, ``--ingest-events`` messages, 10% of them re-sent), then the health
   dashboard, the NPS dashboard, the NPS trend API (a year by month) and the event admin list,
   each requested ``--requests`` times in-process as the tenant's admin: p50 and p95.
3. ``--large`` minus ``--small`` more events COPYed in (the same spread), rollups rebuilt; the same
   measurements again.
4. Dropping the oldest month: the time of the ``DROP`` of its partition, and the rows it held.

Every figure at the large size is printed with its ratio to the same figure at the small size,
and the summary checks the targets: ingestion at 20 M within 10% of 1 M, every page's p95 under
100 ms at 20 M, and the month dropped in under a second.
Check the code with ``.venv/bin/ruff check bench && .venv/bin/ruff format --check bench``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

from bench.ingest import bench_environment  # noqa: E402
from bench.ingest_lib import database as db  # noqa: E402
from bench.ingest_lib.data import BatchMaker, Population, Traffic, basic_auth  # noqa: E402
from bench.ingest_lib.load import Client, percentile  # noqa: E402
from bench.ingest_lib.server import Gunicorn, machine_busy  # noqa: E402
from bench.nps_lib.seed import YEAR as NPS_YEAR  # noqa: E402

TARGET_INGEST_RATIO = 0.9  # at 20 M, at least 90% of the throughput at 1 M
TARGET_PAGE_P95_MS = 100
TARGET_DROP_SECONDS = 1.0
MONTHS = 12


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--small", type=int, default=1_000_000, help="events at the first size (default 1,000,000)")
    add("--large", type=int, default=20_000_000, help="events at the second size (default 20,000,000)")
    add("--accounts", type=int, default=2_000, help="accounts (default 2,000)")
    add("--users-per-account", type=int, default=10, help="users per account (default 10)")
    add("--responses", type=int, default=20_000, help="NPS answers over the year (default 20,000)")
    add("--ingest-events", type=int, default=60_000, help="messages posted at each size (default 60,000)")
    add("--concurrency", type=int, default=8, help="closed-loop concurrency of the ingestion run (default 8)")
    add("--requests", type=int, default=60, help="requests of each page at each size (default 60)")
    add("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    add("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csplatform_scale", help="database to create")
    add("--redis-url", default="redis://127.0.0.1:6379/14", help="Redis for rate limits and recompute hints")
    add("--seed", type=int, default=7, help="random seed for the synthetic data")
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    args = parser.parse_args(argv)
    if not 0 < args.small < args.large:
        parser.error("--small must be above 0 and below --large")
    return args


def section(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>22}  {note}".rstrip(), flush=True)


@dataclass
class Size:
    """What was measured with ``events`` events in the table."""

    events: int
    ingest_per_second: float = 0.0
    ingest_p95_ms: float = 0.0
    pages: dict[str, tuple[float, float]] = field(default_factory=dict)  # name: (p50 ms, p95 ms)


@dataclass
class Bench:
    args: argparse.Namespace
    dbname: str
    env: dict
    population: Population
    traffic: Traffic | None = None
    maker: BatchMaker | None = None
    tenant_id: int = 0
    api_key: str = ""
    sizes: list[Size] = field(default_factory=list)


def set_up(bench: Bench) -> None:
    args = bench.args
    section("Set-up")
    busy = machine_busy()
    line("machine CPU busy before starting (2 s)", f"{busy:.0%}", "<- not idle: figures skewed" if busy > 0.1 else "")
    db.database_create(args.database_url, bench.dbname)
    os.environ.update(bench.env)
    import django

    django.setup()
    line("database", bench.dbname, f"migrated in {db.migrate():.1f} s")
    from indicators.partitions.maintenance import partition_create, partitions
    from indicators.partitions.months import Month, months_between

    now = datetime.now(UTC)
    wanted = months_between(Month.of(now).plus(1 - MONTHS), Month.of(now))
    for month in sorted(set(wanted) - set(partitions())):
        partition_create(month)
    line("monthly partitions", f"{len(partitions())}", f"{wanted[0]} to {wanted[-1]} and the months ahead")
    started = time.perf_counter()
    bench.tenant_id, bench.api_key = db.tenant_setup(bench.population)
    line("tenant, accounts, users", f"{args.accounts:,} / {args.accounts * args.users_per_account:,}",
         f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    # Spread over the months partitioned, never before the first: nothing lands in the default partition.
    bench.traffic = Traffic(bench.population, seed=args.seed, days=(now - wanted[0].start).total_seconds() / 86400)
    load(bench, args.small)
    started = time.perf_counter()
    seed_responses(bench)
    line("NPS answers and their daily counts", f"{args.responses:,}", f"{time.perf_counter() - started:.1f} s")


def load(bench: Bench, rows: int) -> None:
    """COPY ``rows`` more events, then the rollups and scores they imply, and settle the server."""
    started = time.perf_counter()
    pool = db.preload(bench.args.database_url, bench.traffic, bench.tenant_id, rows)
    took = time.perf_counter() - started
    line("events COPYed", f"{rows:,}", f"{took:.1f} s, {rows / took:,.0f} rows/s")
    started = time.perf_counter()
    with psycopg.connect(bench.args.database_url) as conn:
        conn.execute("DELETE FROM indicators_accountday WHERE tenant_id = %s", [bench.tenant_id])
        conn.execute("DELETE FROM indicators_contactday WHERE tenant_id = %s", [bench.tenant_id])
    db.backfill(bench.args.database_url, bench.tenant_id)
    score(bench)
    db.settle(bench.args.database_url)
    line("rollups, health scores, VACUUM ANALYZE", "done", f"{time.perf_counter() - started:.1f} s")
    bench.maker = BatchMaker(bench.traffic, pool, size=100, resend_ratio=0.1)


def score(bench: Bench) -> None:
    from accounts.models import Account, Tenant
    from indicators.scoring.recompute import TASK_ACCOUNTS, accounts_recompute

    tenant = Tenant.objects.get(pk=bench.tenant_id)
    ids = list(Account.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), TASK_ACCOUNTS):
        accounts_recompute(tenant=tenant, account_ids=ids[start : start + TASK_ACCOUNTS])


def seed_responses(bench: Bench) -> None:
    """``--responses`` answers of one survey over the year, to the tenant's contacts, with their daily counts."""
    if not bench.args.responses:
        return
    from accounts.models import Membership, Tenant
    from bench.nps_lib.seed import SEGMENTS, SeededTenant, answers_copy, rollup_build
    from surveys.models import Survey

    tenant = Tenant.objects.get(pk=bench.tenant_id)
    csm = Membership.objects.for_tenant(tenant).first()  # the answers' CSM: the tenant's one member
    survey = Survey.objects.for_tenant(tenant).create(tenant=tenant, name="Relationship NPS")
    people = bench.population
    accounts = [(pk, SEGMENTS[a % 3], csm.pk, people.contact_pks[a]) for a, pk in enumerate(people.account_pks)]
    seeded = SeededTenant(bench.tenant_id, tenant.time_zone, bench.args.responses, accounts=accounts,
                          surveys=[survey.pk])  # fmt: skip
    answers_copy(bench.args.database_url, seeded, seed=bench.args.seed)
    rollup_build(seeded)


def measure(bench: Bench, events: int) -> Size:
    size = Size(events)
    section(f"At {events:,} events: ingestion over HTTP")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        server = Gunicorn(repo=REPO, env=bench.env, workers=bench.args.workers, worker_class="gthread",
                          threads=bench.args.threads, log_path=Path(tmp) / "gunicorn.log")  # fmt: skip
        server.start()
        try:
            client = Client(server.port, basic_auth(bench.api_key))
            client.closed_loop(bench.maker.batches(20), bench.args.concurrency)  # warm-up, not measured
            run = client.closed_loop(bench.maker.batches(bench.args.ingest_events // 100), bench.args.concurrency)
        finally:
            server.stop()
    size.ingest_per_second = run.events_per_second
    size.ingest_p95_ms = percentile(sorted(run.latencies_ms()), 95)
    line("requests answered 200 / failed", f"{len(run.ok):,} / {len(run.failed):,}", str(run.errors() or ""))
    line("throughput", f"{size.ingest_per_second:,.0f} events/s", compared(bench, size, "ingest_per_second"))
    line("request latency p95", f"{size.ingest_p95_ms:.1f} ms")
    db.settle(bench.args.database_url)
    section(f"At {events:,} events: pages, {bench.args.requests} requests each, in-process as the tenant's admin")
    for name, (p50, p95) in pages(bench).items():
        size.pages[name] = (p50, p95)
        before = bench.sizes[0].pages.get(name) if bench.sizes else None
        note = f"{p95 / before[1]:.2f} x at {bench.sizes[0].events:,}" if before else ""
        line(name, f"p50 {p50:.1f} / p95 {p95:.1f} ms", note)
    return size


def compared(bench: Bench, size: Size, figure: str) -> str:
    if not bench.sizes:
        return ""
    first = bench.sizes[0]
    return f"{getattr(size, figure) / getattr(first, figure):.2f} x at {first.events:,}"


def pages(bench: Bench) -> dict[str, tuple[float, float]]:
    from django.conf import settings
    from django.test import Client as DjangoClient
    from django.urls import reverse

    from accounts.models import Membership

    # In-process, without collectstatic: plain static file names (gunicorn serves them hashed).
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    admin = Membership.objects.for_tenant(bench.tenant_id).filter(role="admin").select_related("user").first()
    browser = DjangoClient(HTTP_HOST="127.0.0.1")
    browser.force_login(admin.user)
    year = f"start={NPS_YEAR}-01-01&end={NPS_YEAR}-12-31"  # the year the seeded answers fill
    urls = {
        "health dashboard": reverse("admin:health-dashboard"),
        "event admin list": reverse("admin:indicators_event_changelist"),
        "event admin list, one account": reverse("admin:indicators_event_changelist")
        + f"?account__id__exact={bench.population.account_pks[0]}",
    }
    if bench.args.responses:  # without answers these pages have nothing to read: not measured
        urls["NPS dashboard"] = reverse("surveys-admin:nps")
        urls["NPS trend API (a year by month)"] = f"/api/v1/nps/trend/?interval=month&{year}"
    timings = {}
    for name, url in urls.items():
        for _ in range(3):  # warm the caches a first request fills
            assert browser.get(url).status_code == 200, f"{name}: {url}"
        took = []
        for _ in range(bench.args.requests):
            started = time.perf_counter()
            response = browser.get(url)
            took.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        took.sort()
        timings[name] = (percentile(took, 50), percentile(took, 95))
    return timings


def drop_oldest_month(bench: Bench) -> tuple[float, int]:
    from indicators.partitions.maintenance import partition_drop, partitions

    oldest = partitions()[0]
    with psycopg.connect(bench.args.database_url) as conn:
        rows = conn.execute(f"SELECT count(*) FROM {oldest.table}").fetchone()[0]
    took = partition_drop(oldest)
    section("Dropping the oldest month")
    line(f"DROP of {oldest} ({rows:,} events)", f"{took * 1000:.0f} ms", f"target < {TARGET_DROP_SECONDS:.0f} s")
    return took, rows


def summary(bench: Bench, drop_seconds: float) -> bool:
    small, large = bench.sizes
    section("Summary")
    checks = [
        (
            f"ingestion at {large.events:,} >= {TARGET_INGEST_RATIO:.0%} of at {small.events:,}",
            large.ingest_per_second / small.ingest_per_second >= TARGET_INGEST_RATIO,
            f"{large.ingest_per_second:,.0f} vs {small.ingest_per_second:,.0f} events/s "
            f"({large.ingest_per_second / small.ingest_per_second:.2f} x)",
        ),
        *(
            (f"{name} p95 < {TARGET_PAGE_P95_MS} ms at {large.events:,}", p95 < TARGET_PAGE_P95_MS, f"{p95:.1f} ms")
            for name, (_, p95) in large.pages.items()
        ),
        (f"month dropped in < {TARGET_DROP_SECONDS:.0f} s", drop_seconds < TARGET_DROP_SECONDS,
         f"{drop_seconds * 1000:.0f} ms"),
    ]  # fmt: skip
    for label, ok, value in checks:
        line(label, "met" if ok else "NOT MET", value)
    return all(ok for _, ok, _ in checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so clean-up runs on kill, too
    dbname = args.database_url.rsplit("/", 1)[1]
    bench = Bench(args, dbname, bench_environment(args), Population(args.accounts, args.users_per_account))
    started = time.perf_counter()
    print(f"Scale benchmark: {args.small:,} then {args.large:,} events, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S')}")  # fmt: skip
    lock = db.RunLock(args.database_url, dbname)
    try:
        lock.acquire()
    except db.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        set_up(bench)
        bench.sizes.append(measure(bench, args.small + args.ingest_events))
        section(f"Growing to {args.large:,} events")
        load(bench, args.large - args.small)
        bench.sizes.append(measure(bench, args.large + 2 * args.ingest_events))
        drop_seconds, _ = drop_oldest_month(bench)
        met = summary(bench, drop_seconds)
    finally:
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            db.database_drop(args.database_url, dbname)
        lock.release()
    print(f"Total run time: {time.perf_counter() - started:.0f} s")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
