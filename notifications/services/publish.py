"""Publishing an event: the outbox row and its deliveries commit or roll back with the caller's change."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from celery import current_app
from django.db import transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit
from notifications.event_types import EVENT_TYPES
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, WebhookEndpoint


def event_publish(*, tenant, type: str, payload: dict, version: int = 1) -> OutboxEvent | None:
    """Write the event and one delivery per enabled endpoint subscribed to ``type``, in the current transaction.

    ``payload`` is the event's data; the stored body is the versioned envelope receivers get. Sending
    starts after commit, so a rolled-back change sends nothing and a committed one is never lost (the
    periodic sweep sends whatever the kick missed). None, and nothing written, when no endpoint subscribes.
    """
    events = events_publish(tenant=tenant, type=type, payloads=[payload], version=version)
    return events[0] if events else None


def events_publish(
    *, tenant, type: str, payloads: Iterable[dict] | Callable[[], Iterable[dict]], version: int = 1
) -> list[OutboxEvent]:
    """Many events of one type at once: one endpoint query, then two bulk inserts, in the current transaction.

    When no enabled endpoint of ``tenant`` subscribes to ``type`` nothing is written (the outbox only holds
    what someone will receive) and, when ``payloads`` is a callable, it is not even called: building the
    payloads may read rows, and most tenants subscribe to nothing.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}.")
    endpoint_ids = subscribed_endpoint_ids(tenant=tenant, type=type)
    if not endpoint_ids:
        return []
    tenant_id = getattr(tenant, "pk", tenant)
    events = [
        OutboxEvent(tenant_id=tenant_id, type=type, version=version, payload=envelope(type, version, data))
        for data in (payloads() if callable(payloads) else payloads)
    ]
    if not events:
        return []
    now = timezone.now()
    with transaction.atomic():
        OutboxEvent.objects.for_tenant(tenant_id).bulk_create(events)
        Delivery.objects.for_tenant(tenant_id).bulk_create(
            [
                Delivery(tenant_id=tenant_id, event=event, endpoint_id=endpoint_id, next_attempt_at=now)
                for event in events
                for endpoint_id in endpoint_ids
            ]
        )
    # By name: the task module imports the delivery services, which must not import it back.
    enqueue_on_commit(current_app.tasks["notifications.deliveries_due"])
    return events


def subscribed_endpoint_ids(*, tenant, type: str) -> list[int]:
    """Ids of the tenant's enabled endpoints subscribed to ``type``, in one query."""
    endpoints = WebhookEndpoint.objects.for_tenant(tenant).filter(enabled=True).order_by("id")
    # event_types is a JSON list: filtered here, the same on SQLite and PostgreSQL.
    return [pk for pk, types in endpoints.values_list("id", "event_types") if type in types]


def envelope(type: str, version: int, data: dict) -> dict:
    """The body a receiver gets: the type and version beside the event's data."""
    return {"type": type, "version": version, "data": data}


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
