"""Webhook delivery benchmark: events fanned out to several endpoints on a local receiver, by real Celery workers.

Usage, from the repository root (PostgreSQL at 127.0.0.1:5432 with trust auth for ``postgres``;
``redis-server`` on the PATH: the benchmark starts its own on a free port)::

    .venv/bin/python bench/webhooks.py                        # 10,000 events x 3 endpoints, then 100 events/s for 30 s
    .venv/bin/python bench/webhooks.py --events 2000 --seconds 10   # quicker

One run, on its own database (``csplatform_bench_webhooks``; dropped at the end unless ``--keep-db``):

1. Receiver: an HTTP server in its own process on 127.0.0.1, answering 200 at once and noting the
   wall-clock time each delivery arrived, by endpoint and ``webhook-id``.
2. Floor: this process POSTs signed bodies of the same size straight to the receiver, one after
   another, as a delivery does (a new connection each): the receiver's own requests per second and
   its p95, the figures no delivery path could beat on this machine.
3. Services: ``--workers`` Celery workers (solo pool each, one with beat, so the 5-second sweep runs
   too) on a private redis-server; a tenant with ``--endpoints`` endpoints subscribed to
   ``alert.opened``.
4. Throughput: ``--events`` events published in one transaction, so their deliveries all fall due
   at its commit; deliveries per second from that commit to the last arrival (the workers draining
   a backlog, not waiting on the publisher).
5. Latency: ``--rate`` events a second, one per transaction (open loop), for ``--seconds``; for each
   delivery, the time from its event's commit to its arrival at the receiver: p50, p95, max.
6. Check: every (event, endpoint) pair arrived exactly once, and every delivery row succeeded.

Target: p95 from commit to delivery under 5 s at 100 events/s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(REPO))

from bench.ingest import line, section  # noqa: E402
from bench.ingest_lib import database as db  # noqa: E402
from bench.ingest_lib.load import percentile  # noqa: E402
from bench.recompute import environment  # noqa: E402
from bench.scoring_lib.services import CeleryWorker, RedisServer, free_port, load_averages  # noqa: E402

TARGET_P95_S = 5.0
EVENT_TYPE = "alert.opened"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add = parser.add_argument
    add("--events", type=int, default=10_000, help="events in the throughput phase (default 10,000)")
    add("--endpoints", type=int, default=3, help="endpoints subscribed to every event (default 3)")
    add("--rate", type=float, default=100, help="events per second in the latency phase (default 100)")
    add("--seconds", type=float, default=30, help="seconds of the latency phase (default 30)")
    add("--workers", type=int, default=2, help="Celery worker processes (default 2)")
    add("--floor-requests", type=int, default=2_000, help="direct POSTs measuring the receiver (default 2,000)")
    add("--database-url", default="postgres://postgres@127.0.0.1:5432/csplatform_bench_webhooks")
    add("--keep-db", action="store_true", help="keep the benchmark database at the end")
    return parser.parse_args(argv)


# --- the receiver, in its own process ----------------------------------------------------------


def receiver_serve(port: int, ready) -> None:
    """Answer 200 to every POST and note (path, webhook-id, arrival); GET /arrivals hands them over."""
    arrivals: list[tuple[str, str, float]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            arrived = time.time()
            with lock:
                arrivals.append((self.path, self.headers.get("webhook-id", ""), arrived))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def do_GET(self):
            with lock:
                body = json.dumps(arrivals).encode()
                arrivals.clear()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


class Receiver:
    def __init__(self):
        self.port = free_port(9900, 9990)
        self.ready = multiprocessing.Event()
        self.process = multiprocessing.Process(target=receiver_serve, args=(self.port, self.ready), daemon=True)
        self.arrivals: list[tuple[str, str, float]] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def start(self) -> None:
        self.process.start()
        if not self.ready.wait(10):
            raise RuntimeError("the receiver did not start")

    def collect(self) -> list[tuple[str, str, float]]:
        """Every arrival so far (kept here, cleared on the receiver)."""
        with urllib.request.urlopen(self.url("arrivals"), timeout=30) as answer:
            self.arrivals.extend(tuple(row) for row in json.loads(answer.read()))
        return self.arrivals

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.collect()) < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.25)
        return True

    def reset(self) -> None:
        self.collect()
        self.arrivals = []

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# --- phases ------------------------------------------------------------------------------------


def payload(n: int) -> dict:
    """An alert.opened body of a realistic size (about 600 bytes once enveloped)."""
    return {
        "alert": {"id": n, "key": "score-drop", "priority": "high", "status": "open",
                  "message": "Health fell 18 points in 7 days: logins down 42%, two P1 tickets open.",
                  "opened_at": datetime.now(UTC).isoformat(), "assignee": "csm@example.com"},
        "account": {"id": 1000 + n % 500, "external_id": f"acct_{n % 500:05d}", "name": f"Customer {n % 500:05d}"},
    }  # fmt: skip


def floor(receiver: Receiver, requests_count: int) -> tuple[float, list[float]]:
    """The receiver's own rate and latencies: signed POSTs straight to it, each on a new connection."""
    import requests

    from notifications.models import new_secret
    from notifications.signing import signed_headers

    secret, body = new_secret(), json.dumps({"type": EVENT_TYPE, "version": 1, "data": payload(0)}).encode()
    latencies = []
    started = time.perf_counter()
    for n in range(requests_count):
        sent = time.perf_counter()
        headers = signed_headers(message_id=f"msg_floor{n}", timestamp=datetime.now(UTC), body=body, secrets=[secret])
        requests.post(receiver.url("floor"), data=body, headers=headers, timeout=15, allow_redirects=False)
        latencies.append(time.perf_counter() - sent)
    elapsed = time.perf_counter() - started
    receiver.reset()
    return requests_count / elapsed, sorted(latencies)


def tenant_with_endpoints(receiver: Receiver, count: int):
    from accounts.services.tenants import tenant_create
    from notifications.models import WebhookEndpoint
    from notifications.services.secrets import rotate_secret

    tenant = tenant_create(name=f"Webhooks bench {int(time.time())}", admin_email="bench-admin@example.com").tenant
    for n in range(count):
        endpoint = WebhookEndpoint.objects.create(tenant=tenant, url=receiver.url(f"e{n}"), event_types=[EVENT_TYPE])
        rotate_secret(endpoint)
    return tenant


def publish(tenant, numbers: range) -> tuple[list[str], float]:
    """Publish one event per number in one transaction; (event ids, commit time)."""
    from django.db import transaction

    from notifications.services.publish import event_publish

    with transaction.atomic():
        ids = [event_publish(tenant=tenant, type=EVENT_TYPE, payload=payload(n)).id for n in numbers]
    return ids, time.time()


def throughput(tenant, receiver: Receiver, events: int, endpoints: int) -> tuple[float, dict[str, float], float]:
    """Publish every event in one transaction, so all deliveries become due at its commit: the workers then
    drain a backlog, and deliveries per second is theirs, not the publisher's. (publish s, commits, drain s)"""
    started = time.time()
    ids, at = publish(tenant, range(events))
    publish_seconds = at - started
    if not receiver.wait_for(events * endpoints, timeout=1800):
        print(f"  !! only {len(receiver.arrivals):,} of {events * endpoints:,} deliveries arrived", flush=True)
    last = max(arrived for _path, _id, arrived in receiver.arrivals)
    return publish_seconds, dict.fromkeys(ids, at), last - at


def steady(tenant, receiver: Receiver, rate: float, seconds: float, endpoints: int) -> dict[str, float]:
    committed: dict[str, float] = {}
    total = int(rate * seconds)
    start = time.perf_counter()
    for n in range(total):
        pause = start + n / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        ids, at = publish(tenant, range(n, n + 1))
        committed[ids[0]] = at
    behind = time.perf_counter() - start - seconds
    if behind > 1:
        print(f"  !! the publisher fell {behind:.1f} s behind the schedule", flush=True)
    if not receiver.wait_for(total * endpoints, timeout=600):
        print(f"  !! only {len(receiver.arrivals):,} of {total * endpoints:,} deliveries arrived", flush=True)
    return committed


def check(receiver: Receiver, committed: dict[str, float], endpoints: int) -> tuple[int, int, list[float]]:
    """(missing, duplicated, sorted commit-to-arrival seconds) for the events in ``committed``."""
    pairs = Counter((path, message_id) for path, message_id, _ in receiver.arrivals if message_id in committed)
    missing = len(committed) * endpoints - len(pairs)
    duplicated = sum(count - 1 for count in pairs.values())
    latencies = sorted(arrived - committed[message_id] for _path, message_id, arrived in receiver.arrivals
                       if message_id in committed)  # fmt: skip
    return missing, duplicated, latencies


def delivery_states(tenant) -> dict[str, int]:
    from django.db.models import Count

    from notifications.models import Delivery

    rows = Delivery.objects.for_tenant(tenant).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    dbname = args.database_url.rsplit("/", 1)[1]
    print(
        f"Webhook delivery benchmark: {args.events:,} events x {args.endpoints} endpoints, then {args.rate:g} "
        f"events/s for {args.seconds:g} s; {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    lock = db.RunLock(args.database_url, dbname)
    try:
        lock.acquire()
    except db.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    redis_server, receiver, workers = RedisServer(workdir), Receiver(), []
    try:
        return run(args, dbname, workdir, redis_server, receiver, workers)
    finally:
        for worker in workers:
            worker.stop()
        receiver.stop()
        redis_server.stop()
        if not args.keep_db:
            db.database_drop(args.database_url, dbname)
        lock.release()


def run(args, dbname: str, workdir: Path, redis_server: RedisServer, receiver: Receiver, workers: list) -> int:
    section("Set-up")
    line("machine load averages (1/5/15 min)", load_averages())
    receiver.start()
    redis_server.start()
    env = {**environment(args, redis_server.url, "celery"), "WEBHOOKS_ALLOW_LOOPBACK": "true"}
    db.database_create(args.database_url, dbname)
    os.environ.update(env)
    import django

    django.setup()
    line("database", dbname, f"migrated in {db.migrate():.1f} s")
    tenant = tenant_with_endpoints(receiver, args.endpoints)
    for n in range(args.workers):
        worker = CeleryWorker(repo=REPO, env=env, log_path=workdir / f"worker{n}.log", beat=n == 0)
        worker.start()
        workers.append(worker)
    line("Celery workers (solo pool each; beat in the first)", str(args.workers))

    section("Floor: the receiver alone")
    floor_rate, floor_latencies = floor(receiver, args.floor_requests)
    floor_p95 = percentile(floor_latencies, 95)
    line("direct POSTs per second (one client)", f"{floor_rate:,.0f}/s")
    line("direct POST p50 / p95", f"{percentile(floor_latencies, 50) * 1000:.1f} / {floor_p95 * 1000:.1f} ms")

    section(f"Throughput: {args.events:,} events x {args.endpoints} endpoints")
    publish_seconds, committed, elapsed = throughput(tenant, receiver, args.events, args.endpoints)
    missing, duplicated, _ = check(receiver, committed, args.endpoints)
    rate = args.events * args.endpoints / elapsed
    line("events written per second (publisher, one transaction)", f"{args.events / publish_seconds:,.0f}/s")
    line("deliveries per second (commit to last arrival)", f"{rate:,.0f}/s", f"{rate / floor_rate:.2f} x floor")
    line("missing / duplicated deliveries", f"{missing} / {duplicated}")
    receiver.reset()

    section(f"Latency: {args.rate:g} events/s for {args.seconds:g} s, {args.endpoints} endpoints each")
    committed = steady(tenant, receiver, args.rate, args.seconds, args.endpoints)
    missing_steady, duplicated_steady, latencies = check(receiver, committed, args.endpoints)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    line("commit to delivery p50", f"{p50 * 1000:,.0f} ms", f"{p50 / percentile(floor_latencies, 50):.0f} x floor p50")
    line("commit to delivery p95", f"{p95 * 1000:,.0f} ms", f"{p95 / floor_p95:.0f} x floor p95")
    line("commit to delivery max", f"{(latencies[-1] if latencies else float('nan')) * 1000:,.0f} ms")
    line("missing / duplicated deliveries", f"{missing_steady} / {duplicated_steady}")
    states = delivery_states(tenant)
    line("delivery rows by status", ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))

    section("Summary")
    met = p95 < TARGET_P95_S and not (missing or duplicated or missing_steady or duplicated_steady)
    line("target: p95 < 5 s, nothing lost or doubled", "met" if met else "NOT met")
    line("machine load averages (1/5/15 min)", load_averages())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
