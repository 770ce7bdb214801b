"""Every event is documented in the schema's webhooks, real payloads match the documented shape, a real receiver
gets them signed, and a tenant with no endpoint writes nothing at all."""

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from standardwebhooks import Webhook

from alerts.services import alert_close, alert_raise
from followups.models import AskKind, AskResult, FollowUp
from followups.services.closing import Ask, Outcome, followup_close
from followups.services.overdue import overdue_alerts_raise
from indicators.models import HealthScore
from indicators.scoring.recompute import accounts_recompute
from notifications.event_types import EVENT_TYPES
from notifications.models import Delivery, DeliveryStatus, OutboxEvent
from notifications.services.publish import event_publish
from notifications.services.secrets import rotate_secret
from outcomes.models import Renewal
from outcomes.services.renewals import renewal_save
from tests.factories import AccountFactory, ContactFactory
from tests.followups.conftest import followup_of, respond
from tests.indicators.test_recompute import seed_usage
from tests.notifications.events import subscribe

pytestmark = pytest.mark.django_db

PUBLISHED = sorted(set(EVENT_TYPES) - {"webhook.test"})


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


def strict(schema: dict) -> dict:
    """``schema`` refusing properties it does not name: a payload key nobody documented fails too."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def every_change(world) -> None:
    """One of each change that publishes an event, by its real path."""
    tenant = world.tenant
    account = AccountFactory(tenant=tenant, csm_owner=world.csm, licenses=10, lifecycle_stage="mature", arr=12000)
    contact = ContactFactory(account=account, tenant=tenant)
    detractor = followup_of(respond(contact, 2, "Slow."))  # response.recorded, followup.opened
    FollowUp.objects.for_tenant(tenant).filter(pk=detractor.pk).update(due_at=timezone.now() - timedelta(hours=1))
    overdue_alerts_raise(tenant=tenant)  # followup.overdue, alert.opened
    promoter = followup_of(respond(ContactFactory(account=account, tenant=tenant), 10))
    outcome = Outcome(asks=[Ask(AskKind.REFERENCE, AskResult.ACCEPTED)], reason_promoter="Fast.")
    followup_close(tenant=tenant, followup=promoter, outcome=outcome)  # followup.closed, contact.became_advocate
    alert_raise(tenant=tenant, account=account, key="manual", title="Call", message="Call them.", priority="low",
                due_at=timezone.now())  # fmt: skip
    alert_close(tenant=tenant, account=account, key="manual", note="Called.")  # alert.closed
    term = {"term_start": date(2025, 3, 1), "term_end": date(2026, 3, 1), "arr_due": Decimal("12000")}
    saved = renewal_save(tenant=tenant, renewal=Renewal(account=account, **term))
    saved.renewal.outcome, saved.renewal.closed_arr = "renewed", Decimal("12000")
    renewal_save(tenant=tenant, renewal=saved.renewal)  # renewal.updated (closed, and the next term)
    seed_usage(tenant, account, ContactFactory.create_batch(8, account=account), 40, lambda d: 8, datetime.now(UTC))
    accounts_recompute(tenant=tenant, account_ids=[account.pk])
    health = HealthScore.objects.for_tenant(tenant).get(account=account)
    HealthScore.objects.for_tenant(tenant).filter(pk=health.pk).update(
        band="red" if health.band != "red" else "green", digest=0
    )
    accounts_recompute(tenant=tenant, account_ids=[account.pk])  # score.band_changed


def test_every_published_event_type_is_documented_with_the_standard_webhooks_headers(schema):
    assert schema["openapi"].startswith("3.1")
    assert sorted(schema["webhooks"]) == PUBLISHED
    for type in PUBLISHED:
        operation = schema["webhooks"][type]["post"]
        assert operation["summary"] == EVENT_TYPES[type]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header" and p["required"]}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["type"]["const"] == type and body["required"] == ["type", "version", "data"]


def test_real_payloads_of_every_event_type_validate_against_their_documented_schema(world_a, schema):
    subscribe(world_a.tenant, *PUBLISHED)
    every_change(world_a)
    published = {}
    for event in OutboxEvent.objects.for_tenant(world_a.tenant):
        published.setdefault(event.type, []).append(event.payload)
    assert sorted(published) == PUBLISHED
    for type, payloads in published.items():
        body = schema["webhooks"][type]["post"]["requestBody"]["content"]["application/json"]["schema"]
        validator = Draft202012Validator(strict(body), format_checker=Draft202012Validator.FORMAT_CHECKER)
        for payload in payloads:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
            assert errors == [], (type, payload)


def test_the_schema_refuses_a_payload_that_lacks_a_documented_field(schema):
    body = schema["webhooks"]["alert.closed"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    payload = {"type": "alert.closed", "version": 1, "data": {"account": {"id": 1, "external_id": "a", "name": "A"}}}
    assert not Draft202012Validator(body).is_valid(payload)


def test_a_tenant_without_endpoints_writes_no_outbox_rows_whatever_changes(world_a, world_b):
    subscribe(world_b.tenant, *PUBLISHED)  # another tenant's subscriptions change nothing for this one
    subscribe(world_a.tenant, "webhook.test")  # nor does an endpoint subscribed to none of these
    every_change(world_a)
    assert event_publish(tenant=world_a.tenant, type="alert.opened", payload={"alert": {}}) is None
    assert not OutboxEvent.unscoped.exists() and not Delivery.unscoped.exists()


def test_an_alert_reaches_a_real_receiver_signed_with_its_payload(
    world_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = subscribe(world_a.tenant, "alert.opened", url=receiver.url)
    secret = rotate_secret(endpoint).secret
    account = AccountFactory(tenant=world_a.tenant, external_id="crm-1", name="Kiwi Ltd")
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_raise(
            tenant=world_a.tenant, account=account, key="usage-low", title="Usage low", message="Under 30%.",
            priority="high", due_at=datetime(2026, 12, 10, 17, tzinfo=UTC),
        )  # fmt: skip
    [got] = receiver.received
    body = Webhook(secret).verify(got.body, got.headers)
    assert (body["type"], body["version"], body["data"]["account"]) == (
        "alert.opened", 1, {"id": account.pk, "external_id": "crm-1", "name": "Kiwi Ltd"},
    )  # fmt: skip
    assert (body["data"]["alert"]["id"], body["data"]["alert"]["due_at"]) == (alert.pk, "2026-12-10T17:00:00Z")
    delivery = Delivery.objects.for_tenant(world_a.tenant).get()
    assert (delivery.status, got.headers["webhook-id"]) == (DeliveryStatus.SUCCEEDED, delivery.event_id)
