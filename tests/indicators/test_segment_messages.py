"""Decoding one Segment message: every input gives a record or a reason, never an exception."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.ingest.messages import Record, Rejection, decode_message

RECEIVED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FIELDS = ["type", "messageId", "userId", "anonymousId", "timestamp", "originalTimestamp", "sentAt", "context",
          "event", "properties", "traits", "groupId", "previousId", "name"]  # fmt: skip
TYPES = ["track", "identify", "group", "page", "screen", "alias", "teleport"]
TIMES = ["0001-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59Z", "9999-12-31T23:00:00-05:00",
         "2026-06-01T11:59:00Z", "2026-06-01T11:59:00", "not a time"]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "name", "groupId", "group"]),
                                                                  inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
field_values = json_values | st.sampled_from(TYPES) | st.sampled_from(TIMES)
messages = st.dictionaries(st.sampled_from(FIELDS), field_values, max_size=len(FIELDS))


def decode(message: dict, type_: str = "") -> Record | Rejection:
    return decode_message(json.dumps(message).encode(), index=0, received_at=RECEIVED, type_=type_)


@settings(max_examples=400, deadline=None)
@given(messages, st.sampled_from(["", "track", "identify", "page"]))
def test_any_message_decodes_to_a_record_or_a_reason(message, type_):
    result = decode(message, type_)
    assert isinstance(result, Record | Rejection)
    if isinstance(result, Rejection):
        assert result.reason


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"context": {"group": "acme"}}, None),  # a group that is not an object carries no id: kept, unattributed
        ({"context": {"groupId": {"id": 1}}}, "context.groupId must be text or a number"),
        ({"timestamp": "0001-01-01T00:30:00+01:00"}, "timestamp, originalTimestamp or sentAt is out of range"),
        ({"originalTimestamp": "0001-01-01T00:00:00Z", "sentAt": "9999-01-01T00:00:00Z"},
         "timestamp, originalTimestamp or sentAt is out of range"),
    ],
)  # fmt: skip
def test_odd_context_and_times_get_a_reason(message, reason):
    result = decode({"type": "track", "userId": "u", "event": "Use", **message})
    assert (result.reason if isinstance(result, Rejection) else None) == reason


def test_a_page_name_that_is_not_text_is_rejected():
    result = decode({"type": "page", "userId": "u", "properties": {"name": ["Pricing"]}})
    assert result.reason == "properties.name must be text"


def test_a_single_endpoint_body_may_leave_out_its_type():
    assert decode({"userId": "u", "event": "Use"}, "track").type == "track"
    assert decode({"userId": "u", "event": "Use"}).reason.startswith("type is required")


def test_a_message_without_a_message_id_gets_one_marked_as_ours():
    ours, theirs = decode({"type": "identify", "userId": "u"}), decode({"type": "identify", "userId": "u",
                                                                         "messageId": "m"})  # fmt: skip
    assert ours.message_id.startswith("csp-") and ours.generated_id
    assert (theirs.message_id, theirs.generated_id) == ("m", False)


def test_a_sender_set_timestamp_is_honoured_even_with_sent_at():
    past = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    sent = RECEIVED - timedelta(hours=3)  # whatever the sender's clock says at the send
    result = decode({"type": "track", "userId": "u", "event": "Old", "timestamp": past.isoformat(),
                     "sentAt": sent.isoformat()})  # fmt: skip
    assert result.occurred_at == past


def test_a_device_time_is_corrected_for_its_clock_skew():
    device_now = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)  # a device clock years behind
    result = decode({"type": "track", "userId": "u", "event": "Open", "sentAt": device_now.isoformat(),
                     "originalTimestamp": (device_now - timedelta(minutes=5)).isoformat()})  # fmt: skip
    assert result.occurred_at == RECEIVED - timedelta(minutes=5)


def test_without_any_time_the_message_happened_when_received():
    assert decode({"type": "track", "userId": "u", "event": "Now"}).occurred_at == RECEIVED
