"""Helpers of the event tests: an endpoint subscribed to some types, and what the outbox holds."""

from __future__ import annotations

from datetime import UTC

from notifications.models import Delivery, OutboxEvent, WebhookEndpoint


def subscribe(tenant, *types: str, url: str = "https://hooks.example/in", enabled: bool = True) -> WebhookEndpoint:
    """An endpoint of ``tenant`` for ``types`` (saved as is: the address is not called by these tests)."""
    return WebhookEndpoint.objects.create(tenant=tenant, url=url, event_types=list(types), enabled=enabled)


def outbox(tenant, type: str | None = None) -> list[dict]:
    """The data of the tenant's outbox events (of ``type``), oldest first, after checking their envelope."""
    events = OutboxEvent.objects.for_tenant(tenant).order_by("created_at", "id")
    if type is not None:
        events = events.filter(type=type)
    data = []
    for event in events:
        assert event.payload["type"] == event.type and event.payload["version"] == event.version == 1
        assert Delivery.objects.for_tenant(tenant).filter(event=event).exists()
        data.append(event.payload["data"])
    return data


def iso(moment) -> str:
    """A moment as payloads carry it: ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def account_ref(account) -> dict:
    return {"id": account.pk, "external_id": account.external_id, "name": account.name}


def contact_ref(contact) -> dict:
    return {"id": contact.pk, "external_id": contact.external_id, "email": contact.email}
