"""Whatever a client sends to /v1/batch, the answer is a 200 or a 4xx with a receipt, never a 500, and
every message is accounted for: accepted, a duplicate, or rejected with its index and a reason."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.services.api_keys import api_key_create
from indicators.models import IngestionError
from tests.indicators.test_segment_api import post
from tests.indicators.test_segment_messages import TIMES, json_values

pytestmark = pytest.mark.django_db

ids = st.none() | st.integers(-(2**70), 2**70) | st.text(max_size=12) | st.sampled_from(["u1", "u2", "g1"])
texts = st.text(max_size=30) | st.sampled_from(["Search", "page:Home", "x" * 250])
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["track", "identify", "group", "page", "screen", "alias"])},
    optional={
        "messageId": st.text(min_size=1, max_size=8) | st.sampled_from(["dup-1", "dup-2"]),
        "userId": ids, "anonymousId": ids, "groupId": ids, "previousId": ids,
        "event": texts, "name": texts,
        "timestamp": st.sampled_from(TIMES), "originalTimestamp": st.sampled_from(TIMES),
        "properties": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
        "traits": st.dictionaries(
            st.sampled_from(["email", "name", "title", "plan", "arr", "licenses", "champion", "renewalDate",
                             "lifecycleStage", "company"]), json_values, max_size=4),
        "context": st.dictionaries(st.sampled_from(["groupId", "group", "ip"]), json_values, max_size=2),
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
        assert receipt["errors"][0]["detail"]
        assert IngestionError.objects.for_tenant(world_a.tenant).count() == logged + 1
        return
    assert receipt["accepted"] + receipt["duplicates"] + len(receipt["rejected"]) == len(batch)
    assert all(r["reason"] for r in receipt["rejected"])
    assert IngestionError.objects.for_tenant(world_a.tenant).count() == logged + len(receipt["rejected"])
