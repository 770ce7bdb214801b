"""The typed events API: one schema per event type, bulk, de-duplication, tenancy, filters and roles."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Contact
from accounts.services.api_keys import api_key_create
from indicators.models import AccountDay, Event, EventType, Feature
from indicators.services.events import EventInput, events_record
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
BULK = "/api/v1/events/bulk/"


def key_client(tenant, scopes) -> APIClient:
    _, plaintext = api_key_create(tenant=tenant, name="+".join(scopes), scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def errors(response) -> list[tuple[str, str]]:
    return sorted((e["code"], e["attr"]) for e in response.json()["errors"])


def valid_bodies(account, contact, csm) -> dict[str, dict]:
    base = {"account": account.pk}
    return {
        "usage": {**base, "type": "usage", "name": "Report Exported", "contact": contact.pk, "properties": {"x": 1}},
        "support": {**base, "type": "support", "name": "ticket_opened",
                    "properties": {"ticket_id": "T-1", "severity": "high", "subject": "Export fails"}},
        "communication": {**base, "type": "communication", "name": "business_review",
                          "properties": {"direction": "proactive", "csm": csm.pk, "summary": "QBR"}},
        "content": {**base, "type": "content", "name": "educational",
                    "properties": {"content_id": "ed-01", "title": "First dashboard", "format": "webinar"}},
        "commercial": {**base, "type": "commercial", "name": "expansion",
                       "properties": {"amount": "1200.5", "reason": "More seats"}},
        "relationship": {**base, "type": "relationship", "name": "champion_left", "contact": contact.pk},
        "lifecycle": {**base, "type": "lifecycle", "name": "onboarding_milestone",
                      "properties": {"milestone": "data_connected"}},
    }  # fmt: skip


@pytest.mark.parametrize("kind", [t for t in EventType.values if t != "survey"])
def test_a_valid_event_of_each_type_is_stored_with_source_api(kind, key_client_a, world_a, account_a, contact_a):
    body = valid_bodies(account_a, contact_a, world_a.csm)[kind]
    response = key_client_a.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["type"], data["name"], data["account"], data["source"], data["duplicate"]) == (
        kind,
        body["name"],
        account_a.pk,
        "api",
        False,
    )
    event = Event.objects.for_tenant(world_a.tenant).get(pk=data["id"])
    assert (event.type, event.name, event.account_id, event.source) == (kind, body["name"], account_a.pk, "api")
    assert event.message_id.startswith("api-")
    assert AccountDay.objects.for_tenant(world_a.tenant).get(account=account_a).by_type == {kind: 1}


def test_properties_are_normalised_per_type(key_client_a, world_a, account_a, contact_a):
    bodies = valid_bodies(account_a, contact_a, world_a.csm)
    commercial = key_client_a.post(URL, bodies["commercial"], format="json").json()
    assert commercial["properties"] == {"amount": "1200.50", "currency": "USD", "reason": "More seats"}
    support = {**bodies["support"], "properties": {"ticket_id": 42}}
    assert key_client_a.post(URL, support, format="json").json()["properties"] == {
        "ticket_id": "42",
        "severity": "normal",
    }
    communication = key_client_a.post(URL, bodies["communication"], format="json").json()
    assert communication["properties"]["csm"] == world_a.csm.pk
    eur = {**bodies["commercial"], "properties": {"amount": 0, "currency": "eur"}}
    assert key_client_a.post(URL, eur, format="json").json()["properties"] == {"amount": "0.00", "currency": "EUR"}


def test_an_escalation_needs_no_amount_but_other_commercial_events_do(key_client_a, account_a):
    escalation = {"type": "commercial", "name": "escalation", "account": account_a.pk}
    assert key_client_a.post(URL, escalation, format="json").status_code == 201
    renewal = {**escalation, "name": "renewal"}
    response = key_client_a.post(URL, renewal, format="json")
    assert response.status_code == 400 and errors(response) == [("required", "properties.amount")]


BAD = {
    # case: (type, change to the valid body, errors expected)
    "usage without a name": ("usage", {"name": None}, [("null", "name")]),
    "usage name too long": ("usage", {"name": "x" * 201}, [("max_length", "name")]),
    "usage properties not an object": ("usage", {"properties": "clicked"}, [("not_a_dict", "properties")]),
    "support wrong name": ("support", {"name": "ticket_reopened"}, [("invalid_choice", "name")]),
    "support without ticket id": ("support", {"properties": {}}, [("required", "properties.ticket_id")]),
    "support without properties": ("support", {"properties": None}, [("null", "properties")]),
    "support unknown severity": (
        "support",
        {"properties": {"ticket_id": "1", "severity": "critical"}},
        [("invalid_choice", "properties.severity")],
    ),
    "support typo in a property": (
        "support",
        {"properties": {"ticket_id": "1", "severty": "low"}},
        [("unknown_field", "properties.severty")],
    ),
    "communication wrong name": ("communication", {"name": "sms"}, [("invalid_choice", "name")]),
    "communication without direction": (
        "communication",
        {"properties": {"summary": "hi"}},
        [("required", "properties.direction")],
    ),
    "communication csm not an id": (
        "communication",
        {"properties": {"direction": "reactive", "csm": "alice"}},
        [("incorrect_type", "properties.csm")],
    ),
    "content wrong name": ("content", {"name": "newsletter"}, [("invalid_choice", "name")]),
    "content without content id": ("content", {"properties": {"title": "T"}}, [("required", "properties.content_id")]),
    "content unknown format": (
        "content",
        {"properties": {"content_id": "c", "format": "podcast"}},
        [("invalid_choice", "properties.format")],
    ),
    "commercial wrong name": ("commercial", {"name": "upgrade"}, [("invalid_choice", "name")]),
    "commercial negative amount": ("commercial", {"properties": {"amount": -5}}, [("min_value", "properties.amount")]),
    "commercial amount not a number": (
        "commercial",
        {"properties": {"amount": "lots"}},
        [("invalid", "properties.amount")],
    ),
    "commercial bad currency": (
        "commercial",
        {"properties": {"amount": 1, "currency": "E1R"}},
        [("invalid", "properties.currency")],
    ),
    "relationship wrong name": ("relationship", {"name": "contact_promoted"}, [("invalid_choice", "name")]),
    "relationship without contact": ("relationship", {"contact": None}, [("required", "contact")]),
    "lifecycle wrong name": ("lifecycle", {"name": "renewed"}, [("invalid_choice", "name")]),
    "lifecycle milestone missing": ("lifecycle", {"properties": {}}, [("required", "properties.milestone")]),
    "lifecycle milestone not text": (
        "lifecycle",
        {"properties": {"milestone": ["a"]}},
        [("invalid", "properties.milestone")],
    ),
}


@pytest.mark.parametrize("case", BAD.keys())
def test_an_invalid_event_is_a_400_naming_the_field(case, key_client_a, world_a, account_a, contact_a):
    kind, change, expected = BAD[case]
    body = {**valid_bodies(account_a, contact_a, world_a.csm)[kind], **change}
    response = key_client_a.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["type"] == "validation_error"
    assert errors(response) == expected
    assert not Event.objects.for_tenant(world_a.tenant).exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "x"}, [("required", "type")]),
        ({"type": "gossip", "name": "x"}, [("invalid_choice", "type")]),
        ({"type": "usage", "name": "x"}, [("required", "account")]),
        ({"type": "usage", "name": "x", "account": 1, "tenant": 1}, [("unknown_field", "tenant")]),
        ({"type": "usage", "name": "x", "account": 1, "source": "crm"}, [("read_only", "source")]),
    ],
)
def test_the_envelope_is_checked_before_the_type(body, expected, key_client_a, account_a):
    body = {**body, "account": account_a.pk} if "account" in body else body
    response = key_client_a.post(URL, body, format="json")
    assert response.status_code == 400 and errors(response) == expected


def test_survey_answers_are_pointed_to_their_own_endpoint(key_client_a, account_a):
    response = key_client_a.post(URL, {"type": "survey", "name": "nps", "account": account_a.pk}, format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["attr"] == "type" and "/api/v1/survey-responses/" in error["detail"]


def test_a_repeated_message_id_answers_200_with_the_event_stored_first(key_client_a, world_a, account_a):
    body = {"type": "support", "name": "ticket_opened", "account": account_a.pk, "message_id": "zendesk-1",
            "properties": {"ticket_id": "1"}}  # fmt: skip
    first = key_client_a.post(URL, body, format="json")
    again = key_client_a.post(URL, {**body, "name": "ticket_closed"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert again.json()["name"] == "ticket_opened"
    assert Event.objects.for_tenant(world_a.tenant).count() == 1
    assert AccountDay.objects.for_tenant(world_a.tenant).get().events == 1


def test_message_ids_are_per_tenant(key_client_a, world_a, world_b, account_b):
    Event.objects.create(
        tenant=world_b.tenant, account=account_b, type="usage", name="x", occurred_at=timezone.now(),
        received_at=timezone.now(), source="api", message_id="shared",
    )  # fmt: skip
    account = AccountFactory(tenant=world_a.tenant)
    body = {"type": "usage", "name": "Login", "account": account.pk, "message_id": "shared"}
    assert key_client_a.post(URL, body, format="json").status_code == 201


def test_the_contact_must_belong_to_the_account(key_client_a, world_a, account_a):
    elsewhere = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    body = {"type": "usage", "name": "Login", "account": account_a.pk, "contact": elsewhere.pk}
    response = key_client_a.post(URL, body, format="json")
    assert response.status_code == 400 and errors(response) == [("invalid", "contact")]
    by_external_id = {"type": "usage", "name": "Login", "account": account_a.pk,
                      "contact_external_id": elsewhere.external_id}  # fmt: skip
    response = key_client_a.post(URL, by_external_id, format="json")
    assert response.status_code == 400 and errors(response) == [("invalid", "contact_external_id")]


def test_another_tenants_rows_answer_does_not_exist_like_missing_ones(key_client_a, world_a, world_b, account_a):
    theirs = AccountFactory(tenant=world_b.tenant)
    their_contact = ContactFactory(account=theirs)
    cases = {
        "account": {"account": theirs.pk},
        "contact": {"account": account_a.pk, "contact": their_contact.pk},
        "account_external_id": {"account_external_id": theirs.external_id},
        "contact_external_id": {"account": account_a.pk, "contact_external_id": their_contact.external_id},
    }
    for attr, ids in cases.items():
        response = key_client_a.post(URL, {"type": "usage", "name": "Login", **ids}, format="json")
        assert response.status_code == 400 and errors(response) == [("does_not_exist", attr)], attr
    missing = key_client_a.post(URL, {"type": "usage", "name": "Login", "account": 999999}, format="json")
    assert (
        missing.json()["errors"][0]["detail"].replace("999999", str(theirs.pk))
        == key_client_a.post(URL, {"type": "usage", "name": "Login", "account": theirs.pk}, format="json").json()[
            "errors"
        ][0]["detail"]
    )
    their_csm = {"type": "communication", "name": "call", "account": account_a.pk,
                 "properties": {"direction": "proactive", "csm": world_b.csm.pk}}  # fmt: skip
    response = key_client_a.post(URL, their_csm, format="json")
    assert response.status_code == 400 and errors(response) == [("does_not_exist", "properties.csm")]
    assert not Event.unscoped.filter(tenant=world_a.tenant).exists()


def test_accounts_and_contacts_may_be_named_by_external_id(key_client_a, world_a, account_a, contact_a):
    body = {"type": "relationship", "name": "executive_sponsor_engaged",
            "account_external_id": account_a.external_id, "contact_external_id": contact_a.external_id}  # fmt: skip
    response = key_client_a.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["account"], response.json()["contact"]) == (account_a.pk, contact_a.pk)
    both = {**body, "account": AccountFactory(tenant=world_a.tenant).pk}
    response = key_client_a.post(URL, both, format="json")
    assert response.status_code == 400 and errors(response) == [("invalid", "account_external_id")]


def test_occurred_at_defaults_to_now_and_may_not_be_more_than_minutes_ahead(key_client_a, account_a):
    body = {"type": "usage", "name": "Login", "account": account_a.pk}
    before = timezone.now()
    stored = key_client_a.post(URL, body, format="json").json()
    assert datetime.fromisoformat(stored["occurred_at"]) >= before - timedelta(seconds=1)
    soon = (timezone.now() + timedelta(minutes=3)).isoformat()  # clocks disagree by a few minutes
    assert key_client_a.post(URL, {**body, "occurred_at": soon}, format="json").status_code == 201
    later = (timezone.now() + timedelta(hours=2)).isoformat()  # it counts from its moment, not before
    response = key_client_a.post(URL, {**body, "occurred_at": later}, format="json")
    assert response.status_code == 400 and errors(response) == [("future", "occurred_at")]


def test_usage_registers_unknown_features_and_marks_the_contact_seen(key_client_a, world_a, account_a, contact_a):
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    body = {"type": "usage", "name": "Forecast Published", "account": account_a.pk, "contact": contact_a.pk,
            "occurred_at": at.isoformat()}  # fmt: skip
    assert key_client_a.post(URL, body, format="json").status_code == 201
    feature = Feature.objects.for_tenant(world_a.tenant).get(key="Forecast Published")
    assert feature.is_core_value is False
    contact = Contact.objects.for_tenant(world_a.tenant).get(pk=contact_a.pk)
    assert contact.first_seen_at == at and contact.last_seen_at == at
    day = AccountDay.objects.for_tenant(world_a.tenant).get(account=account_a)
    assert (day.usage_events, day.active_users, day.by_feature) == (1, 1, {"Forecast Published": 1})


def test_touched_accounts_are_queued_for_recompute_after_commit(
    key_client_a, account_a, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("indicators.stale.marks.hint_send", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        key_client_a.post(URL, {"type": "usage", "name": "Login", "account": account_a.pk}, format="json")
    assert queued == [{"tenant_id": account_a.tenant_id, "account_ids": {account_a.pk}}]


# --- bulk ----------------------------------------------------------------------------------------------


def test_bulk_stores_the_valid_events_and_reports_each_invalid_one_by_index(key_client_a, world_a, account_a):
    items = [
        {"type": "usage", "name": "Login", "account": account_a.pk, "message_id": "m1"},
        {"type": "support", "name": "ticket_opened", "account": account_a.pk, "properties": {}},
        {"type": "commercial", "name": "churn", "account": account_a.pk, "properties": {"amount": "9"}},
        "not an event",
        {"type": "usage", "name": "Login", "account": account_a.pk, "message_id": "m1"},
    ]
    response = key_client_a.post(BULK, items, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["accepted"], body["duplicates"]) == (2, 1)
    assert [(e["index"], e["duplicate"]) for e in body["events"]] == [(0, False), (2, False), (4, True)]
    assert body["events"][0]["id"] == body["events"][2]["id"]
    assert body["rejected"] == [
        {"index": 1, "type": "validation_error",
         "errors": [{"code": "required", "detail": "This field is required.", "attr": "properties.ticket_id"}]},
        {"index": 3, "type": "validation_error",
         "errors": [{"code": "invalid", "detail": "Expected an object, got str.", "attr": "non_field_errors"}]},
    ]  # fmt: skip
    assert Event.objects.for_tenant(world_a.tenant).count() == 2


def test_bulk_with_only_invalid_events_is_a_400_whose_attrs_start_with_the_index(key_client_a, account_a):
    items = [{"type": "usage", "account": account_a.pk}, {"type": "survey", "name": "nps", "account": account_a.pk}]
    response = key_client_a.post(BULK, items, format="json")
    assert response.status_code == 400
    assert errors(response) == [("required", "0.name"), ("unsupported_type", "1.type")]


def test_bulk_of_only_known_message_ids_answers_200(key_client_a, account_a):
    items = [{"type": "usage", "name": "Login", "account": account_a.pk, "message_id": "again"}]
    assert key_client_a.post(BULK, items, format="json").status_code == 201
    response = key_client_a.post(BULK, items, format="json")
    assert response.status_code == 200 and response.json()["duplicates"] == 1


@pytest.mark.parametrize("payload", [[], {"type": "usage"}, "events"])
def test_bulk_wants_a_non_empty_array(payload, key_client_a):
    response = key_client_a.post(BULK, payload, format="json")
    assert response.status_code == 400 and errors(response) == [("invalid", "non_field_errors")]


def test_bulk_takes_at_most_a_thousand_events(key_client_a, account_a):
    item = {"type": "usage", "name": "Login", "account": account_a.pk}
    assert key_client_a.post(BULK, [item] * 1001, format="json").status_code == 400
    response = key_client_a.post(BULK, [item] * 1000, format="json")
    assert response.status_code == 201 and response.json()["accepted"] == 1000


def test_bulk_checks_tenancy_of_every_item(key_client_a, world_a, world_b, account_a):
    theirs = AccountFactory(tenant=world_b.tenant)
    their_contact = ContactFactory(account=theirs)
    items = [
        {"type": "usage", "name": "Login", "account": theirs.pk},
        {"type": "usage", "name": "Login", "account_external_id": theirs.external_id},
        {"type": "usage", "name": "Login", "account": account_a.pk, "contact": their_contact.pk},
        {"type": "communication", "name": "call", "account": account_a.pk,
         "properties": {"direction": "reactive", "csm": world_b.admin.pk}},
        {"type": "usage", "name": "Login", "account": account_a.pk},
    ]  # fmt: skip
    body = key_client_a.post(BULK, items, format="json").json()
    assert [(r["index"], r["errors"][0]["code"], r["errors"][0]["attr"]) for r in body["rejected"]] == [
        (0, "does_not_exist", "account"),
        (1, "does_not_exist", "account_external_id"),
        (2, "does_not_exist", "contact"),
        (3, "does_not_exist", "properties.csm"),
    ]
    assert body["accepted"] == 1
    assert not Event.unscoped.filter(tenant=world_b.tenant).exists()


def test_bulk_validates_a_thousand_events_in_a_few_queries(
    key_client_a, account_a, contact_a, django_assert_max_num_queries
):
    items = [
        {"type": "usage", "name": f"F{i % 5}", "account": account_a.pk, "contact": contact_a.pk} for i in range(1000)
    ]
    with django_assert_max_num_queries(40):
        response = key_client_a.post(BULK, items, format="json")
    assert response.status_code == 201


# --- who may do what -----------------------------------------------------------------------------------


def test_posting_needs_the_ingest_or_write_scope_and_reading_needs_read(world_a, account_a):
    body = {"type": "usage", "name": "Login", "account": account_a.pk}
    ingest, write, read = (key_client(world_a.tenant, [s]) for s in ("ingest", "write", "read"))
    assert ingest.post(URL, body, format="json").status_code == 201
    assert write.post(BULK, [body], format="json").status_code == 201
    assert read.post(URL, body, format="json").status_code == 403
    assert ingest.get(URL).status_code == 403
    assert read.get(URL).status_code == 200


def test_csms_and_admins_record_events_and_viewers_only_read(world_a, account_a):
    body = {"type": "communication", "name": "call", "account": account_a.pk, "properties": {"direction": "proactive"}}
    assert api_as(world_a.admin).post(URL, body, format="json").status_code == 201
    assert api_as(world_a.csm).post(URL, body, format="json").status_code == 201
    viewer = api_as(world_a.viewer)
    assert viewer.post(URL, body, format="json").status_code == 403
    assert len(viewer.get(URL).json()["results"]) == 2


# --- reading -------------------------------------------------------------------------------------------


def record(tenant, account, **fields) -> int:
    defaults = {"type": "usage", "name": "Login", "occurred_at": timezone.now(), "account_id": account.pk}
    return events_record(tenant=tenant, items=[EventInput(**{**defaults, **fields})]).events[0].event_id


def results(client, query="") -> list[int]:
    response = client.get(URL + query)
    assert response.status_code == 200, response.json()
    return [e["id"] for e in response.json()["results"]]


def test_list_filters_and_ordering(key_client_a, world_a, account_a, contact_a):
    t = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    other = AccountFactory(tenant=world_a.tenant)
    login = record(world_a.tenant, account_a, occurred_at=t, contact_id=contact_a.pk)
    ticket = record(world_a.tenant, account_a, type="support", name="ticket_opened", occurred_at=t + timedelta(hours=1))
    call = record(world_a.tenant, other, type="communication", name="call", occurred_at=t + timedelta(hours=2))
    Event.objects.for_tenant(world_a.tenant).filter(pk=call).update(source="segment")
    assert results(key_client_a) == [call, ticket, login]
    assert results(key_client_a, "?ordering=occurred_at") == [login, ticket, call]
    assert results(key_client_a, f"?account={account_a.pk}") == [ticket, login]
    assert results(key_client_a, f"?contact={contact_a.pk}") == [login]
    assert results(key_client_a, "?type=support&type=communication") == [call, ticket]
    assert results(key_client_a, "?name=call") == [call]
    assert results(key_client_a, "?source=segment") == [call]
    window = {"occurred_at_after": t + timedelta(minutes=30), "occurred_at_before": t + timedelta(minutes=90)}
    assert results(key_client_a, "?" + urlencode({k: v.isoformat() for k, v in window.items()})) == [ticket]
    page = key_client_a.get(URL + "?limit=2").json()
    assert [e["id"] for e in page["results"]] == [call, ticket] and page["next"]
    assert [e["id"] for e in key_client_a.get(page["next"]).json()["results"]] == [login]


def test_another_tenants_events_are_never_listed_or_retrieved(key_client_a, world_a, world_b, account_a, account_b):
    mine = record(world_a.tenant, account_a)
    theirs = record(world_b.tenant, account_b)
    assert results(key_client_a) == [mine]
    assert key_client_a.get(f"{URL}{mine}/").json()["id"] == mine
    assert key_client_a.get(f"{URL}{theirs}/").status_code == 404
    response = key_client_a.get(f"{URL}?account={account_b.pk}")
    assert response.status_code == 400 and errors(response) == [("invalid_choice", "account")]
