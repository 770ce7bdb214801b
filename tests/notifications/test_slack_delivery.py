"""Slack endpoints get a Slack message, unsigned and without a secret, under the same SSRF rule."""

import json

import pytest

from notifications.models import Delivery, DeliveryStatus, EndpointKind, EndpointSecret, WebhookEndpoint
from notifications.services.publish import event_publish
from tests.conftest import session_client

pytestmark = pytest.mark.django_db

ENDPOINTS = "/admin/notifications/webhookendpoint/"


def slack_endpoint(tenant, url):
    return WebhookEndpoint.objects.create(tenant=tenant, url=url, kind=EndpointKind.SLACK, event_types=["alert.opened"])


def test_a_slack_endpoint_gets_the_event_as_a_slack_message_unsigned(
    world_a, receiver, django_capture_on_commit_callbacks
):
    slack_endpoint(world_a.tenant, receiver.url)
    data = {"account": {"name": "Acme"}, "alert": {"title": "Usage fell"}}
    with django_capture_on_commit_callbacks(execute=True):
        event = event_publish(tenant=world_a.tenant, type="alert.opened", payload=data)

    [got] = receiver.received
    assert json.loads(got.body) == {
        "text": "Alert opened on *Acme*: Usage fell",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Alert opened on *Acme*: Usage fell"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"csplatform · `alert.opened` · {event.id}"}]},
        ],
    }
    assert got.headers["content-type"] == "application/json"
    assert not {"webhook-id", "webhook-signature", "webhook-timestamp"} & set(got.headers)
    assert Delivery.objects.for_tenant(world_a.tenant).get(event=event).status == DeliveryStatus.SUCCEEDED


def test_a_slack_endpoint_off_limits_at_send_time_is_refused(world_a, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    slack_endpoint(world_a.tenant, "https://169.254.169.254/services/T0/B0/x")  # saved without validation
    with django_capture_on_commit_callbacks(execute=True):
        event = event_publish(tenant=world_a.tenant, type="alert.opened", payload={})
    delivery = Delivery.objects.for_tenant(world_a.tenant).get(event=event)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_log.get().error.startswith("Destination refused")


def test_adding_a_slack_endpoint_in_the_admin_makes_and_shows_no_secret(client, world_a, receiver):
    admin = session_client(client, world_a.admin)
    form = admin.get(f"{ENDPOINTS}add/").content.decode()
    assert 'name="kind"' in form and "Slack incoming webhook" in form
    body = {"kind": "slack", "url": receiver.url, "event_types": ["alert.opened"], "enabled": "on"}
    page = admin.post(f"{ENDPOINTS}add/", body, follow=True)
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get()
    assert endpoint.kind == EndpointKind.SLACK
    assert not EndpointSecret.objects.for_tenant(world_a.tenant).exists()
    assert "whsec_" not in page.content.decode()
    assert "Slack incoming webhook" in admin.get(ENDPOINTS).content.decode()

    page = admin.post(ENDPOINTS, {"action": "rotate_secrets", "_selected_action": [endpoint.pk]}, follow=True)
    assert not EndpointSecret.objects.for_tenant(world_a.tenant).exists()
    assert "has no signing secret" in page.content.decode()


def test_a_slack_endpoint_changed_to_standard_gets_its_first_secret_shown_once(client, world_a, receiver):
    endpoint = slack_endpoint(world_a.tenant, receiver.url)
    body = {"kind": "standard", "url": receiver.url, "event_types": ["alert.opened"], "enabled": "on"}
    page = session_client(client, world_a.admin).post(f"{ENDPOINTS}{endpoint.pk}/change/", body, follow=True)
    secret = EndpointSecret.objects.for_tenant(world_a.tenant).get(endpoint=endpoint).secret
    assert secret in page.content.decode()
