"""NPS report benchmark: the report API on a tenant's year of answers, against hand-written SQL in the same run.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``)::

    .venv/bin/python bench/nps_report.py                       # full size: 1,000,000 answers + 9 x 50,000
    .venv/bin/python bench/nps_report.py --responses 100000 --others 10000 --requests 50   # a quick run
    .venv/bin/python bench/nps_report.py --keep-db             # keep the data set for the next run ...
    .venv/bin/python bench/nps_report.py --reuse-db            # ... and reuse it

One run, on its own database (``csp_nps_bench``; dropped at the end unless ``--keep-db``):

1. Set-up (bench/nps_lib/seed.py): ten tenants in five time zones; the measured one (New York, with
   its DST changes) has ``--responses`` answers over a year, the nine others ``--others`` each, all
   COPYed in; then every tenant's daily and monthly counts are built by ``nps_rollup_rebuild`` (the
   repair command's code), so the API reads what it reads in production.
2. For each report (a year by month; a year by month of one segment; a year's summary of one
   segment): ``--requests`` GETs of the NPS report API through Django's test client with a real API
   key (p50/p95), the same aggregation as one hand-written SQL statement over the raw responses
   table (``--sql-runs`` times) and over the monthly counts (``--requests`` times; the year is whole
   months, which is what the API reads too); the API's answer is checked against the raw statement's,
   figure by figure.

Targets: API p95 < 50 ms, and within 2 x the hand-written SQL over the raw responses.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from bench.ingest import line, section  # noqa: E402
from bench.ingest_lib import database as db  # noqa: E402
from bench.ingest_lib.load import percentile  # noqa: E402
from bench.nps_lib import seed  # noqa: E402
from bench.scoring_lib.services import load_averages  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_SQL_RATIO = 2.0
SEGMENT = "enterprise"
START, END = f"{seed.YEAR}-01-01", f"{seed.YEAR}-12-31"

RAW_SQL = """
SELECT {period} count(*) FILTER (WHERE category = 'promoter'), count(*) FILTER (WHERE category = 'passive'),
       count(*) FILTER (WHERE category = 'detractor')
FROM surveys_surveyresponse
WHERE tenant_id = %(tenant)s AND responded_at >= (%(start)s::date)::timestamp AT TIME ZONE %(tz)s
  AND responded_at < (%(end)s::date + 1)::timestamp AT TIME ZONE %(tz)s {segment}
{group}
"""
RAW_PERIOD = "date_trunc('month', responded_at AT TIME ZONE %(tz)s)::date AS period,"
ROLLUP_SQL = """
SELECT {period} sum(promoters), sum(passives), sum(detractors)
FROM surveys_npsmonthlycount
WHERE tenant_id = %(tenant)s AND day BETWEEN %(start)s AND %(end)s {segment}
{group}
"""
ROLLUP_PERIOD = "date_trunc('month', day)::date AS period,"


@dataclass(frozen=True)
class Report:
    label: str
    path: str
    params: dict
    by_month: bool
    segment: bool

    def sql(self, template: str, period: str, segment_column: str) -> str:
        """The report as one hand-written statement (the three counts, per month or over the whole year)."""
        return template.format(
            period=period if self.by_month else "",
            segment=f"AND upper({segment_column}) = upper(%(segment)s)" if self.segment else "",
            group="GROUP BY 1 ORDER BY 1" if self.by_month else "",
        )


REPORTS = [
    Report("a year by month", "/api/v1/nps/trend/", {"interval": "month"}, by_month=True, segment=False),
    Report("a year by month, one segment", "/api/v1/nps/trend/", {"interval": "month", "segment": SEGMENT}, True, True),
    Report("a year's summary, one segment", "/api/v1/nps/summary/", {"segment": SEGMENT}, by_month=False, segment=True),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--responses", type=int, default=1_000_000, help="answers of the measured tenant (default 1,000,000)")
    add("--others", type=int, default=50_000, help="answers of each of the nine other tenants (default 50,000)")
    add("--accounts", type=int, default=5_000, help="accounts per tenant (default 5,000)")
    add("--csms", type=int, default=20, help="CSMs per tenant (default 20)")
    add("--surveys", type=int, default=3, help="surveys per tenant (default 3)")
    add("--requests", type=int, default=200, help="API requests per report (default 200)")
    add("--sql-runs", type=int, default=30, help="runs of the hand-written SQL over raw responses (default 30)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csp_nps_bench")
    add("--seed", type=int, default=1, help="random seed for the synthetic data")
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    add("--reuse-db", action="store_true", help="reuse the database of an earlier --keep-db run")
    return parser.parse_args(argv)


def environment(args: argparse.Namespace) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "csplatform.settings", "DATABASE_URL": args.database_url, "REDIS_URL": "",
        "SECRET_KEY": secrets.token_urlsafe(32), "DEBUG": "false", "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING", "API_DEFAULT_RATE_PER_MINUTE": "12000",
    }  # fmt: skip


def set_up(args: argparse.Namespace) -> seed.SeededTenant:
    section("Set-up")
    line("machine load averages (1/5/15 min)", load_averages())
    dbname = args.database_url.rsplit("/", 1)[1]
    reuse = args.reuse_db and _measured_tenant(args.database_url) is not None
    if not reuse:
        db.database_create(args.database_url, dbname)
    os.environ.update(environment(args))
    import django

    django.setup()
    line("database", dbname, f"migrated in {db.migrate():.1f} s" + (" (reused)" if reuse else ""))
    if reuse:
        tenant = _measured_tenant(args.database_url)
        line("measured tenant (reused)", f"{tenant.responses:,} answers", tenant.time_zone)
        return tenant
    started = time.perf_counter()
    sizes = [args.responses] + [args.others] * 9
    tenants = seed.tenants_create(sizes, accounts=args.accounts, csms=args.csms, surveys=args.surveys, seed=args.seed)
    line("tenants, accounts, contacts, CSMs, surveys", f"{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for tenant in tenants:
        seed.answers_copy(args.database_url, tenant, seed=args.seed)
    line("answers COPYed", f"{sum(sizes):,}", f"in {time.perf_counter() - started:.1f} s")
    for tenant in tenants:
        seed.rollup_build(tenant)
    measured = tenants[0]
    rebuilt = f"rebuilt in {measured.rollup_seconds:.1f} s"
    line("daily counts, measured tenant", f"{measured.rollup_rows:,} rows", rebuilt)
    others = sum(t.rollup_seconds for t in tenants[1:])
    line("daily counts, nine others", f"{sum(t.rollup_rows for t in tenants[1:]):,} rows", f"rebuilt in {others:.1f} s")
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE surveys_surveyresponse")
        conn.execute("VACUUM ANALYZE surveys_npsdailycount")
        conn.execute("VACUUM ANALYZE surveys_npsmonthlycount")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_nps (tenant_id bigint, time_zone text, responses int, key text)")
        conn.execute("DELETE FROM bench_nps")
        conn.execute(
            "INSERT INTO bench_nps VALUES (%s, %s, %s, %s)",
            [measured.tenant_id, measured.time_zone, measured.responses, measured.key],
        )
    return measured


def _measured_tenant(database_url: str) -> seed.SeededTenant | None:
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT tenant_id, time_zone, responses, key FROM bench_nps").fetchone()
    except psycopg.Error:
        return None
    return None if row is None else seed.SeededTenant(row[0], row[1], row[2], key=row[3])


def timed(run, times: int) -> list[float]:
    latencies = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        latencies.append((time.perf_counter() - started) * 1000)
    return sorted(latencies)


def measure(args: argparse.Namespace, tenant: seed.SeededTenant, report: Report) -> dict[str, list[float]]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {tenant.key}")
    query = {**report.params, "start": START, "end": END}
    sql_params = {"tenant": tenant.tenant_id, "tz": tenant.time_zone, "start": START, "end": END, "segment": SEGMENT}
    raw_sql = report.sql(RAW_SQL, RAW_PERIOD, "account_segment")
    rollup_sql = report.sql(ROLLUP_SQL, ROLLUP_PERIOD, "segment")

    def api():
        answer = client.get(report.path, query)
        assert answer.status_code == 200, answer.content
        return answer.json()

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        raw = conn.execute(raw_sql, sql_params).fetchall()
        body = api()
        points = body["points"] if report.by_month else [body]
        got = [(p["promoters"], p["passives"], p["detractors"]) for p in points]
        assert got == [tuple(row[-3:]) for row in raw], f"the API and the SQL disagree: {got} != {raw}"
        timed(api, 10)  # warm-up: connections, caches, key lookup
        return {
            "API": timed(api, args.requests),
            "SQL over raw responses": timed(lambda: conn.execute(raw_sql, sql_params).fetchall(), args.sql_runs),
            "SQL over the monthly counts": timed(
                lambda: conn.execute(rollup_sql, sql_params).fetchall(), args.requests
            ),
        }


def report_lines(report: Report, runs: dict[str, list[float]]) -> dict:
    section(f"{report.label}: GET {report.path}")
    raw95 = percentile(runs["SQL over raw responses"], 95)
    counts95 = percentile(runs["SQL over the monthly counts"], 95)
    for label, latencies in runs.items():
        p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
        note = f"p95 {p95 / raw95:.3f} x raw SQL, {p95 / counts95:.2f} x counts SQL ({len(latencies)} runs)"
        line(label, f"p50 {p50:.1f} ms  p95 {p95:.1f} ms", note)
    return {"api": percentile(runs["API"], 95), "raw": raw95, "counts": counts95}


def summary(results: dict[str, dict]) -> None:
    section("Targets (p95)")
    for label, figures in results.items():
        api, raw = figures["api"], figures["raw"]
        line(f"{label}: API < {TARGET_P95_MS:.0f} ms", f"{api:.1f} ms", "MET" if api < TARGET_P95_MS else "NOT MET")
        ratio = api / raw
        line(f"{label}: within {TARGET_SQL_RATIO:.0f} x raw SQL", f"{ratio:.3f} x",
             "MET" if ratio <= TARGET_SQL_RATIO else "NOT MET")  # fmt: skip
        line(f"{label}: API / counts SQL", f"{api / figures['counts']:.2f} x", "(for information)")
    line("machine load averages (1/5/15 min)", load_averages())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so clean-up runs on kill, too
    dbname = args.database_url.rsplit("/", 1)[1]
    print(f"NPS report benchmark: {args.responses:,} answers (+ 9 x {args.others:,}), {os.cpu_count()} CPUs, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S')}")  # fmt: skip
    lock = db.RunLock(args.database_url, dbname)
    try:
        lock.acquire()
    except db.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        tenant = set_up(args)
        results = {report.label: report_lines(report, measure(args, tenant, report)) for report in REPORTS}
        summary(results)
    finally:
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
