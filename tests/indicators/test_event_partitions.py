"""The events table on PostgreSQL: partitioned by month, kept ahead, dropped past retention, converted online."""

import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from indicators.ingest.retention import event_messages_prune
from indicators.ingest.store import NewEvent, events_attribute, events_store
from indicators.models import Event, EventMessage
from indicators.partitions import maintenance, online
from indicators.partitions.months import DEFAULT, Month, months_ahead
from tests.factories import AccountFactory, TenantFactory

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def store(tenant, message_id, at, **fields):
    event = NewEvent(message_id=message_id, type="usage", name="report.run", occurred_at=at, source="api", **fields)
    with transaction.atomic():
        return events_store(tenant=tenant, events=[event])


def partition_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM indicators_event WHERE id = %s", [event_id])
        return cursor.fetchone()[0]


def test_the_table_is_partitioned_by_month_with_the_months_ahead(db):
    assert maintenance.is_partitioned()
    assert set(months_ahead(timezone.now())) <= set(maintenance.partitions())


def test_an_event_is_stored_in_its_months_partition(db):
    account = AccountFactory()
    at = timezone.now() - timedelta(minutes=5)
    store(account.tenant, "m-1", at, account_id=account.pk)
    event = Event.unscoped.get(message_id="m-1")
    assert partition_of(event.pk) == Month.of(at.astimezone(UTC)).table


def test_a_back_dated_event_waits_in_the_default_partition_until_its_month_is_made(db):
    account = AccountFactory(tenant=TenantFactory(settings={"event_retention_months": 120}))
    at = datetime(2019, 3, 9, 8, tzinfo=UTC)
    store(account.tenant, "old", at, account_id=account.pk)
    event = Event.unscoped.get(message_id="old")
    assert partition_of(event.pk) == DEFAULT

    done = maintenance.events_partitions_maintain()

    assert Month(2019, 3) in done.created
    assert partition_of(event.pk) == "indicators_event_p2019_03"
    assert Event.unscoped.get(pk=event.pk).occurred_at == at  # moved, not copied: one row, the same id


def test_each_tenant_keeps_its_own_retention_and_whole_months_go_at_once(db):
    short = AccountFactory(tenant=TenantFactory(settings={"event_retention_months": 13}))
    long = AccountFactory(tenant=TenantFactory(settings={"event_retention_months": 120}))
    # 20 months old: past the short retention only. 30 months old: past both, its month is dropped.
    twenty = NOW - timedelta(days=20 * 30.5)
    thirty = NOW - timedelta(days=30 * 30.5)
    for account in (short, long):
        store(account.tenant, f"{account.pk}-20", twenty, account_id=account.pk)
        store(account.tenant, f"{account.pk}-30", thirty, account_id=account.pk)
        store(account.tenant, f"{account.pk}-now", NOW - timedelta(days=1), account_id=account.pk)
    first = maintenance.events_partitions_maintain(now=NOW)  # the back-dated months get their partitions
    assert first.deleted == 2  # the short tenant's two, deleted row by row: their months are kept for the other
    assert {Month.of(twenty), Month.of(thirty)} <= set(maintenance.partitions())
    long.tenant.settings = {"event_retention_months": 24}
    long.tenant.save()

    done = maintenance.events_partitions_maintain(now=NOW)

    assert Month.of(thirty) in done.dropped and Month.of(twenty) not in done.dropped
    assert Month.of(thirty) not in maintenance.partitions()
    assert done.deleted == 0  # the long tenant's 30-month-old event went with its month
    left = set(Event.unscoped.values_list("message_id", flat=True))
    assert left == {f"{long.pk}-20", f"{short.pk}-now", f"{long.pk}-now"}


def test_a_message_id_is_stored_once_within_the_window_and_again_after_it(db):
    account = AccountFactory(tenant=TenantFactory(settings={"event_dedup_days": 30}))
    at = timezone.now() - timedelta(hours=1)
    assert len(store(account.tenant, "retry", at, account_id=account.pk).inserted) == 1
    assert len(store(account.tenant, "retry", at, account_id=account.pk).inserted) == 0

    event_messages_prune(now=timezone.now() + timedelta(days=29))
    assert len(store(account.tenant, "retry", at, account_id=account.pk).inserted) == 0
    event_messages_prune(now=timezone.now() + timedelta(days=31))
    assert len(store(account.tenant, "retry", at, account_id=account.pk).inserted) == 1
    assert Event.unscoped.filter(message_id="retry").count() == 2


def test_the_claim_names_the_event_it_stored(db):
    account = AccountFactory()
    store(account.tenant, "named", timezone.now(), account_id=account.pk)
    claim = EventMessage.unscoped.get(message_id="named")
    assert Event.unscoped.get(pk=claim.event_id).message_id == "named"


@pytest.mark.django_db(transaction=True)
def test_the_table_converts_both_ways_while_events_keep_arriving():
    account = AccountFactory()
    tenant = account.tenant
    start = timezone.now() - timedelta(days=70)
    for i in range(600):  # three months of history, and a user's events still waiting for an account
        store(tenant, f"before-{i}", start + timedelta(hours=i * 2.5), account_id=account.pk)
    for i in range(40):
        store(tenant, f"pending-{i}", start + timedelta(days=i), user_id="late-user")
    stop, sent, errors = threading.Event(), [], []

    def ingest():
        try:
            n = 0
            while not stop.is_set():
                store(tenant, f"during-{n}", timezone.now() - timedelta(seconds=n), account_id=account.pk)
                sent.append(f"during-{n}")
                if n == 20:  # an update of rows being copied: attributing the waiting events
                    with transaction.atomic():
                        events_attribute(tenant=tenant, user_id="late-user", account_id=account.pk, contact_id=None)
                n += 1
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=ingest)
    worker.start()
    try:
        online.to_plain(batch=50)
        assert not maintenance.is_partitioned()
        online.to_partitioned(batch=50)
    finally:
        stop.set()
        worker.join()
    assert not errors
    assert maintenance.is_partitioned() and len(sent) > 20

    stored = list(Event.unscoped.values_list("message_id", flat=True))
    expected = {f"before-{i}" for i in range(600)} | {f"pending-{i}" for i in range(40)} | set(sent)
    assert sorted(stored) == sorted(expected)  # every event, each once
    assert not Event.unscoped.filter(message_id__startswith="pending-", account=None).exists()
    claims = dict(EventMessage.unscoped.values_list("message_id", "event_id"))
    assert {m: claims[m] for m in stored} == dict(Event.unscoped.values_list("message_id", "pk"))
    # New events still get new ids from the carried-on sequence.
    store(tenant, "after", timezone.now(), account_id=account.pk)
    assert Event.unscoped.get(message_id="after").pk > max(claims.values())


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_backwards_and_forwards_keeping_every_event():
    account = AccountFactory()
    for i in range(30):
        store(account.tenant, f"kept-{i}", timezone.now() - timedelta(days=i * 3), account_id=account.pk)
    before = sorted(Event.unscoped.values_list("pk", "message_id", "occurred_at"))

    call_command("migrate", "indicators", "0018", verbosity=0)
    assert not maintenance.is_partitioned()
    assert sorted(Event.unscoped.values_list("pk", "message_id", "occurred_at")) == before
    call_command("migrate", "indicators", verbosity=0)

    assert maintenance.is_partitioned()
    assert sorted(Event.unscoped.values_list("pk", "message_id", "occurred_at")) == before


def test_an_operator_drops_a_month_and_its_events_only(db):
    account = AccountFactory(tenant=TenantFactory(settings={"event_retention_months": 120}))
    store(account.tenant, "march", datetime(2020, 3, 2, tzinfo=UTC), account_id=account.pk)
    store(account.tenant, "april", datetime(2020, 4, 2, tzinfo=UTC), account_id=account.pk)
    maintenance.events_partitions_maintain()
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("event_partitions", "--drop", "2020-13")

    call_command("event_partitions", "--drop", "2020-03", stdout=io.StringIO())

    assert Month(2020, 3) not in maintenance.partitions()
    assert list(Event.unscoped.values_list("message_id", flat=True)) == ["april"]
