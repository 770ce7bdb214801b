"""Recompute claims: a mark set after the claim survives the clear, and ingestion never waits for a recompute."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import close_old_connections, connection, transaction

from accounts.models import Account
from indicators.ingest.store import NewEvent, events_store
from indicators.models import Event
from indicators.scoring.recompute import accounts_recompute
from indicators.stale.claims import accounts_claim, marks_clear
from indicators.stale.marks import accounts_mark_for_recompute
from tests.factories import AccountFactory, ContactFactory, TenantFactory


def usage(message_id: str, account) -> NewEvent:
    return NewEvent(message_id=message_id, type="usage", name="Report", occurred_at=datetime.now(UTC),
                    source="test", account_id=account.pk)  # fmt: skip


def marked(account) -> bool:
    return Account.objects.for_tenant(account.tenant).get(pk=account.pk).needs_recompute_since is not None


@pytest.mark.django_db
def test_a_mark_set_after_the_claim_keeps_the_account_marked(world_a):
    quiet, busy = AccountFactory.create_batch(2, tenant=world_a.tenant)
    accounts_mark_for_recompute(tenant=world_a.tenant, account_ids={quiet.pk, busy.pk})
    claimed = accounts_claim(tenant=world_a.tenant, account_ids=[quiet.pk, busy.pk])
    accounts_mark_for_recompute(tenant=world_a.tenant, account_ids={busy.pk})  # an event stored meanwhile
    marks_clear(tenant=world_a.tenant, claimed=claimed)
    assert (marked(quiet), marked(busy)) == (False, True)


@pytest.mark.django_db
def test_a_mark_keeps_its_first_time_and_counts_versions(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    accounts_mark_for_recompute(tenant=world_a.tenant, account_ids={account.pk})
    first = Account.objects.for_tenant(world_a.tenant).get(pk=account.pk)
    accounts_mark_for_recompute(tenant=world_a.tenant, account_ids={account.pk})
    again = Account.objects.for_tenant(world_a.tenant).get(pk=account.pk)
    assert again.needs_recompute_since == first.needs_recompute_since
    assert again.recompute_version == first.recompute_version + 1


@pytest.mark.django_db
def test_saving_an_account_loaded_earlier_leaves_its_mark_alone(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    stale = Account.objects.for_tenant(world_a.tenant).get(pk=account.pk)
    accounts_mark_for_recompute(tenant=world_a.tenant, account_ids={account.pk})
    stale.name = "Renamed"
    stale.save()
    fresh = Account.objects.for_tenant(world_a.tenant).get(pk=account.pk)
    assert fresh.name == "Renamed" and fresh.needs_recompute_since is not None and fresh.recompute_version == 1


@pytest.mark.django_db
def test_a_claim_covers_only_the_tenants_own_accounts(world_a, world_b):
    mine, theirs = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_b.tenant)
    accounts_mark_for_recompute(tenant=world_b.tenant, account_ids={theirs.pk})
    claimed = accounts_claim(tenant=world_a.tenant, account_ids=[mine.pk, theirs.pk])
    marks_clear(tenant=world_a.tenant, claimed={**claimed, theirs.pk: 1})
    assert set(claimed) == {mine.pk} and marked(theirs)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_an_account_another_recompute_holds_is_skipped_and_stays_marked():
    tenant = TenantFactory()
    held, free = AccountFactory.create_batch(2, tenant=tenant)
    accounts_mark_for_recompute(tenant=tenant, account_ids={held.pk, free.pk})
    claimed, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                accounts_claim(tenant=tenant, account_ids=[held.pk])
                claimed.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert claimed.wait(10)
        assert accounts_recompute(tenant=tenant, account_ids=[held.pk, free.pk]) == 1
    finally:
        release.set()
        thread.join()
        close_old_connections()
    assert (marked(held), marked(free)) == (True, False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_storing_events_does_not_wait_for_a_recompute_of_the_same_account():
    """A recompute in flight holds its claim; an ingesting transaction for that account commits at once."""
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    ContactFactory(account=account)
    with transaction.atomic():
        events_store(tenant=tenant, events=[usage("before", account)])
    inside, release = threading.Event(), threading.Event()
    versions: dict[int, int] = {}

    def recompute_in_flight() -> None:
        try:
            with transaction.atomic():
                versions.update(accounts_claim(tenant=tenant, account_ids=[account.pk]))
                inside.set()
                release.wait(10)
                marks_clear(tenant=tenant, claimed=versions)
        finally:
            connection.close()

    thread = threading.Thread(target=recompute_in_flight)
    thread.start()
    try:
        assert inside.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting on the recompute would fail here
            events_store(tenant=tenant, events=[usage("during", account)])
    finally:
        release.set()
        thread.join()
        close_old_connections()
    assert Event.objects.for_tenant(tenant).count() == 2
    assert marked(account)  # stored while the recompute held its inputs: scored again by the next one
