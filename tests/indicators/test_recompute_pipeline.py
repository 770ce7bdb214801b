"""Chunks loaded ahead and stored behind, each on a connection of its own, score exactly as chunks handled in
line; an account marked between its load and its claim is loaded and scored again."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from accounts.models import Account
from indicators.ingest.store import events_store
from indicators.models import HealthScore
from indicators.scoring import recompute
from indicators.scoring.load import tenant_facts
from tests.factories import AccountFactory, ContactFactory, TenantFactory
from tests.indicators.test_recompute import seed_usage, usage


def connections_open() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def connections_settle(expected: int, *, seconds: float = 5.0) -> int:
    """The open connections once a closed one's server process has gone: it leaves pg_stat_activity a moment
    after the client closed it, so a count taken at once can still see it."""
    deadline = time.monotonic() + seconds
    while (found := connections_open()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def stored(tenant) -> dict:
    rows = HealthScore.objects.for_tenant(tenant).values_list("account_id", "score", "band", "values", "result")
    return {account_id: rest for account_id, *rest in rows}


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_chunks_loaded_ahead_and_stored_behind_score_as_chunks_handled_in_line(monkeypatch):
    tenant, now = TenantFactory(), datetime.now(UTC)
    accounts = AccountFactory.create_batch(5, tenant=tenant, licenses=10, lifecycle_stage="mature")
    for n, account in enumerate(accounts):
        seed_usage(tenant, account, ContactFactory.create_batch(n + 1, account=account), 35, lambda d: d % 4, now)
    loads_on, stores_on = [], []
    load, store = recompute._chunk_load, recompute._chunk_store
    monkeypatch.setattr(recompute, "CHUNK", 2)  # three chunks
    monkeypatch.setattr(
        recompute, "_chunk_load", lambda *a, **k: loads_on.append(threading.get_ident()) or load(*a, **k)
    )
    monkeypatch.setattr(
        recompute, "_chunk_store", lambda *a, **k: stores_on.append(threading.get_ident()) or store(*a, **k)
    )
    before = connections_open()

    ids = [a.pk for a in accounts]
    assert recompute.accounts_recompute(tenant=tenant, account_ids=ids, as_of=now) == 5
    ahead = stored(tenant)
    assert len(loads_on) == 3 and threading.get_ident() not in loads_on  # every load on the loader thread
    assert len(stores_on) == 3 and len({*stores_on, *loads_on, threading.get_ident()}) == 3  # and stores on theirs
    assert connections_settle(before) == before  # the threads' connections are closed again

    HealthScore.objects.for_tenant(tenant).delete()
    loads_on.clear(), stores_on.clear()
    with transaction.atomic():  # other connections could not see this transaction: everything runs in line
        assert recompute.accounts_recompute(tenant=tenant, account_ids=ids, as_of=now) == 5
    assert set(loads_on) == set(stores_on) == {threading.get_ident()}
    assert stored(tenant) == ahead and len(ahead) == 5


@pytest.mark.django_db
def test_an_account_marked_between_its_load_and_its_claim_is_loaded_again(world_a):
    tenant, now = world_a.tenant, datetime.now(UTC)
    busy, quiet = AccountFactory.create_batch(2, tenant=tenant, licenses=10)
    contacts = ContactFactory.create_batch(3, account=busy)
    seed_usage(tenant, busy, contacts[:1], 5, lambda d: 1, now)
    loaded = recompute._chunk_load(tenant, [busy.pk, quiet.pk], facts=tenant_facts(tenant), as_of=now)
    # Events stored after the load: their mark moves the account's version.
    with transaction.atomic():
        late = [e for c in contacts[1:] for e in usage(busy, c, now - timedelta(hours=2), 1, f"late-{c.pk}")]
        events_store(tenant=tenant, events=late)
    assert recompute._chunk_store(tenant, recompute._chunk_evaluate(loaded), tenant_facts(tenant)) == 2
    scores = stored(tenant)
    assert scores[busy.pk][2]["mau"] == 3  # the stored events are in the score, not the load's view of 1 user
    assert scores[quiet.pk][2]["mau"] == 0
    assert Account.objects.for_tenant(tenant).get(pk=busy.pk).needs_recompute_since is None
