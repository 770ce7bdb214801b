"""Scoring loads its inputs in bulk: the number of queries per chunk does not grow with the chunk's accounts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from indicators.ingest.store import NewEvent, events_store
from indicators.scoring.load import inputs_load, tenant_facts
from indicators.scoring.recompute import CHUNK, accounts_recompute
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

# A few dozen at most per chunk (facts, scorecards, rollups, events, surveys, the writes, alert rules): never one per
# account.
MOST_QUERIES_PER_CHUNK = 30


@pytest.fixture
def fifty_accounts(world_a):
    """50 accounts, each with contacts, a month of usage rollups and a recent communication."""
    now = datetime.now(UTC)
    accounts = AccountFactory.create_batch(50, tenant=world_a.tenant)
    events = []
    for account in accounts:
        contacts = ContactFactory.create_batch(2, account=account)
        for day in range(0, 30, 3):
            for contact in contacts:
                events.append(
                    NewEvent(message_id=f"u-{account.pk}-{contact.pk}-{day}", type="usage", name="Report Viewed",
                             occurred_at=now - timedelta(days=day, hours=1), source="api", account_id=account.pk,
                             contact_id=contact.pk)
                )  # fmt: skip
        events.append(
            NewEvent(message_id=f"c-{account.pk}", type="communication", name="call", source="api",
                     occurred_at=now - timedelta(days=4), account_id=account.pk, contact_id=contacts[0].pk)
        )  # fmt: skip
    with transaction.atomic():
        events_store(tenant=world_a.tenant, events=events)
    return [a.pk for a in accounts]


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_inputs_load_runs_the_same_queries_for_one_account_as_for_fifty(world_a, fifty_accounts,
                                                                         django_assert_num_queries):  # fmt: skip
    facts = tenant_facts(world_a.tenant)
    now = datetime.now(UTC)
    one = count_queries(lambda: inputs_load(tenant=world_a.tenant, account_ids=fifty_accounts[:1], as_of=now,
                                            facts=facts))  # fmt: skip
    assert one <= MOST_QUERIES_PER_CHUNK
    with django_assert_num_queries(one):
        inputs = inputs_load(tenant=world_a.tenant, account_ids=fifty_accounts, as_of=now, facts=facts)
    assert len(inputs) == 50
    assert all(len(i.contacts) == 2 and len(i.events) == 1 for i in inputs.values())
    assert all(sum(1 for users in i.activity.active_users if users) >= 10 for i in inputs.values())


def test_recomputing_fifty_accounts_runs_the_same_queries_as_recomputing_one(world_a, fifty_accounts,
                                                                             django_assert_num_queries):  # fmt: skip
    assert len(fifty_accounts) <= CHUNK  # one chunk: the claim, the loads and the writes each happen once
    # First scores for every account, then a second pass: both paths (insert, then update) are measured.
    for _ in range(2):
        one = count_queries(lambda: accounts_recompute(tenant=world_a.tenant, account_ids=fifty_accounts[:1]))
        assert one <= MOST_QUERIES_PER_CHUNK
        with django_assert_num_queries(one):
            scored = accounts_recompute(tenant=world_a.tenant, account_ids=fifty_accounts[1:])
        assert scored == 49


def test_loading_reads_only_the_tenants_own_rows(world_a, world_b, fifty_accounts):
    theirs = AccountFactory(tenant=world_b.tenant)
    inputs = inputs_load(tenant=world_a.tenant, account_ids=[*fifty_accounts[:2], theirs.pk], as_of=datetime.now(UTC))
    assert set(inputs) == set(fifty_accounts[:2])
