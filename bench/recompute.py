"""Full recompute benchmark: scores of 10,000 accounts over 5,000,000 events, against one set-based SQL statement.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``;
``redis-server`` on the PATH: the benchmark starts its own on a free port)::

    .venv/bin/python bench/recompute.py                        # full size: 10,000 accounts, 5,000,000 events
    .venv/bin/python bench/recompute.py --keep-db              # keep the data set for the next run ...
    .venv/bin/python bench/recompute.py --reuse-db --profile   # ... and reuse it (set-up takes most of a run)
    .venv/bin/python bench/recompute.py --accounts 1000 --events 500000   # a quick run

One run, on its own database (``csplatform_bench_recompute``; dropped at the end unless ``--keep-db``):

1. Set-up (bench/scoring_lib/population.py): a tenant with ``--accounts`` accounts of
   ``--users-per-account`` users, ``--events`` usage events COPYed over the last ``--days`` days,
   the daily rollups back-filled by set-based SQL, a few communications and tickets per account,
   and two growth accounts (``--days`` of history and ten times as much, at the same daily rate).
2. Baseline: one set-based SQL statement scoring every account from the same rollups
   (bench/scoring_lib/baseline.py), from an empty table and again over its own rows.
3. Recompute in this process (what one worker process does): ``accounts_recompute`` over every
   account, first scores (inserting scores and history), then again (updating them); accounts/s,
   queries per chunk of accounts, and the ratio to the baseline.
4. The same first pass through a real Celery worker (solo pool: one process), fed tasks of
   ``TASK_ACCOUNTS`` accounts as the sweeps publish them: accounts/s from the first task sent to the
   last score stored.
5. Growth: one account's recompute, alternating between an account with ``--days`` of history and
   one with ten times as much (events, rollups, score history); median of ``--growth-runs`` each.
6. With ``--profile``: a recompute of ``--profile-accounts`` accounts under cProfile, top functions.

Targets: >= 2,000 accounts/s on one process; growth within 1.2 x. The machine's load averages are
printed with each phase: other work on the machine lowers the absolute figures, not the ratios much.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import signal
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

from bench.ingest import line, section  # noqa: E402
from bench.ingest_lib import database as db  # noqa: E402
from bench.ingest_lib.data import Population  # noqa: E402
from bench.ingest_lib.profiling import Queries, shorten  # noqa: E402
from bench.scoring_lib import population as data  # noqa: E402
from bench.scoring_lib.baseline import set_based_scores  # noqa: E402
from bench.scoring_lib.services import CeleryWorker, RedisServer, load_averages  # noqa: E402

TARGET_ACCOUNTS_PER_SECOND = 2_000
TARGET_GROWTH_RATIO = 1.2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--accounts", type=int, default=10_000, help="accounts (default 10,000)")
    add("--events", type=int, default=5_000_000, help="usage events loaded (default 5,000,000)")
    add("--users-per-account", type=int, default=5, help="users per account (default 5)")
    add("--days", type=int, default=60, help="events are spread over the last DAYS days (default 60)")
    add("--growth-runs", type=int, default=30, help="recomputes of each growth account (default 30)")
    add("--skip-worker", action="store_true", help="leave out the run through a real Celery worker")
    add("--profile", action="store_true", help="profile a recompute under cProfile")
    add("--profile-accounts", type=int, default=2_000, help="accounts recomputed under the profiler (2,000)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csplatform_bench_recompute")
    add("--seed", type=int, default=1, help="random seed for the synthetic data")
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    add("--reuse-db", action="store_true", help="reuse the database of an earlier --keep-db run of the same size")
    return parser.parse_args(argv)


def environment(args: argparse.Namespace, redis_url: str, queue: str) -> dict:
    return {
        **os.environ, "DJANGO_SETTINGS_MODULE": "csplatform.settings", "DATABASE_URL": args.database_url,
        "REDIS_URL": redis_url, "CELERY_QUEUE": queue, "SECRET_KEY": secrets.token_urlsafe(32), "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING",
    }  # fmt: skip


def set_up(args: argparse.Namespace, env: dict) -> data.Scored:
    section("Set-up")
    line("machine load averages (1/5/15 min)", load_averages())
    dbname = args.database_url.rsplit("/", 1)[1]
    population = Population(args.accounts, args.users_per_account)
    reuse = args.reuse_db and data.database_ready(args.database_url, args.accounts, args.events)
    if not reuse:
        db.database_create(args.database_url, dbname)
    os.environ.update(env)
    import django

    django.setup()
    from csplatform.heap import heap_settle

    heap_settle()  # as a worker process does once loaded (csplatform/celery.py)
    line("database", dbname, f"migrated in {db.migrate():.1f} s" + (" (reused)" if reuse else ""))
    if reuse:
        scored = data.reload(args.database_url, population)
    else:
        scored = data.build(args.database_url, population, events=args.events, days=args.days, seed=args.seed,
                            say=line)  # fmt: skip
    line("events in the table", f"{scored.events:,}")
    return scored


def baseline(args: argparse.Namespace, scored: data.Scored) -> float:
    section("Baseline: one set-based SQL statement scoring every account from the same rollups")
    line("machine load averages (1/5/15 min)", load_averages())
    fresh_rows, fresh = set_based_scores(args.database_url, scored.tenant_id, fresh=True)
    line("from an empty table", f"{fresh_rows / fresh:,.0f} accounts/s", f"{fresh_rows:,} accounts in {fresh:.2f} s")
    rows, again = set_based_scores(args.database_url, scored.tenant_id, fresh=False)
    line("over its own rows", f"{rows / again:,.0f} accounts/s", f"{rows:,} accounts in {again:.2f} s")
    return fresh_rows / fresh


def in_process(args: argparse.Namespace, scored: data.Scored, sql_rate: float) -> float:
    from django.db import connection

    from accounts.models import Tenant
    from indicators.scoring.recompute import CHUNK, accounts_recompute

    section(f"Recompute in this process (one worker's work), chunks of {CHUNK} accounts")
    tenant = Tenant.objects.get(pk=scored.tenant_id)
    ids = scored.population.account_pks
    data.scores_reset(args.database_url, scored.tenant_id, scored.growth, days=args.days)
    rates = []
    for label in ("first scores (insert scores and history)", "again (update scores)"):
        line("machine load averages (1/5/15 min)", load_averages())
        queries = Queries()
        started = time.perf_counter()
        with connection.execute_wrapper(queries), _counted_on_new_connections(queries):
            done = accounts_recompute(tenant=tenant, account_ids=ids)
        elapsed = time.perf_counter() - started
        rate = done / elapsed
        rates.append(rate)
        line(label, f"{rate:,.0f} accounts/s", f"{done:,} in {elapsed:.1f} s; {rate / sql_rate:.2f} x SQL")
        chunks = -(-done // CHUNK)
        line("  queries per chunk (both connections)", f"{sum(queries.count.values()) / chunks:.1f}",
             f"{sum(queries.seconds.values()) / elapsed:.0%} of the time in the database driver")  # fmt: skip
        for kind, seconds in sorted(queries.seconds.items(), key=lambda kv: -kv[1])[:5]:
            line(f"    {kind}"[:46], f"{queries.count[kind] / chunks:.1f} per chunk", f"{seconds:.2f} s")
    return rates[0]


@contextmanager
def _counted_on_new_connections(queries: Queries):
    """Count the statements of connections opened meanwhile, too: chunks load and store on their own."""
    from django.db.backends.signals import connection_created

    def wrap(sender, connection, **kwargs):
        connection.execute_wrappers.append(queries)

    connection_created.connect(wrap, dispatch_uid="bench.recompute.queries")
    try:
        yield
    finally:
        connection_created.disconnect(dispatch_uid="bench.recompute.queries")


def through_worker(args: argparse.Namespace, scored: data.Scored, env: dict, tmp: Path, sql_rate: float) -> float:
    from indicators.scoring.recompute import TASK_ACCOUNTS
    from indicators.tasks import recompute_accounts

    section(f"First scores through a real Celery worker (solo pool: one process), tasks of {TASK_ACCOUNTS} accounts")
    data.scores_reset(args.database_url, scored.tenant_id, scored.growth, days=args.days)
    worker = CeleryWorker(repo=REPO, env=env, log_path=tmp / "worker.log", beat=False)
    worker.start()
    try:
        line("machine load averages (1/5/15 min)", load_averages())
        # A long-running worker pays its first task's costs (lazy imports, new connections, cold caches)
        # once: a warm-up task on the growth accounts, which the measured run does not score.
        started = time.perf_counter()
        recompute_accounts.apply_async(
            kwargs={"tenant_id": scored.tenant_id, "account_ids": list(scored.growth.values())}
        )
        _scores_await(worker, scored.tenant_id, len(scored.growth))
        line(f"  warm-up task ({len(scored.growth)} accounts, not measured)", f"{time.perf_counter() - started:.2f} s")
        ids = scored.population.account_pks
        cpu_before = worker.cpu_seconds()
        started = time.perf_counter()
        for start in range(0, len(ids), TASK_ACCOUNTS):
            recompute_accounts.apply_async(
                kwargs={"tenant_id": scored.tenant_id, "account_ids": ids[start : start + TASK_ACCOUNTS]}
            )
        _scores_await(worker, scored.tenant_id, len(scored.growth) + len(ids))
        elapsed = time.perf_counter() - started
        cpu = worker.cpu_seconds() - cpu_before
    finally:
        worker.stop()
    rate = len(ids) / elapsed
    line("first scores", f"{rate:,.0f} accounts/s", f"{len(ids):,} in {elapsed:.1f} s; {rate / sql_rate:.2f} x SQL")
    line("  worker CPU", f"{cpu:.1f} s", f"{cpu / elapsed:.0%} of one core over the run")
    return rate


def _scores_await(worker: CeleryWorker, tenant_id: int, count: int) -> None:
    """Until the tenant has ``count`` scores (the worker stores them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM indicators_healthscore WHERE tenant_id = %s", [tenant_id])
            if cursor.fetchone()[0] >= count:
                return
            if worker.proc.poll() is not None:
                raise RuntimeError(f"the worker died:\n{worker.log_tail()}")
            time.sleep(0.05)


def growth(args: argparse.Namespace, scored: data.Scored) -> float:
    from accounts.models import Tenant
    from indicators.scoring.recompute import accounts_recompute

    short, long = (scored.growth[e] for e in data.GROWTH_EXTERNAL_IDS)
    section(f"Growth: one account's recompute, {args.days} days of history against {10 * args.days}")
    line("machine load averages (1/5/15 min)", load_averages())
    tenant = Tenant.objects.get(pk=scored.tenant_id)
    times: dict[int, list[float]] = {short: [], long: []}
    for account in (short, long):  # warm both up: first scores, caches
        accounts_recompute(tenant=tenant, account_ids=[account])
    for _ in range(args.growth_runs):
        for account in (short, long):
            started = time.perf_counter()
            accounts_recompute(tenant=tenant, account_ids=[account])
            times[account].append(time.perf_counter() - started)
    short_ms, long_ms = (statistics.median(times[a]) * 1000 for a in (short, long))
    line(f"{args.days} days of history (median of {args.growth_runs})", f"{short_ms:.1f} ms")
    line(f"{10 * args.days} days of history (median of {args.growth_runs})", f"{long_ms:.1f} ms",
         f"{long_ms / short_ms:.2f} x")  # fmt: skip
    return long_ms / short_ms


def profile(args: argparse.Namespace, scored: data.Scored, top: int = 25) -> None:
    from accounts.models import Tenant
    from indicators.scoring.recompute import accounts_recompute

    ids = scored.population.account_pks[: args.profile_accounts]
    section(f"Profile: recompute of {len(ids):,} accounts under cProfile")
    tenant = Tenant.objects.get(pk=scored.tenant_id)
    profiler = cProfile.Profile()
    profiler.enable()
    accounts_recompute(tenant=tenant, account_ids=ids)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    for key, label in ((3, "cumulative"), (2, "own time")):
        print(f"\n  Top {top} functions by {label}:")
        print(f"    {'ncalls':>9} {'tottime':>8} {'cumtime':>8}  function")
        for (file, number, function), (calls, _, tottime, cumtime, _) in sorted(
            stats.items(), key=lambda item: item[1][key], reverse=True
        )[:top]:
            print(f"    {calls:>9} {tottime:8.3f} {cumtime:8.3f}  {function} ({shorten(file)}:{number})")


def summary(sql_rate: float, rate: float, worker_rate: float | None, growth_ratio: float) -> None:
    section("Summary (ratios against the set-based SQL statement measured in this run)")
    line("set-based SQL, every account in one statement", f"{sql_rate:,.0f} accounts/s", "1.00 x SQL")
    line("recompute in one process", f"{rate:,.0f} accounts/s", f"{rate / sql_rate:.2f} x SQL")
    if worker_rate is not None:
        line(
            "recompute through one solo worker", f"{worker_rate:,.0f} accounts/s", f"{worker_rate / sql_rate:.2f} x SQL"
        )
    line("machine load averages (1/5/15 min)", load_averages())
    print("\n  Targets:")
    best = max(rate, worker_rate or 0)
    verdicts = [
        (
            f">= {TARGET_ACCOUNTS_PER_SECOND:,} accounts/s on one process",
            f"{best:,.0f}",
            best >= TARGET_ACCOUNTS_PER_SECOND,
        ),
        (f"10x history within {TARGET_GROWTH_RATIO} x", f"{growth_ratio:.2f} x", growth_ratio <= TARGET_GROWTH_RATIO),
    ]
    for label, value, met in verdicts:
        line(label, value, "MET" if met else "NOT MET")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so clean-up runs on kill, too
    dbname = args.database_url.rsplit("/", 1)[1]
    print(f"Recompute benchmark: {args.accounts:,} accounts, {args.events:,} events, {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S')}")  # fmt: skip
    lock = db.RunLock(args.database_url, dbname)
    try:
        lock.acquire()
    except db.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-recompute-") as tmp:
        broker = RedisServer(Path(tmp))
        try:
            broker.start()
            env = environment(args, broker.url, queue="bench-recompute")
            scored = set_up(args, env)
            broker.purge(env["CELERY_QUEUE"])  # set-up's queued work (the new tenant's rescore) is not measured
            sql_rate = baseline(args, scored)
            rate = in_process(args, scored, sql_rate)
            worker_rate = None if args.skip_worker else through_worker(args, scored, env, Path(tmp), sql_rate)
            ratio = growth(args, scored)
            if args.profile:
                profile(args, scored)
            summary(sql_rate, rate, worker_rate, ratio)
        finally:
            broker.stop()
            if "django" in sys.modules:
                from django.db import connections

                connections.close_all()
            if not args.keep_db:
                db.database_drop(args.database_url, dbname)
            lock.release()
    print(f"\nTotal run time: {time.perf_counter() - started:.0f} s ({'database kept' if args.keep_db else 'dropped'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
