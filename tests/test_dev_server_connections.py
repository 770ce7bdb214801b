"""The development server (``manage.py runserver``, what ``make run`` serves with) on PostgreSQL.

runserver answers each request in a new thread, and a thread's persistent connection (CONN_MAX_AGE) is
never reused by another: with production's 60 s every request left a connection open until PostgreSQL
refused new ones. The server is started for real here, with production settings, and asked many times.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 150
# A syntactically valid key that matches no row: every request looks it up in the database, then gets 401.
UNKNOWN_KEY = "csp_AAAAAAAAAAAA_" + "A" * 43


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"runserver exited: {server.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("runserver did not start listening")


def backends_of(database: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a snapshot per transaction otherwise
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        )
        return cursor.fetchone()[0]


def test_the_development_server_does_not_keep_a_connection_per_request_thread():
    db = connection.settings_dict
    database = db["NAME"]
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings",  # production's settings, persistent connections included
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{database}",
        "CONN_MAX_AGE": "60",
        "DEBUG": "true",
        "DJANGO_RUNSERVER_HIDE_WARNING": "true",
    }
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server)
        before = backends_of(database)
        most = before
        for _ in range(REQUESTS):
            answer = requests.get(  # a new HTTP connection each time: a new server thread each time
                f"http://127.0.0.1:{port}/api/v1/accounts/",
                headers={"Authorization": f"Bearer {UNKNOWN_KEY}", "Connection": "close"},
                timeout=10,
            )
            assert answer.status_code == 401, answer.text[:500]
            most = max(most, backends_of(database))
        assert most - before <= 2, f"{most - before} connections held open after {REQUESTS} requests"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
