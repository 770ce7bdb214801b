"""alert.opened and alert.closed: every way an alert opens or closes writes one event in its transaction."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from alerts.models import Alert, AlertStatus
from alerts.services import Firing, alert_close, alert_raise, alert_resolve, alerts_fire, alerts_resolve
from notifications.models import OutboxEvent
from tests.conftest import api_as
from tests.factories import AccountFactory
from tests.notifications.events import account_ref, outbox, subscribe

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)


def raise_on(tenant, account, key="usage-low", **overrides):
    values = {"title": "Usage low", "message": "Under 30% of licenses used.", "priority": "high", "due_at": DUE}
    return alert_raise(tenant=tenant, account=account, key=key, **{**values, **overrides})


def firing(account, key="usage-low", message="Under 30% of licenses used."):
    return Firing(account_id=account.pk, key=key, title="Usage low", message=message, priority="medium", due_at=DUE)


@pytest.fixture
def account_a(world_a):
    return AccountFactory(tenant=world_a.tenant, external_id="crm-001", name="Kiwi Ltd", csm_owner=world_a.csm)


def test_raising_an_alert_publishes_alert_opened_with_the_alert_and_account(world_a, account_a):
    subscribe(world_a.tenant, "alert.opened")
    alert = raise_on(world_a.tenant, account_a)
    assert outbox(world_a.tenant) == [
        {
            "alert": {
                "id": alert.pk, "key": "usage-low", "title": "Usage low", "priority": "high", "status": "open",
                "message": "Under 30% of licenses used.", "due_at": "2026-12-10T17:00:00Z",
                "opened_at": alert.first_fired_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "closed_at": None, "closed_by_system": False, "assignee_email": "csm@alpha.test",
            },
            "account": {"id": account_a.pk, "external_id": "crm-001", "name": "Kiwi Ltd"},
        }
    ]  # fmt: skip


def test_a_refiring_of_the_open_alert_publishes_nothing_more(world_a, account_a):
    subscribe(world_a.tenant, "alert.opened")
    raise_on(world_a.tenant, account_a)
    raise_on(world_a.tenant, account_a, message="Under 20% of licenses used.")
    alerts_fire(tenant=world_a.tenant, firings=[firing(account_a, message="Under 10%.")], refire_daily=False)
    assert len(outbox(world_a.tenant, "alert.opened")) == 1


def test_bulk_firing_publishes_one_event_per_new_alert_with_one_endpoint_query(world_a, account_a):
    other = AccountFactory(tenant=world_a.tenant, csm_owner=None)
    subscribe(world_a.tenant, "alert.opened")
    raise_on(world_a.tenant, account_a)  # already open: re-fired, not opened
    accounts = [AccountFactory(tenant=world_a.tenant) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        opened, refired = alerts_fire(
            tenant=world_a.tenant,
            firings=[firing(account_a), firing(other)] + [firing(a) for a in accounts],
            refire_daily=False,
        )
    assert (opened, refired) == (4, 1)
    data = outbox(world_a.tenant, "alert.opened")[1:]
    assert [d["account"] for d in data] == [account_ref(a) for a in (other, *accounts)]
    assert {d["alert"]["assignee_email"] for d in data} == {None}
    endpoint_reads = [q for q in queries if "notifications_webhookendpoint" in q["sql"]]
    assert len(endpoint_reads) == 1


def test_closing_through_the_api_publishes_alert_closed(world_a, account_a):
    subscribe(world_a.tenant, "alert.closed")
    alert = raise_on(world_a.tenant, account_a)
    response = api_as(world_a.csm).patch(
        f"/api/v1/alerts/{alert.pk}/", {"status": "closed", "closing_note": "Called them."}, format="json"
    )
    assert response.status_code == 200, response.json()
    alert.refresh_from_db()
    [data] = outbox(world_a.tenant)
    assert data["alert"]["status"] == "closed" and data["alert"]["closed_by_system"] is False
    assert data["alert"]["closed_at"] == alert.closed_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert data["account"] == account_ref(account_a)


def test_a_status_move_that_is_not_a_close_publishes_nothing(world_a, account_a):
    subscribe(world_a.tenant, "alert.closed", "alert.opened")
    alert = raise_on(world_a.tenant, account_a)
    api_as(world_a.csm).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "in_progress"}, format="json")
    assert [e.type for e in OutboxEvent.objects.for_tenant(world_a.tenant)] == ["alert.opened"]


def test_alert_close_and_resolve_publish_alert_closed(world_a, account_a):
    subscribe(world_a.tenant, "alert.closed")
    raise_on(world_a.tenant, account_a, key="one")
    raise_on(world_a.tenant, account_a, key="two")
    assert alert_close(tenant=world_a.tenant, account=account_a, key="one", note="Done.")
    assert alert_resolve(tenant=world_a.tenant, account=account_a, key="two", why="usage is back")
    assert [(d["alert"]["key"], d["alert"]["closed_by_system"]) for d in outbox(world_a.tenant)] == [
        ("one", False),
        ("two", True),
    ]


def test_resolving_many_at_once_publishes_one_event_each(world_a, account_a):
    subscribe(world_a.tenant, "alert.closed")
    alerts = [raise_on(world_a.tenant, account_a, key=f"k{i}") for i in range(3)]
    with transaction.atomic():
        locked = list(Alert.objects.for_tenant(world_a.tenant).select_for_update().order_by("pk"))
        assert alerts_resolve(tenant=world_a.tenant, resolutions=[(a, "gone") for a in locked]) == 3
    assert [d["alert"]["id"] for d in outbox(world_a.tenant)] == [a.pk for a in alerts]
    assert {d["alert"]["status"] for d in outbox(world_a.tenant)} == {AlertStatus.CLOSED}


def test_an_alert_that_rolls_back_publishes_nothing(world_a, account_a):
    subscribe(world_a.tenant, "alert.opened", "alert.closed")
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_on(world_a.tenant, account_a)
        alert_close(tenant=world_a.tenant, account=account_a, key="usage-low", note="Done.")
        raise RuntimeError("the change failed")
    assert not OutboxEvent.objects.for_tenant(world_a.tenant).exists()
    raise_on(world_a.tenant, account_a)  # the same change, committed
    assert len(outbox(world_a.tenant, "alert.opened")) == 1


def test_no_event_for_an_unsubscribed_or_disabled_endpoint_nor_another_tenant(world_a, world_b, account_a):
    subscribe(world_a.tenant, "alert.closed")
    subscribe(world_a.tenant, "alert.opened", enabled=False)
    subscribe(world_b.tenant, "alert.opened")
    raise_on(world_a.tenant, account_a)
    assert not OutboxEvent.unscoped.exists()
    subscribe(world_a.tenant, "alert.opened")
    raise_on(world_a.tenant, account_a, key="other")
    assert [d["alert"]["key"] for d in outbox(world_a.tenant)] == ["other"]
    assert not OutboxEvent.objects.for_tenant(world_b.tenant).exists()
