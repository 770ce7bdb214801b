"""Publishing an event: the outbox row and its deliveries commit or roll back with the caller's change."""

from __future__ import annotations

from celery import current_app
from django.db import transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit
from notifications.event_types import EVENT_TYPES
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, WebhookEndpoint


def event_publish(*, tenant, type: str, payload: dict, version: int = 1) -> OutboxEvent:
    """Write the event and one delivery per enabled endpoint subscribed to ``type``, in the current transaction.

    ``payload`` is the event's data; the stored body is the versioned envelope receivers get. Sending
    starts after commit, so a rolled-back change sends nothing and a committed one is never lost (the
    periodic sweep sends whatever the kick missed).
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}.")
    with transaction.atomic():
        event = OutboxEvent.objects.create(
            tenant=tenant, type=type, version=version, payload={"type": type, "version": version, "data": payload}
        )
        endpoints = WebhookEndpoint.objects.for_tenant(tenant).filter(enabled=True).order_by("id")
        now = timezone.now()
        deliveries = [
            Delivery(tenant=tenant, event=event, endpoint=endpoint, next_attempt_at=now)
            for endpoint in endpoints
            if type in endpoint.event_types  # a JSON list: filtered here, the same on SQLite and PostgreSQL
        ]
        Delivery.objects.bulk_create(deliveries)
    if deliveries:
        # By name: the task module imports the delivery services, which must not import it back.
        enqueue_on_commit(current_app.tasks["notifications.deliveries_due"])
    return event


def send_test_event(endpoint: WebhookEndpoint) -> OutboxEvent:
    """A ``webhook.test`` event for this one endpoint, whatever it subscribes to (the admin's check of a receiver)."""
    with transaction.atomic():
        event = OutboxEvent.objects.create(
            tenant_id=endpoint.tenant_id, type="webhook.test", version=1,
            payload={"type": "webhook.test", "version": 1, "data": {"endpoint_id": endpoint.pk}},
        )  # fmt: skip
        Delivery.objects.create(
            tenant_id=endpoint.tenant_id, event=event, endpoint=endpoint, next_attempt_at=timezone.now()
        )
    enqueue_on_commit(current_app.tasks["notifications.deliveries_due"])
    return event


def replay(deliveries) -> int:
    """Send failed or dead deliveries again now, with a fresh attempt count; return how many."""
    with transaction.atomic():
        count = deliveries.filter(status__in=(DeliveryStatus.FAILED, DeliveryStatus.DEAD)).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
    if count:
        enqueue_on_commit(current_app.tasks["notifications.deliveries_due"])
    return count
