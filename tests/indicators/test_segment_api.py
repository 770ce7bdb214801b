"""The Segment-compatible tracking API: identify, group, track, batches, limits and errors."""

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from accounts.models import Account, Contact
from accounts.services.api_keys import api_key_create, api_key_revoke
from indicators.models import AccountDay, ContactDay, Event, Feature, HealthScore, IngestionError

pytestmark = pytest.mark.django_db


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def post(path, body, key=None, **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    if key:
        headers["HTTP_AUTHORIZATION"] = basic(key)
    return Client().post(path, raw, content_type="application/json", **headers)


def iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


@pytest.fixture
def ingest_key(world_a):
    return api_key_create(tenant=world_a.tenant, name="segment", scopes=["ingest"])[1]


def test_identify_group_track_become_contact_account_and_event(world_a, ingest_key):
    now = datetime.now(UTC)
    batch = {
        "batch": [
            {"type": "identify", "userId": "u1", "messageId": "m1", "traits": {"email": "Ada@Globex.example",
             "name": "Ada Lovelace", "title": "CTO", "executive": True}},
            {"type": "group", "userId": "u1", "groupId": "g1", "messageId": "m2",
             "traits": {"name": "Globex", "plan": "enterprise", "arr": 120000, "seats": 250}},
            {"type": "track", "userId": "u1", "event": "Report Exported", "messageId": "m3",
             "properties": {"format": "csv"}, "timestamp": iso(now)},
        ],
        "sentAt": iso(now),
    }  # fmt: skip
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True, "accepted": 3, "duplicates": 0, "rejected": []}
    account = Account.objects.for_tenant(world_a.tenant).get(external_id="g1")
    assert (account.name, account.segment, account.arr, account.licenses) == ("Globex", "enterprise", 120000, 250)
    contact = Contact.objects.for_tenant(world_a.tenant).get(external_id="u1")
    assert (contact.email, contact.title, contact.is_executive, contact.account) == (
        "ada@globex.example",
        "CTO",
        True,
        account,
    )
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.type, event.name, event.account, event.contact, event.properties) == (
        "usage",
        "Report Exported",
        account,
        contact,
        {"format": "csv"},
    )
    assert contact.last_seen_at is not None
    day = AccountDay.objects.for_tenant(world_a.tenant).get(account=account)
    assert (day.events, day.usage_events, day.active_users, day.by_feature) == (1, 1, 1, {"Report Exported": 1})
    assert Feature.objects.for_tenant(world_a.tenant).get(key="Report Exported").is_core_value is False
    # Without Redis the account is scored in-process after commit; with Redis it stays marked for the sweep.
    marked = Account.objects.for_tenant(world_a.tenant).get(pk=account.pk).needs_recompute_since is not None
    assert marked or HealthScore.objects.for_tenant(world_a.tenant).filter(account=account).exists()


def test_events_before_the_group_call_are_kept_and_attributed_later(world_a, ingest_key):
    assert post("/v1/track", {"userId": "early", "event": "Login", "type": "track", "messageId": "e1"},
                ingest_key).status_code == 200  # fmt: skip
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert event.account is None
    post("/v1/group", {"type": "group", "userId": "early", "groupId": "acme", "traits": {"name": "Acme"}}, ingest_key)
    event.refresh_from_db()
    assert event.account.external_id == "acme"
    assert AccountDay.objects.for_tenant(world_a.tenant).get(account=event.account).by_feature == {"Login": 1}


def test_a_retried_message_never_counts_twice(world_a, ingest_key):
    message = {"type": "track", "userId": "u", "event": "Search", "messageId": "same",
               "context": {"groupId": "g"}}  # fmt: skip
    first = post("/v1/batch", {"batch": [message, message]}, ingest_key).json()
    again = post("/v1/track", message, ingest_key).json()
    assert (first["accepted"], first["duplicates"], again["accepted"], again["duplicates"]) == (1, 1, 0, 1)
    assert Event.objects.for_tenant(world_a.tenant).count() == 1
    assert AccountDay.objects.for_tenant(world_a.tenant).get().usage_events == 1


def test_message_ids_are_per_tenant(world_a, world_b, ingest_key):
    _, other = api_key_create(tenant=world_b.tenant, name="b", scopes=["ingest"])
    message = {"type": "track", "userId": "u", "event": "Search", "messageId": "shared"}
    assert post("/v1/track", message, ingest_key).json()["accepted"] == 1
    assert post("/v1/track", message, other).json()["accepted"] == 1


def test_clock_skew_is_corrected_like_segment(world_a, ingest_key):
    device_now = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)  # a device whose clock is years behind
    message = {"type": "track", "userId": "u", "event": "Open", "messageId": "s1",
               "originalTimestamp": iso(device_now - timedelta(minutes=5)), "sentAt": iso(device_now)}  # fmt: skip
    post("/v1/track", message, ingest_key)
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert abs((event.received_at - event.occurred_at) - timedelta(minutes=5)) < timedelta(seconds=1)


def test_a_backfilled_timestamp_without_sent_at_is_honoured(world_a, ingest_key):
    past = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    post("/v1/track", {"type": "track", "userId": "u", "event": "Old", "messageId": "b1", "timestamp": iso(past)},
         ingest_key)  # fmt: skip
    assert Event.objects.for_tenant(world_a.tenant).get().occurred_at == past


def test_a_batch_stores_valid_messages_and_reports_each_rejected_one(world_a, ingest_key):
    batch = {"batch": [
        {"type": "track", "userId": "u", "event": "Ok", "messageId": "ok"},
        {"type": "track", "event": "NoUser", "messageId": "bad1"},
        {"type": "track", "userId": "u", "messageId": "bad2"},
        {"type": "teleport", "userId": "u", "messageId": "bad3"},
        {"type": "group", "userId": "u", "groupId": "g", "traits": {"arr": "lots"}, "messageId": "bad4"},
        {"type": "identify", "userId": 12, "anonymousId": ["x"], "messageId": "bad5"},
    ]}  # fmt: skip
    body = post("/v1/batch", batch, ingest_key).json()
    assert body["accepted"] == 1
    reasons = {r["index"]: (r["messageId"], r["reason"]) for r in body["rejected"]}
    assert reasons[1] == ("bad1", "userId or anonymousId is required")
    assert reasons[2] == ("bad2", "event is required for track")
    assert reasons[3][0] == "bad3" and "type" in reasons[3][1]
    assert reasons[4] == ("bad4", "traits.arr must be a number")
    assert reasons[5][0] == "bad5" and "anonymousId" in reasons[5][1]
    assert IngestionError.objects.for_tenant(world_a.tenant).count() == 5
    assert Event.objects.for_tenant(world_a.tenant).count() == 1


def test_odd_values_reject_their_message_and_the_rest_is_stored(world_a, ingest_key):
    batch = {"batch": [
        {"type": "track", "userId": "u", "event": "Ok", "messageId": "ok", "context": {"group": "not-an-object"}},
        {"type": "track", "userId": "u", "event": "Odd", "messageId": "odd1", "context": {"groupId": ["g"]}},
        {"type": "page", "userId": "u", "messageId": "odd2", "properties": {"name": {"en": "Pricing"}}},
        {"type": "track", "userId": "u", "event": "Odd", "messageId": "odd3", "timestamp": "0001-01-01T00:00:00+01:00"},
    ]}  # fmt: skip
    response = post("/v1/batch", batch, ingest_key)
    assert response.status_code == 200
    assert [r["messageId"] for r in response.json()["rejected"]] == ["odd1", "odd2", "odd3"]
    assert list(Event.objects.for_tenant(world_a.tenant).values_list("message_id", flat=True)) == ["ok"]


def test_single_endpoints_take_bodies_without_a_type(world_a, ingest_key):
    assert post("/v1/identify", {"userId": "u", "traits": {"email": "u@example.com"}}, ingest_key).status_code == 200
    assert post("/v1/group", {"userId": "u", "groupId": "g"}, ingest_key).status_code == 200
    assert post("/v1/track", {"userId": "u", "event": "Use", "messageId": "t"}, ingest_key).status_code == 200
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.account.external_id, event.contact.email) == ("g", "u@example.com")


def test_a_batch_with_nothing_valid_is_a_400_with_its_receipt(ingest_key):
    response = post("/v1/batch", {"batch": [{"type": "track", "event": "x"}]}, ingest_key)
    assert response.status_code == 400 and response.json()["rejected"][0]["index"] == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"batch": [', 400, "invalid_batch"),
        (b"[]", 400, "invalid_batch"),
        (json.dumps({"batch": [{"type": "track"}] * 2501}).encode(), 400, "too_many_messages"),
        (json.dumps({"batch": [{"type": "track", "userId": "u", "event": "x" * 100}] * 5000}).encode(), 400,
         "batch_too_large"),
    ],
)  # fmt: skip
def test_bad_requests_say_what_is_wrong(ingest_key, body, status, code):
    response = post("/v1/batch", body, ingest_key)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code


def test_a_refused_request_is_logged_for_the_tenant_s_admins(world_a, world_b, ingest_key):
    post("/v1/batch", b'{"batch": [', ingest_key)
    post("/v1/batch", {"batch": [{"type": "track"}] * 2501}, ingest_key)
    post("/v1/batch", b'{"batch": [', "csp_wrongwrongwr_" + "x" * 43)  # no tenant to log it for
    logged = IngestionError.objects.for_tenant(world_a.tenant).order_by("pk")
    assert [e.reason.split(":")[0] for e in logged] == [
        "Invalid batch",
        "A batch may hold at most 2500 messages (2501 sent).",
    ]
    assert logged[0].payload == '{"batch": [' and logged[0].index is None
    assert not IngestionError.objects.for_tenant(world_b.tenant).exists()


def test_refused_requests_count_against_the_key_before_they_are_logged(world_a):
    _, key = api_key_create(tenant=world_a.tenant, name="noisy", scopes=["ingest"], rate_limit_per_minute=2)
    for _ in range(4):
        assert post("/v1/batch", b'{"batch": [', key).status_code == 400
    assert IngestionError.objects.for_tenant(world_a.tenant).count() == 2


def test_a_message_over_32_kb_is_rejected_by_name(ingest_key):
    big = {"type": "track", "userId": "u", "event": "Big", "messageId": "big", "properties": {"blob": "x" * 33_000}}
    body = post("/v1/batch", {"batch": [big, {"type": "track", "userId": "u", "event": "Small"}]}, ingest_key).json()
    assert body["accepted"] == 1 and body["rejected"][0]["reason"] == "message is larger than 32 KB"


def test_gzip_bodies_are_accepted(world_a, ingest_key):
    raw = gzip.compress(json.dumps({"batch": [{"type": "track", "userId": "u", "event": "Zip"}]}).encode())
    response = post("/v1/batch", raw, ingest_key, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200 and response.json()["accepted"] == 1


def test_a_gzip_bomb_is_refused(ingest_key):
    raw = gzip.compress(b'{"batch": [' + b" " * 5_000_000 + b"]}")
    response = post("/v1/batch", raw, ingest_key, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 413


def test_write_key_in_the_body_authenticates(world_a, ingest_key):
    response = post("/v1/track", {"type": "track", "userId": "u", "event": "Body", "writeKey": ingest_key})
    assert response.status_code == 200


@pytest.mark.parametrize("key", [None, "csp_wrongwrongwr_" + "x" * 43, "garbage"])
def test_missing_or_wrong_keys_get_401(db, key):
    response = post("/v1/track", {"type": "track", "userId": "u", "event": "x"}, key)
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_revoked_key_gets_401_and_stores_nothing(world_a):
    key, plaintext = api_key_create(tenant=world_a.tenant, name="old", scopes=["ingest"])
    api_key_revoke(tenant=world_a.tenant, api_key=key)
    assert post("/v1/track", {"type": "track", "userId": "u", "event": "x"}, plaintext).status_code == 401
    assert not Event.objects.for_tenant(world_a.tenant).exists()


def test_a_key_without_the_ingest_scope_gets_403(world_a):
    _, read_only = api_key_create(tenant=world_a.tenant, name="r", scopes=["read"])
    assert post("/v1/track", {"type": "track", "userId": "u", "event": "x"}, read_only).status_code == 403


def test_rate_limited_keys_get_429_with_retry_after(world_a):
    _, key = api_key_create(tenant=world_a.tenant, name="slow", scopes=["ingest"], rate_limit_per_minute=1)
    post("/v1/track", {"type": "track", "userId": "u", "event": "x"}, key)
    response = post("/v1/track", {"type": "track", "userId": "u", "event": "x"}, key)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_the_wrong_type_on_a_single_endpoint_is_rejected(ingest_key):
    response = post("/v1/track", {"type": "identify", "userId": "u"}, ingest_key)
    assert response.status_code == 400 and "type must be 'track'" in response.json()["rejected"][0]["reason"]


def test_alias_moves_pending_events_to_the_new_user_id(world_a, ingest_key):
    post("/v1/track", {"type": "track", "anonymousId": "anon", "userId": "anon-user", "event": "Visit"}, ingest_key)
    post("/v1/alias", {"type": "alias", "previousId": "anon-user", "userId": "real"}, ingest_key)
    post("/v1/group", {"type": "group", "userId": "real", "groupId": "co"}, ingest_key)
    assert Event.objects.for_tenant(world_a.tenant).get().account.external_id == "co"


def test_alias_from_an_anonymous_id_attributes_its_events_to_the_known_user(world_a, ingest_key):
    post("/v1/group", {"userId": "real", "groupId": "co"}, ingest_key)
    post("/v1/track", {"anonymousId": "visitor", "event": "Visit", "messageId": "v1"}, ingest_key)
    pending = Event.objects.for_tenant(world_a.tenant).get()
    assert pending.account is None and pending.user_id == ""
    post("/v1/alias", {"previousId": "visitor", "userId": "real"}, ingest_key)
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.user_id, event.account.external_id, event.contact.external_id) == ("real", "co", "real")
    assert AccountDay.objects.for_tenant(world_a.tenant).get().usage_events == 1


def test_alias_in_the_same_batch_takes_the_batch_s_own_events_along(world_a, ingest_key):
    post("/v1/group", {"userId": "real", "groupId": "co"}, ingest_key)
    batch = {"batch": [
        {"type": "alias", "previousId": "visitor", "userId": "real", "messageId": "a1"},
        {"type": "track", "anonymousId": "visitor", "event": "Signup", "messageId": "t1"},
    ]}  # fmt: skip
    assert post("/v1/batch", batch, ingest_key).json()["accepted"] == 2
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.user_id, event.account.external_id) == ("real", "co")


def test_alias_then_identify_in_one_batch_keeps_one_contact(world_a, ingest_key):
    post("/v1/group", {"userId": "old-id", "groupId": "co"}, ingest_key)
    batch = {"batch": [
        {"type": "alias", "previousId": "old-id", "userId": "new-id"},
        {"type": "identify", "userId": "new-id", "traits": {"title": "CFO"}},
    ]}  # fmt: skip
    assert post("/v1/batch", batch, ingest_key).json()["accepted"] == 2
    contact = Contact.objects.for_tenant(world_a.tenant).get()
    assert (contact.external_id, contact.title, contact.account.external_id) == ("new-id", "CFO", "co")


def test_an_anonymous_identify_is_accepted_and_keeps_nothing(world_a, ingest_key):
    response = post("/v1/identify", {"anonymousId": "visitor", "traits": {"email": "v@example.com"}}, ingest_key)
    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert not Contact.objects.for_tenant(world_a.tenant).exists()


def test_alias_leaves_other_visitors_and_tenants_alone(world_a, world_b, ingest_key):
    _, other_key = api_key_create(tenant=world_b.tenant, name="b", scopes=["ingest"])
    for key in (ingest_key, other_key):
        post("/v1/track", {"anonymousId": "visitor", "event": "Visit", "messageId": "v1"}, key)
        post("/v1/track", {"anonymousId": "someone-else", "event": "Visit", "messageId": "v2"}, key)
    post("/v1/alias", {"previousId": "visitor", "userId": "real"}, ingest_key)
    moved = dict(Event.objects.for_tenant(world_a.tenant).values_list("message_id", "user_id"))
    assert moved == {"v1": "real", "v2": ""}
    assert set(Event.objects.for_tenant(world_b.tenant).values_list("user_id", flat=True)) == {""}


def test_active_users_count_each_contact_once_a_day(world_a, ingest_key):
    batch = {"batch": [
        {"type": "track", "userId": user, "event": "Use", "context": {"groupId": "g"}}
        for user in ("a", "a", "b", "a")
    ]}  # fmt: skip
    post("/v1/batch", batch, ingest_key)
    day = AccountDay.objects.for_tenant(world_a.tenant).get()
    assert (day.usage_events, day.active_users) == (4, 2)
    assert ContactDay.objects.for_tenant(world_a.tenant).count() == 2


def test_a_query_parameter_is_refused_by_name_and_stores_nothing(world_a, ingest_key):
    """The tracking API reads no query parameters: one sent (a misplaced writeKey, a typo) is named."""
    message = {"type": "track", "userId": "u-q", "event": "Opened", "messageId": "q-1"}
    response = post("/v1/batch?writeKey=abc", {"batch": [message]}, ingest_key)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "unknown_parameter", "detail": "The tracking API reads no query parameters.", "attr": "writeKey"}
    ]
    assert not Event.objects.for_tenant(world_a.tenant).filter(message_id="q-1").exists()
