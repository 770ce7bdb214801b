"""The ingestion counters move with what the doors really accepted and refused, and never name a tenant."""

import base64
import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from accounts.services.api_keys import api_key_create
from tests.metrics.scrape import TOKEN, exposition, samples, value

pytestmark = pytest.mark.django_db

ACCEPTED, REJECTED = "csp_events_accepted_total", "csp_events_rejected_total"
DUPLICATE, REQUESTS_REJECTED = "csp_events_duplicate_total", "csp_ingest_requests_rejected_total"


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def write_key(world) -> str:
    return api_key_create(tenant=world.tenant, name="segment", scopes=["ingest"])[1]


def track(path, body, key):
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    return Client().post(path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def deltas(before: dict, after: dict, *series: tuple) -> list[float]:
    return [value(after, name, **labels) - value(before, name, **labels) for name, labels in series]


def test_a_tracking_batch_counts_accepted_invalid_and_duplicate_messages(client, world_a):
    key = write_key(world_a)
    batch = {
        "batch": [
            {"type": "track", "userId": "u1", "event": "Opened", "messageId": "m1", "timestamp": now_iso()},
            {"type": "track", "userId": "u1", "event": "Opened", "messageId": "m2", "timestamp": now_iso()},
            {"type": "track", "userId": "u1", "messageId": "m3"},  # no event name: invalid
        ]
    }
    before = samples(exposition(client))

    first = track("/v1/batch", batch, key)
    again = track("/v1/track", batch["batch"][0], key)

    assert first.status_code == 200 and first.json()["accepted"] == 2 and len(first.json()["rejected"]) == 1
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    after = samples(exposition(client))
    assert deltas(
        before,
        after,
        (ACCEPTED, {"door": "tracking"}),
        (DUPLICATE, {"door": "tracking"}),
        (REJECTED, {"door": "tracking", "reason": "invalid_message"}),
    ) == [2, 1, 1]


def test_a_refused_tracking_request_is_counted_by_its_code(client, world_a):
    before = samples(exposition(client))

    assert track("/v1/batch", {"batch": []}, "csp_not_a_key").status_code == 401
    assert track("/v1/batch", {"batch": "nope"}, write_key(world_a)).status_code == 400

    after = samples(exposition(client))
    assert deltas(
        before,
        after,
        (REQUESTS_REJECTED, {"door": "tracking", "reason": "authentication_failed"}),
        (REQUESTS_REJECTED, {"door": "tracking", "reason": "invalid_batch"}),
        (ACCEPTED, {"door": "tracking"}),
    ) == [1, 1, 0]


def test_the_rest_events_api_counts_stored_and_invalid_events(client, key_client_a, account_a):
    event = {"account": account_a.pk, "type": "usage", "name": "Report Exported", "message_id": "r1"}
    before = samples(exposition(client))

    assert key_client_a.post("/api/v1/events/", event, format="json").status_code == 201
    assert key_client_a.post("/api/v1/events/", event, format="json").status_code == 200  # duplicate
    assert key_client_a.post("/api/v1/events/", {**event, "type": "nope"}, format="json").status_code == 400
    bulk = [{**event, "message_id": "r2"}, {**event, "message_id": "r3"}, {"type": "usage"}]
    assert key_client_a.post("/api/v1/events/bulk/", bulk, format="json").status_code == 201

    after = samples(exposition(client))
    assert deltas(
        before,
        after,
        (ACCEPTED, {"door": "api"}),
        (DUPLICATE, {"door": "api"}),
        (REJECTED, {"door": "api", "reason": "invalid_message"}),
    ) == [3, 1, 2]


def test_no_label_names_a_tenant_when_two_tenants_ingest(client, world_a, world_b):
    for world in (world_a, world_b):
        key = write_key(world)
        message = {"type": "track", "userId": "u1", "event": "Opened", "timestamp": now_iso()}
        assert track("/v1/batch", {"batch": [message, {"type": "track"}]}, key).status_code == 200
        assert track("/v1/batch", {"batch": "nope"}, key).status_code == 400

    text = exposition(client)

    found = samples(text)
    label_names = {name for _, labels in found for name, _ in labels}
    assert not {name for name in label_names if "tenant" in name or "account" in name}
    # Numbers in a bucket bound or a garbage-collector generation are not ids.
    label_values = {v for _, labels in found for name, v in labels if name not in {"le", "generation"}}
    for world in (world_a, world_b):
        tenant = world.tenant
        assert not {tenant.name, tenant.slug, str(tenant.pk), world.api_key.key_id} & label_values
        assert tenant.name not in text and world.api_key.key_id not in text
