"""The backlog gauges equal what a person counts in the database and in Redis, at the moment of the scrape."""

import uuid
from datetime import timedelta

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.utils import timezone

from accounts.models import Account
from csplatform.metrics.queue_lengths import queue_lengths
from indicators.stale.hint import DIRTY_SET
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, WebhookEndpoint
from tests.conftest import require_service
from tests.factories import AccountFactory
from tests.metrics.scrape import TOKEN, exposition, samples, value

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def mark(account, *, ago: timedelta) -> None:
    Account.unscoped.filter(pk=account.pk).update(needs_recompute_since=timezone.now() - ago)


def test_recompute_backlog_counts_marked_accounts_of_every_tenant_and_the_oldest_wait(client, world_a, world_b):
    a1, a2, _clean = (AccountFactory(tenant=world_a.tenant) for _ in range(3))
    b1 = AccountFactory(tenant=world_b.tenant)
    mark(a1, ago=timedelta(seconds=30))
    mark(a2, ago=timedelta(seconds=5))
    mark(b1, ago=timedelta(minutes=10))

    found = samples(exposition(client))

    assert value(found, "csp_recompute_backlog_accounts") == 3
    assert 600 <= value(found, "csp_recompute_lag_seconds") < 660  # b1's ten minutes, plus the scrape's own time


def test_recompute_lag_is_zero_when_nothing_waits(client, account_a):
    found = samples(exposition(client))

    assert value(found, "csp_recompute_backlog_accounts") == 0
    assert value(found, "csp_recompute_lag_seconds") == 0


def test_webhook_backlog_counts_due_and_scheduled_deliveries_only(client, world_a, world_b):
    now = timezone.now()

    def delivery(world, status, next_attempt_at):
        endpoint = WebhookEndpoint.objects.create(
            tenant=world.tenant, url="https://hooks.example.com/x", event_types=["alert.opened"]
        )
        event = OutboxEvent.objects.create(tenant=world.tenant, type="alert.opened", payload={})
        Delivery.objects.create(
            tenant=world.tenant, event=event, endpoint=endpoint, status=status, next_attempt_at=next_attempt_at
        )

    delivery(world_a, DeliveryStatus.PENDING, now - timedelta(seconds=90))  # due, the oldest
    delivery(world_b, DeliveryStatus.FAILED, now - timedelta(seconds=10))  # a retry now due
    delivery(world_a, DeliveryStatus.FAILED, now + timedelta(minutes=5))  # a retry later
    delivery(world_b, DeliveryStatus.SUCCEEDED, None)
    delivery(world_a, DeliveryStatus.DEAD, None)

    found = samples(exposition(client))

    assert value(found, "csp_webhook_deliveries_waiting", state="due") == 2
    assert value(found, "csp_webhook_deliveries_waiting", state="scheduled") == 1
    assert 90 <= value(found, "csp_webhook_oldest_due_seconds") < 150


def test_sources_read_are_reported_up(client):
    found = samples(exposition(client))

    assert value(found, "csp_metrics_source_up", source="recompute") == 1
    assert value(found, "csp_metrics_source_up", source="webhooks") == 1


def test_an_unreadable_broker_is_reported_down_without_failing_the_scrape(client, settings):
    from csplatform.celery import app

    broker = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        found = samples(exposition(client))
    finally:
        app.conf.broker_url = broker

    assert value(found, "csp_metrics_source_up", source="celery_broker") == 0
    assert not any(name == "csp_celery_queue_length" for name, _ in found)
    assert value(found, "csp_metrics_source_up", source="recompute") == 1


@pytest.fixture
def redis_client():
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def test_celery_queue_lengths_count_every_priority_of_each_queue(redis_client):
    queue, other = f"metrics-{uuid.uuid4().hex[:8]}", f"metrics-{uuid.uuid4().hex[:8]}"
    app = Celery("metrics-test", broker=settings.REDIS_URL, set_as_current=False)  # the product app stays current
    app.conf.task_default_queue = queue
    app.conf.task_routes = {"metrics.other": {"queue": other}}
    try:
        for _ in range(3):
            app.send_task("metrics.plain")
        app.send_task("metrics.urgent", priority=7)  # kept in the queue's list for priority step 6
        app.send_task("metrics.other")

        lengths, _unacked = queue_lengths(app)

        assert lengths == {queue: 4, other: 1}
    finally:
        keys = [key for name in (queue, other) for key in redis_client.scan_iter(match=f"{name}*")]
        if keys:
            redis_client.delete(*keys)
        app.close()


def test_queue_lengths_are_not_read_without_a_redis_broker():
    app = Celery("metrics-test", broker="memory://", set_as_current=False)

    assert queue_lengths(app) is None


def test_dirty_hints_gauge_counts_the_members_waiting_in_redis(client, redis_client):
    members = [f"{10**9 + i}:{uuid.uuid4().int % 10**6}" for i in range(3)]
    before = samples(exposition(client))
    redis_client.sadd(DIRTY_SET, *members)
    try:
        after = samples(exposition(client))
    finally:
        redis_client.srem(DIRTY_SET, *members)

    assert value(after, "csp_recompute_dirty_hints") - value(before, "csp_recompute_dirty_hints") == 3
