"""One message the database or the decoder cannot take (a lone surrogate, deep nesting, too large) is
rejected alone, named by its index and messageId, and logged; the rest of its batch is stored."""

import json

import pytest

from accounts.models import Account, Contact
from indicators.ingest.messages import MAX_DEPTH, MAX_MESSAGE_BYTES
from indicators.models import Event, IngestionError
from tests.indicators.test_segment_api import ingest_key, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TRUNCATED_EMOJI = "\ud83d"  # the first half of 😀 (json.dumps writes it as the JSON text "\ud83d")


def track(message_id: str, **fields) -> dict:
    return {"type": "track", "userId": "u", "event": "Use", "messageId": message_id, **fields}


def nested(levels: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"n": value}
    return value


def stored(tenant) -> list[str]:
    return sorted(Event.objects.for_tenant(tenant).values_list("message_id", flat=True))


def logged(tenant) -> list[tuple]:
    return list(IngestionError.objects.for_tenant(tenant).order_by("index").values_list("index", "message_id"))


def test_a_lone_surrogate_in_a_property_rejects_only_its_message(world_a, ingest_key):  # noqa: F811
    batch = {"batch": [track("ok-1"), track("bad-1", properties={"note": f"hi {TRUNCATED_EMOJI}"}), track("ok-2")]}
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], [(r["index"], r["messageId"]) for r in body["rejected"]]) == (2, [(1, "bad-1")])
    assert "properties.note holds a lone UTF-16 surrogate" in body["rejected"][0]["reason"]
    assert stored(world_a.tenant) == ["ok-1", "ok-2"]
    assert logged(world_a.tenant) == [(1, "bad-1")]


def test_a_lone_surrogate_in_a_trait_or_key_rejects_only_its_message(world_a, ingest_key):  # noqa: F811
    batch = {"batch": [
        {"type": "identify", "userId": "u1", "messageId": "id-1", "traits": {"name": "\ude00 low half"}},
        track("key-1", properties={f"k{TRUNCATED_EMOJI}": 1}),
        {"type": "identify", "userId": "u2", "messageId": "id-2", "traits": {"name": "Grace"}},
    ]}  # fmt: skip
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200, response.content
    rejected = response.json()["rejected"]
    assert [(r["index"], r["messageId"]) for r in rejected] == [(0, "id-1"), (1, "key-1")]
    assert "traits.name holds a lone UTF-16 surrogate" in rejected[0]["reason"]
    assert "lone UTF-16 surrogate" in rejected[1]["reason"]
    assert list(Contact.objects.for_tenant(world_a.tenant).values_list("external_id", "name")) == [("u2", "Grace")]
    assert logged(world_a.tenant) == [(0, "id-1"), (1, "key-1")]


def test_a_lone_surrogate_in_a_message_id_is_named_and_logged_escaped(world_a, ingest_key):  # noqa: F811
    batch = {"batch": [track(f"id{TRUNCATED_EMOJI}"), track("ok")]}
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200 and response.json()["rejected"][0]["messageId"] == f"id{TRUNCATED_EMOJI}"
    error = IngestionError.objects.for_tenant(world_a.tenant).get()
    assert error.message_id == "id\\ud83d" and "messageId holds a lone UTF-16 surrogate" in error.reason
    assert stored(world_a.tenant) == ["ok"]


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 950, 5000])
def test_properties_nested_too_deep_reject_only_their_message(world_a, ingest_key, levels):  # noqa: F811
    # The message is {properties: {...}}: its properties may nest MAX_DEPTH - 1 levels.
    batch = {"batch": [track("deep-1", properties=nested(levels - 1)), track("ok-1")]}
    raw = json.dumps(batch).encode() if levels < 900 else _deep_batch(levels)
    response = post("/v1/batch", raw, ingest_key)
    assert response.status_code == 200, response.content
    rejected = response.json()["rejected"]
    assert [(r["index"], r["messageId"]) for r in rejected] == [(0, "deep-1")]
    assert rejected[0]["reason"] == f"message is nested more than {MAX_DEPTH} levels deep"
    assert stored(world_a.tenant) == ["ok-1"]
    assert logged(world_a.tenant) == [(0, "deep-1")]


def _deep_batch(levels: int) -> bytes:
    """json.dumps itself recurses: deep text is written by hand."""
    properties = b'{"n":' * (levels - 2) + b"1" + b"}" * (levels - 2)
    deep = b'{"type":"track","userId":"u","event":"Use","messageId":"deep-1","properties":' + properties + b"}"
    return b'{"batch":[' + deep + b"," + json.dumps(track("ok-1")).encode() + b"]}"


def test_properties_at_the_depth_limit_are_stored(world_a, ingest_key):  # noqa: F811
    response = post("/v1/batch", {"batch": [track("ok-1", properties=nested(MAX_DEPTH - 1))]}, ingest_key)
    assert response.json() == {"success": True, "accepted": 1, "duplicates": 0, "rejected": []}


def test_a_message_over_the_size_limit_is_named_by_its_message_id(world_a, ingest_key):  # noqa: F811
    big = track("big-1", properties={"blob": "x" * MAX_MESSAGE_BYTES})
    response = post("/v1/batch", {"batch": [track("ok-1"), big]}, ingest_key)
    assert response.status_code == 200
    assert [(r["index"], r["messageId"]) for r in response.json()["rejected"]] == [(1, "big-1")]
    assert logged(world_a.tenant) == [(1, "big-1")]


def test_a_message_failing_validation_is_named_even_if_it_cannot_be_decoded(world_a, ingest_key):  # noqa: F811
    raw = b'{"batch": [{"type": "track", "messageId": "m-7", "properties": {"a": "\\ud83d"}, "userId": 5}, 3]}'
    response = post("/v1/batch", raw, ingest_key)
    assert response.status_code == 400  # nothing stored: the receipt says why, message by message
    assert [(r["index"], r["messageId"]) for r in response.json()["rejected"]] == [(0, "m-7"), (1, "")]
    assert logged(world_a.tenant) == [(0, "m-7"), (1, "")]


def test_a_numeric_message_id_of_a_rejected_message_is_named_as_text(world_a, ingest_key):  # noqa: F811
    raw = b'{"batch": [{"type": "track", "messageId": 42, "userId": "u", "event": "Use"}]}'
    assert post("/v1/batch", raw, ingest_key).json()["rejected"][0]["messageId"] == "42"


@pytest.mark.parametrize(
    "body",
    [
        {"type": "track", "userId": "u", "event": "Use", "properties": {"note": TRUNCATED_EMOJI}},
        {"type": "track", "userId": "u", "event": "Use", "properties": nested(MAX_DEPTH)},
    ],
    ids=["surrogate", "deep"],
)
def test_a_single_message_endpoint_answers_400_with_the_reason(world_a, ingest_key, body):  # noqa: F811
    response = post("/v1/track", {**body, "messageId": "one"}, ingest_key)
    assert response.status_code == 400, response.content
    assert [(r["index"], r["messageId"]) for r in response.json()["rejected"]] == [(None, "one")]
    assert response.json()["rejected"][0]["reason"]
    assert logged(world_a.tenant) == [(None, "one")]


def test_a_single_message_too_deep_for_the_decoder_with_its_key_in_the_body(world_a, ingest_key):  # noqa: F811
    properties = b'{"n":' * 5000 + b"1" + b"}" * 5000
    raw = b'{"writeKey":"' + ingest_key.encode() + b'","userId":"u","event":"E","properties":' + properties + b"}"
    response = post("/v1/track", raw)
    assert response.status_code == 400, response.content
    assert response.json()["rejected"][0]["reason"] == f"message is nested more than {MAX_DEPTH} levels deep"


def test_a_malformed_batch_is_still_refused_whole(world_a, ingest_key):  # noqa: F811
    for raw in (b'{"batch": [{"type": "track"},, {"a": "\\ud83d"}]}', b'{"batch": [{"a": "\\ud83d"}'):
        response = post("/v1/batch", raw, ingest_key)
        assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_batch"


def test_a_lone_surrogate_in_the_envelope_refuses_the_batch(world_a, ingest_key):  # noqa: F811
    response = post("/v1/batch", {"batch": [track("ok")], "context": {"x": TRUNCATED_EMOJI}}, ingest_key)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_batch"
    assert stored(world_a.tenant) == []


def test_identify_traits_in_context_as_rudderstack_sends_them(world_a, ingest_key):  # noqa: F811
    message = {  # as RudderStack's JavaScript SDK sends an identify
        "type": "identify", "userId": "u-rs", "anonymousId": "a-1", "messageId": "rs-1", "channel": "web",
        "context": {"traits": {"email": "Ada@Example.com", "name": "Ada Lovelace"},
                    "library": {"name": "RudderLabs JavaScript SDK", "version": "3.0.0"}},
        "originalTimestamp": "2026-06-01T10:00:00.000Z", "sentAt": "2026-06-01T10:00:00.100Z",
    }  # fmt: skip
    response = post("/v1/batch", {"batch": [message]}, ingest_key)
    assert response.json()["accepted"] == 1, response.content
    contact = Contact.objects.for_tenant(world_a.tenant).get(external_id="u-rs")
    assert (contact.email, contact.name) == ("ada@example.com", "Ada Lovelace")


def test_top_level_traits_win_over_context_traits(world_a, ingest_key):  # noqa: F811
    message = {"type": "identify", "userId": "u", "traits": {"name": "Top"}, "context": {"traits": {"name": "Ctx"}}}
    post("/v1/identify", message, ingest_key)
    assert Contact.objects.for_tenant(world_a.tenant).get(external_id="u").name == "Top"


def test_a_group_call_does_not_take_the_users_context_traits_for_the_company(world_a, ingest_key):  # noqa: F811
    # RudderStack copies the user's identify traits into a group call's context.traits.
    message = {"type": "group", "userId": "u", "groupId": "g", "traits": {"employees": 40},
               "context": {"traits": {"name": "Ada Lovelace", "email": "ada@example.com"}}}  # fmt: skip
    assert post("/v1/group", message, ingest_key).status_code == 200
    account = Account.objects.for_tenant(world_a.tenant).get(external_id="g")
    assert (account.name, account.custom_attributes) == ("g", {"employees": 40})
    message = {"type": "group", "userId": "u", "groupId": "g2", "context": {"traits": {"name": "Ada Lovelace"}}}
    assert post("/v1/group", message, ingest_key).status_code == 200
    assert Account.objects.for_tenant(world_a.tenant).get(external_id="g2").name == "g2"


def test_context_traits_that_are_not_an_object_reject_the_message(world_a, ingest_key):  # noqa: F811
    response = post("/v1/identify", {"type": "identify", "userId": "u", "context": {"traits": "x"}}, ingest_key)
    assert response.status_code == 400
    assert response.json()["rejected"][0]["reason"] == "context.traits must be an object"
