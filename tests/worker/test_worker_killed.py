"""A worker killed with ``kill -9`` in the middle of a recompute leaves no wrong score behind.

The recompute is stopped at a known point without sleeps: the test holds the row lock of the
account's current score, so the worker's write of the new score waits on it (seen in
pg_stat_activity). Then the worker dies; its transaction never commits. Either the message comes
back (``acks_late`` + ``task_reject_on_worker_lost``, when only the pool process died) or the
durable mark, still set, is swept; either way the score ends equal to the engine's reference.
"""

import os
import signal
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.db import transaction

from accounts.models import Account
from indicators.ingest.store import NewEvent, events_store
from indicators.models import HealthScore, HealthScoreHistory
from indicators.scoring.recompute import accounts_recompute
from indicators.tasks import recompute_accounts
from tests.conftest import make_world, server_watch
from tests.factories import AccountFactory, ContactFactory
from tests.worker.conftest import database_url, history_moments_written_twice, scores_against_reference, wait_for

pytestmark = pytest.mark.worker

# Sweep the durable marks every second, once a second old (production: every minute, 30 s old); see settings.
FAST_MARKED_SWEEP = {"RECOMPUTE_MARKED_SWEEP_SECONDS": "1", "RECOMPUTE_MARK_GRACE_SECONDS": "1"}
RECOVERY_TIMEOUT = 150  # with the production intervals the marked sweep still comes, within about 90 s


def test_the_recompute_task_is_acknowledged_only_after_it_ran_and_requeued_if_its_process_dies():
    assert recompute_accounts.acks_late is True
    assert recompute_accounts.reject_on_worker_lost is True


def usage(account, contacts, days, prefix):
    now = datetime.now(UTC)
    return [
        NewEvent(message_id=f"{prefix}-{c.pk}-{d}", type="usage", name="Report Exported", source="api",
                 occurred_at=now - timedelta(days=d, hours=1), account_id=account.pk, contact_id=c.pk)
        for d in range(days) for c in contacts
    ]  # fmt: skip


@pytest.fixture
def scored_account():
    """An account scored once (little usage), then given much more usage: marked, its score now stale."""
    world = make_world("Killed")
    account = AccountFactory(tenant=world.tenant, licenses=10, lifecycle_stage="mature")
    contacts = ContactFactory.create_batch(8, account=account)
    with transaction.atomic():
        events_store(tenant=world.tenant, events=usage(account, contacts[:1], 3, "before"))
    accounts_recompute(tenant=world.tenant, account_ids=[account.pk])
    with transaction.atomic():
        events_store(tenant=world.tenant, events=usage(account, contacts, 20, "after"))
    return world.tenant, account


class ScoreRowLock:
    """Holds ``FOR UPDATE`` on one account's score row from another connection until released."""

    def __init__(self, account_id: int):
        self.conn = psycopg.connect(database_url())
        self.conn.execute("SELECT 1 FROM indicators_healthscore WHERE account_id = %s FOR UPDATE", [account_id])
        self.pid = self.conn.info.backend_pid

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def backends_waiting_on(lock: ScoreRowLock) -> list[tuple[int, int]]:
    """(backend pid, client port) of the sessions blocked by ``lock`` while writing a score."""
    with server_watch() as cursor:
        cursor.execute(
            "SELECT pid, client_port FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)) AND query ILIKE %s",
            [lock.pid, "%indicators_healthscore%"],
        )
        return cursor.fetchall()


def backend_alive(pid: int) -> bool:
    with server_watch() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def process_with_local_port(candidates: list[int], port: int) -> int | None:
    """Which of ``candidates`` owns the TCP connection whose local port is ``port`` (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for row in f.readlines()[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd")):
                return pid
        except OSError:
            continue
    return None


def children_of(parent: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                        found.append(int(name))
            except OSError:
                continue
    return found


def assert_scored_right_once(tenant, account, stale_score) -> None:
    def rescored():
        health = HealthScore.objects.for_tenant(tenant).get(account=account)
        return (
            health.score != stale_score
            and Account.objects.for_tenant(tenant).filter(pk=account.pk, needs_recompute_since=None).exists()
        )

    assert wait_for(rescored, timeout=RECOVERY_TIMEOUT), "the killed recompute was never redone"
    (stored, reference) = scores_against_reference(tenant, [account.pk])[account.pk]
    assert stored == reference
    assert history_moments_written_twice(tenant) == []
    # One row for the first score, one for the new one: the killed run left nothing.
    assert HealthScoreHistory.objects.for_tenant(tenant).filter(account=account).count() == 2


def test_a_worker_killed_mid_recompute_writes_nothing_and_a_new_worker_redoes_it(celery_workers, scored_account):
    tenant, account = scored_account
    stale = HealthScore.objects.for_tenant(tenant).get(account=account).score
    first = celery_workers.start(env=FAST_MARKED_SWEEP)
    lock = ScoreRowLock(account.pk)
    try:
        recompute_accounts.delay(tenant_id=tenant.pk, account_ids=[account.pk])
        assert wait_for(lambda: backends_waiting_on(lock), timeout=60), "the worker never reached the score write"
        [(backend, _port)] = backends_waiting_on(lock)
        first.signal_group(signal.SIGKILL)  # the worker and its embedded beat, as when a machine dies
        first.proc.wait()
    finally:
        lock.release()
    # Its session ends once its statement gets past the lock: the transaction is rolled back, never committed.
    assert wait_for(lambda: not backend_alive(backend), timeout=30)
    assert HealthScore.objects.for_tenant(tenant).get(account=account).score == stale
    assert HealthScoreHistory.objects.for_tenant(tenant).filter(account=account).count() == 1

    celery_workers.start(env=FAST_MARKED_SWEEP)
    assert_scored_right_once(tenant, account, stale)


def test_a_pool_process_killed_mid_recompute_has_its_task_delivered_again(celery_workers, scored_account):
    tenant, account = scored_account
    stale = HealthScore.objects.for_tenant(tenant).get(account=account).score
    worker = celery_workers.start(pool="prefork", env=FAST_MARKED_SWEEP)
    lock = ScoreRowLock(account.pk)
    try:
        task = recompute_accounts.delay(tenant_id=tenant.pk, account_ids=[account.pk])
        assert wait_for(lambda: backends_waiting_on(lock), timeout=60), "the worker never reached the score write"
        [(_backend, port)] = backends_waiting_on(lock)
        child = process_with_local_port(children_of(worker.proc.pid), port)
        assert child is not None, "no process of the worker holds the blocked database session"
        os.kill(child, signal.SIGKILL)
    finally:
        lock.release()

    def received_again():
        return worker.log.read_text().count(f"indicators.recompute_accounts[{task.id}] received") >= 2

    assert wait_for(received_again, timeout=60), "the task of the killed process was not delivered again"
    assert_scored_right_once(tenant, account, stale)
