"""Where a batch's time goes: the real WSGI application, in-process, under cProfile, with every query timed.

Requests go through Django's whole handler (middleware included), exactly as gunicorn calls it,
against the benchmark database and Redis, one at a time (so no lock waits: the single-request cost).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field

from bench.ingest_lib.data import Batch

# (label, file suffix, function): the steps of one request, in call order, indented by nesting.
# Steps the code under test no longer has are left out of the table.
STEPS = [
    ("WSGI handler, whole request", "django/core/handlers/wsgi.py", "__call__"),
    ("  the view (indicators.ingest.http)", "indicators/ingest/http.py", "view"),
    ("    ingest_key_authenticate (auth)", "indicators/ingest/keys.py", "ingest_key_authenticate"),
    ("    rate_limit_wait (Redis)", "accounts/api/throttling.py", "rate_limit_wait"),
    ("    decode_batch (msgspec + validate)", "indicators/ingest/messages.py", "decode_batch"),
    ("      validate (per message)", "indicators/ingest/messages.py", "validate"),
    ("    segment_ingest (the transaction)", "indicators/ingest/segment.py", "segment_ingest"),
    ("      Identities() (account, contact lookups)", "indicators/ingest/segment.py", "__init__"),
    ("      _usage_event (per message)", "indicators/ingest/segment.py", "_usage_event"),
    ("      events_store", "indicators/ingest/store.py", "events_store"),
    ("        _insert (INSERT ... ON CONFLICT)", "indicators/ingest/store.py", "_insert"),
    ("        features_register", "indicators/ingest/store.py", "features_register"),
    ("        rollups_add", "indicators/ingest/rollups/__init__.py", "rollups_add"),
    ("          _upsert (rollup bulk upserts)", "indicators/ingest/rollups.py", "_upsert"),  # older versions
    ("          deltas_of (sums per row, Python)", "indicators/ingest/rollups/deltas.py", "deltas_of"),
    ("          deltas_apply (PostgreSQL increments)", "indicators/ingest/rollups/postgresql.py", "deltas_apply"),
    ("        accounts_mark_for_recompute", "indicators/stale/marks.py", "accounts_mark_for_recompute"),
    ("        contacts_seen (first/last seen)", "indicators/ingest/store.py", "contacts_seen"),
    ("        seen + marks (one statement)", "indicators/ingest/store.py", "contacts_seen_and_accounts_marked"),
    ("      _seen (first/last seen)", "indicators/ingest/segment.py", "_seen"),  # its name in older versions
    ("      commit", "django/db/backends/base/base.py", "commit"),
    ("    hint_send (Redis)", "indicators/stale/hint.py", "hint_send"),
]
TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass
class Queries:
    """Per kind of statement (verb + table): how many, rows read or written, seconds (wall, in the driver)."""

    count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = self.kind(sql)
            self.count[kind] += 1
            self.rows[kind] += max(0, context["cursor"].rowcount)
            self.seconds[kind] += time.perf_counter() - started

    @staticmethod
    def kind(sql: str) -> str:
        verb = sql.lstrip().split(None, 1)[0].upper()
        table = TABLE.search(sql)
        suffix = " FOR UPDATE" if "FOR UPDATE" in sql else " ON CONFLICT" if "ON CONFLICT" in sql else ""
        return f"{verb} {table.group(1) if table else ''}{suffix}"


def wsgi_environ(body: bytes, authorization: str) -> dict:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/v1/batch", "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": authorization, "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }  # fmt: skip


def post(app, body: bytes, authorization: str) -> None:
    status: list[str] = []
    response = app(wsgi_environ(body, authorization), lambda s, headers, exc_info=None: status.append(s))
    try:
        content = b"".join(response)
    finally:
        response.close()
    if not status[0].startswith("200"):
        raise RuntimeError(f"profiled request answered {status[0]}: {content[:300]!r}")


@dataclass
class Profile:
    batches: int
    plain_ms: float  # per batch, without the profiler
    profiled_ms: float  # per batch, under cProfile
    stats: pstats.Stats
    queries: Queries

    def cumulative(self, suffix: str, function: str) -> float | None:
        """Seconds spent in ``function`` of a file ending in ``suffix`` (None if it was never called)."""
        # stats: {(file, line, function): (calls, primitive calls, tottime, cumtime, callers)}
        found = [v[3] for (f, _, fn), v in self.stats.stats.items() if fn == function and f.endswith(suffix)]
        return sum(found) if found else None

    def steps(self) -> list[tuple[str, float, float]]:
        """(label, ms per batch, share of the whole request) for each step of STEPS that was called."""
        total = self.cumulative(*STEPS[0][1:]) or 1.0
        rows = []
        for label, suffix, function in STEPS:
            seconds = self.cumulative(suffix, function)
            if seconds is not None:
                rows.append((label, seconds * 1000 / self.batches, seconds / total))
        return rows

    def top(self, n: int, sort: str = "cumulative", below: tuple[str, str] | None = None) -> list[str]:
        """The ``n`` top functions as 'ncalls tottime cumtime function (file:line)', paths shortened.

        With ``below`` (file suffix, function), functions that took longer than it (its callers:
        the WSGI handler and middleware chain) are left out.
        """
        raw = self.stats.stats
        key = 3 if sort == "cumulative" else 2
        limit = (self.cumulative(*below) or float("inf")) if below else float("inf")
        inside = [(k, v) for k, v in raw.items() if v[3] <= limit]
        ranked = sorted(inside, key=lambda item: item[1][key], reverse=True)[:n]
        lines = [f"{'ncalls':>9} {'tottime':>8} {'cumtime':>8}  function (per batch: cumtime ms)"]
        for (file, line, function), (calls, _, tottime, cumtime, _) in ranked:
            where = shorten(file)
            per_batch = cumtime * 1000 / self.batches
            lines.append(f"{calls:>9} {tottime:8.3f} {cumtime:8.3f}  {function} ({where}:{line}) [{per_batch:.2f}]")
        return lines


def shorten(path: str) -> str:
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def profile_batches(
    batches: list[Batch], authorization: str, *, plain: int, warmup: int = 10, max_seconds: float = 0
) -> Profile:
    """Post ``warmup`` batches, then ``plain`` unprofiled ones (timed), then the rest under cProfile.

    With ``max_seconds``, profiling stops after that long even if batches are left.
    """
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
    app = get_wsgi_application()
    for batch in batches[:warmup]:
        post(app, batch.body, authorization)
    timed = batches[warmup : warmup + plain]
    started = time.perf_counter()
    for batch in timed:
        post(app, batch.body, authorization)
    plain_ms = (time.perf_counter() - started) * 1000 / max(1, len(timed))
    queries = Queries()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    done = 0
    with connection.execute_wrapper(queries):
        for batch in batches[warmup + plain :]:
            profiler.enable()
            post(app, batch.body, authorization)
            profiler.disable()
            done += 1
            if max_seconds and time.perf_counter() - started > max_seconds:
                break
    profiled_ms = (time.perf_counter() - started) * 1000 / max(1, done)
    return Profile(done, plain_ms, profiled_ms, pstats.Stats(profiler), queries)
