"""Ingestion benchmark: ``POST /v1/batch`` through gunicorn into PostgreSQL, against a plain COPY of the same rows.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``,
Redis at 127.0.0.1:6379; standard library plus the project's requirements, nothing to install)::

    .venv/bin/python bench/ingest.py                                  # full size: 200,000 events, 1,000,000 preloaded
    .venv/bin/python bench/ingest.py --max-phase-seconds 0            # the same, every planned message sent
    .venv/bin/python bench/ingest.py --events 20000 --preload 100000  # a quick run
    .venv/bin/python bench/ingest.py --worker-class sync              # sync workers (no keep-alive), to compare

A full run takes at most about 10 minutes on 2 cores: each sweep level, the latency run, the
fault run and the profile stop after ``--max-phase-seconds`` (60), so a slow server sends fewer
than ``--events`` messages, and the output says how many. Run it on an otherwise idle machine:
each phase prints the CPU share taken by processes outside the benchmark.

One run, on its own database (``csplatform_bench``, created, migrated, and dropped at the end, even
on failure or Ctrl-C; ``--keep-db`` keeps it) and its own Redis database (``/15``):

1. Set-up: a fresh tenant with an ingest-only key (platform defaults: ingestion is limited in
   messages per minute, 1,200,000 by default), ``--accounts`` accounts with ``--users-per-account``
   users each, and ``--preload`` events COPYed straight into ``indicators_event`` (realistic rows:
   random message ids, 18 event names, ~350-byte ``track`` messages with ``userId`` and
   ``context.groupId``, spread over the last ``--days`` days), with the daily rollups and contacts'
   first/last seen they imply, then VACUUM ANALYZE and CHECKPOINT.
2. Baseline: the new rows of the sweep's batches (under other message ids), loaded into the same
   table with psycopg, one ``COPY`` per ``--batch-size`` rows, each committed, one connection:
   rows/s, latency per COPY, PostgreSQL backend CPU per 1,000 rows.
3. Peak: gunicorn (``--workers`` workers of ``--worker-class``, by default gthread with ``--threads``
   threads each and keep-alive, as in production) on a free local port; threads with
   ``http.client`` connections (kept alive where the server allows) post ``--events`` messages in
   batches of ``--batch-size``, ``--resend-ratio`` of them re-sent already stored messages, split
   over the ``--concurrency`` levels (closed loop). For each level: events/s, latency, CPU per
   1,000 events of gunicorn (arbiter and workers) and of PostgreSQL (this database's backends;
   background processes separately), read from /proc, and what the database sessions were doing
   (pg_stat_activity, sampled every 50 ms). VACUUM ANALYZE runs between phases, unmeasured.
4. Latency: an open loop at half the peak rate (at least 100 requests, within the phase limit);
   p50/p99 from each request's scheduled start.
5. Fault: a closed loop at the peak's concurrency, ``kill -9`` of the busiest worker a third of the
   way in (gunicorn forks another); then every message id answered 200 in any phase must be
   stored exactly once (counted by message_id).
6. Profile: ``--profile-batches`` batches through the WSGI application in-process under cProfile,
   every query timed and its rows counted: the top functions by cumulative and by own time, and
   the time per step of the request (auth, decode, lookups, insert, rollups, commit, Redis).

Every figure is printed with its ratio to the COPY baseline, and the summary checks the targets:
>= 10,000 events/s end to end, >= 0.3 x COPY, p99 < 50 ms at half the peak rate.
Check the code with ``.venv/bin/ruff check bench && .venv/bin/ruff format --check bench``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

from bench.ingest_lib import database as db  # noqa: E402
from bench.ingest_lib.data import Batch, BatchMaker, Population, Traffic, basic_auth, copy_line  # noqa: E402
from bench.ingest_lib.load import Client, Run, percentile, run_later  # noqa: E402
from bench.ingest_lib.profiling import Profile, profile_batches  # noqa: E402
from bench.ingest_lib.server import CpuMeter, CpuUsage, Gunicorn, WaitSampler, machine_busy  # noqa: E402

TARGET_EVENTS_PER_SECOND = 10_000
TARGET_COPY_RATIO = 0.3
TARGET_P99_MS = 50


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--events", type=int, default=200_000, help="messages posted for the peak sweep (default 200,000)")
    add("--preload", type=int, default=1_000_000, help="events in the table before measuring (default 1,000,000)")
    add("--accounts", type=int, default=2_000, help="accounts (default 2,000)")
    add("--users-per-account", type=int, default=10, help="users per account (default 10)")
    add("--batch-size", type=int, default=100, help="messages per request, and rows per baseline COPY (100)")
    add("--resend-ratio", type=float, default=0.1, help="share of re-sent (duplicate) messages (default 0.1)")
    add("--concurrency", default="2,4,8", help="closed-loop concurrency levels to sweep (default 2,4,8)")
    add("--days", type=float, default=30, help="events are spread over the last DAYS days (default 30)")
    add("--latency-seconds", type=float, default=30, help="half-peak open-loop run: seconds, >= 100 requests (30)")
    add("--fault-events", type=int, default=30_000, help="messages posted in the kill -9 run (default 30,000)")
    add("--profile-batches", type=int, default=300, help="batches profiled in-process (default 300)")
    add(
        "--max-phase-seconds",
        type=float,
        default=60,
        help="stop each sweep level, the fault run and the profile after this long (0: no limit; default 60)",
    )
    add("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    add(
        "--worker-class", default="gthread", choices=["sync", "gthread"], help="gunicorn worker class (default gthread)"
    )
    add("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csplatform_bench", help="database to create")
    add("--redis-url", default="redis://127.0.0.1:6379/15", help="Redis for rate limits and recompute hints")
    add("--seed", type=int, default=1, help="random seed for the synthetic data")
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    return parser.parse_args(argv)


# --- printing ---------------------------------------------------------------------------


def section(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>24}  {note}".rstrip(), flush=True)


def ratio(value: float | None, baseline: float | None) -> str:
    return f"{value / baseline:.2f} x COPY" if value is not None and baseline else ""


def cpu_lines(usage: CpuUsage, events: int, baseline: Baseline | None) -> None:
    base_pg = baseline.pg_ms_per_1k if baseline else None
    gunicorn = usage.per_thousand("gunicorn", events)
    backends = usage.per_thousand("pg backends", events)
    aux = usage.per_thousand("pg aux", events)
    if gunicorn is not None:
        line("CPU gunicorn", f"{gunicorn:.1f} ms/1k events", ratio(gunicorn, base_pg) + " (COPY: PG backend)")
    line("CPU PostgreSQL backends", fmt_ms(backends, "ms/1k events"), ratio(backends, base_pg))
    if gunicorn is not None and backends is not None:
        line(
            "CPU server total (gunicorn + PG backends)",
            f"{gunicorn + backends:.1f} ms/1k events",
            ratio(gunicorn + backends, base_pg),
        )
    line("CPU PostgreSQL background (instance-wide)", fmt_ms(aux, "ms/1k events"))
    line("CPU load generator (this process)", f"{usage.client_seconds * 1e6 / max(1, events):.1f} ms/1k events")
    if len(usage.workers) > 1:
        split = " / ".join(f"{w / max(sum(usage.workers), 1e-9):.0%}" for w in usage.workers)
        line("gunicorn workers' share of their CPU", split)
    machine_lines(usage)


def machine_lines(usage: CpuUsage) -> None:
    cores = os.cpu_count()
    line(f"machine CPU busy ({cores} cores = 100%)", f"{usage.machine_busy:.0%}")
    note = "  <- other work on this machine skews the figures" if usage.others > 0.1 else ""
    line("  of which processes outside this benchmark", f"{usage.others:.0%}", note)


def fmt_ms(value: float | None, unit: str) -> str:
    return "n/a (no /proc)" if value is None else f"{value:.1f} {unit}"


def latency_lines(latencies_ms: list[float], baseline: Baseline | None, label: str = "latency") -> None:
    for p in (50, 90, 99):
        value = percentile(latencies_ms, p)
        base = percentile(baseline.latencies_ms, p) if baseline else None
        line(f"{label} p{p}", f"{value:.1f} ms", ratio(value, base) + (f" (COPY p{p}: {base:.1f} ms)" if base else ""))
    if latencies_ms:
        line(f"{label} max", f"{latencies_ms[-1]:.1f} ms")


def waits_lines(sampler: WaitSampler, top: int = 6) -> None:
    for name, share in sampler.shares()[:top]:
        line(f"  db sessions: {name}"[:46], f"{share:.0%}")


# --- phases -----------------------------------------------------------------------------


@dataclass
class Bench:
    """What the phases share."""

    args: argparse.Namespace
    database_url: str
    dbname: str
    env: dict
    population: Population
    tenant_id: int = 0
    api_key: str = ""
    postmaster: int | None = None
    maker: BatchMaker | None = None
    server: Gunicorn | None = None


@dataclass
class Baseline:
    rows: int
    elapsed: float
    latencies_ms: list[float]
    usage: CpuUsage

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed

    @property
    def pg_ms_per_1k(self) -> float | None:
        return self.usage.per_thousand("pg backends", self.rows)


def bench_environment(args: argparse.Namespace) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def set_up(bench: Bench) -> None:
    args = bench.args
    section("Set-up")
    busy = machine_busy()
    line("machine CPU busy before starting (2 s)", f"{busy:.0%}", "<- not idle: figures skewed" if busy > 0.1 else "")
    db.database_create(bench.database_url, bench.dbname)
    os.environ.update(bench.env)
    import django

    django.setup()
    line("database", bench.dbname, f"migrated in {db.migrate():.1f} s")
    settings = db.server_settings(bench.database_url)
    line(
        "PostgreSQL",
        settings.get("server_version", "?"),
        ", ".join(f"{k}={v}" for k, v in settings.items() if k != "server_version"),
    )
    bench.postmaster = db.postmaster_pid(bench.database_url)
    started = time.perf_counter()
    bench.tenant_id, bench.api_key = db.tenant_setup(bench.population)
    line(
        "tenant, ingest key, accounts, users",
        f"{args.accounts:,} / {args.accounts * args.users_per_account:,}",
        f"{time.perf_counter() - started:.1f} s",
    )
    traffic = Traffic(bench.population, seed=args.seed, days=args.days)
    started = time.perf_counter()
    pool = db.preload(bench.database_url, traffic, bench.tenant_id, args.preload)
    copied = time.perf_counter() - started
    line("preloaded events (one COPY)", f"{args.preload:,}", f"{copied:.1f} s, {args.preload / copied:,.0f} rows/s")
    started = time.perf_counter()
    db.backfill(bench.database_url, bench.tenant_id)
    db.settle(bench.database_url)
    line("rollups, first/last seen, VACUUM ANALYZE", "done", f"{time.perf_counter() - started:.1f} s")
    bench.maker = BatchMaker(traffic, pool, size=args.batch_size, resend_ratio=args.resend_ratio)


def copy_baseline(bench: Bench, batches: list[Batch]) -> Baseline:
    section(f"Baseline: COPY of {bench.args.batch_size} rows per statement, each committed (one connection)")
    population, size = bench.population, bench.args.batch_size
    rows = [
        copy_line(e, population, bench.tenant_id, message_id=f"copy-{e.message_id}") for b in batches for e in b.fresh
    ]
    blocks = ["".join(rows[i : i + size]) for i in range(0, len(rows), size)]
    with (
        psycopg.connect(bench.database_url) as conn,  # before the meter starts, so its backend is counted whole
        CpuMeter(gunicorn_pid=None, postmaster=bench.postmaster, dbname=bench.dbname) as meter,
    ):
        before = meter.snapshot()
        latencies = db.copy_batches(conn, blocks)
        usage = meter.usage(before, meter.snapshot())
    baseline = Baseline(len(rows), sum(latencies), sorted(t * 1000 for t in latencies), usage)
    line("rows", f"{baseline.rows:,}", f"in {baseline.elapsed:.1f} s")
    line("COPY throughput", f"{baseline.rows_per_second:,.0f} rows/s", "1.00 x COPY")
    latency_lines(baseline.latencies_ms, None, "COPY + commit latency")
    line("CPU PostgreSQL backend", fmt_ms(baseline.pg_ms_per_1k, "ms/1k rows"), "1.00 x COPY")
    line("CPU client (psycopg)", f"{usage.client_seconds * 1e6 / baseline.rows:.1f} ms/1k rows")
    machine_lines(usage)
    db.settle(bench.database_url)
    return baseline


def measured(bench: Bench, run_load) -> tuple[Run, CpuUsage, WaitSampler]:
    """Run ``run_load()`` with CPU and database sessions measured."""
    with (
        CpuMeter(gunicorn_pid=bench.server.proc.pid, postmaster=bench.postmaster, dbname=bench.dbname) as meter,
        WaitSampler(db.admin_url(bench.database_url), bench.dbname) as waits,
    ):
        before = meter.snapshot()
        run = run_load()
        usage = meter.usage(before, meter.snapshot())
    return run, usage, waits


def run_lines(run: Run, baseline: Baseline) -> None:
    resent = sum(run.batches[o.index].resent for o in run.ok)
    line("requests answered 200 / failed", f"{len(run.ok):,} / {len(run.failed):,}", str(run.errors() or ""))
    if run.unsent:
        line("requests left unsent (--max-phase-seconds)", f"{run.unsent:,}", f"of {len(run.batches):,} planned")
    line(
        "messages: accepted / duplicates / rejected",
        f"{run.accepted:,} / {run.duplicates:,} / {run.rejected:,}",
        f"(re-sent: {resent:,})",
    )
    line("throughput", f"{run.events_per_second:,.0f} events/s", ratio(run.events_per_second, baseline.rows_per_second))


def sweep(
    bench: Bench, client: Client, baseline: Baseline, plan: list[tuple[int, list[Batch]]]
) -> list[tuple[int, Run, CpuUsage]]:
    results = []
    cap = bench.args.max_phase_seconds
    for concurrency, batches in plan:
        messages = sum(len(b.message_ids) for b in batches)
        section(f"Peak sweep: closed loop, concurrency {concurrency}, {messages:,} messages")
        run, usage, waits = measured(bench, lambda b=batches, c=concurrency: client.closed_loop(b, c, cap))
        run_lines(run, baseline)
        latency_lines(run.latencies_ms(), baseline)
        cpu_lines(usage, run.events_ok, baseline)
        waits_lines(waits)
        results.append((concurrency, run, usage))
        between_phases(bench)
    return results


def between_phases(bench: Bench) -> None:
    """VACUUM ANALYZE and CHECKPOINT, standing in for autovacuum (off on some servers) between measured phases."""
    started = time.perf_counter()
    db.settle(bench.database_url)
    line("(not measured) VACUUM ANALYZE, CHECKPOINT", f"{time.perf_counter() - started:.1f} s")


def half_peak(bench: Bench, client: Client, baseline: Baseline, peak: float) -> tuple[Run, CpuUsage]:
    args = bench.args
    rate = peak / 2 / args.batch_size
    count = max(100, round(rate * args.latency_seconds))  # enough for a p99, unless that takes too long:
    if args.max_phase_seconds:
        count = max(20, min(count, round(rate * args.max_phase_seconds)))
    batches = bench.maker.batches(count)
    section(f"Latency at half the peak: open loop, {rate:.1f} requests/s ({peak / 2:,.0f} events/s), {count} requests")
    run, usage, waits = measured(bench, lambda: client.open_loop(batches, rate))
    run_lines(run, baseline)
    latency_lines(run.latencies_ms(), baseline)
    service = sorted((o.ended - o.started) * 1000 for o in run.ok)
    line(
        "service time p50 / p99 (from the actual send)",
        f"{percentile(service, 50):.1f} / {percentile(service, 99):.1f} ms",
    )
    cpu_lines(usage, run.events_ok, baseline)
    waits_lines(waits)
    between_phases(bench)
    return run, usage


def fault(bench: Bench, client: Client, baseline: Baseline, concurrency: int, peak: float) -> Run:
    args = bench.args
    count = -(-args.fault_events // args.batch_size)
    batches = bench.maker.batches(count)
    expected = count * args.batch_size / max(peak, 1)
    if args.max_phase_seconds:
        expected = min(expected, args.max_phase_seconds)
    delay = expected / 3
    section(f"Fault: kill -9 of one gunicorn worker {delay:.1f} s into a closed loop at concurrency {concurrency}")
    killed: dict[str, float] = {}

    def kill() -> None:
        killed["pid"] = bench.server.kill_busiest_worker()
        killed["respawn"] = bench.server.wait_for_replacement(killed["pid"])

    timer = run_later(delay, kill)
    run, usage, _waits = measured(bench, lambda: client.closed_loop(batches, concurrency, args.max_phase_seconds))
    timer.join()
    line(
        "killed worker (the busiest)",
        f"pid {killed.get('pid', '?')}",
        f"new worker forked {killed.get('respawn', float('nan')):.2f} s later",
    )
    run_lines(run, baseline)
    machine_lines(usage)
    return run


def verify(bench: Bench, runs: list[Run]) -> dict[str, int]:
    section("Durability: every message id answered 200 is stored exactly once")
    acknowledged = set().union(*(run.acknowledged_ids() for run in runs))
    unacknowledged = set().union(*(run.unacknowledged_ids() for run in runs))
    result = db.verify(bench.database_url, bench.tenant_id, acknowledged, unacknowledged)
    for name, value in result.items():
        line(name, f"{value:,}")
    verdict = "OK" if result["missing"] == 0 and result["duplicated"] == 0 else "FAILED"
    line("verdict", verdict)
    return result


def profile(bench: Bench, top: int = 20) -> Profile:
    args = bench.args
    plain = 10
    cap = f", at most {args.max_phase_seconds:.0f} s" if args.max_phase_seconds else ""
    section(f"Profile: up to {args.profile_batches} batches in-process (WSGI app, cProfile{cap}), {plain} unprofiled")
    batches = bench.maker.batches(10 + plain + args.profile_batches)
    result = profile_batches(batches, basic_auth(bench.api_key), plain=plain, max_seconds=args.max_phase_seconds)
    one_core = args.batch_size * 1000 / result.plain_ms
    line(
        "per batch, unprofiled / profiled",
        f"{result.plain_ms:.1f} / {result.profiled_ms:.1f} ms",
        f"(one request at a time: {one_core:,.0f} events/s)",
    )
    view = ("indicators/ingest/http.py", "view")
    handler = result.cumulative("django/core/handlers/wsgi.py", "__call__") or 0.0
    around = (handler - (result.cumulative(*view) or 0.0)) * 1000 / result.batches
    print(
        f"\n  Top {top} functions by cumulative time, from the view down ({result.batches} batches; seconds, "
        f"[ms per batch]); the WSGI handler and middleware around the view add {around:.2f} ms per batch:"
    )
    for text in result.top(top, below=view):
        print("   ", text)
    print("\n  Top 15 functions by own time (tottime):")
    for text in result.top(15, sort="tottime"):
        print("   ", text)
    print("\n  Time per step of a request (profiled ms per batch, share of the whole request):")
    for label, ms, share in result.steps():
        print(f"    {label:<50} {ms:8.2f} ms {share:6.1%}")
    queries = result.queries
    total_queries = sum(queries.count.values())
    n = result.batches
    print(f"\n  Queries per batch of {args.batch_size} messages: {total_queries / n:.1f} (wall time in the driver):")
    print(f"    {'statement':<46} {'queries':>8} {'rows':>8} {'ms':>8}")
    for kind, count in sorted(queries.count.items(), key=lambda kv: -queries.seconds[kv[0]]):
        ms, rows = queries.seconds[kind] * 1000 / n, queries.rows[kind] / n
        print(f"    {kind:<46} {count / n:8.2f} {rows:8.0f} {ms:8.2f}")
    return result


def summary(
    bench: Bench,
    baseline: Baseline,
    sweep_results: list[tuple[int, Run, CpuUsage]],
    latency: tuple[Run, CpuUsage],
    check: dict,
) -> None:
    concurrency, peak, peak_usage = max(sweep_results, key=lambda r: r[1].events_per_second)
    latency_run, latency_usage = latency
    copy_rate = baseline.rows_per_second
    section("Summary (ratios against the COPY baseline measured in this run)")
    line("COPY baseline", f"{copy_rate:,.0f} rows/s", "1.00 x COPY")
    eps = peak.events_per_second
    line(f"HTTP peak (concurrency {concurrency})", f"{eps:,.0f} events/s", ratio(eps, copy_rate))
    print(f"    ({bench.server.description})")
    stored = peak.accepted / peak.elapsed
    line("  of which new rows stored", f"{stored:,.0f} rows/s", ratio(stored, copy_rate))
    sent = sum(len(run.outcomes) for _, run, _ in sweep_results) * bench.args.batch_size
    line("  messages sent in the sweep", f"{sent:,}", f"of {bench.args.events:,} planned")
    latencies = latency_run.latencies_ms()
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    base50, base99 = percentile(baseline.latencies_ms, 50), percentile(baseline.latencies_ms, 99)
    line("p50 / p99 at half the peak", f"{p50:.1f} / {p99:.1f} ms", f"{ratio(p50, base50)} / {ratio(p99, base99)}")
    gunicorn = peak_usage.per_thousand("gunicorn", peak.events_ok)
    backends = peak_usage.per_thousand("pg backends", peak.events_ok)
    if gunicorn is not None and backends is not None:
        line("server CPU at peak (gunicorn + PG backends)", f"{gunicorn:.0f} + {backends:.0f} ms/1k events",
             ratio(gunicorn + backends, baseline.pg_ms_per_1k))  # fmt: skip
    acked, once, missing, twice = (check[k] for k in ("acknowledged", "stored exactly once", "missing", "duplicated"))
    line("durability after kill -9 (ack / stored / missing / dup)", f"{acked:,} / {once:,} / {missing} / {twice}")
    others = [baseline.usage.others, peak_usage.others, latency_usage.others]
    line("CPU taken by other processes (COPY/peak/p99)", " / ".join(f"{o:.0%}" for o in others),
         "<- not an idle machine: absolute figures are low" if max(others) > 0.1 else "")  # fmt: skip
    print("\n  Targets:")
    durable = missing == 0 and twice == 0
    verdicts = [
        (f">= {TARGET_EVENTS_PER_SECOND:,} events/s end to end", f"{eps:,.0f}", eps >= TARGET_EVENTS_PER_SECOND),
        (f">= {TARGET_COPY_RATIO} x COPY", f"{eps / copy_rate:.2f}", eps >= TARGET_COPY_RATIO * copy_rate),
        (f"p99 < {TARGET_P99_MS} ms at half the peak", f"{p99:.1f} ms", p99 < TARGET_P99_MS),
        ("acknowledged => stored exactly once", f"{missing} missing, {twice} dup", durable),
    ]
    for label, value, met in verdicts:
        line(label, value, "MET" if met else "NOT MET")


def cleanup(bench: Bench) -> None:
    """Stop what we started and drop what we created; each step runs even if an earlier one fails."""
    steps = [("gunicorn", lambda: bench.server and bench.server.stop())]
    if "django" in sys.modules:
        from django.db import connections

        steps.append(("django connections", connections.close_all))
    steps.append(("redis keys", lambda: redis_cleanup(bench)))
    if not bench.args.keep_db:
        steps.append(("database", lambda: db.database_drop(bench.database_url, bench.dbname)))
    for name, step in steps:
        try:
            step()
        except Exception as exc:
            print(f"  clean-up of {name} failed: {exc}", file=sys.stderr)
    print(f"\nCleaned up: gunicorn stopped, {'database kept' if bench.args.keep_db else 'database dropped'}.")


def redis_cleanup(bench: Bench) -> None:
    """Our tenant's recompute hints and our key's rate-limit counters (the Redis database may be shared)."""
    if not bench.tenant_id:
        return
    import redis

    client = redis.Redis.from_url(bench.args.redis_url)
    members = [m for m in client.smembers("csp:dirty-accounts") if m.startswith(f"{bench.tenant_id}:".encode())]
    if members:
        client.srem("csp:dirty-accounts", *members)
    key_id = bench.api_key.split("_")[1] if bench.api_key else None
    if key_id:
        for key in client.scan_iter(f"*ratelimit:*:{key_id}:*"):
            client.delete(key)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so clean-up runs on kill, too
    dbname = args.database_url.rsplit("/", 1)[1]
    population = Population(args.accounts, args.users_per_account)
    bench = Bench(args, args.database_url, dbname, bench_environment(args), population)
    started = time.perf_counter()
    print(
        f"Ingestion benchmark: {args.events:,} events over HTTP into {args.preload:,} preloaded, "
        f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M:%S')}"
    )
    lock = db.RunLock(args.database_url, dbname)
    try:
        lock.acquire()
    except db.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        run_all(bench)
    finally:
        cleanup(bench)
        lock.release()
    print(f"Total run time: {time.perf_counter() - started:.0f} s")
    return 0


def run_all(bench: Bench) -> None:
    args = bench.args
    set_up(bench)
    warmup = bench.maker.batches(20)
    size = len(warmup[0].body)
    line("request body", f"{size / 1024:.1f} KB", f"{args.batch_size} messages, ~{size // args.batch_size} B each")
    levels = [int(c) for c in args.concurrency.split(",")]
    per_level = -(-args.events // (len(levels) * args.batch_size))
    plan = [(concurrency, bench.maker.batches(per_level)) for concurrency in levels]
    # The baseline copies the very rows the sweep will store (under other message ids).
    baseline = copy_baseline(bench, [b for _, batches in plan for b in batches])
    runs, results, latency = http_phases(bench, baseline, warmup, plan)
    check = verify(bench, runs)
    profile(bench)
    summary(bench, baseline, results, latency, check)


def http_phases(bench: Bench, baseline: Baseline, warmup: list[Batch], plan: list[tuple[int, list[Batch]]]):
    """Warm-up, peak sweep, half-peak latency and the kill -9 run against one gunicorn; stops it after."""
    args = bench.args
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        bench.server = Gunicorn(repo=REPO, env=bench.env, workers=args.workers, worker_class=args.worker_class,
                                threads=args.threads, log_path=Path(tmp) / "gunicorn.log")  # fmt: skip
        bench.server.start()
        client = Client(bench.server.port, basic_auth(bench.api_key))
        section(f"Server: {bench.server.description}, port {bench.server.port}")
        warm = client.closed_loop(warmup, max(c for c, _ in plan))
        line("warm-up requests answered 200", f"{len(warm.ok)} / {len(warmup)}", str(warm.errors() or ""))
        results = sweep(bench, client, baseline, plan)
        concurrency, peak, _ = max(results, key=lambda r: r[1].events_per_second)
        latency = half_peak(bench, client, baseline, peak.events_per_second)
        faulty = fault(bench, client, baseline, concurrency, peak.events_per_second)
        errors = [t for t in bench.server.log_tail(500).splitlines() if "Error" in t or "Traceback" in t]
        bench.server.stop()
        if errors:
            line("gunicorn log: error lines", str(len(errors)), errors[-1][:100])
    return [warm, *(run for _, run, _ in results), latency[0], faulty], results, latency


if __name__ == "__main__":
    sys.exit(main())
