"""A batch naming people and companies not seen before creates them together, as its messages would one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact
from indicators.ingest import identities
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.test_segment_api import ingest_key, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def people(tenant) -> dict[str, tuple]:
    rows = Contact.objects.for_tenant(tenant).select_related("account")
    return {c.external_id: (c.account.external_id if c.account else None, c.title) for c in rows}


BATCH = {"batch": [
    {"type": "identify", "userId": "u1", "traits": {"title": "CTO"}},
    {"type": "track", "userId": "u1", "event": "Use", "context": {"groupId": "g1"}},
    {"type": "group", "userId": "u2", "groupId": "g2", "traits": {"name": "Globex", "seats": 40}},
    {"type": "track", "userId": "u3", "event": "Use"},
    {"type": "track", "userId": "u4", "event": "Use", "context": {"groupId": "g1"}},
    {"type": "track", "userId": "u2", "event": "Use", "context": {"groupId": "g1"}},  # stays with g2
]}  # fmt: skip
EXPECTED = {"u1": ("g1", "CTO"), "u2": ("g2", ""), "u3": (None, ""), "u4": ("g1", "")}


def test_new_people_and_companies_are_created_as_their_first_message_says(world_a, ingest_key):  # noqa: F811
    assert post("/v1/batch", BATCH, ingest_key).json()["accepted"] == len(BATCH["batch"])
    assert people(world_a.tenant) == EXPECTED
    globex = Account.objects.for_tenant(world_a.tenant).get(external_id="g2")
    assert (globex.name, globex.licenses) == ("Globex", 40)
    # The audit trail records each creation, as a one-by-one create would.
    assert Contact.history.filter(tenant=world_a.tenant, history_type="+").count() == 4
    assert Account.history.filter(tenant=world_a.tenant, history_type="+").count() == 2


def test_a_batch_of_new_users_costs_a_few_statements_not_a_few_per_user(world_a, ingest_key):  # noqa: F811
    batch = {"batch": [{"type": "track", "userId": f"new-{i}", "event": "Use", "context": {"groupId": f"co-{i % 5}"}}
                       for i in range(60)]}  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert post("/v1/batch", batch, ingest_key).json()["accepted"] == 60
    assert Contact.objects.for_tenant(world_a.tenant).count() == 60
    statements = [q["sql"] for q in queries]
    # One statement of contacts (SQLite splits at its parameter limit) and of accounts, not one each.
    assert sum(s.startswith('INSERT INTO "accounts_contact"') for s in statements) <= 2
    assert sum(s.startswith('INSERT INTO "accounts_account"') for s in statements) == 1
    assert sum(s.startswith("SAVEPOINT") for s in statements) < 8


def test_if_one_was_created_meanwhile_the_messages_create_the_rest_one_by_one(world_a, ingest_key, monkeypatch):  # noqa: F811
    # As if a concurrent request created u4 and g1 after this batch looked them up.
    g1 = AccountFactory(tenant=world_a.tenant, external_id="g1")
    ContactFactory(account=g1, external_id="u4", title="")
    real = identities.identities_ids
    monkeypatch.setattr(identities, "identities_ids", lambda **kw: real(
        tenant=kw["tenant"], account_external_ids=kw["account_external_ids"] - {"g1"},
        contact_external_ids=kw["contact_external_ids"] - {"u4"}))  # fmt: skip
    assert post("/v1/batch", BATCH, ingest_key).json()["accepted"] == len(BATCH["batch"])
    assert people(world_a.tenant) == EXPECTED
