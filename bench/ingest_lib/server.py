"""The server side: a gunicorn we start and stop, and what its processes (and PostgreSQL's) cost in CPU.

CPU comes from /proc/<pid>/stat (utime + stime), sampled in a background thread so a process
that exits between two snapshots (a killed worker, a backend closed after CONN_MAX_AGE) still
counts up to its last sample.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

CLK_TCK = os.sysconf("SC_CLK_TCK")
PG_AUX = ("checkpointer", "background writer", "walwriter", "autovacuum", "logical replication")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, CPU ticks used) of a live process (not a zombie), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def children(parent: int) -> list[int]:
    return sorted(pid for pid in all_pids() if (stat := proc_stat(pid)) and stat[0] == parent)


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def machine_busy(seconds: float = 2.0) -> float:
    """Fraction of all cores busy over the next ``seconds`` (before a run: other people's work)."""
    before = machine_ticks()
    time.sleep(seconds)
    after = machine_ticks()
    return (after[0] - before[0]) / max(1, after[1] - before[1])


class Gunicorn:
    """``gunicorn csplatform.wsgi`` on a free local port, with its log in ``log_path``."""

    def __init__(self, *, repo: Path, env: dict, workers: int, worker_class: str, threads: int, log_path: Path):
        self.repo, self.env, self.log_path = repo, env, log_path
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def description(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        keep_alive = "keep-alive" if self.worker_class != "sync" else "no keep-alive: sync workers close connections"
        return f"gunicorn {self.worker_class}, {self.workers} workers{threads} ({keep_alive})"

    def start(self, timeout: float = 60) -> None:
        command = [
            str(self.repo / ".venv/bin/gunicorn"), "csplatform.wsgi", "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}", "--worker-class", self.worker_class, "--threads", str(self.threads),
            "--keep-alive", "75", "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=self.repo, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            if len(self.worker_pids()) == self.workers and self._answers():
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not come up in {timeout:.0f} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("POST", "/v1/batch", body=b"{}", headers={"Content-Type": "application/json"})
            return conn.getresponse().status == 401  # no key: the app is loaded and answering
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid) if self.proc else []

    def kill_busiest_worker(self, window: float = 0.3) -> int:
        """``kill -9`` the worker that used the most CPU over the last ``window`` s (so it is mid-request)."""
        before = {pid: (proc_stat(pid) or (0, 0))[1] for pid in self.worker_pids()}
        time.sleep(window)
        pid = max(before, key=lambda p: (proc_stat(p) or (0, 0))[1] - before[p])
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_replacement(self, killed: int, timeout: float = 30) -> float:
        """Seconds until the arbiter has a full set of workers again, without ``killed``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            pids = self.worker_pids()
            if len(pids) == self.workers and killed not in pids:
                break
            time.sleep(0.02)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        workers = self.worker_pids()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid in workers:  # only our own workers, by pid, should any have outlived the arbiter
            if proc_stat(pid) is not None and "gunicorn" in cmdline(pid):
                os.kill(pid, signal.SIGKILL)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass(frozen=True)
class CpuSnapshot:
    ticks: dict[int, tuple[str, int]]  # pid -> (group, CPU ticks)
    machine: tuple[int, int]
    client_seconds: float
    at: float


@dataclass(frozen=True)
class CpuUsage:
    """CPU seconds per group of processes between two snapshots."""

    seconds: dict[str, float]
    machine_busy: float  # fraction of all cores
    client_seconds: float
    elapsed: float
    workers: list[float]  # CPU seconds of each gunicorn worker, busiest first

    @property
    def others(self) -> float:
        """Fraction of all cores used by processes outside this benchmark (other users, other databases)."""
        ours = sum(self.seconds.values()) + self.client_seconds
        capacity = self.elapsed * (os.cpu_count() or 1)
        return max(0.0, self.machine_busy - ours / capacity) if capacity else 0.0

    def per_thousand(self, group: str, events: int) -> float | None:
        """CPU milliseconds of ``group`` per 1,000 events."""
        if group not in self.seconds or not events:
            return None
        return self.seconds[group] * 1000 / events * 1000


class CpuMeter:
    """Samples the CPU time of gunicorn (arbiter and workers) and of PostgreSQL processes, by group.

    Groups: ``gunicorn``; ``pg backends`` (client backends of ``dbname``); ``pg aux`` (checkpointer,
    WAL writer, background writer, autovacuum: instance-wide).
    """

    def __init__(self, *, gunicorn_pid: int | None, postmaster: int | None, dbname: str, interval: float = 0.5):
        self.gunicorn_pid, self.postmaster, self.dbname, self.interval = gunicorn_pid, postmaster, dbname, interval
        self.seen: dict[int, tuple[str, int]] = {}
        self.groups: dict[int, str | None] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="cpu-meter")

    def __enter__(self) -> CpuMeter:
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def _group(self, pid: int, parent: int) -> str | None:
        if pid in self.groups:
            return self.groups[pid]
        group = None
        if self.gunicorn_pid and self.gunicorn_pid in (pid, parent):
            group = "gunicorn"
        elif self.postmaster and parent == self.postmaster:
            line = cmdline(pid)
            if any(name in line for name in PG_AUX):
                group = "pg aux"
            elif f" {self.dbname} " in line:
                group = "pg backends"
            else:
                return None  # another database's backend, or one too young to have set its title: look again
        self.groups[pid] = group
        return group

    def sample(self) -> None:
        with self.lock:
            for pid in all_pids():
                stat = proc_stat(pid)
                if stat is None:
                    continue
                group = self._group(pid, stat[0])
                if group is not None:
                    self.seen[pid] = (group, stat[1])

    def snapshot(self) -> CpuSnapshot:
        self.sample()
        with self.lock:
            return CpuSnapshot(dict(self.seen), machine_ticks(), time.process_time(), time.monotonic())

    def usage(self, before: CpuSnapshot, after: CpuSnapshot) -> CpuUsage:
        seconds: Counter[str] = Counter()
        workers = []
        for pid, (group, ticks) in after.ticks.items():
            used = (ticks - before.ticks.get(pid, (group, 0))[1]) / CLK_TCK
            seconds[group] += used
            if group == "gunicorn" and pid != self.gunicorn_pid:
                workers.append(used)
        busy = after.machine[0] - before.machine[0]
        total = max(1, after.machine[1] - before.machine[1])
        client = after.client_seconds - before.client_seconds
        return CpuUsage(dict(seconds), busy / total, client, after.at - before.at, sorted(workers, reverse=True))


class WaitSampler:
    """What the database sessions of ``dbname`` are doing, sampled from pg_stat_activity every ``interval`` s.

    The sampling connection goes to the maintenance database, so it is not one of the sessions
    (nor of the CPU counted for them).
    """

    def __init__(self, admin_url: str, dbname: str, interval: float = 0.05):
        self.admin_url, self.dbname, self.interval = admin_url, dbname, interval
        self.counts: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="wait-sampler")

    def __enter__(self) -> WaitSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        query = (
            "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = %s AND backend_type = 'client backend'"
        )
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self.stopping.wait(self.interval):
                for state, wait_type, wait in conn.execute(query, [self.dbname]).fetchall():
                    self.counts[self.classify(state, wait_type, wait)] += 1

    @staticmethod
    def classify(state: str | None, wait_type: str | None, wait: str | None) -> str:
        if state == "idle in transaction":
            return "in transaction, waiting for the app (Python)"
        if state != "active":
            return "idle (between transactions)"
        if wait_type is None:
            return "running a statement (PostgreSQL CPU)"
        if wait_type == "Lock":
            return f"waiting for a lock ({wait})"
        if "WAL" in (wait or "") or wait_type == "IO":
            return f"WAL / I/O ({wait})"
        return f"{wait_type}: {wait}"

    def shares(self) -> list[tuple[str, float]]:
        total = sum(self.counts.values()) or 1
        return [(name, n / total) for name, n in self.counts.most_common()]
