"""POST /api/v1/survey-responses/: single and bulk, contact by id, external id or email, de-duplicated."""

from datetime import timedelta

import pytest
from django.utils import timezone

from indicators.models import Event
from surveys.models import SurveyResponse
from tests.conftest import api_as
from tests.factories import ContactFactory

URL = "/api/v1/survey-responses/"


def stored(tenant):
    return SurveyResponse.objects.for_tenant(tenant)


@pytest.mark.parametrize("how", ["contact", "contact_external_id", "contact_email"])
def test_an_integration_records_a_response_naming_the_contact_any_way(key_client_a, world_a, contact_a, how):
    ref = {"contact": contact_a.pk, "contact_external_id": contact_a.external_id, "contact_email": contact_a.email}
    body = {how: ref[how], "score": 9, "comment": "Love it", "dedup_key": "tool-1"}
    answer = key_client_a.post(URL, body, format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["contact"], data["account"], data["category"], data["channel"], data["duplicate"]) == (
        contact_a.pk, contact_a.account_id, "promoter", "in_product", False,
    )  # fmt: skip
    assert Event.objects.for_tenant(world_a.tenant).filter(message_id=f"survey-response-{data['id']}").exists()


def test_a_repeated_dedup_key_returns_the_first_response_and_refuses_another_answer(key_client_a, world_a, contact_a):
    body = {"contact": contact_a.pk, "score": 4, "dedup_key": "same"}
    first = key_client_a.post(URL, body, format="json")
    second = key_client_a.post(URL, body, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["duplicate"] is True and second.json()["id"] == first.json()["id"]
    other_answer = key_client_a.post(URL, {**body, "score": 10}, format="json")
    assert other_answer.status_code == 422 and other_answer.json()["errors"][0]["attr"] == "dedup_key"
    assert stored(world_a.tenant).get().score == 4


@pytest.mark.parametrize(
    "body, attr",
    [
        ({"score": 11, "dedup_key": "x"}, "score"),
        ({"score": 5, "dedup_key": "k" * 192}, "dedup_key"),
        ({"score": 5, "dedup_key": "x", "contact_email": "nobody@example.com"}, "contact_email"),
        ({"score": 5, "dedup_key": "x", "tenant": 1}, "tenant"),
        ({"score": 5, "dedup_key": "x", "responded_at": "2999-01-01T00:00:00Z"}, "responded_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(key_client_a, contact_a, body, attr):
    body = {"contact": contact_a.pk, **body} if not attr.startswith("contact") else body
    answer = key_client_a.post(URL, body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["errors"][0]["attr"] == attr


def test_references_to_different_contacts_are_refused_and_agreeing_ones_accepted(key_client_a, contact_a):
    other = ContactFactory(account=contact_a.account)
    body = {"contact": contact_a.pk, "score": 5, "dedup_key": "x"}
    answer = key_client_a.post(URL, {**body, "contact_email": other.email}, format="json")
    assert answer.status_code == 400 and answer.json()["errors"][0]["attr"] == "contact"
    agreeing = key_client_a.post(URL, {**body, "contact_external_id": contact_a.external_id}, format="json")
    assert agreeing.status_code == 201 and agreeing.json()["contact"] == contact_a.pk


def test_bulk_stores_valid_items_and_reports_the_others_by_index(key_client_a, world_a, contact_a):
    other = ContactFactory(account=contact_a.account)
    when = (timezone.now() - timedelta(days=2)).isoformat()
    items = [
        {"contact": contact_a.pk, "score": 10, "dedup_key": "b1", "responded_at": when},
        {"contact_email": "ghost@example.com", "score": 3, "dedup_key": "b2"},
        {"contact_external_id": other.external_id, "score": 0, "dedup_key": "b3", "channel": "import"},
        {"contact": contact_a.pk, "score": 10, "dedup_key": "b1"},
    ]
    answer = key_client_a.post(URL + "bulk/", items, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["accepted"], body["duplicates"]) == (2, 1)
    assert [r["index"] for r in body["responses"]] == [0, 2, 3]
    assert [r["index"] for r in body["rejected"]] == [1]
    assert body["rejected"][0]["errors"][0]["attr"] == "contact_email"
    assert sorted(stored(world_a.tenant).values_list("score", flat=True)) == [0, 10]


def test_bulk_with_nothing_valid_is_a_400(key_client_a):
    answer = key_client_a.post(URL + "bulk/", [{"score": 3}], format="json")
    assert answer.status_code == 400
    assert key_client_a.post(URL + "bulk/", {"score": 3}, format="json").status_code == 400


def test_viewers_read_but_do_not_record(world_a, contact_a):
    viewer = api_as(world_a.viewer)
    assert viewer.get(URL).status_code == 200
    assert viewer.post(URL, {"contact": contact_a.pk, "score": 5, "dedup_key": "v"}, format="json").status_code == 403
