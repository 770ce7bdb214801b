"""A real Celery worker, in its own process, on Redis, against the test database.

Needs PostgreSQL (the worker must see the test database from another process) and Redis.
Skips on a laptop without them; fails when CI=true.
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from csplatform.celery import app as celery_app
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

    def tasks_succeeded(self, name: str) -> int:
        return sum(1 for line in self.log.read_text().splitlines() if f"Task {name}[" in line and "succeeded" in line)


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Start ``celery worker --beat`` on a private queue; yield where its emails and log land."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require_service(redis_available(), "Redis (REDIS_URL)")
    import redis

    from indicators.recompute_queue import DIRTY_SET

    # Hints left by earlier tests name accounts that no longer exist; start from an empty set.
    redis.Redis.from_url(settings.REDIS_URL).delete(DIRTY_SET)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"filemail:///{outbox}",  # django-environ drops one leading slash
        "DEBUG": "false",
    }
    log = tmp_path / "worker.log"
    log_file = log.open("w")
    command = [sys.executable, "-m", "celery", "-A", "csplatform", "worker", "--beat", "--pool=solo"]
    command += ["--loglevel=info", f"--schedule={tmp_path / 'beat-schedule'}"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield WorkerProcess(outbox=outbox, log=log)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log_file.close()
        print(log.read_text()[-4000:])


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
