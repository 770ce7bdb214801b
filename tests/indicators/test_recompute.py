"""Recomputing scores from stored events: scores, history, trend, marks, and tenant scoping."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from indicators.ingest.store import NewEvent, events_store
from indicators.models import HealthScore, HealthScoreHistory
from indicators.scoring.recompute import accounts_recompute
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def usage(account, contact, when, n, prefix):
    return [
        NewEvent(message_id=f"{prefix}-{when:%Y%m%d}-{i}", type="usage", name="Report Exported", occurred_at=when,
                 source="api", account_id=account.pk, contact_id=contact.pk)
        for i in range(n)
    ]  # fmt: skip


def seed_usage(tenant, account, contacts, days, per_day, now):
    events = []
    for d in range(days):
        when = now - timedelta(days=d, hours=1)
        for c in contacts[: per_day(d)]:
            events += usage(account, c, when, 2, f"{account.pk}-{c.pk}")
    with transaction.atomic():
        events_store(tenant=tenant, events=events)


def test_recompute_scores_marked_accounts_and_clears_their_marks(world_a):
    now = datetime.now(UTC)
    account = AccountFactory(tenant=world_a.tenant, licenses=10, lifecycle_stage="mature")
    contacts = ContactFactory.create_batch(8, account=account)
    seed_usage(world_a.tenant, account, contacts, 40, lambda d: 8, now)
    assert Account.objects.for_tenant(world_a.tenant).get(pk=account.pk).needs_recompute_since is not None
    assert accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk]) == 1
    health = HealthScore.objects.for_tenant(world_a.tenant).get(account=account)
    assert 0 <= health.score <= 100 and health.band in {"green", "yellow", "red"}
    assert 0 < health.coverage <= 1 and health.values["mau"] == 8
    assert HealthScoreHistory.objects.for_tenant(world_a.tenant).filter(account=account).count() == 1
    assert Account.objects.for_tenant(world_a.tenant).get(pk=account.pk).needs_recompute_since is None


def test_recompute_is_idempotent(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    seed_usage(world_a.tenant, account, ContactFactory.create_batch(3, account=account), 10, lambda d: 3,
               datetime.now(UTC))  # fmt: skip
    first = accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    score = HealthScore.objects.for_tenant(world_a.tenant).get(account=account).score
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    assert first == 1 and HealthScore.objects.for_tenant(world_a.tenant).get(account=account).score == score
    assert HealthScoreHistory.objects.for_tenant(world_a.tenant).filter(account=account).count() == 1


def test_declining_usage_lowers_the_score_and_shows_in_the_trend(world_a):
    now = datetime.now(UTC)
    account = AccountFactory(tenant=world_a.tenant, licenses=10, lifecycle_stage="mature")
    contacts = ContactFactory.create_batch(10, account=account)
    seed_usage(world_a.tenant, account, contacts, 90, lambda d: 10 if d >= 31 else 2, now)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now - timedelta(days=31))
    before = HealthScore.objects.for_tenant(world_a.tenant).get(account=account).score
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now)
    health = HealthScore.objects.for_tenant(world_a.tenant).get(account=account)
    assert health.score < before
    assert health.values["mau"] == 2
    assert health.change_30d == round(health.score - before, 2)


def test_a_tenant_recompute_never_touches_another_tenants_accounts(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    assert accounts_recompute(tenant=world_a.tenant, account_ids=[theirs.pk]) == 0
    assert not HealthScore.unscoped.exists()


def test_a_recompute_that_reproduces_the_score_only_moves_computed_at(world_a):
    now = datetime.now(UTC).replace(hour=12)  # the recompute 5 minutes later is on the same day
    account = AccountFactory(tenant=world_a.tenant, licenses=10, lifecycle_stage="mature")
    contacts = ContactFactory.create_batch(4, account=account)
    seed_usage(world_a.tenant, account, contacts, 20, lambda d: 4, now)
    scores = HealthScore.objects.for_tenant(world_a.tenant)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=now)
    first = scores.get(account=account)
    assert first.digest is not None
    later = now + timedelta(minutes=5)
    with CaptureQueriesContext(connection) as captured:
        accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=later)
    statements = [q["sql"].replace('"', "") for q in captured.captured_queries]
    assert not any(sql.startswith(("INSERT INTO indicators_healthscore ", "INSERT INTO indicators_healthscorehistory "))
                   for sql in statements)  # fmt: skip
    assert any(sql.startswith("UPDATE indicators_healthscore SET computed_at") for sql in statements)
    again = scores.get(account=account)
    assert again.computed_at == later and again.digest == first.digest
    assert (again.score, again.result, again.values) == (first.score, first.result, first.values)
    # New usage changes what the row says: the whole row is written, with a new digest.
    seed_usage(world_a.tenant, account, ContactFactory.create_batch(3, account=account), 1, lambda d: 3, now)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk], as_of=later)
    changed = scores.get(account=account)
    assert changed.digest != first.digest and changed.values["mau"] == 7 and changed.values != first.values


@pytest.mark.postgres
def test_scores_json_is_compressed_with_lz4_on_postgresql():
    """Migration 0010: pglz cost a quarter of a chunk's score insert; lz4 where the server has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL server was built without lz4")
        cursor.execute(
            "SELECT attrelid::regclass::text, attname, attcompression FROM pg_attribute"
            " WHERE attrelid IN ('indicators_healthscore'::regclass, 'indicators_healthscorehistory'::regclass)"
            " AND attname IN ('result', 'values')"
        )
        methods = {(table, column): method for table, column, method in cursor.fetchall()}
    assert methods == {
        ("indicators_healthscore", "result"): "l",
        ("indicators_healthscore", "values"): "l",
        ("indicators_healthscorehistory", "result"): "l",
        ("indicators_healthscorehistory", "values"): "l",  # every indicator as it stood (migration 0017)
    }
