"""A broker outage delays webhooks but loses none: changes commit meanwhile, and beat's sweep sends each once after.

Publishing queues notifications.deliveries_due after commit; with the broker down that fails, is
logged, and the change stands (accounts.background.enqueue_on_commit). The outbox rows are in the
database, so when the broker is back the worker's beat (notifications.deliveries_due every 5 s)
delivers every one of them, exactly once, to a real receiver that counts by webhook-id.
"""

import time
from collections import Counter

import pytest
from django.db import transaction
from django.test import Client

from csplatform.celery import app as celery_app
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, WebhookEndpoint
from notifications.services.publish import event_publish
from notifications.services.secrets import rotate_secret
from tests.conftest import make_world, session_client
from tests.notifications.receiver import start_receiver
from tests.worker.conftest import wait_for

pytestmark = pytest.mark.worker

ANSWERED_WITHIN_SECONDS = 1.0
RECOVERY_TIMEOUT = 150  # the worker reconnects with a backoff; beat then sweeps every 5 s
QUIET_SECONDS = 11
ENDPOINTS = "/admin/notifications/webhookendpoint/"  # two more sweeps after the last delivery: no duplicate follows


def use_broker(url: str) -> None:
    """Point this process's Celery app (the web side) at ``url``: it takes its pools for that URL on next use."""
    celery_app.conf.broker_url = url
    celery_app._pool = None  # the connection and producer pools celery caches, reset as after a fork
    celery_app.amqp._producer_pool = None


@pytest.fixture
def web_broker(own_redis):
    previous = celery_app.conf.broker_url
    use_broker(own_redis.url)
    try:
        yield own_redis
    finally:
        use_broker(previous)


@pytest.fixture
def receiver():
    running = start_receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()


def delivered_ids(receiver) -> Counter:
    return Counter(got.headers["webhook-id"] for got in receiver.received)


def test_changes_during_a_broker_outage_commit_and_each_event_is_delivered_once_after(
    web_broker, celery_workers, receiver, settings
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True  # this process's admin validates the receiver's loopback URL
    world = make_world("Hooks")
    tenant = world.tenant
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url=receiver.url, event_types=["alert.opened", "webhook.test"]
    )
    rotate_secret(endpoint)
    celery_workers.start(redis_url=web_broker.url, env={"WEBHOOKS_ALLOW_LOOPBACK": "true"})

    # Before the outage: the kick after commit reaches the worker, which delivers.
    with transaction.atomic():
        first = event_publish(tenant=tenant, type="alert.opened", payload={"n": 0})
    assert wait_for(lambda: delivered_ids(receiver) == {first.id: 1}, timeout=60), "the worker delivered nothing"

    admin = session_client(Client(), world.admin)
    assert admin.get(ENDPOINTS).status_code == 200  # warm: the first request of a process loads the admin

    web_broker.stop()
    timings = []
    for n in range(1, 6):  # changes made by a service, each committing its event
        started = time.monotonic()
        with transaction.atomic():
            event_publish(tenant=tenant, type="alert.opened", payload={"n": n})
        timings.append(time.monotonic() - started)
    started = time.monotonic()  # and a change made through a request: the admin's test event
    answer = admin.post(ENDPOINTS, {"action": "send_test_events", "_selected_action": [endpoint.pk]})
    timings.append(time.monotonic() - started)

    assert answer.status_code == 302  # the request succeeded although its enqueue failed
    assert max(timings) < ANSWERED_WITHIN_SECONDS, f"a change took {max(timings):.2f} s with the broker down"
    outbox = set(OutboxEvent.objects.for_tenant(tenant).values_list("id", flat=True))
    assert len(outbox) == 7  # every change committed its event
    time.sleep(6)  # a beat interval: with the broker down nothing is sent
    assert set(delivered_ids(receiver)) == {first.id}

    web_broker.start()  # empty: no queued task survived
    back = time.monotonic()
    assert wait_for(lambda: set(delivered_ids(receiver)) == outbox, timeout=RECOVERY_TIMEOUT), (
        f"after the outage {len(delivered_ids(receiver))} of {len(outbox)} events were delivered"
    )
    recovered = time.monotonic() - back
    print(f"webhooks outage: changes took {[round(t, 3) for t in timings]} s; all delivered {recovered:.1f} s after")
    time.sleep(QUIET_SECONDS)
    assert delivered_ids(receiver) == Counter(dict.fromkeys(outbox, 1))
    deliveries = Delivery.objects.for_tenant(tenant)
    assert sorted(deliveries.values_list("status", "attempts")) == [(DeliveryStatus.SUCCEEDED, 1)] * 7
