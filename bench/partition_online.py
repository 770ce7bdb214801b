"""The events partitioning migration, backwards and forwards, on a copy of a database while ingestion runs.

Usage, from the repository root, after ``make run`` or ``manage.py seed_demo`` filled a PostgreSQL
database (here ``csplatform``) and printed its API key::

    .venv/bin/python bench/partition_online.py --source csplatform --api-key csp_...

1. The source database is copied (``CREATE DATABASE ... TEMPLATE``) to ``--copy``, which is dropped at
   the end unless ``--keep-db``; the source is never written to.
2. gunicorn serves the copy; a client posts ``/v1/batch`` requests of 20 track events, one after
   another, for the whole run, and records the message ids answered 200.
3. Meanwhile ``manage.py migrate indicators 0018`` (the table becomes one plain table) and then
   ``manage.py migrate indicators`` (partitioned by month again) run, each timed.
4. Then every acknowledged message id must be stored exactly once, the table must be partitioned,
   and every de-duplication claim must name a stored event.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.ingest_lib.server import Gunicorn  # noqa: E402

# One join: the events table has no index on message_id (claims de-duplicate), so no lookup per id.
CHECKS = """
SELECT count(*), count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n = 0), count(*) FILTER (WHERE n > 1)
FROM (SELECT s.m, count(e.id) AS n FROM sent AS s LEFT JOIN indicators_event AS e ON e.message_id = s.m
      GROUP BY s.m) AS x
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", required=True, help="database to copy (it is only read)")
    parser.add_argument("--copy", default="csplatform_partition_online", help="name of the copy")
    parser.add_argument("--api-key", required=True, help="an API key of the source with the ingest scope")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--keep-db", action="store_true", help="keep the copy at the end")
    return parser.parse_args(argv)


class Ingestion(threading.Thread):
    """Posts batches until stopped; remembers the message ids answered 200."""

    def __init__(self, port: int, api_key: str):
        super().__init__(daemon=True)
        self.port, self.auth = port, "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()
        self.stopping, self.acknowledged, self.failed, self.requests = threading.Event(), [], 0, 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stopping.is_set():
            batch = [
                {"type": "track", "messageId": f"online-{uuid.uuid4().hex}", "userId": f"online-user-{i % 7}",
                 "event": "Report Run", "timestamp": datetime.now(UTC).isoformat()}
                for i in range(20)
            ]  # fmt: skip
            self.requests += 1
            try:
                conn.request("POST", "/v1/batch", json.dumps({"batch": batch}),
                             {"Authorization": self.auth, "Content-Type": "application/json"})  # fmt: skip
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    self.acknowledged += [m["messageId"] for m in batch]
                else:
                    self.failed += 1
            except OSError:
                self.failed += 1
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)


def migrate(env: dict, *target: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "indicators", *target, "-v", "0"],
                   cwd=REPO, env=env, check=True)  # fmt: skip
    return time.perf_counter() - started


def main(argv=None) -> int:
    args = parse_args(argv)
    copy_url = f"{args.server}/{args.copy}"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.copy}"')
        admin.execute(f'CREATE DATABASE "{args.copy}" TEMPLATE "{args.source}"')
    env = {**os.environ, "DATABASE_URL": copy_url, "DEBUG": "false", "SECRET_KEY": uuid.uuid4().hex,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING"}  # fmt: skip
    try:
        with psycopg.connect(copy_url) as conn:
            before = conn.execute("SELECT count(*) FROM indicators_event").fetchone()[0]
        with tempfile.TemporaryDirectory() as tmp:
            server = Gunicorn(repo=REPO, env=env, workers=2, worker_class="gthread", threads=4,
                              log_path=Path(tmp) / "gunicorn.log")  # fmt: skip
            server.start()
            ingestion = Ingestion(server.port, args.api_key)
            ingestion.start()
            try:
                time.sleep(3)
                backwards = migrate(env, "0018")
                forwards = migrate(env)
                time.sleep(3)
            finally:
                ingestion.stopping.set()
                ingestion.join()
                server.stop()
        with psycopg.connect(copy_url) as conn:
            conn.execute("CREATE TEMP TABLE sent (m text PRIMARY KEY)")
            with conn.cursor().copy("COPY sent (m) FROM STDIN") as copy:
                copy.write("".join(f"{m}\n" for m in ingestion.acknowledged))
            acknowledged, once, missing, twice = conn.execute(CHECKS).fetchone()
            after = conn.execute("SELECT count(*) FROM indicators_event").fetchone()[0]
            kind = conn.execute("SELECT relkind FROM pg_class WHERE relname = 'indicators_event'").fetchone()[0]
            orphans = conn.execute(
                "SELECT count(*) FROM indicators_eventmessage AS m "
                "WHERE NOT EXISTS (SELECT FROM indicators_event AS e WHERE e.id = m.event_id)"
            ).fetchone()[0]
    finally:
        if not args.keep_db:
            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{args.copy}"')
    print(f"events before: {before:,}; migrate backwards {backwards:.1f} s, forwards {forwards:.1f} s")
    print(f"requests: {ingestion.requests:,}, failed: {ingestion.failed}; events acknowledged: {acknowledged:,}")
    print(f"stored once: {once:,}, missing: {missing}, twice: {twice}; events after: {after:,} "
          f"(expected {before + acknowledged:,})")  # fmt: skip
    print(f"partitioned: {kind == 'p'}; claims without an event: {orphans}")
    ok = once == acknowledged and after == before + acknowledged and kind == "p" and not orphans
    print("OK" if ok and not ingestion.failed else "FAILED")
    return 0 if ok and not ingestion.failed else 1


if __name__ == "__main__":
    sys.exit(main())
