"""Event-to-score latency probes: one event for a new account, then watch for that account's first score row.

Each probe is timed from the API's 200 to the moment its ``HealthScore`` row is visible to another
connection (polled every ``interval`` seconds, so figures are up to that much late).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field

import psycopg

SEEN = """
SELECT a.external_id FROM indicators_healthscore h JOIN accounts_account a ON a.id = h.account_id
WHERE a.tenant_id = %s AND a.external_id = ANY(%s)
"""


@dataclass
class Probes:
    port: int
    authorization: str
    database_url: str
    tenant_id: int
    prefix: str
    interval: float = 0.02
    answered: dict[str, float] = field(default_factory=dict)  # external id -> when the API said 200
    scored: dict[str, float] = field(default_factory=dict)  # external id -> when its score row was seen
    failed: int = 0

    def post(self, n: int) -> None:
        """One ``track`` for the new account ``<prefix>-<n>``; records when it was answered 200."""
        external_id = f"{self.prefix}-{n}"
        body = json.dumps({"batch": [{
            "type": "track", "userId": f"{external_id}-user", "event": "Dashboard Viewed",
            "messageId": f"{external_id}-message", "context": {"groupId": external_id},
        }]})  # fmt: skip
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", "/v1/batch", body=body, headers={"Authorization": self.authorization,
                                                                  "Content-Type": "application/json"})  # fmt: skip
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                self.answered[external_id] = time.perf_counter()
            else:
                self.failed += 1
        except (OSError, http.client.HTTPException):
            self.failed += 1
        finally:
            conn.close()

    def run(self, count: int, every: float, *, timeout: float = 60) -> None:
        """Post ``count`` probes ``every`` seconds while watching for their scores; wait up to ``timeout`` after."""
        stop = threading.Event()
        watcher = threading.Thread(target=self._watch, args=(stop,), daemon=True)
        watcher.start()
        started = time.perf_counter()
        for n in range(count):
            delay = started + n * every - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self.post(n)
        deadline = time.perf_counter() + timeout
        while len(self.scored) < len(self.answered) and time.perf_counter() < deadline:
            time.sleep(0.1)
        stop.set()
        watcher.join()

    def _watch(self, stop: threading.Event) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while not stop.is_set():
                waiting = [e for e in list(self.answered) if e not in self.scored]
                if waiting:
                    now = time.perf_counter()
                    for (external_id,) in conn.execute(SEEN, [self.tenant_id, waiting]).fetchall():
                        self.scored[external_id] = now
                stop.wait(self.interval)

    def latencies_ms(self) -> list[float]:
        return sorted((self.scored[e] - self.answered[e]) * 1000 for e in self.scored)

    @property
    def unscored(self) -> int:
        return len(self.answered) - len(self.scored)
