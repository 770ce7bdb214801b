"""A real Celery worker, in its own process, on Redis, against the test database.

Needs PostgreSQL (the worker must see the test database from another process) and Redis.
Skips on a laptop without them; fails when CI=true.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from csplatform.celery import app as celery_app
from indicators.stale.hint import _client as dirty_set_client
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class WorkerProcess:
    outbox: Path  # emails the worker sent, one file each
    log: Path  # the worker's output
    proc: subprocess.Popen | None = None

    def tasks_succeeded(self, name: str) -> int:
        return sum(1 for line in self.log.read_text().splitlines() if f"Task {name}[" in line and "succeeded" in line)

    def stop(self) -> None:
        """Stop the worker and every process it started (its embedded beat outlives a killed worker)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        self.signal_group(signal.SIGKILL)
        self.proc.wait()

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signum)  # the worker leads its own process group


@dataclass
class Workers:
    """Starts ``celery worker --beat`` processes on one private queue; each logs to its own file."""

    tmp_path: Path
    queue: str
    started: list[WorkerProcess]

    def start(self, *, redis_url: str | None = None, pool: str = "solo", env: dict | None = None) -> WorkerProcess:
        n = len(self.started)
        outbox = self.tmp_path / "outbox"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "csplatform.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url or settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "CELERY_QUEUE": self.queue,
            "EMAIL_URL": f"filemail:///{outbox}",  # django-environ drops one leading slash
            "DEBUG": "false",
            "DATABASE_RLS": str(settings.DATABASE_RLS).lower(),  # the worker's tasks scoped as the suite's are
            **(env or {}),
        }
        log = self.tmp_path / f"worker-{n}.log"
        command = [sys.executable, "-m", "celery", "-A", "csplatform", "worker", "--beat", f"--pool={pool}"]
        command += ["--concurrency=1", "--loglevel=info", f"--schedule={self.tmp_path / f'beat-schedule-{n}'}"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        with log.open("w") as log_file:
            proc = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
            )
        worker = WorkerProcess(outbox=outbox, log=log, proc=proc)
        self.started.append(worker)
        return worker


@pytest.fixture
def celery_workers(transactional_db, tmp_path):
    """Start workers with ``celery_workers.start(...)``; all are stopped at the end and their logs printed."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require_service(redis_available(), "Redis (REDIS_URL)")
    import redis

    from indicators.stale.hint import DIRTY_SET

    # Hints left by earlier tests name accounts that no longer exist; start from an empty set.
    redis.Redis.from_url(settings.REDIS_URL).delete(DIRTY_SET)
    workers = Workers(tmp_path=tmp_path, queue=f"test-{uuid.uuid4().hex[:8]}", started=[])
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = workers.queue
    try:
        yield workers
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        for worker in workers.started:
            worker.stop()
            print(f"--- {worker.log.name} ---\n{worker.log.read_text()[-4000:]}")


@pytest.fixture
def celery_worker_process(celery_workers):
    """One worker on the project's Redis; yields where its emails and log land."""
    return celery_workers.start()


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def scores_against_reference(tenant, account_ids) -> dict[int, tuple]:
    """Each account's stored score next to the engine's, computed here from the database at the same moment.

    Returns {account_id: (stored, reference)}, each a (score, band, values) triple; a missing score is None.
    """
    from indicators import engine
    from indicators.models import HealthScore
    from indicators.scoring.load import inputs_load
    from indicators.scoring.scorecards import scorecards_for_accounts

    pairs = {}
    stored = {h.account_id: h for h in HealthScore.objects.for_tenant(tenant).filter(account_id__in=account_ids)}
    scorecards = scorecards_for_accounts(tenant=tenant, account_ids=list(account_ids))
    for account_id in account_ids:
        health = stored.get(account_id)
        if health is None:
            pairs[account_id] = (None, None)
            continue
        inputs = inputs_load(tenant=tenant, account_ids=[account_id], as_of=health.computed_at)[account_id]
        evaluation = engine.evaluate_account(inputs, scorecard=scorecards[account_id])
        final = evaluation.score.final
        reference = (round(final, 2) if final is not None else None, evaluation.score.band or "")
        pairs[account_id] = ((health.score, health.band, health.values), (*reference, dict(evaluation.values)))
    return pairs


def history_moments_written_twice(tenant) -> list[tuple]:
    """(account_id, at, rows) for every moment with more than one history row: a recompute applied twice."""
    from django.db.models import Count

    from indicators.models import HealthScoreHistory

    rows = HealthScoreHistory.objects.for_tenant(tenant).values("account_id", "at").annotate(n=Count("id"))
    return [(r["account_id"], r["at"], r["n"]) for r in rows.filter(n__gt=1)]


class RedisServer:
    """A redis-server of our own on a free port, without persistence; stop() and start() again on that port."""

    def __init__(self, directory):
        self.directory = directory
        self.port = self._free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @staticmethod
    def _free_port() -> int:
        for port in range(6390, 6490):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) != 0:
                    return port
        raise RuntimeError("no free port for a test redis-server in 6390-6489")

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.directory)]  # fmt: skip
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(self.answers, timeout=10), "the test redis-server did not start"

    def answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path, settings):
    require_service(shutil.which("redis-server") is not None, "redis-server (to run a broker the test can stop)")
    server = RedisServer(tmp_path)
    server.start()
    # This process (the API) uses it too: for the dirty set and for the cache (rate limits).
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}}
    dirty_set_client.cache_clear()
    try:
        yield server
    finally:
        server.stop()
        dirty_set_client.cache_clear()
