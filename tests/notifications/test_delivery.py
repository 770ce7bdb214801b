"""Events reach a real receiver signed, failures retry on the database's schedule, nothing leaks across tenants."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from notifications.backoff import MAX_ATTEMPTS
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent, WebhookEndpoint
from notifications.services.delivery import deliver_due
from notifications.services.publish import event_publish
from notifications.services.secrets import rotate_secret


def endpoint_for(tenant, url, event_types=("alert.opened",), **fields):
    endpoint = WebhookEndpoint.objects.create(tenant=tenant, url=url, event_types=list(event_types), **fields)
    return endpoint, rotate_secret(endpoint).secret


def publish(tenant, capture, type="alert.opened", data=None):
    with capture(execute=True):
        return event_publish(tenant=tenant, type=type, payload=data or {"alert_id": 7})


def only_delivery(event):
    return Delivery.objects.for_tenant(event.tenant_id).get(event=event)


def make_due(delivery):
    Delivery.objects.for_tenant(delivery.tenant_id).filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_published_event_reaches_the_receiver_signed(world_a, receiver, django_capture_on_commit_callbacks):
    _, secret = endpoint_for(world_a.tenant, receiver.url)
    event = publish(world_a.tenant, django_capture_on_commit_callbacks, data={"alert_id": 7})

    [got] = receiver.received
    assert Webhook(secret).verify(got.body, got.headers) == {
        "type": "alert.opened",
        "version": 1,
        "data": {"alert_id": 7},
    }
    assert got.headers["webhook-id"] == event.id and event.id.startswith("msg_")
    delivery = only_delivery(event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    [attempt] = DeliveryAttempt.objects.for_tenant(world_a.tenant).filter(delivery=delivery)
    assert attempt.status_code == 200 and attempt.response_body == "ok"


def test_nothing_is_sent_when_the_publishing_change_rolls_back(world_a, receiver, django_capture_on_commit_callbacks):
    endpoint_for(world_a.tenant, receiver.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        event_publish(tenant=world_a.tenant, type="alert.opened", payload={})
        raise RuntimeError("the change failed")
    assert not OutboxEvent.objects.for_tenant(world_a.tenant).exists()
    assert receiver.received == []


def test_only_enabled_endpoints_subscribed_to_the_type_get_a_delivery(
    world_a, receiver, django_capture_on_commit_callbacks
):
    subscribed, _ = endpoint_for(world_a.tenant, receiver.url)
    endpoint_for(world_a.tenant, receiver.url, event_types=("alert.closed",))
    endpoint_for(world_a.tenant, receiver.url, enabled=False)
    event = publish(world_a.tenant, django_capture_on_commit_callbacks)
    assert only_delivery(event).endpoint == subscribed
    assert len(receiver.received) == 1


def test_a_500_is_retried_later_from_the_database_schedule(world_a, receiver, django_capture_on_commit_callbacks):
    endpoint_for(world_a.tenant, receiver.url)
    receiver.answer(500)
    event = publish(world_a.tenant, django_capture_on_commit_callbacks)
    delivery = only_delivery(event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert delivery.next_attempt_at > timezone.now() - timedelta(seconds=1)
    assert deliver_due(now=timezone.now() - timedelta(seconds=1)) == 0  # not due before its time

    make_due(delivery)
    assert deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]


def test_a_timeout_is_a_recorded_failure(world_a, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    endpoint_for(world_a.tenant, receiver.url)
    receiver.answer(200, delay=1.5)
    delivery = only_delivery(publish(world_a.tenant, django_capture_on_commit_callbacks))
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, None)
    assert "Timeout" in delivery.attempt_log.get().error


def test_the_last_failure_makes_the_delivery_dead(world_a, receiver, django_capture_on_commit_callbacks):
    endpoint_for(world_a.tenant, receiver.url)
    receiver.answer(503)
    delivery = only_delivery(publish(world_a.tenant, django_capture_on_commit_callbacks))
    Delivery.objects.for_tenant(world_a.tenant).filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    make_due(delivery)
    receiver.answer(503)
    deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.DEAD, MAX_ATTEMPTS, None)


def test_410_disables_the_endpoint_and_kills_the_delivery(world_a, receiver, django_capture_on_commit_callbacks):
    endpoint, _ = endpoint_for(world_a.tenant, receiver.url)
    receiver.answer(410)
    delivery = only_delivery(publish(world_a.tenant, django_capture_on_commit_callbacks))
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert (endpoint.enabled, endpoint.disabled_reason) == (False, "410 Gone") and endpoint.disabled_at


def test_a_redirect_is_a_failure_and_is_not_followed(world_a, receiver, django_capture_on_commit_callbacks):
    endpoint_for(world_a.tenant, receiver.url)
    receiver.answer(302, headers={"location": receiver.url + "/elsewhere"})
    delivery = only_delivery(publish(world_a.tenant, django_capture_on_commit_callbacks))
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.FAILED, 302)
    assert [got.path for got in receiver.received] == ["/hook"]


def test_a_destination_off_limits_at_send_time_is_refused(world_a, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    endpoint_for(world_a.tenant, "https://169.254.169.254/latest/meta-data")  # saved without validation
    delivery = only_delivery(publish(world_a.tenant, django_capture_on_commit_callbacks))
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_log.get().error.startswith("Destination refused")


def test_another_tenants_endpoint_never_gets_the_event(world_a, world_b, receiver, django_capture_on_commit_callbacks):
    endpoint_for(world_b.tenant, receiver.url)
    event = publish(world_a.tenant, django_capture_on_commit_callbacks)
    assert not Delivery.unscoped.filter(event=event).exists()
    assert receiver.received == []


def test_during_the_overlap_old_and_new_secrets_both_verify(world_a, receiver, django_capture_on_commit_callbacks):
    endpoint, old = endpoint_for(world_a.tenant, receiver.url)
    new = rotate_secret(endpoint).secret
    publish(world_a.tenant, django_capture_on_commit_callbacks)
    [got] = receiver.received
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(got.body, got.headers)


def test_after_the_overlap_only_the_new_secret_signs(world_a, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_SECRET_OVERLAP = timedelta(0)
    endpoint, old = endpoint_for(world_a.tenant, receiver.url)
    new = rotate_secret(endpoint).secret
    publish(world_a.tenant, django_capture_on_commit_callbacks)
    [got] = receiver.received
    Webhook(new).verify(got.body, got.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(old).verify(got.body, got.headers)
