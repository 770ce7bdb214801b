"""Processes the scoring benchmarks start and stop: a private redis-server and a real Celery worker.

A redis-server of our own (on a free port) keeps the benchmark's broker traffic apart from anyone
else's, so its command counters (``INFO commandstats``) count our messages only.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import redis

RECEIVED = re.compile(r"Task ([\w.]+)\[[0-9a-f-]+\] received")
SUCCEEDED = re.compile(r"Task ([\w.]+)\[[0-9a-f-]+\] succeeded in ([0-9.]+)s")


def free_port(start: int = 6390, stop: int = 6490) -> int:
    for port in range(start, stop):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {start}-{stop - 1}")


class RedisServer:
    """``redis-server`` on a free local port, no persistence, in ``directory``."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.directory)]  # fmt: skip
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def commands(self) -> Counter:
        """How many times each command ran on this server so far (``INFO commandstats``)."""
        stats = redis.Redis.from_url(self.url).info("commandstats")
        return Counter({name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()})

    def purge(self, queue: str) -> int:
        """Drop the messages waiting in ``queue``; how many there were."""
        client = redis.Redis.from_url(self.url)
        waiting = client.llen(queue)
        client.delete(queue)
        return waiting

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class CeleryWorker:
    """``celery worker`` (solo pool: one process) with optional embedded beat; its log in ``log_path``."""

    def __init__(self, *, repo: Path, env: dict, log_path: Path, beat: bool = True):
        self.repo, self.env, self.log_path, self.beat = repo, env, log_path, beat
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        command = [str(self.repo / ".venv/bin/celery"), "-A", "csplatform", "worker", "--pool=solo", "--loglevel=info",
                   "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
        if self.beat:
            command += ["--beat", f"--schedule={self.log_path.with_suffix('.schedule')}"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, cwd=self.repo, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.proc.returncode}:\n{self.log_tail()}")
            if " ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"the Celery worker was not ready in {timeout:.0f} s:\n{self.log_tail()}")

    def received(self) -> Counter:
        """Tasks delivered to this worker so far, by name (from its log)."""
        return Counter(RECEIVED.findall(self.log_path.read_text(errors="replace")))

    def durations(self, name: str) -> list[float]:
        """Run times in seconds of the tasks named ``name`` that succeeded so far (from its log)."""
        text = self.log_path.read_text(errors="replace")
        return [float(seconds) for task, seconds in SUCCEEDED.findall(text) if task == name]

    def cpu_seconds(self) -> float:
        """CPU time used by the worker process so far (user + system), from /proc."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, AttributeError):
            return float("nan")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def load_averages() -> str:
    """The machine's 1/5/15-minute load averages, as ``uptime`` shows them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"
