"""The webhooks admin: admins add endpoints (secret shown once), rotate, test and replay; other tenants' rows 404."""

import pytest
from standardwebhooks import Webhook

from notifications.models import Delivery, DeliveryStatus, EndpointSecret, OutboxEvent, WebhookEndpoint
from notifications.services.secrets import rotate_secret
from tests.conftest import session_client

pytestmark = pytest.mark.django_db

ENDPOINTS = "/admin/notifications/webhookendpoint/"
DELIVERIES = "/admin/notifications/delivery/"


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"]) if response.context else ""


def test_adding_an_endpoint_shows_its_secret_once(client, world_a, receiver):
    admin = session_client(client, world_a.admin)
    body = {"url": receiver.url, "description": "CRM", "event_types": ["alert.opened"], "enabled": "on"}
    assert session_client(client, world_a.csm).post(f"{ENDPOINTS}add/", body).status_code == 403
    admin = session_client(client, world_a.admin)
    page = admin.post(f"{ENDPOINTS}add/", body, follow=True)
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get()
    secret = EndpointSecret.objects.for_tenant(world_a.tenant).get(endpoint=endpoint).secret
    assert secret in messages_of(page)
    assert secret not in admin.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()


@pytest.mark.parametrize("url", ["https://10.0.0.1/hook", "https://169.254.169.254/", "http://127.0.0.1:9/hook"])
def test_a_destination_off_limits_is_refused_at_save(client, world_a, settings, url):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    body = {"url": url, "event_types": ["alert.opened"], "enabled": "on"}
    refused = session_client(client, world_a.admin).post(f"{ENDPOINTS}add/", body)
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert not WebhookEndpoint.objects.for_tenant(world_a.tenant).exists()


def test_rotate_and_test_actions_sign_with_both_secrets(client, world_a, receiver, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpoint.objects.create(tenant=world_a.tenant, url=receiver.url, event_types=["alert.closed"])
    old = rotate_secret(endpoint).secret
    admin = session_client(client, world_a.admin)
    page = admin.post(ENDPOINTS, {"action": "rotate_secrets", "_selected_action": [endpoint.pk]}, follow=True)
    new = EndpointSecret.objects.for_tenant(world_a.tenant).filter(expires_at__isnull=True).get().secret
    assert new != old and new in messages_of(page)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(ENDPOINTS, {"action": "send_test_events", "_selected_action": [endpoint.pk]})
    [got] = receiver.received
    assert Webhook(old).verify(got.body, got.headers)["type"] == "webhook.test"
    Webhook(new).verify(got.body, got.headers)


def test_replay_sends_a_dead_delivery_again(client, world_a, receiver, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpoint.objects.create(tenant=world_a.tenant, url=receiver.url, event_types=["alert.opened"])
    rotate_secret(endpoint)
    receiver.answer(410)
    from notifications.services.publish import event_publish

    with django_capture_on_commit_callbacks(execute=True):
        event = event_publish(tenant=world_a.tenant, type="alert.opened", payload={})
    delivery = Delivery.objects.for_tenant(world_a.tenant).get(event=event)
    assert delivery.status == DeliveryStatus.DEAD
    WebhookEndpoint.objects.for_tenant(world_a.tenant).update(enabled=True)
    log = session_client(client, world_a.admin).get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()
    assert "410" in log
    with django_capture_on_commit_callbacks(execute=True):
        session_client(client, world_a.admin).post(
            DELIVERIES, {"action": "replay_deliveries", "_selected_action": [delivery.pk]}
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.received) == 2


def test_another_tenants_endpoint_and_delivery_are_not_found(client, world_a, world_b):
    endpoint = WebhookEndpoint.objects.create(
        tenant=world_b.tenant, url="https://hooks.example/", event_types=["alert.opened"]
    )
    admin = session_client(client, world_a.admin)
    assert admin.get(f"{ENDPOINTS}{endpoint.pk}/change/").status_code == 404
    assert endpoint.url not in admin.get(ENDPOINTS).content.decode()


def test_replay_all_failed_replays_every_failed_or_dead_delivery_of_the_endpoint_only(
    client, world_a, world_b, receiver, django_capture_on_commit_callbacks
):
    def endpoint_with(tenant, *statuses):
        endpoint = WebhookEndpoint.objects.create(tenant=tenant, url=receiver.url, event_types=["alert.opened"])
        rotate_secret(endpoint)
        for status in statuses:
            event = OutboxEvent.objects.create(tenant=tenant, type="alert.opened", payload={"type": "alert.opened"})
            Delivery.objects.create(tenant=tenant, event=event, endpoint=endpoint, status=status, attempts=15)
        return endpoint

    chosen = endpoint_with(world_a.tenant, DeliveryStatus.DEAD, DeliveryStatus.FAILED, DeliveryStatus.SUCCEEDED)
    other = endpoint_with(world_a.tenant, DeliveryStatus.DEAD)
    theirs = endpoint_with(world_b.tenant, DeliveryStatus.DEAD)
    body = {"action": "replay_failed_deliveries", "_selected_action": [chosen.pk, theirs.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        session_client(client, world_a.csm).post(ENDPOINTS, body)  # a CSM may not
        assert not Delivery.unscoped.filter(status=DeliveryStatus.PENDING).exists()
        page = session_client(client, world_a.admin).post(ENDPOINTS, body, follow=True)

    assert "2 delivery(ies) queued again." in messages_of(page)
    assert len(receiver.received) == 2

    def statuses(endpoint):
        return sorted(Delivery.unscoped.filter(endpoint=endpoint).values_list("status", flat=True))

    assert statuses(chosen) == [DeliveryStatus.SUCCEEDED] * 3
    assert statuses(other) == [DeliveryStatus.DEAD]
    assert statuses(theirs) == [DeliveryStatus.DEAD]
