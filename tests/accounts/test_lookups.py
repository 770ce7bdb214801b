"""``__one_of``: membership in a list of ids, one array parameter on PostgreSQL, IN elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_one_of_finds_the_same_rows_as_in(world_a):
    accounts = AccountFactory.create_batch(4, tenant=world_a.tenant)
    for account in accounts:
        ContactFactory(account=account)
    wanted = [accounts[0].pk, accounts[2].pk, accounts[2].pk, 10**12]  # repeats and unknown ids are harmless
    mine = Account.objects.for_tenant(world_a.tenant)
    assert set(mine.filter(pk__one_of=wanted)) == set(mine.filter(pk__in=wanted)) == {accounts[0], accounts[2]}
    contacts = Contact.objects.for_tenant(world_a.tenant)
    assert set(contacts.filter(account_id__one_of=wanted)) == set(contacts.filter(account_id__in=wanted))
    assert list(mine.filter(pk__one_of=[])) == []


def test_one_of_keeps_the_tenant_scope(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    assert not Account.objects.for_tenant(world_a.tenant).filter(pk__one_of=[theirs.pk]).exists()


@pytest.mark.postgres
def test_one_of_binds_the_ids_as_one_parameter_on_postgresql(world_a):
    ids = list(range(1, 501))
    with CaptureQueriesContext(connection) as captured:
        list(Account.objects.for_tenant(world_a.tenant).filter(pk__one_of=ids))
    (query,) = captured.captured_queries
    assert "= ANY(" in query["sql"] and query["sql"].count("500") <= 2
