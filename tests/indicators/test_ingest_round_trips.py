"""The ingesting transaction's statements: few round trips, each doing all of its part."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact
from indicators.ingest.lookups import identities_ids
from indicators.ingest.store import NewEvent, events_store
from indicators.models import AccountDay, Feature
from tests.factories import AccountFactory, ContactFactory, TenantFactory

pytestmark = pytest.mark.django_db
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def usage(message_id: str, contact, at: datetime) -> NewEvent:
    return NewEvent(message_id=message_id, type="usage", name="Report", occurred_at=at, source="test",
                    account_id=contact.account_id, contact_id=contact.pk)  # fmt: skip


@pytest.fixture
def people():
    tenant = TenantFactory()
    accounts = [AccountFactory(tenant=tenant, external_id=f"g{i}") for i in range(2)]
    contacts = [ContactFactory(tenant=tenant, account=a, external_id=f"u{i}") for i, a in enumerate(accounts)]
    Feature.objects.for_tenant(tenant).create(tenant=tenant, key="Report", name="Report")
    return tenant, accounts, contacts


def test_accounts_and_contacts_are_found_together_by_external_id(people):
    tenant, accounts, contacts = people
    other = TenantFactory()
    AccountFactory(tenant=other, external_id="g0")
    found_accounts, found_contacts = identities_ids(
        tenant=tenant, account_external_ids={"g0", "g1", "nope"}, contact_external_ids={"u1", "nope"}
    )
    assert found_accounts == {"g0": accounts[0].pk, "g1": accounts[1].pk}
    assert found_contacts == [("u1", contacts[1].pk, accounts[1].pk)]
    assert identities_ids(tenant=tenant, account_external_ids=set(), contact_external_ids={"u0"}) == (
        {},
        [("u0", contacts[0].pk, accounts[0].pk)],
    )


def test_storing_moves_first_and_last_seen_and_marks_every_account_once(people):
    tenant, accounts, contacts = people
    Account.objects.for_tenant(tenant).filter(pk=accounts[1].pk).update(needs_recompute_since=AT - timedelta(days=1))
    events = [usage("m1", contacts[0], AT), usage("m2", contacts[0], AT + timedelta(hours=2)),
              usage("m3", contacts[1], AT)]  # fmt: skip
    with transaction.atomic():
        stored = events_store(tenant=tenant, events=events)
    assert stored.touched_account_ids == {accounts[0].pk, accounts[1].pk}
    seen = Contact.objects.for_tenant(tenant).get(pk=contacts[0].pk)
    assert (seen.first_seen_at, seen.last_seen_at) == (AT, AT + timedelta(hours=2))
    marks = dict(Account.objects.for_tenant(tenant).values_list("pk", "recompute_version"))
    assert marks == {accounts[0].pk: 1, accounts[1].pk: 1}
    since = dict(Account.objects.for_tenant(tenant).values_list("pk", "needs_recompute_since"))
    assert since[accounts[0].pk] is not None
    assert since[accounts[1].pk] == AT - timedelta(days=1)  # a mark keeps its first time


def test_usage_counts_for_the_feature_a_name_was_merged_into_and_new_names_register(people):
    tenant, accounts, contacts = people
    features = Feature.objects.for_tenant(tenant)
    target = features.create(tenant=tenant, key="Reporting", name="Reporting")
    features.filter(key="Report").update(merged_into=target)
    events = [usage("m1", contacts[0], AT), usage("m2", contacts[0], AT),
              NewEvent(message_id="m3", type="usage", name="Brand new", occurred_at=AT, source="test",
                       account_id=accounts[0].pk, contact_id=contacts[0].pk),
              NewEvent(message_id="m4", type="support", name="Report", occurred_at=AT, source="test",
                       account_id=accounts[0].pk)]  # fmt: skip
    with transaction.atomic():
        events_store(tenant=tenant, events=events)
    day = AccountDay.objects.for_tenant(tenant).get(account=accounts[0])
    assert day.by_feature == {"Reporting": 2, "Brand new": 1}
    assert day.by_type == {"usage": 3, "support": 1}
    assert features.filter(key="Brand new", merged_into=None).exists()


@pytest.mark.postgres
def test_a_batch_of_known_people_is_stored_in_three_statements(people):
    tenant, _, contacts = people
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        events_store(tenant=tenant, events=[usage(f"m{i}", contacts[i % 2], AT) for i in range(10)])
    # insert events (and map their feature names), add rollups, first/last seen + recompute marks
    assert len(queries) == 3, [q["sql"][:60] for q in queries]
