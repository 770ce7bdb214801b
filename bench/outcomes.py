"""Outcomes benchmark: ranking, backtest and forecast of a large tenant, against reading the same rows in SQL.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``)::

    .venv/bin/python bench/outcomes.py                                   # 10,000 accounts, 30,000 closed renewals
    .venv/bin/python bench/outcomes.py --accounts 1000 --terms 3         # a quick run

One run, on its own database (``csplatform_bench_outcomes``, dropped at the end unless ``--keep-db``):

1. Set-up: a tenant (the application's own ``tenant_create``, so it has its default scorecard) with
   ``--accounts`` accounts; each has ``--terms`` closed annual renewals ending in the past three years
   and one pending renewal in the next year. Score history is COPYed as the product records it: one row
   a day before each closed renewal's moments 30, 90 and 180 days ahead and 30 days before each of those
   (the score trend's earlier point), and two recent rows per account, each with all 46 indicator values.
   About 10% of the renewals churn, more often the lower their latent health.
2. Baseline: one SQL statement reading the same history rows the analyses read (every closed renewal's
   as-of moments and the points 30 days before, through the history index), fetched into Python.
3. Timed, in this process (one worker's work): the indicator ranking (``indicators_analyse``, 46
   indicators, 90 days ahead), the default scorecard's backtest, the forecast fit (snapshots read and
   the model fitted and validated), and scoring every pending renewal (``forecasts_write``). Each as
   seconds and as a ratio to the baseline.

Targets: ranking + backtest + fit under 60 s; scoring 10,000 pending renewals under 5 s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

from bench.ingest import line, section  # noqa: E402
from bench.ingest_lib import database as db  # noqa: E402

TARGET_ANALYSIS_SECONDS = 60
TARGET_SCORING_SECONDS = 5
LEADS = (30, 90, 180)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--accounts", type=int, default=10_000, help="accounts (default 10,000)")
    add("--terms", type=int, default=3, help="closed renewals per account (default 3: 30,000 in all)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csplatform_bench_outcomes")
    add("--seed", type=int, default=1)
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    dbname = args.database_url.rsplit("/", 1)[1]
    db.database_create(args.database_url, dbname)
    # As a worker runs: DEBUG off (no query log). No broker: the few tasks set-up sends run in-process.
    os.environ.update({"DATABASE_URL": args.database_url, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(32),
                       "REDIS_URL": ""})  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")
    import django

    django.setup()
    try:
        section("Set-up")
        line("database", dbname, f"migrated in {db.migrate():.1f} s")
        tenant = populate(args)
        baseline_seconds = baseline(tenant)
        timed(tenant, baseline_seconds)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            db.database_drop(args.database_url, dbname)


def populate(args: argparse.Namespace):
    from django.db import connection

    from accounts.models import Account
    from accounts.services.tenants import tenant_create
    from indicators.engine import ACCOUNT_INDICATORS
    from outcomes.models import Renewal
    from outcomes.services.learning import as_of_moment

    started = time.perf_counter()
    rng = random.Random(args.seed)
    tenant = tenant_create(name="Bench outcomes", admin_email="bench-admin@example.com").tenant
    accounts = Account.objects.for_tenant(tenant).bulk_create(
        [Account(tenant=tenant, external_id=f"a{a}", name=f"Customer {a:05d}", arr=12_000 + 100 * (a % 500),
                 segment=("smb", "mid-market", "enterprise")[a % 3]) for a in range(args.accounts)],
        batch_size=2_000,
    )  # fmt: skip
    keys = [i.key for i in ACCOUNT_INDICATORS]
    today = date.today()
    zone = UTC
    renewals, history = [], io.StringIO()

    def row(account, at, health):
        values = {key: round(rng.gauss(50, 20), 2) for key in keys}
        values["license_utilization"] = round(health + rng.gauss(0, 12), 2)  # a real driver
        values["days_since_proactive_communication"] = round(max(0.0, 60 - health / 2 + rng.gauss(0, 10)), 2)
        score = max(0.0, min(100.0, health + rng.gauss(0, 8)))
        band = "green" if score >= 70 else "yellow" if score >= 40 else "red"
        history.write(f"{tenant.pk}\t{account.pk}\t{at.isoformat()}\t{score}\t{score}\t{band}\t1\tdefault@v1\t"
                      f"{{}}\t{json.dumps(values)}\n")  # fmt: skip

    for account in accounts:
        health = rng.uniform(10, 95)
        for t in range(args.terms):
            term_end = today - timedelta(days=30 + 365 * t + rng.randrange(300))
            churned = rng.random() < 0.35 * (1 - health / 100) ** 1.5  # about 10% over all
            renewals.append(Renewal(tenant=tenant, account=account, term_start=term_end - timedelta(days=365),
                                    term_end=term_end, arr_due=account.arr, outcome="churned" if churned else "renewed",
                                    closed_arr=0 if churned else account.arr, closed_on=term_end))  # fmt: skip
            for lead in LEADS:
                moment = as_of_moment(term_end, lead, zone) - timedelta(days=1)
                row(account, moment, health)
                row(account, moment - timedelta(days=30), health)
        due = today + timedelta(days=1 + rng.randrange(364))
        renewals.append(Renewal(tenant=tenant, account=account, term_start=due - timedelta(days=365), term_end=due,
                                arr_due=account.arr))  # fmt: skip
        now = datetime.combine(today, clock.min, tzinfo=UTC)
        row(account, now - timedelta(hours=1), health)
        row(account, now - timedelta(days=31), health)
    Renewal.objects.for_tenant(tenant).bulk_create(renewals, batch_size=5_000)
    history.seek(0)
    columns = 'tenant_id, account_id, at, score, computed, band, coverage, scorecard, result, "values"'
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY indicators_healthscorehistory ({columns}) FROM STDIN") as copy,
    ):
        copy.write(history.read())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_healthscorehistory; ANALYZE outcomes_renewal")
    closed = sum(1 for r in renewals if r.outcome != "pending")
    churned = sum(1 for r in renewals if r.outcome == "churned")
    line("tenant", f"{args.accounts:,} accounts, {closed:,} closed renewals ({churned / closed:.1%} churned), "
         f"{args.accounts:,} pending", f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return tenant


def baseline(tenant) -> float:
    """One SQL statement: the history rows the analyses read, fetched into Python."""
    from django.db import connection

    section("Baseline: one SQL statement reading the same history rows")
    sql = """
        SELECT r.id, row.score, row.values
          FROM outcomes_renewal r
          CROSS JOIN unnest(ARRAY[30, 90, 180, 60, 120, 210]) AS lead(days)
          CROSS JOIN LATERAL (
                SELECT h.score, h.values FROM indicators_healthscorehistory h
                 WHERE h.tenant_id = r.tenant_id AND h.account_id = r.account_id
                   AND h.at < (r.term_end - lead.days + 1)::timestamp AT TIME ZONE 'UTC'
                 ORDER BY h.at DESC LIMIT 1) row
         WHERE r.tenant_id = %s AND r.outcome <> 'pending'
    """
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenant.pk])
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    line("rows read", f"{len(rows):,}", f"in {seconds:.2f} s")
    return seconds


def timed(tenant, baseline_seconds: float) -> None:
    from indicators.models import Scorecard
    from outcomes.forecasting import fit_forecast
    from outcomes.models import AnalysisKind, OutcomeAnalysis
    from outcomes.services.forecast import closed_snapshots, forecasts_write
    from outcomes.services.learning import indicators_analyse, scorecard_backtest

    section("Timed in this process (one worker)")

    def clocked(label, work):
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        line(label, f"{seconds:.2f} s", f"{seconds / baseline_seconds:.1f} x the baseline")
        return result, seconds

    ranking, ranking_s = clocked("ranking (46 indicators, 90 days ahead)",
                                 lambda: indicators_analyse(tenant=tenant, lead_days=90))  # fmt: skip
    found = [r["indicator"] for r in ranking.result if r["verdict"] == "preceded churn"]
    line("  preceded churn", ", ".join(found) or "none")
    scorecard = Scorecard.objects.for_tenant(tenant).get(is_default=True)
    result, backtest_s = clocked("backtest of the default scorecard",
                                 lambda: scorecard_backtest(tenant=tenant, scorecard=scorecard))  # fmt: skip
    line("  scorecard AUC", f"{result.auc:.3f} ({result.auc_low:.3f} to {result.auc_high:.3f})")
    fitted, fit_s = clocked("forecast fit (snapshots read, fitted, validated)",
                            lambda: fit_forecast(closed_snapshots(tenant)))  # fmt: skip
    validation = fitted.summary.get("validation", {}).get("90", {})
    skill, auc = validation.get("brier_skill", float("nan")), validation.get("auc", float("nan"))
    line("  model", f"{fitted.method} on {', '.join(fitted.features)}", f"Brier skill {skill:.3f}, AUC {auc:.3f}")
    run = OutcomeAnalysis.objects.create(tenant=tenant, kind=AnalysisKind.FORECAST, ran_at=ranking.ran_at,
                                         result={"method": fitted.method})  # fmt: skip
    written, scoring_s = clocked("scoring every pending renewal", lambda: forecasts_write(tenant=tenant, fitted=fitted,
                                                                                          run=run))  # fmt: skip
    section("Against the targets")
    total = ranking_s + backtest_s + fit_s
    line("ranking + backtest + fit", f"{total:.1f} s", f"target < {TARGET_ANALYSIS_SECONDS} s: "
         f"{'met' if total < TARGET_ANALYSIS_SECONDS else 'NOT met'}")  # fmt: skip
    line(f"scoring {written:,} pending renewals", f"{scoring_s:.1f} s", f"target < {TARGET_SCORING_SECONDS} s: "
         f"{'met' if scoring_s < TARGET_SCORING_SECONDS else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
