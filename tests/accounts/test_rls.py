"""Row-level security: with the application's own scoping switched off, the database alone still
returns nothing of another tenant (PostgreSQL, where the suite runs with ``DATABASE_RLS`` on)."""

import pytest
from django.db import connection, transaction

from accounts.models import Account, Membership
from accounts.rls import DENY, operator_scope, scope_enter, scope_leave, tenant_scope
from accounts.rls_schema import POLICY, tenant_tables
from tests.factories import AccountFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def raw_accounts() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_account")  # no tenant filter: the database's policy alone
        return {pk for (pk,) in cursor.fetchall()}


@pytest.fixture
def two_tenants():
    return AccountFactory(), AccountFactory()


def test_a_tenants_transaction_sees_and_writes_its_own_rows_only(two_tenants):
    mine, theirs = two_tenants
    with tenant_scope(mine.tenant):
        assert raw_accounts() == {mine.pk}
        assert set(Account.unscoped.values_list("pk", flat=True)) == {mine.pk}  # the ORM, unscoped
        assert Account.unscoped.filter(pk=theirs.pk).update(name="taken") == 0
        assert Account.unscoped.filter(pk=theirs.pk).delete()[0] == 0
        with pytest.raises(Exception, match="row-level security"), transaction.atomic():
            Account.unscoped.create(tenant=theirs.tenant, external_id="planted", name="Planted")
    with operator_scope():
        assert Account.unscoped.get(pk=theirs.pk).name != "taken"
        assert raw_accounts() == {mine.pk, theirs.pk}


def test_the_scope_holds_inside_a_transaction_and_changes_with_it(two_tenants):
    mine, theirs = two_tenants
    with transaction.atomic():
        with tenant_scope(mine.tenant):
            assert raw_accounts() == {mine.pk}
        with tenant_scope(theirs.tenant):
            assert raw_accounts() == {theirs.pk}
        token = scope_enter(DENY)
        try:
            assert raw_accounts() == set()
        finally:
            scope_leave(token)


def test_nobody_scoped_sees_nothing(two_tenants):
    token = scope_enter(DENY)
    try:
        assert raw_accounts() == set()
        assert not Membership.unscoped.exists()
    finally:
        scope_leave(token)


def test_the_scope_never_outlives_its_transaction(two_tenants):
    mine, _ = two_tenants
    with tenant_scope(mine.tenant), transaction.atomic():
        raw_accounts()
    with connection.cursor() as cursor:  # a statement after it, as the operator: nothing left behind
        cursor.execute("SELECT current_setting('app.tenant_id', true), current_user")
        leftover, user = cursor.fetchone()
    assert leftover in (None, "") and user == "csplatform_operator"


def test_every_tenant_owned_table_is_forced_under_the_policy():
    with connection.cursor() as cursor:
        tables = tenant_tables(cursor)
        cursor.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_policy AS p ON p.polrelid = c.oid AND p.polname = %s "
            "WHERE c.relrowsecurity AND c.relforcerowsecurity",
            [POLICY],
        )
        secured = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = session_user")
    assert "accounts_account" in tables and "indicators_event" in tables
    assert set(tables) <= secured


def test_the_application_role_owns_nothing_and_cannot_bypass():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = 'csplatform_app'::regrole "
            "AND relnamespace = current_schema()::regnamespace"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT rolbypassrls, rolsuper, rolinherit FROM pg_roles WHERE rolname = 'csplatform_app'")
        assert cursor.fetchone() == (False, False, False)
