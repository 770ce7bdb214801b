"""Whatever a client posts to the typed events API, the answer is a 2xx or a 400 naming the fields, never a
500; a bulk request accounts for every item (stored, a duplicate, or rejected by index)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import EventType
from tests.indicators.test_segment_messages import json_values

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
BULK = "/api/v1/events/bulk/"
NAMES = ["Login", "ticket_opened", "email", "educational", "churn", "escalation", "champion_left",
         "onboarding_milestone", "first_value_reached", ""]  # fmt: skip
PROPERTY_KEYS = ["ticket_id", "severity", "direction", "csm", "content_id", "format", "amount", "currency",
                 "milestone", "feature", "note", "x"]  # fmt: skip
REFERENCE = object()  # replaced by the test's own account or contact id


def event_items():
    reference = st.sampled_from([REFERENCE]) | json_values
    return st.fixed_dictionaries(
        {"type": st.sampled_from([*EventType.values, "teleport"])},
        optional={
            "name": st.sampled_from(NAMES) | st.text(max_size=5),
            "account": reference, "contact": reference,
            "account_external_id": json_values, "contact_external_id": json_values,
            "occurred_at": st.sampled_from(["2026-06-01T10:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                            "yesterday"]) | json_values,
            "message_id": st.text(max_size=6) | json_values,
            "properties": st.dictionaries(st.sampled_from(PROPERTY_KEYS), json_values, max_size=4) | json_values,
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
