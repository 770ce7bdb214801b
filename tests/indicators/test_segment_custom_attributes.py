"""Group traits no Account field takes are kept on the account as custom attributes, merged call by call."""

import pytest

from accounts.custom_attributes import MAX_ATTRIBUTES, MAX_TEXT_LENGTH
from accounts.models import Account
from indicators.models import IngestionError
from tests.indicators.test_segment_api import ingest_key, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def group(message_id: str, traits: dict, group_id: str = "g1") -> dict:
    return {"type": "group", "userId": "u1", "groupId": group_id, "messageId": message_id, "traits": traits}


def account(tenant, external_id: str = "g1") -> Account:
    return Account.objects.for_tenant(tenant).get(external_id=external_id)


def test_unknown_group_traits_become_custom_attributes(world_a, ingest_key):  # noqa: F811
    traits = {"name": "Globex", "plan": "enterprise", "employees": 250, "industry": "Energy", "mrr": 1234.5,
              "public": False}  # fmt: skip
    response = post("/v1/batch", {"batch": [group("m1", traits)]}, ingest_key)
    assert response.json()["accepted"] == 1, response.content
    globex = account(world_a.tenant)
    assert (globex.name, globex.segment) == ("Globex", "enterprise")  # plan is the segment, not an attribute
    assert globex.custom_attributes == {"employees": 250, "industry": "Energy", "mrr": 1234.5, "public": False}


def test_each_group_call_merges_its_attributes_and_null_removes_one(world_a, ingest_key):  # noqa: F811
    post("/v1/batch", {"batch": [group("m1", {"employees": 10, "industry": "Energy", "region": "EMEA"})]}, ingest_key)
    post("/v1/batch", {"batch": [group("m2", {"employees": 12, "region": None, "mrr": 5})]}, ingest_key)
    assert account(world_a.tenant).custom_attributes == {"employees": 12, "industry": "Energy", "mrr": 5}


def test_calls_in_one_batch_merge_in_order_on_a_new_account(world_a, ingest_key):  # noqa: F811
    batch = [group("m1", {"employees": 10, "industry": "Energy"}), group("m2", {"employees": 11, "tier2": "x"})]
    assert post("/v1/batch", {"batch": batch}, ingest_key).json()["accepted"] == 2
    assert account(world_a.tenant).custom_attributes == {"employees": 11, "industry": "Energy", "tier2": "x"}


def test_an_object_trait_is_kept_field_by_field(world_a, ingest_key):  # noqa: F811
    post("/v1/group", group("m1", {"address": {"city": "Paris", "country": "FR"}}), ingest_key)
    assert account(world_a.tenant).custom_attributes == {"address.city": "Paris", "address.country": "FR"}


@pytest.mark.parametrize(
    ("traits", "reason"),
    [
        ({"tags": ["a", "b"]}, "traits.tags must be text, a number, true or false (a custom attribute holds no list)"),
        ({"note": "x" * (MAX_TEXT_LENGTH + 1)}, f"traits.note is longer than {MAX_TEXT_LENGTH} characters"),
        ({"k" * 101: 1}, "traits: a custom attribute's name must be 1 to 100 characters"),
        ({"big": 2**64}, "traits.big is too large a number"),
        (
            {f"a{i}": i for i in range(MAX_ATTRIBUTES + 1)},
            f"traits: at most {MAX_ATTRIBUTES} custom attributes (101 sent)",
        ),
    ],
    ids=["list", "long-text", "long-name", "huge-number", "too-many"],
)
def test_attributes_over_a_limit_reject_their_message(world_a, ingest_key, traits, reason):  # noqa: F811
    response = post("/v1/batch", {"batch": [group("bad", traits), group("ok", {"employees": 3}, "g2")]}, ingest_key)
    assert response.status_code == 200, response.content
    assert [(r["index"], r["messageId"], r["reason"]) for r in response.json()["rejected"]] == [(0, "bad", reason)]
    assert not Account.objects.for_tenant(world_a.tenant).filter(external_id="g1").exists()
    assert account(world_a.tenant, "g2").custom_attributes == {"employees": 3}
    assert IngestionError.objects.for_tenant(world_a.tenant).get().reason == reason


def test_a_call_that_would_give_the_account_too_many_attributes_is_rejected_and_can_be_retried(
    world_a,
    ingest_key,  # noqa: F811
):
    full = {f"a{i}": i for i in range(MAX_ATTRIBUTES)}
    post("/v1/group", group("m1", full), ingest_key)
    batch = [group("m2", {"one_more": 1}), {"type": "track", "userId": "u1", "event": "Use", "messageId": "t1"}]
    response = post("/v1/batch", {"batch": batch}, ingest_key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["messageId"]) for r in body["rejected"]] == [(0, "m2")]
    assert "would have 101 custom attributes" in body["rejected"][0]["reason"]
    assert IngestionError.objects.for_tenant(world_a.tenant).get().message_id == "m2"
    assert account(world_a.tenant).custom_attributes == full
    # Once room is made, the same message applies: its rejection did not mark it as applied.
    post("/v1/group", group("m3", {"a0": None}), ingest_key)
    assert post("/v1/batch", {"batch": batch[:1]}, ingest_key).json()["accepted"] == 1
    assert account(world_a.tenant).custom_attributes["one_more"] == 1
