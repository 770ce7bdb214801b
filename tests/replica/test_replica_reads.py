"""Dashboards, reports and exports read the replica; writes, and a client that has just written, use the primary.

The test replica is a second real database holding different rows from the primary, so where a page's
figures came from shows in the figures themselves.
"""

import copy
import csv
import io

import pytest
import time_machine
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, ExportRecord, Membership, Tenant, User
from csplatform.db_router import ReplicaRouter
from csplatform.replica_pin import COOKIE
from tests.conftest import api_as

pytestmark = pytest.mark.django_db(databases=["default", "replica"])

DASHBOARD = "/admin/health-dashboard/"
PAGES = [DASHBOARD, "/admin/surveys/nps/", "/admin/outcomes/dashboard/", "/admin/outcomes/renewals-ahead/"]


def on_replica(*rows) -> None:
    """Copy rows to the replica as they are (no signals, no history): what streaming replication would do."""
    for row in rows:
        type(row)._base_manager.using("replica").bulk_create([copy.copy(row)])


def accounts(tenant, *names, using="default") -> None:
    Account._base_manager.using(using).bulk_create(
        [Account(tenant=tenant, name=name, external_id=name.lower().replace(" ", "-")) for name in names]
    )


@pytest.fixture
def world(world_a):
    """Alpha's tenant and people on both databases; two accounts on the primary, five on the replica."""
    on_replica(world_a.tenant)
    for membership in (world_a.admin, world_a.csm, world_a.viewer):
        on_replica(membership.user, membership)
    accounts(world_a.tenant, "Primary One", "Primary Two")
    accounts(world_a.tenant, *(f"Replica {n}" for n in range(1, 6)), using="replica")
    return world_a


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASE = "replica"


def dashboard_accounts(client) -> int:
    answer = client.get(DASHBOARD)
    assert answer.status_code == 200
    return answer.context["overview"].accounts


def test_the_health_dashboard_reads_the_replica(replica, world):
    assert dashboard_accounts(api_as(world.viewer)) == 5


def test_without_a_replica_the_dashboard_reads_the_primary(world):
    assert dashboard_accounts(api_as(world.viewer)) == 2


@pytest.mark.parametrize("page", PAGES)
def test_each_report_page_reads_only_the_replica_for_its_figures(replica, world, page):
    client = api_as(world.admin)
    with CaptureQueriesContext(connections["replica"]) as on_replica_queries:
        answer = client.get(page)

    assert answer.status_code == 200
    assert any("accounts_account" in query["sql"] for query in on_replica_queries.captured_queries)


def test_a_page_that_did_not_opt_in_reads_the_primary(replica, world):
    answer = api_as(world.admin).get("/admin/accounts/account/")

    assert answer.status_code == 200
    assert b"Primary One" in answer.content and b"Replica 1" not in answer.content


def test_a_write_pins_the_session_to_the_primary_until_the_replica_has_caught_up(replica, world, settings):
    settings.REPLICA_PIN_SECONDS = 5
    client = api_as(world.admin)
    with time_machine.travel("2026-03-02 10:00:00 +00:00", tick=False):
        created = client.post("/api/v1/accounts/", {"external_id": "fresh", "name": "Fresh"}, format="json")
        assert created.status_code == 201
        assert created.cookies[COOKIE]["max-age"] == 5

        assert dashboard_accounts(client) == 3  # the primary's two and the one just written

    with time_machine.travel("2026-03-02 10:00:06 +00:00", tick=False):
        assert dashboard_accounts(client) == 5  # the pin has run out: the replica again

    assert Account._base_manager.using("default").filter(name="Fresh").exists()
    assert not Account._base_manager.using("replica").filter(name="Fresh").exists()


def test_another_client_is_not_pinned_by_someone_elses_write(replica, world):
    writer, reader = api_as(world.admin), api_as(world.viewer)

    assert writer.post("/api/v1/accounts/", {"external_id": "f", "name": "F"}, format="json").status_code == 201

    assert dashboard_accounts(reader) == 5


def test_the_csv_export_streams_replica_rows_and_records_the_export_on_the_primary(replica, world):
    answer = api_as(world.admin).get("/admin/accounts/account/export/")

    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert sorted(row["Name"] for row in rows) == [f"Replica {n}" for n in range(1, 6)]
    record = ExportRecord._base_manager.using("default").get(tenant=world.tenant)
    assert record.row_count == 5
    assert not ExportRecord._base_manager.using("replica").exists()


def test_writes_never_reach_the_replica(replica, world):
    before = {model: model._base_manager.using("replica").count() for model in (Account, Tenant, User, Membership)}

    api_as(world.admin).post("/api/v1/accounts/", {"external_id": "w", "name": "W"}, format="json")
    api_as(world.viewer).get(DASHBOARD)

    assert before == {model: model._base_manager.using("replica").count() for model in before}


def test_migrations_never_run_on_the_replica_outside_tests(settings):
    router = ReplicaRouter()
    settings.REPLICA_MIGRATE = False

    assert router.allow_migrate("replica", "accounts", "account") is False
    assert router.allow_migrate("default", "accounts", "account") is True
    assert router.db_for_write(Account) == "default"
