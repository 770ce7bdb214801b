"""Fixtures for the isolation suite, and the summary line printed at the end of the run."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.roles import Role
from tests.conftest import api_as, session_client
from tests.isolation import stats
from tests.isolation.probe import Principal
from tests.isolation.world import World, build_tenant_a, build_tenant_b


@dataclass
class Iso:
    a: World
    b: World
    _api: list | None = None

    def api_principals(self) -> list[Principal]:
        """Everyone who can call A's API: each role by session, a key with every scope, a read-only key."""
        if self._api is None:
            self._api = self._make_api_principals()
        return self._api

    def _make_api_principals(self) -> list[Principal]:
        people = [Principal(role, api_as(self.a.memberships[role]), role=role) for role in (Role.ADMIN, Role.CSM)]
        people.append(Principal(Role.VIEWER, api_as(self.a.memberships[Role.VIEWER]), role=Role.VIEWER))
        for name, (_, plaintext) in self.a.keys.items():
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
            people.append(Principal(f"key:{name}", client, is_key=True))
        return people

    def admin_principals(self) -> list[Principal]:
        return [
            Principal(role, session_client(Client(), self.a.memberships[role]), role=role)
            for role in (Role.ADMIN, Role.CSM, Role.VIEWER)
        ]


@pytest.fixture
def database_backstop_off(monkeypatch):
    """The selftests break the application's own scoping on purpose, to show the walks notice. With
    row-level security on, the database would hide the very leak they must find, so every
    transaction acts as the operator for them."""
    from accounts import rls

    scoped = rls._apply
    monkeypatch.setattr(rls, "_apply", lambda connection, scope: scoped(connection, rls.OPERATOR))


@pytest.fixture
def quiet_request_log():
    """The walks answer thousands of 403/404s on purpose: don't format a logged traceback for each."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def iso(world_a, settings, quiet_request_log) -> Iso:
    """Tenant A (ordinary data) and tenant B (one row of every model, canaries in every text field)."""
    settings.API_DEFAULT_RATE_PER_MINUTE = 10**9  # the walks send thousands of requests per principal
    cache.clear()
    iso = Iso(a=build_tenant_a(world_a), b=build_tenant_b())
    # Authentication stamps last_used_at (a write) at most once a minute; probes are rolled back,
    # so without this every key probe would write. A date ahead keeps reads read-only.
    ApiKey.unscoped.filter(tenant=iso.a.tenant).update(last_used_at=timezone.now() + timedelta(days=1))
    return iso


# --- the summary line ------------------------------------------------------------------------------


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: hand the counts to the controller
        workeroutput["isolation_stats"] = stats.to_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    data = getattr(node, "workeroutput", {}).get("isolation_stats")
    if data:
        stats.merge(data)


def pytest_terminal_summary(terminalreporter):
    if not sum(stats.STATS["requests"].values()):
        return
    terminalreporter.section("cross-tenant isolation matrix")
    for line in stats.summary_lines():
        terminalreporter.write_line(line)
