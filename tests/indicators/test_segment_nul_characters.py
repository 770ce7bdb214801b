"""A message with a NUL character (which PostgreSQL cannot store) is rejected alone, not the whole batch."""

import pytest

from indicators.models import Event, IngestionError
from tests.indicators.test_segment_api import ingest_key, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_nul_character_rejects_only_its_message(world_a, ingest_key):  # noqa: F811
    batch = {"batch": [
        {"type": "track", "userId": "u", "event": "Use", "messageId": "ok-1"},
        {"type": "track", "userId": "u", "event": "Use", "messageId": "nul-1", "properties": {"note": "a\u0000b"}},
        {"type": "track", "userId": "u\u0000", "event": "Use", "messageId": "nul-2"},
    ]}  # fmt: skip
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["messageId"]) for r in body["rejected"]] == [(1, "nul-1"), (2, "nul-2")]
    assert "NUL character" in body["rejected"][0]["reason"]
    assert list(Event.objects.for_tenant(world_a.tenant).values_list("message_id", flat=True)) == ["ok-1"]
    assert IngestionError.objects.for_tenant(world_a.tenant).count() == 2


def test_a_nul_in_a_message_id_is_logged_escaped(world_a, ingest_key):  # noqa: F811
    batch = {"batch": [{"type": "track", "userId": "u", "event": "Use", "messageId": "id\u0000x"},
                       {"type": "track", "userId": "u", "event": "Use", "messageId": "ok"}]}  # fmt: skip
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200 and response.json()["rejected"][0]["messageId"] == "id\u0000x"
    assert IngestionError.objects.for_tenant(world_a.tenant).get().message_id == "id\\u0000x"


def test_a_raw_nul_byte_makes_the_request_bad_json_and_is_logged_escaped(world_a, ingest_key):  # noqa: F811
    response = post("/v1/batch", b'{"batch": [{"type": "track", "userId": "u\x00"}]}', ingest_key)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_batch"
    assert "u\\u0000" in IngestionError.objects.for_tenant(world_a.tenant).get().payload
