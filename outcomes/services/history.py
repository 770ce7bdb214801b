"""Score history as it was recorded: for each (account, moment), the latest history row at or before it.

Learning from outcomes reads an account's indicators as they stood some days before a term end, and
nothing recorded later. On PostgreSQL one query answers every moment at once, each through the
(tenant, account, -at) index with a LATERAL lookup, so a tenant with 30,000 renewals reads 30,000 rows
rather than its whole history. Elsewhere (SQLite on a laptop) the history of the accounts asked for is
read once and each moment found by bisection; same answer.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from accounts.models import Tenant
from indicators.models import HealthScoreHistory


@dataclass(frozen=True, slots=True)
class Recorded:
    """A history row as recorded: its moment, score and band, and every indicator's value."""

    at: datetime
    score: float | None
    band: str
    values: dict


def history_as_of(
    tenant: Tenant, asks: Sequence[tuple[int, datetime]], *, keys: Sequence[str] | None = None
) -> list[Recorded | None]:
    """For each (account id, moment), the latest history row recorded at or before it (None: none yet).

    ``keys``: only these indicators' values are read (the rest of a row's values are left out), which
    spares reading and decoding every value when a few are needed.
    """
    if not asks:
        return []
    if connection.vendor == "postgresql":
        return _lateral(tenant, asks, keys)
    found = _bisected(tenant, asks)
    if keys is not None:
        found = [r and Recorded(r.at, r.score, r.band, {k: r.values[k] for k in keys if k in r.values}) for r in found]
    return found


def _lateral(tenant: Tenant, asks: Sequence[tuple[int, datetime]], keys) -> list[Recorded | None]:
    table = connection.ops.quote_name(HealthScoreHistory._meta.db_table)
    values = "row.values" if keys is None else (
        "(SELECT jsonb_object_agg(key, row.values -> key) FROM unnest(%s::text[]) AS key WHERE row.values ? key)"
    )  # fmt: skip
    sql = f"""
        SELECT ask.n, row.at, row.score, row.band, {values}
          FROM unnest(%s::bigint[], %s::timestamptz[]) WITH ORDINALITY AS ask(account_id, moment, n)
          CROSS JOIN LATERAL (
                SELECT h.at, h.score, h.band, h.values FROM {table} h
                 WHERE h.tenant_id = %s AND h.account_id = ask.account_id AND h.at <= ask.moment
                 ORDER BY h.at DESC LIMIT 1) row
    """  # the table name is the model's own; every value is a parameter
    found: list[Recorded | None] = [None] * len(asks)
    with connection.cursor() as cursor:
        chosen = [] if keys is None else [list(keys)]
        cursor.execute(sql, [*chosen, [a for a, _ in asks], [m for _, m in asks], tenant.pk])
        for n, at, score, band, values in cursor.fetchall():
            if isinstance(values, str):  # a driver that hands JSON back as text
                values = json.loads(values)
            found[n - 1] = Recorded(at=at, score=score, band=band, values=values or {})
    return found


def _bisected(tenant: Tenant, asks: Sequence[tuple[int, datetime]]) -> list[Recorded | None]:
    rows = defaultdict(lambda: ([], []))
    history = (
        HealthScoreHistory.objects.for_tenant(tenant)
        .filter(account_id__in={a for a, _ in asks}, at__lte=max(m for _, m in asks))
        .order_by("account_id", "at", "pk").values_list("account_id", "at", "score", "band", "values")
    )  # fmt: skip
    for account_id, at, score, band, values in history.iterator(chunk_size=2000):
        times, recorded = rows[account_id]
        times.append(at)
        recorded.append(Recorded(at=at, score=score, band=band, values=values or {}))
    found = []
    for account_id, moment in asks:
        times, recorded = rows.get(account_id, ([], []))
        n = bisect_right(times, moment)
        found.append(recorded[n - 1] if n else None)
    return found
