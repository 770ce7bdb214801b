"""Daily rollups: the PostgreSQL increments are exact under concurrency and equal the portable path."""

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import close_old_connections, connection, transaction

from indicators.ingest.rollups import portable as rollups_portable
from indicators.ingest.rollups import postgresql as rollups_postgresql
from indicators.ingest.rollups.deltas import EventFact, deltas_of
from indicators.ingest.store import NewEvent, events_attribute, events_store
from indicators.models import AccountDay, ContactDay, Event
from tests.conftest import server_watch
from tests.factories import AccountFactory, ContactFactory, TenantFactory

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def usage(message_id: str, account, contact, at: datetime, feature: str = "Report") -> NewEvent:
    return NewEvent(message_id=message_id, type="usage", name=feature, occurred_at=at, source="test",
                    account_id=account.pk, contact_id=contact.pk if contact else None)  # fmt: skip


def account_rows(tenant) -> dict:
    return {
        (r.account.external_id, r.day): (r.events, r.usage_events, r.active_users, r.by_feature, r.by_type,
                                         r.last_activity_at)
        for r in AccountDay.objects.for_tenant(tenant).select_related("account")
    }  # fmt: skip


def contact_rows(tenant) -> dict:
    return {
        (r.contact.external_id, r.day): (r.account.external_id, r.events, r.usage_events, r.by_feature,
                                         r.last_activity_at)
        for r in ContactDay.objects.for_tenant(tenant).select_related("contact", "account")
    }  # fmt: skip


def test_a_batch_is_summed_per_row_in_key_order():
    at = DAY
    facts = [
        EventFact(2, 20, at, "usage", "Report"),
        EventFact(1, 10, at, "usage", "Report"),
        EventFact(1, 10, at + timedelta(hours=1), "usage", "Export"),
        EventFact(1, None, at, "support", None),
        EventFact(1, 10, at + timedelta(days=1), "usage", "Report"),
    ]
    deltas = deltas_of(facts)
    assert [(d.account_id, d.day.day) for d in deltas.accounts] == [(1, 2), (1, 3), (2, 2)]
    first = deltas.accounts[0]
    assert (first.events, first.usage_events, first.by_feature, first.by_type) == (
        3, 2, {"Report": 1, "Export": 1}, {"usage": 2, "support": 1},
    )  # fmt: skip
    assert first.last_activity_at == at + timedelta(hours=1)
    assert [(d.contact_id, d.day.day) for d in deltas.contacts] == [(10, 2), (10, 3), (20, 2)]


def test_a_contact_used_for_two_accounts_on_one_day_is_active_for_the_smaller_account_id():
    facts = [
        EventFact(9, 5, DAY, "usage", "A"),
        EventFact(3, 5, DAY, "usage", "A"),
        EventFact(3, 5, DAY, "support", None),
    ]
    (delta,) = deltas_of(facts).contacts
    assert (delta.account_id, delta.usage_account_id) == (9, 3)


@pytest.mark.django_db
@pytest.mark.postgres
def test_portable_and_postgresql_paths_leave_the_same_rollups():
    rng = random.Random(7)
    worlds = []
    for name in ("portable", "sql"):
        tenant = TenantFactory(name=name, slug=name)
        accounts = [AccountFactory(tenant=tenant, external_id=f"acc{i}") for i in range(3)]
        contacts = [ContactFactory(account=accounts[i % 3], external_id=f"c{i}") for i in range(6)]
        worlds.append((tenant, accounts, contacts))
    # The same facts, in several batches: later batches land on rows the earlier ones created,
    # including contact rows that so far only hold non-usage events.
    plan = []
    for _ in range(5):
        batch = []
        for _ in range(40):
            a, c = rng.randrange(3), rng.randrange(6)
            kind = rng.choice(["usage", "usage", "usage", "support", "communication"])
            batch.append((a, c if rng.random() > 0.1 else None, DAY + timedelta(hours=rng.randrange(72)), kind,
                          rng.choice(["Report", "Export", "Share"]) if kind == "usage" else None))  # fmt: skip
        plan.append(batch)
    for (tenant, accounts, contacts), apply in zip(
        worlds, (rollups_portable.deltas_apply, rollups_postgresql.deltas_apply), strict=True
    ):
        for batch in plan:
            facts = [
                EventFact(accounts[a].pk, contacts[c].pk if c is not None else None, at, kind, feature)
                for a, c, at, kind, feature in batch
            ]
            apply(tenant=tenant, deltas=deltas_of(facts))
    (portable, *_), (sql, *_) = worlds
    assert account_rows(portable) == account_rows(sql)
    assert contact_rows(portable) == contact_rows(sql)
    assert sum(r[2] for r in account_rows(sql).values()) > 0  # active users were counted at all


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_batches_for_one_account_and_day_count_exactly_once():
    """Threads, each with its own connection, store overlapping batches (shared message ids too) at once."""
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    contacts = [ContactFactory(account=account, external_id=f"user{i}") for i in range(12)]
    rng = random.Random(3)
    messages = [
        usage(f"m{i}", account, rng.choice(contacts), DAY + timedelta(minutes=rng.randrange(600)),
              rng.choice(["Report", "Export"]))
        for i in range(600)
    ]  # fmt: skip
    threads_count, per_batch = 6, 50
    # Each thread sends its own share plus a slice of everybody's: about a third are duplicates.
    shares = [messages[i::threads_count] for i in range(threads_count)]
    work = [share + rng.sample(messages, 50) for share in shares]
    barrier = threading.Barrier(threads_count)
    failures: list[BaseException] = []

    def send(batches: list[NewEvent]) -> None:
        try:
            barrier.wait()
            for start in range(0, len(batches), per_batch):
                with transaction.atomic():
                    events_store(tenant=tenant, events=batches[start : start + per_batch])
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(rng.sample(w, len(w)),)) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert failures == []
    assert Event.objects.for_tenant(tenant).count() == len(messages)
    (day,) = AccountDay.objects.for_tenant(tenant).all()
    used = {m.contact_id for m in messages}
    by_feature = {f: sum(m.name == f for m in messages) for f in ("Report", "Export")}
    assert (day.events, day.usage_events, day.active_users) == (600, 600, len(used))
    assert day.by_feature == by_feature and day.by_type == {"usage": 600}
    assert day.last_activity_at == max(m.occurred_at for m in messages)
    per_contact = {c.pk: sum(m.contact_id == c.pk for m in messages) for c in contacts}
    stored = dict(ContactDay.objects.for_tenant(tenant).values_list("contact_id", "usage_events"))
    assert stored == {pk: n for pk, n in per_contact.items() if n}


@pytest.mark.django_db
def test_a_resent_batch_changes_no_rollup():
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    contact = ContactFactory(account=account)
    batch = [usage(f"r{i}", account, contact, DAY + timedelta(minutes=i)) for i in range(5)]
    with transaction.atomic():
        events_store(tenant=tenant, events=batch + batch[:2])
    before = account_rows(tenant), contact_rows(tenant)
    with transaction.atomic():
        stored = events_store(tenant=tenant, events=batch)
    assert stored.inserted == [] and stored.duplicates == 5
    assert (account_rows(tenant), contact_rows(tenant)) == before
    (row,) = before[0].values()
    assert row[:3] == (5, 5, 1)


@pytest.mark.django_db
def test_a_contact_active_earlier_that_day_is_not_counted_again_by_a_later_batch():
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    first, second = ContactFactory(account=account), ContactFactory(account=account)
    for batch in (
        [usage("a1", account, first, DAY)],
        [NewEvent(message_id="t1", type="support", name="ticket", occurred_at=DAY, source="test",
                  account_id=account.pk, contact_id=second.pk)],
        [usage("a2", account, first, DAY + timedelta(hours=2)), usage("b1", account, second, DAY)],
    ):  # fmt: skip
        with transaction.atomic():
            events_store(tenant=tenant, events=batch)
    day = AccountDay.objects.for_tenant(tenant).get()
    assert (day.events, day.usage_events, day.active_users) == (4, 3, 2)
    assert day.by_type == {"usage": 3, "support": 1}


@pytest.mark.django_db
@pytest.mark.postgres
def test_adding_to_a_rollup_row_is_a_hot_update_that_writes_no_index():
    """No index holds a column the increments change (migration 0011), and the pages keep free space
    (fillfactor 70): each row's new version stays on its page, with no new index entry."""
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    contacts = ContactFactory.create_batch(3, account=account)
    before = rollup_updates()
    for batch in range(3):
        with transaction.atomic():
            events_store(tenant=tenant, events=[usage(f"h{batch}-{c.pk}", account, c, DAY) for c in contacts])
    after = rollup_updates()
    changes = {table: (after[table][0] - before[table][0], after[table][1] - before[table][1]) for table in after}
    assert changes == {"indicators_accountday": (2, 2), "indicators_contactday": (6, 6)}


def rollup_updates() -> dict[str, tuple[int, int]]:
    """{table: (updates, HOT updates)} counted by this connection and not yet reported (within one
    transaction, as a test runs, none are)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
            " WHERE relname IN ('indicators_accountday', 'indicators_contactday')"
        )
        found = {table: (updates, hot) for table, updates, hot in cursor.fetchall()}
    return {table: found.get(table, (0, 0)) for table in ("indicators_accountday", "indicators_contactday")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_transactions_attributing_one_user_at_once_count_the_events_once():
    """Both find the user's waiting events; the second waits on the first's row locks and, once it
    commits, finds them attributed: nothing is added to the rollups twice."""
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    contact = ContactFactory(account=account, external_id="u")
    with transaction.atomic():
        waiting = NewEvent(message_id="w1", type="usage", name="Report", occurred_at=DAY, source="test", user_id="u")
        events_store(tenant=tenant, events=[waiting])
    first_done, results, failures = threading.Event(), {}, []

    def attribute(name: str) -> None:
        try:
            with transaction.atomic():
                results[name] = events_attribute(
                    tenant=tenant, user_id="u", account_id=account.pk, contact_id=contact.pk
                )
                if name == "first":
                    first_done.set()
                    _await_a_lock_waiter()  # the second is blocked on this transaction's rows
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=attribute, args=("first",))
    first.start()
    assert first_done.wait(10)
    second = threading.Thread(target=attribute, args=("second",))
    second.start()
    first.join()
    second.join()
    close_old_connections()
    assert failures == []
    assert (results["first"], results["second"]) == ({account.pk}, set())
    assert AccountDay.objects.for_tenant(tenant).get().usage_events == 1


def _await_a_lock_waiter(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with server_watch() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second transaction never waited on a lock")
