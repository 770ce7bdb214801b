"""Whatever a client sends to /v1/batch, the answer is a 200 or a 4xx with a receipt, never a 500, and
every message is accounted for: accepted, a duplicate, or rejected with its index and a reason. Text the
database cannot hold and deep nesting reject their own message, never the others."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.services.api_keys import api_key_create
from indicators.models import Event, IngestionError
from tests.indicators.hostile_values import bad_texts, bad_values
from tests.indicators.test_segment_api import post
from tests.indicators.test_segment_messages import TIMES, json_values

values = json_values | bad_values

pytestmark = pytest.mark.django_db

ids = st.none() | st.integers(-(2**70), 2**70) | st.text(max_size=12) | st.sampled_from(["u1", "u2", "g1"]) | bad_texts
texts = st.text(max_size=30) | st.sampled_from(["Search", "page:Home", "x" * 250]) | bad_texts
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["track", "identify", "group", "page", "screen", "alias"])},
    optional={
        "messageId": st.text(min_size=1, max_size=8) | st.sampled_from(["dup-1", "dup-2"]) | bad_texts,
        "userId": ids, "anonymousId": ids, "groupId": ids, "previousId": ids,
        "event": texts, "name": texts,
        "timestamp": st.sampled_from(TIMES), "originalTimestamp": st.sampled_from(TIMES),
        "properties": st.dictionaries(st.text(max_size=8), values, max_size=4),
        "traits": st.dictionaries(
            st.sampled_from(["email", "name", "title", "plan", "arr", "licenses", "champion", "renewalDate",
                             "lifecycleStage", "company", "employees", "industry"]), values, max_size=4),
        "context": st.dictionaries(st.sampled_from(["groupId", "group", "ip", "traits"]), values, max_size=2),
    },
)  # fmt: skip


@pytest.fixture
def ingest_key(world_a):
    return api_key_create(tenant=world_a.tenant, name="fuzz", scopes=["ingest"])[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(messages, min_size=1, max_size=6), sent_at=st.none() | st.sampled_from(TIMES))
def test_any_batch_gets_a_receipt_for_every_message(world_a, ingest_key, batch, sent_at):
    logged = IngestionError.objects.for_tenant(world_a.tenant).count()
    body = {"batch": batch} if sent_at is None else {"batch": batch, "sentAt": sent_at}
    response = post("/v1/batch", body, ingest_key)
    assert response.status_code in (200, 400), response.content
    receipt = response.json()
    if "errors" in receipt:  # the whole request refused (a bad sentAt): said why, and logged
        assert sent_at is not None, receipt  # no message, however bad, refuses its batch
        assert receipt["errors"][0]["detail"]
        assert IngestionError.objects.for_tenant(world_a.tenant).count() == logged + 1
        return
    assert receipt["accepted"] + receipt["duplicates"] + len(receipt["rejected"]) == len(batch)
    assert all(r["reason"] for r in receipt["rejected"])
    assert IngestionError.objects.for_tenant(world_a.tenant).count() == logged + len(receipt["rejected"])


# A message that is valid but for one value the database or the decoder cannot take, put in one place.
BAD_PLACES = ["properties", "traits", "context", "event", "userId"]
sequence = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    others=st.lists(messages, max_size=3),
    place=st.sampled_from(BAD_PLACES),
    bad=bad_values,
    type_=st.sampled_from(["track", "identify", "group"]),
    position=st.integers(0, 4),
)
def test_a_bad_message_is_rejected_alone_and_named(world_a, ingest_key, others, place, bad, type_, position):
    n = next(sequence)
    good = {"type": "track", "userId": "u1", "event": "Use", "messageId": f"good-{n}"}
    message = {"type": type_, "userId": "u1", "groupId": "g1", "event": "Use", "messageId": f"bad-{n}"}
    if place in ("event", "userId") and isinstance(bad, str):
        message[place] = bad
    else:
        message[place] = {"name": bad}
    batch = [*others, good]
    batch.insert(min(position, len(batch)), message)
    index = batch.index(message)
    response = post("/v1/batch", {"batch": batch}, ingest_key)
    assert response.status_code == 200, response.content
    rejected = {(r["index"], r["messageId"]) for r in response.json()["rejected"]}
    assert (index, f"bad-{n}") in rejected
    assert Event.objects.for_tenant(world_a.tenant).filter(message_id=f"good-{n}").exists()
    logged = IngestionError.objects.for_tenant(world_a.tenant).filter(message_id=f"bad-{n}").values_list("index")
    assert list(logged) == [(index,)]
