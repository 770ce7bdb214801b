"""HTTP load: threads with their own keep-alive ``http.client`` connections posting prepared bodies.

Closed loop (``concurrency`` requests always in flight) finds the peak; open loop (requests
scheduled at a fixed rate whatever the server does) measures latency at a given load, timed from
the scheduled start, so a slow answer also delays, and is charged to, the requests queued behind it.
"""

from __future__ import annotations

import http.client
import json
import math
import queue
import threading
import time
from dataclasses import dataclass

from bench.ingest_lib.data import Batch


@dataclass(frozen=True)
class Outcome:
    index: int
    scheduled: float
    started: float
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    receipt: dict | None
    error: str = ""

    @property
    def latency(self) -> float:
        return self.ended - self.scheduled


@dataclass(frozen=True)
class Run:
    batches: list[Batch]
    outcomes: list[Outcome]
    elapsed: float

    @property
    def unsent(self) -> int:
        """Batches left unsent when a time limit stopped the run."""
        return len(self.batches) - len(self.outcomes)

    @property
    def ok(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 200]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != 200]

    @property
    def events_ok(self) -> int:
        """Messages in batches answered 200 (accepted + duplicates)."""
        return sum(o.receipt["accepted"] + o.receipt["duplicates"] for o in self.ok)

    @property
    def accepted(self) -> int:
        return sum(o.receipt["accepted"] for o in self.ok)

    @property
    def duplicates(self) -> int:
        return sum(o.receipt["duplicates"] for o in self.ok)

    @property
    def rejected(self) -> int:
        return sum(len(o.receipt["rejected"]) for o in self.ok)

    @property
    def events_per_second(self) -> float:
        return self.events_ok / self.elapsed if self.elapsed else 0.0

    def latencies_ms(self) -> list[float]:
        return sorted(o.latency * 1000 for o in self.ok)

    def acknowledged_ids(self) -> set[str]:
        ids: set[str] = set()
        for o in self.ok:
            rejected = {r["messageId"] for r in o.receipt["rejected"]}
            ids.update(m for m in self.batches[o.index].message_ids if m not in rejected)
        return ids

    def unacknowledged_ids(self) -> set[str]:
        """The new messages of failed requests (their re-sent ones were stored before)."""
        return {e.message_id for o in self.failed for e in self.batches[o.index].fresh}

    def errors(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.failed:
            key = o.error or f"HTTP {o.status}"
            counts[key] = counts.get(key, 0) + 1
        return counts


class Client:
    """Posts batches to one server with a write key."""

    def __init__(self, port: int, authorization: str, path: str = "/v1/batch", timeout: float = 60):
        self.port, self.path, self.timeout = port, path, timeout
        self.headers = {"Authorization": authorization, "Content-Type": "application/json"}

    def _worker(self, batches: list[Batch], work: queue.SimpleQueue, results: list[Outcome], deadline: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        while True:
            item = work.get()
            if item is None or (deadline and time.perf_counter() > deadline):
                break
            index, scheduled = item
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started = time.perf_counter()
            try:
                conn.request("POST", self.path, body=batches[index].body, headers=self.headers)
                response = conn.getresponse()
                data = response.read()
                receipt = json.loads(data) if response.status == 200 else None
                results.append(Outcome(index, scheduled or started, started, time.perf_counter(), response.status,
                                       receipt, "" if receipt else data[:200].decode(errors="replace")))  # fmt: skip
            except (OSError, http.client.HTTPException) as exc:
                results.append(Outcome(index, scheduled or started, started, time.perf_counter(), 0, None,
                                       type(exc).__name__))  # fmt: skip
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        conn.close()

    def _run(self, batches: list[Batch], schedule: list[float], threads: int, max_seconds: float = 0) -> Run:
        work: queue.SimpleQueue = queue.SimpleQueue()
        results: list[Outcome] = []  # list.append is atomic under the GIL
        started = time.perf_counter()
        deadline = started + max_seconds if max_seconds else 0.0
        workers = [
            threading.Thread(target=self._worker, args=(batches, work, results, deadline), daemon=True)
            for _ in range(threads)
        ]
        for index, at in enumerate(schedule):
            work.put((index, started + at if at >= 0 else 0.0))
        for _ in workers:
            work.put(None)
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = max((o.ended for o in results), default=started) - started
        return Run(batches, sorted(results, key=lambda o: o.index), elapsed)

    def closed_loop(self, batches: list[Batch], concurrency: int, max_seconds: float = 0) -> Run:
        """Each of ``concurrency`` connections sends its next batch as soon as the previous one is answered.

        With ``max_seconds``, no batch is sent after that time: the rest are left unsent.
        """
        return self._run(batches, [-1.0] * len(batches), concurrency, max_seconds)

    def open_loop(self, batches: list[Batch], rate: float, threads: int = 32) -> Run:
        """Start a batch every 1/``rate`` seconds, whether or not earlier ones have been answered."""
        return self._run(batches, [i / rate for i in range(len(batches))], threads)


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = math.ceil(p / 100 * len(sorted_values)) - 1  # nearest rank
    return sorted_values[min(len(sorted_values) - 1, max(0, rank))]


def run_later(delay: float, action) -> threading.Timer:
    """Run ``action`` once, ``delay`` seconds from now, in the background."""
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()
    return timer
