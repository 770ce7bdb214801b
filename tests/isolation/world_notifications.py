"""Tenant B's (and A's) rows for the notifications models: an endpoint, its secrets, an event delivered once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, EndpointSecret, OutboxEvent, WebhookEndpoint
from tests.isolation.world import World, builder, canary_fields, text_value


@builder("notifications.WebhookEndpoint")
def build_webhook_endpoint(b: World) -> None:
    # The canary rides in the URL's path, so a page or answer showing B's URL shows it. The host is a public
    # literal address: it passes the destination check (the API walk sends A's URL back) without DNS.
    path = text_value(b, "webhookendpoint.url", WebhookEndpoint._meta.get_field("description"))
    b.add(
        WebhookEndpoint.objects.create(
            tenant=b.tenant, event_types=["alert.opened"], **canary_fields(b, WebhookEndpoint, url=f"https://93.184.216.34/{path}"),
        )
    )  # fmt: skip


@builder("notifications.EndpointSecret")
def build_endpoint_secrets(b: World) -> None:
    endpoint = b.row(WebhookEndpoint)
    expired = timezone.now() + timedelta(hours=1)
    for name, expires_at in (("endpointsecret", None), ("endpointsecretold", expired)):
        secret = canary_fields(b, EndpointSecret, name)
        b.add(EndpointSecret.objects.create(tenant=b.tenant, endpoint=endpoint, expires_at=expires_at, **secret))


@builder("notifications.OutboxEvent")
def build_outbox_event(b: World) -> None:
    marker = text_value(b, "outboxevent.payload")
    payload = {"type": "alert.opened", "version": 1, "data": {"note": marker}}
    b.add(OutboxEvent.objects.create(tenant=b.tenant, type="alert.opened", payload=payload))


@builder("notifications.Delivery")
def build_delivery(b: World) -> None:
    b.add(
        Delivery.objects.create(
            tenant=b.tenant, event=b.row(OutboxEvent), endpoint=b.row(WebhookEndpoint), status=DeliveryStatus.FAILED,
            attempts=1, next_attempt_at=timezone.now() + timedelta(days=1), last_status_code=500,
        )
    )  # fmt: skip


@builder("notifications.DeliveryAttempt")
def build_delivery_attempt(b: World) -> None:
    b.add(
        DeliveryAttempt.objects.create(
            tenant=b.tenant, delivery=b.row(Delivery), attempted_at=timezone.now(), status_code=500, duration_ms=41,
            **canary_fields(b, DeliveryAttempt),
        )
    )  # fmt: skip
