"""The baseline: one set-based SQL statement scoring every account of the tenant from the same rollups.

A deliberately simple score (license utilization, usage trend, recency of activity) read from the
daily rollups only, so the figure is what PostgreSQL alone needs to read the rollups a recompute
reads and write one row per account.
"""

from __future__ import annotations

import time

import psycopg

CREATE = """
CREATE TABLE IF NOT EXISTS bench_simple_score (
    account_id bigint PRIMARY KEY,
    score double precision NOT NULL,
    computed_at timestamptz NOT NULL
)
"""

SCORE_ALL = """
WITH usage AS (
    SELECT account_id,
           sum(usage_events) FILTER (WHERE day > current_date - 30) AS recent,
           sum(usage_events) FILTER (WHERE day <= current_date - 30) AS earlier,
           current_date - max(day) AS idle_days
    FROM indicators_accountday
    WHERE tenant_id = %(tenant)s AND day > current_date - 60
    GROUP BY account_id
), users AS (
    SELECT account_id, count(DISTINCT contact_id) AS active
    FROM indicators_contactday
    WHERE tenant_id = %(tenant)s AND day > current_date - 30 AND usage_events > 0
    GROUP BY account_id
)
INSERT INTO bench_simple_score (account_id, score, computed_at)
SELECT a.id,
       0.4 * least(100, 100.0 * coalesce(users.active, 0) / greatest(a.licenses, 1))
     + 0.3 * CASE WHEN coalesce(usage.earlier, 0) = 0 THEN 50
                  ELSE least(100, 50.0 * coalesce(usage.recent, 0) / usage.earlier) END
     + 0.3 * greatest(0, 100 - 10 * coalesce(usage.idle_days, 10)),
       now()
FROM accounts_account a
LEFT JOIN usage ON usage.account_id = a.id
LEFT JOIN users ON users.account_id = a.id
WHERE a.tenant_id = %(tenant)s
ON CONFLICT (account_id) DO UPDATE SET score = excluded.score, computed_at = excluded.computed_at
"""


def set_based_scores(database_url: str, tenant_id: int, *, fresh: bool) -> tuple[int, float]:
    """Score every account in one statement (committed); (accounts, seconds). ``fresh``: from an empty table."""
    with psycopg.connect(database_url) as conn:
        conn.execute(CREATE)
        if fresh:
            conn.execute("TRUNCATE bench_simple_score")
        conn.commit()
        started = time.perf_counter()
        rows = conn.execute(SCORE_ALL, {"tenant": tenant_id}).rowcount
        conn.commit()
        return rows, time.perf_counter() - started
