"""Shared fixtures: two tenants, their people and keys, and clients acting as each."""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from rest_framework.test import APIClient

from accounts.middleware import SESSION_KEY
from accounts.roles import ALL_SCOPES, Role
from accounts.services.api_keys import api_key_create
from tests.factories import AccountFactory, ContactFactory, MembershipFactory, TenantFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip on a laptop without the service; fail in CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true but is not available.")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the suite runs with row-level security on (``accounts/rls.py``): once the test
    database is migrated, connections act as the application role, and every request and task door
    scopes its transactions. Test code itself, outside any door, acts as the operator."""
    from django.conf import settings
    from django.db import connection, connections

    if connection.vendor == "postgresql":
        settings.DATABASE_RLS = True
        with django_db_blocker.unblock():
            connections.close_all()
    yield
    settings.DATABASE_RLS = False  # the test databases are dropped by their owner, outside any transaction
    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture(autouse=True)
def _test_code_acts_as_the_operator():
    """Each test starts outside any door, whatever scope the one before left behind."""
    from accounts.rls import OPERATOR, scope_enter, scope_leave

    token = scope_enter(OPERATOR)
    yield
    scope_leave(token)


@pytest.fixture
def as_the_tables_owner():
    """Migrations run as the tables' owner with ``DATABASE_RLS`` off (README), and so does a test of
    one. Restored before the test's database clean-up, which reconnects with it on."""
    from django.conf import settings
    from django.db import connections

    previous, settings.DATABASE_RLS = settings.DATABASE_RLS, False
    connections.close_all()
    yield
    settings.DATABASE_RLS = previous
    connections.close_all()


@contextmanager
def server_watch():
    """A cursor for watching the server's other sessions (``pg_stat_activity``, ``pg_blocking_pids``).

    The suite's connections act as the application role, which sees what other sessions wait on or
    run only for its own; the watcher connects as the login itself, outside any scope."""
    from django.db import connection

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as conn, conn.cursor() as cursor:
        yield cursor


def pytest_runtest_setup(item) -> None:
    """``@pytest.mark.postgres``: the test reads PostgreSQL itself (its SQL, its locks, its storage)."""
    if item.get_closest_marker("postgres") is not None:
        from django.db import connection

        require_service(connection.vendor == "postgresql", "PostgreSQL")


@dataclass
class TenantWorld:
    tenant: object
    admin: object
    csm: object
    viewer: object
    api_key: object
    api_key_plaintext: str


def make_world(name: str) -> TenantWorld:
    tenant = TenantFactory(name=name, slug=name.lower())
    people = {
        role: MembershipFactory(tenant=tenant, role=role, user=UserFactory(email=f"{role}@{name.lower()}.test"))
        for role in (Role.ADMIN, Role.CSM, Role.VIEWER)
    }
    key, plaintext = api_key_create(tenant=tenant, name=f"{name} key", scopes=ALL_SCOPES)
    return TenantWorld(tenant, people[Role.ADMIN], people[Role.CSM], people[Role.VIEWER], key, plaintext)


@pytest.fixture
def world_a(db):
    return make_world("Alpha")


@pytest.fixture
def world_b(db):
    return make_world("Beta")


def session_client(client, membership):
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.tenant_id
    session.save()
    return client


@pytest.fixture
def admin_client_a(client, world_a):
    return session_client(client, world_a.admin)


@pytest.fixture
def key_client_a(world_a):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {world_a.api_key_plaintext}")
    return api


def api_as(membership) -> APIClient:
    api = APIClient()
    api.force_login(membership.user)
    session = api.session
    session[SESSION_KEY] = membership.tenant_id
    session.save()
    return api


@pytest.fixture
def account_a(world_a):
    return AccountFactory(tenant=world_a.tenant)


@pytest.fixture
def account_b(world_b):
    return AccountFactory(tenant=world_b.tenant)


@pytest.fixture
def contact_a(account_a):
    return ContactFactory(account=account_a)


from tests.browser import chromium  # noqa: E402, F401 (the headless Chromium fixture, for every test)
