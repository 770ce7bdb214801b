"""Ingestion is rate-limited per key in messages per minute, not in requests."""

import pytest
from django.test import override_settings

from accounts.api.throttling import rate_limit_wait
from accounts.services.api_keys import api_key_create
from tests.indicators.test_segment_api import post

pytestmark = pytest.mark.django_db


def batch(n: int, prefix: str) -> dict:
    return {"batch": [{"type": "track", "userId": "u", "event": "Use", "messageId": f"{prefix}{i}"} for i in range(n)]}


def test_a_tenant_message_limit_throttles_the_batch_that_would_exceed_it(world_a):
    world_a.tenant.settings = {"ingest_messages_per_minute": 5}
    world_a.tenant.save(update_fields=["settings"])
    _, key = api_key_create(tenant=world_a.tenant, name="pipeline", scopes=["ingest"])
    assert post("/v1/batch", batch(3, "a"), key).status_code == 200
    response = post("/v1/batch", batch(3, "b"), key)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled"


@override_settings(API_DEFAULT_RATE_PER_MINUTE=2)
def test_the_rest_api_request_limit_does_not_cap_ingestion(world_a):
    _, key = api_key_create(tenant=world_a.tenant, name="pipeline", scopes=["ingest"])
    statuses = [post("/v1/batch", batch(2, f"r{i}-"), key).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 200]


@override_settings(INGEST_MESSAGES_PER_MINUTE=4)
def test_the_platform_message_limit_applies_when_the_tenant_sets_none(world_a):
    _, key = api_key_create(tenant=world_a.tenant, name="pipeline", scopes=["ingest"])
    assert post("/v1/batch", batch(4, "p"), key).status_code == 200
    assert post("/v1/track", {"type": "track", "userId": "u", "event": "Use"}, key).status_code == 429


def test_the_counter_adds_the_cost_of_each_call():
    ident = "test-cost-counter"
    assert rate_limit_wait(ident, 10, cost=6) is None
    assert rate_limit_wait(ident, 10, cost=4) is None
    assert rate_limit_wait(ident, 10, cost=1) >= 1
