"""Event-to-score latency benchmark: from the API's 200 to the new score row, under a steady background load.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``;
``redis-server`` on the PATH: the benchmark starts its own on a free port, so its broker counters
count only its own messages)::

    .venv/bin/python bench/score_latency.py                      # 500 events/s for 60 s over 10,000 accounts
    .venv/bin/python bench/score_latency.py --rate 200 --seconds 30 --accounts 2000 --preload 100000  # quicker

One run, on its own database (``csplatform_bench_latency``; dropped at the end unless ``--keep-db``):

1. Set-up: a tenant with ``--accounts`` accounts of ``--users-per-account`` users, ``--preload``
   usage events COPYed over 30 days with their rollups (bench/ingest_lib), every account scored once.
2. Services: gunicorn (``--workers`` sync workers) and one real Celery worker with embedded beat
   (solo pool: one process; beat sweeps the dirty set every second), on the private Redis.
3. Baseline: ``--baseline-probes`` probes with no other traffic, one a second: each posts one event
   for a new account and times the API's 200 to that account's first score row.
4. Load: ``--rate`` events/s in batches of ``--batch-size`` (open loop, spread uniformly over the
   accounts) for ``--seconds``, with a probe every ``--probe-every`` seconds meanwhile.
   Latency p50/p95 against the baseline; Celery tasks published per 1,000 events, counted twice:
   from the broker (LPUSH commands on the private Redis: every message Kombu publishes) and from
   the tasks the worker logged as received, by name.

Targets: p50 < 1.5 s and p95 < 3 s under load; at most 10 tasks published per 1,000 events.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

from bench.ingest import line, machine_lines, section, waits_lines  # noqa: E402
from bench.ingest_lib import database as db  # noqa: E402
from bench.ingest_lib.data import BatchMaker, Population, Traffic, basic_auth  # noqa: E402
from bench.ingest_lib.load import Client, percentile  # noqa: E402
from bench.ingest_lib.server import CpuMeter, Gunicorn, WaitSampler  # noqa: E402
from bench.recompute import environment  # noqa: E402
from bench.scoring_lib.probes import Probes  # noqa: E402
from bench.scoring_lib.services import CeleryWorker, RedisServer, load_averages  # noqa: E402

TARGET_P50_MS = 1_500
TARGET_P95_MS = 3_000
TARGET_TASKS_PER_1K = 10
RECOMPUTE = "indicators.recompute_accounts"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--accounts", type=int, default=10_000, help="accounts (default 10,000)")
    add("--users-per-account", type=int, default=5, help="users per account (default 5)")
    add("--preload", type=int, default=300_000, help="usage events loaded before measuring (default 300,000)")
    add("--rate", type=float, default=500, help="background events per second (default 500)")
    add("--batch-size", type=int, default=50, help="events per background request (default 50)")
    add("--seconds", type=float, default=60, help="seconds of background load (default 60)")
    add("--probe-every", type=float, default=0.5, help="seconds between probes under load (default 0.5)")
    add("--baseline-probes", type=int, default=20, help="probes without background load (default 20)")
    add("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csplatform_bench_latency")
    add("--seed", type=int, default=1, help="random seed for the synthetic data")
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    return parser.parse_args(argv)


def set_up(args: argparse.Namespace, env: dict) -> tuple[int, str, BatchMaker]:
    section("Set-up")
    line("machine load averages (1/5/15 min)", load_averages())
    dbname = args.database_url.rsplit("/", 1)[1]
    db.database_create(args.database_url, dbname)
    os.environ.update(env)
    import django

    django.setup()
    line("database", dbname, f"migrated in {db.migrate():.1f} s")
    population = Population(args.accounts, args.users_per_account)
    started = time.perf_counter()
    tenant_id, key = db.tenant_setup(population)
    traffic = Traffic(population, seed=args.seed, days=30)
    pool = db.preload(args.database_url, traffic, tenant_id, args.preload)
    db.backfill(args.database_url, tenant_id)
    db.settle(args.database_url)
    line("accounts, preloaded events, rollups", f"{args.accounts:,} / {args.preload:,}",
         f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    from accounts.models import Tenant
    from indicators.scoring.recompute import accounts_recompute

    started = time.perf_counter()
    scored = accounts_recompute(tenant=Tenant.objects.get(pk=tenant_id), account_ids=population.account_pks)
    line("first scores (in-process)", f"{scored:,}", f"{time.perf_counter() - started:.0f} s")
    # Background traffic: new events only (no re-sent duplicates), recent, over every account.
    live = Traffic(population, seed=args.seed + 1, days=1)
    return tenant_id, key, BatchMaker(live, pool, size=args.batch_size, resend_ratio=0)


def latency_lines(label: str, probes: Probes, baseline: list[float] | None) -> None:
    latencies = probes.latencies_ms()
    missing = f"{probes.failed} failed, {probes.unscored} never scored" if probes.failed or probes.unscored else ""
    line(f"{label}: probes scored / answered", f"{len(latencies)} / {len(probes.answered)}", missing)
    for p in (50, 95):
        value = percentile(latencies, p)
        base = percentile(baseline, p) if baseline else None
        note = f"{value / base:.2f} x unloaded (p{p} {base:.0f} ms)" if base else ""
        line(f"{label}: event-to-score p{p}", f"{value:,.0f} ms", note)
    if latencies:
        line(f"{label}: event-to-score max", f"{latencies[-1]:,.0f} ms")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so clean-up runs on kill, too
    dbname = args.database_url.rsplit("/", 1)[1]
    print(f"Event-to-score latency benchmark: {args.rate:,.0f} events/s over {args.accounts:,} accounts for "
          f"{args.seconds:.0f} s, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M:%S')}")  # fmt: skip
    lock = db.RunLock(args.database_url, dbname)
    try:
        lock.acquire()
    except db.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        broker = RedisServer(Path(tmp))
        server = worker = None
        try:
            broker.start()
            env = environment(args, broker.url, queue="bench-latency")
            tenant_id, key, maker = set_up(args, env)
            server = Gunicorn(repo=REPO, env=env, workers=args.workers, worker_class="sync", threads=1,
                              log_path=Path(tmp) / "gunicorn.log")  # fmt: skip
            server.start()
            # Work queued during set-up (the new tenant's rescore) was done in-process by the first scores.
            broker.purge(env["CELERY_QUEUE"])
            worker = CeleryWorker(repo=REPO, env=env, log_path=Path(tmp) / "worker.log", beat=True)
            worker.start()
            section(f"Services: {server.description}; one Celery worker (solo) with beat; Redis on {broker.port}")
            measure(args, tenant_id, key, maker, server, worker, broker)
        finally:
            for stop in (server and server.stop, worker and worker.stop, broker.stop):
                if stop:
                    stop()
            if "django" in sys.modules:
                from django.db import connections

                connections.close_all()
            if not args.keep_db:
                db.database_drop(args.database_url, dbname)
            lock.release()
    print(f"\nTotal run time: {time.perf_counter() - started:.0f} s")
    return 0


def measure(args, tenant_id: int, key: str, maker: BatchMaker, server: Gunicorn, worker: CeleryWorker,
            broker: RedisServer) -> None:  # fmt: skip
    auth = basic_auth(key)
    section(f"Baseline: {args.baseline_probes} probes, one a second, no other traffic")
    line("machine load averages (1/5/15 min)", load_averages())
    unloaded = Probes(server.port, auth, args.database_url, tenant_id, prefix="probe-idle")
    unloaded.run(args.baseline_probes, every=1.0)
    baseline = unloaded.latencies_ms()
    latency_lines("unloaded", unloaded, None)

    requests = round(args.seconds * args.rate / args.batch_size)
    batches = maker.batches(requests)
    section(f"Load: {args.rate:,.0f} events/s ({requests:,} requests of {args.batch_size}) for {args.seconds:.0f} s, "
            f"a probe every {args.probe_every} s")  # fmt: skip
    loaded = Probes(server.port, auth, args.database_url, tenant_id, prefix="probe-load")
    postmaster = db.postmaster_pid(args.database_url)
    dbname = args.database_url.rsplit("/", 1)[1]
    commands, received = broker.commands(), worker.received()
    finished, worker_cpu = len(worker.durations(RECOMPUTE)), worker.cpu_seconds()
    with (
        CpuMeter(gunicorn_pid=server.proc.pid, postmaster=postmaster, dbname=dbname) as meter,
        WaitSampler(db.admin_url(args.database_url), dbname) as waits,
    ):
        before = meter.snapshot()
        result = {}
        client = Client(server.port, auth)
        background = threading.Thread(
            target=lambda: result.setdefault("run", client.open_loop(batches, args.rate / args.batch_size)), daemon=True
        )
        background.start()
        loaded.run(round(args.seconds / args.probe_every), every=args.probe_every)
        background.join()
        usage = meter.usage(before, meter.snapshot())
    run = result["run"]
    published = broker.commands()["lpush"] - commands["lpush"]
    delivered = worker.received() - received
    events = run.events_ok + len(loaded.answered)
    line("machine load averages (1/5/15 min)", load_averages())
    line("background requests answered 200 / failed", f"{len(run.ok):,} / {len(run.failed):,}",
         str(run.errors() or ""))  # fmt: skip
    line("events accepted (background + probes)", f"{events:,}", f"{events / max(run.elapsed, 1e-9):,.0f} events/s")
    latency_lines("under load", loaded, baseline)
    line(
        "messages published to the broker (LPUSH)",
        f"{published:,}",
        f"{published * 1000 / events:.1f} per 1,000 events",
    )
    for name, count in delivered.most_common():
        line(
            f"  received by the worker: {name.split('.')[-1]}"[:46],
            f"{count:,}",
            f"{count * 1000 / events:.1f} per 1,000 events",
        )
    durations = sorted(worker.durations(RECOMPUTE)[finished:])
    if durations:
        line("recompute tasks: p50 / max run time", f"{percentile(durations, 50) * 1000:,.0f} / "
             f"{durations[-1] * 1000:,.0f} ms", f"{len(durations)} tasks")  # fmt: skip
    cpu = worker.cpu_seconds() - worker_cpu
    line("Celery worker CPU", f"{cpu:.1f} s", f"{cpu / usage.elapsed:.0%} of one core")
    waits_lines(waits)
    machine_lines(usage)
    line("  (the Celery worker counts among those processes)", f"{cpu / usage.elapsed / (os.cpu_count() or 1):.0%}")

    section("Summary (ratios against the unloaded probes measured in this run)")
    latencies = loaded.latencies_ms()
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    per_1k = published * 1000 / events
    recomputes = delivered.get(RECOMPUTE, 0) * 1000 / events
    line("p50 / p95 unloaded", f"{percentile(baseline, 50):,.0f} / {percentile(baseline, 95):,.0f} ms")
    line("p50 / p95 under load", f"{p50:,.0f} / {p95:,.0f} ms",
         f"{p50 / percentile(baseline, 50):.2f} x / {p95 / percentile(baseline, 95):.2f} x unloaded")  # fmt: skip
    line("tasks published per 1,000 events (all / recompute)", f"{per_1k:.1f} / {recomputes:.1f}")
    line("machine load averages (1/5/15 min)", load_averages())
    print("\n  Targets:")
    complete = loaded.unscored == 0 and loaded.answered
    verdicts = [
        (f"p50 < {TARGET_P50_MS:,} ms under load", f"{p50:,.0f} ms", p50 < TARGET_P50_MS and complete),
        (f"p95 < {TARGET_P95_MS:,} ms under load", f"{p95:,.0f} ms", p95 < TARGET_P95_MS and complete),
        (f"<= {TARGET_TASKS_PER_1K} tasks published per 1,000 events", f"{per_1k:.1f}", per_1k <= TARGET_TASKS_PER_1K),
    ]
    for label, value, met in verdicts:
        line(label, value, "MET" if met else "NOT MET")


if __name__ == "__main__":
    sys.exit(main())
