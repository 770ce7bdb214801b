"""Whatever a client posts to the typed events API, the answer is a 2xx or a 400 naming the fields, never a
500; a bulk request accounts for every item (stored, a duplicate, or rejected by index). Text the database
cannot hold (a NUL, a lone surrogate), ids beyond 64 bits and deep nesting are among what it posts."""

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Event, EventType
from tests.indicators.hostile_values import bad_texts, bad_values
from tests.indicators.test_segment_messages import json_values

huge_ids = st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**30])
values = json_values | bad_values | huge_ids

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
BULK = "/api/v1/events/bulk/"
NAMES = ["Login", "ticket_opened", "email", "educational", "churn", "escalation", "champion_left",
         "onboarding_milestone", "first_value_reached", ""]  # fmt: skip
PROPERTY_KEYS = ["ticket_id", "severity", "direction", "csm", "content_id", "format", "amount", "currency",
                 "milestone", "feature", "note", "x"]  # fmt: skip
REFERENCE = object()  # replaced by the test's own account or contact id


def event_items():
    reference = st.sampled_from([REFERENCE]) | json_values | huge_ids
    return st.fixed_dictionaries(
        {"type": st.sampled_from([*EventType.values, "teleport"])},
        optional={
            "name": st.sampled_from(NAMES) | st.text(max_size=5) | bad_texts,
            "account": reference, "contact": reference,
            "account_external_id": json_values, "contact_external_id": json_values,
            "occurred_at": st.sampled_from(["2026-06-01T10:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                            "yesterday"]) | json_values,
            "message_id": st.text(max_size=6) | values,
            "properties": st.dictionaries(st.sampled_from(PROPERTY_KEYS), values, max_size=4) | values,
            "source": st.just("mine"),
        },
    )  # fmt: skip


def named_errors(body) -> bool:
    """Each error has a code and says which field, unless the body as a whole is not JSON."""
    errors = body["errors"]
    return bool(errors) and all(e["code"] and (e["attr"] or e["code"] == "parse_error") for e in errors)


def resolved(item, account, contact):
    if not isinstance(item, dict):
        return item
    ids = {"account": account.pk, "contact": contact.pk}
    return {k: (ids.get(k, account.pk) if v is REFERENCE else v) for k, v in item.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(event_items() | json_values, min_size=1, max_size=5))
def test_any_bulk_request_gets_an_answer_for_every_item(key_client_a, account_a, contact_a, items):
    items = [resolved(item, account_a, contact_a) for item in items]
    response = key_client_a.post(BULK, json.dumps(items), content_type="application/json")
    assert response.status_code in (200, 201, 400), response.content
    body = response.json()
    if response.status_code == 400:
        assert named_errors(body)
        return
    assert body["accepted"] + body["duplicates"] + len(body["rejected"]) == len(items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=event_items() | json_values)
def test_any_single_event_gets_a_2xx_or_a_400_naming_the_field(key_client_a, account_a, contact_a, item):
    response = key_client_a.post(URL, json.dumps(resolved(item, account_a, contact_a)), content_type="application/json")
    assert response.status_code in (200, 201, 400), response.content
    if response.status_code == 400:
        assert named_errors(response.json())


sequence = itertools.count()


def strict_json(value) -> bool:
    """Whether ``value`` is JSON as the API reads it (no NaN or Infinity, which refuse the whole request)."""
    try:
        json.dumps(value, allow_nan=False, default=lambda reference: 0)  # REFERENCE: an id, later
    except ValueError:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    others=st.lists(event_items().filter(strict_json), max_size=2),
    key=st.sampled_from(["x", "note", "csm", "ticket_id"]),
    bad=bad_values | huge_ids,
    type_=st.sampled_from(["usage", "communication", "support"]),
    position=st.integers(0, 3),
)
def test_a_bad_item_is_rejected_alone_by_index(key_client_a, account_a, contact_a, others, key, bad, type_, position):
    n = next(sequence)
    good = {"type": "usage", "name": "Login", "account": account_a.pk, "message_id": f"good-{n}"}
    valid = {"usage": {}, "communication": {"direction": "proactive"}, "support": {"ticket_id": "T-1"}}[type_]
    item = {"type": type_, "name": "call", "account": account_a.pk, "message_id": f"bad-{n}",
            "properties": {**valid, key: bad}}  # fmt: skip
    if isinstance(bad, int) and not (key == "csm" and type_ == "communication"):
        # A large number is a fine free-form property (csm is an id on communications only): make it an id.
        item["properties"] = {**valid, "csm": bad} if type_ == "communication" else valid
        item["contact"] = bad
    items = [resolved(other, account_a, contact_a) for other in others] + [good]
    items.insert(min(position, len(items)), item)
    response = key_client_a.post(BULK, json.dumps(items), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    body = response.json()
    assert items.index(item) in {r["index"] for r in body["rejected"]}
    assert all(named_errors(r) for r in body["rejected"])
    assert Event.objects.for_tenant(account_a.tenant).filter(message_id=f"good-{n}").exists()
