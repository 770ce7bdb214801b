"""Each request's log lines are JSON carrying its request id and, once known, its tenant id; nothing leaks on."""

import base64
import json
import re

import pytest
from django.conf import settings

from accounts.log_context import log_context_fields
from accounts.services.api_keys import api_key_create
from tests.logs.capture import console_lines, with_message

pytestmark = pytest.mark.django_db

CACHE_DOWN = "Rate-limit cache unavailable"  # logged by the API's throttle, after the tenant is known
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def cache_down(settings):
    """A cache nobody answers on: the throttle logs a warning from inside each API request."""
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_logs_are_json_by_default_without_debug():
    assert settings.DEBUG is False
    assert settings.LOG_FORMAT == "json"


def test_an_api_key_request_logs_json_with_its_request_id_and_tenant_id(cache_down, key_client_a, world_a):
    with console_lines() as lines:
        answer = key_client_a.get("/api/v1/events/")

    assert answer.status_code == 200
    [line] = with_message(lines, CACHE_DOWN)
    assert line["level"] == "WARNING" and line["logger"] == "accounts.api.throttling" and line["time"]
    assert line["request_id"] == answer["X-Request-ID"]
    assert GENERATED.fullmatch(answer["X-Request-ID"])
    assert line["tenant_id"] == world_a.tenant.pk


def test_a_session_request_logs_the_active_tenant(cache_down, client, world_b):
    from tests.conftest import session_client

    with console_lines() as lines:
        answer = session_client(client, world_b.viewer).get("/api/v1/events/")

    assert answer.status_code == 200
    [line] = with_message(lines, CACHE_DOWN)
    assert (line["request_id"], line["tenant_id"]) == (answer["X-Request-ID"], world_b.tenant.pk)


def test_a_tracking_request_logs_the_write_keys_tenant(cache_down, client, world_b):
    key = api_key_create(tenant=world_b.tenant, name="segment", scopes=["ingest"])[1]
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    body = json.dumps({"batch": [{"type": "track", "userId": "u", "event": "Opened"}]})

    with console_lines() as lines:
        answer = client.post("/v1/batch", body, content_type="application/json", HTTP_AUTHORIZATION=auth)

    assert answer.status_code == 200
    assert {line["tenant_id"] for line in with_message(lines, CACHE_DOWN)} == {world_b.tenant.pk}


@pytest.mark.parametrize("sent", ["9f1c2d3e-4b5a-6789-abcd-ef0123456789", "req_01HZX.a:b", "x"])
def test_a_well_formed_request_id_round_trips(cache_down, key_client_a, sent):
    with console_lines() as lines:
        answer = key_client_a.get("/api/v1/events/", HTTP_X_REQUEST_ID=sent)

    assert answer["X-Request-ID"] == sent
    assert with_message(lines, CACHE_DOWN)[0]["request_id"] == sent


@pytest.mark.parametrize(
    "sent", ["", "has space", "semi;colon", "<script>", "x" * 129, "é-accent", "a\tb", '"quoted"', "a,b"]
)
def test_a_malformed_request_id_is_replaced_not_echoed(cache_down, key_client_a, sent):
    with console_lines() as lines:
        answer = key_client_a.get("/api/v1/events/", HTTP_X_REQUEST_ID=sent)

    assert GENERATED.fullmatch(answer["X-Request-ID"])
    assert with_message(lines, CACHE_DOWN)[0]["request_id"] == answer["X-Request-ID"]


def test_the_context_does_not_leak_into_the_next_request(cache_down, key_client_a, client, settings, world_a):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # readyz logs its failed Redis check, with no tenant

    with console_lines() as lines:
        first = key_client_a.get("/api/v1/events/", HTTP_X_REQUEST_ID="first-request")
        after_first = log_context_fields()
        second = client.get("/readyz")

    assert first.status_code == 200 and second.status_code == 503
    assert after_first == {}
    [readiness] = with_message(lines, "readiness check redis failed")
    assert readiness["request_id"] == second["X-Request-ID"] != "first-request"
    assert readiness["tenant_id"] is None
    assert log_context_fields() == {}


def test_probes_and_metrics_answer_with_a_request_id_too(client):
    answer = client.get("/healthz", HTTP_X_REQUEST_ID="probe-1")

    assert answer["X-Request-ID"] == "probe-1"
