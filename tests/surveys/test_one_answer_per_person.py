"""One person, one answer: a second answer from a contact to a survey within the amend window amends the
first, whether it came through the page, the API (single or bulk) or a CSV import; outside it, it is new."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from indicators.models import Event
from surveys.models import Channel, SurveyResponse
from surveys.signals import response_recorded
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory, ContactFactory, TenantFactory
from tests.surveys.conftest import link_path, make_send, make_survey

URL = "/api/v1/survey-responses/"


def stored(tenant):
    return SurveyResponse.objects.for_tenant(tenant)


def post(client, body, **headers):
    return client.post(URL, body, format="json", **headers)


def ago(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


def test_two_api_answers_from_one_contact_within_the_window_count_that_person_once(
    key_client_a, world_a, contact_a, survey_a
):
    other = ContactFactory(account=contact_a.account)
    first = post(key_client_a, {"contact": contact_a.pk, "survey": survey_a.pk, "score": 3, "dedup_key": "t-1"})
    second = post(key_client_a, {"contact": contact_a.pk, "survey": survey_a.pk, "score": 9, "dedup_key": "t-2"})
    post(key_client_a, {"contact": other.pk, "survey": survey_a.pk, "score": 10, "dedup_key": "t-3"})
    assert (first.status_code, second.status_code) == (201, 200), second.content
    assert (second.json()["outcome"], second.json()["id"], second.json()["score"]) == (
        "amended", first.json()["id"], 9,
    )  # fmt: skip
    assert second.json()["amended_at"] is not None and second.json()["duplicate"] is False
    summary = key_client_a.get("/api/v1/nps/summary/", {"survey": survey_a.pk}).json()
    assert (summary["responses"], summary["promoters"], summary["detractors"]) == (2, 2, 0)


def test_answers_further_apart_than_the_window_are_two_answers(key_client_a, world_a, contact_a, survey_a):
    body = {"contact": contact_a.pk, "survey": survey_a.pk}
    first = post(key_client_a, {**body, "score": 3, "responded_at": ago(hours=25)})
    second = post(key_client_a, {**body, "score": 9})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["outcome"] == "created"
    assert key_client_a.get("/api/v1/nps/summary/").json()["responses"] == 2


def test_the_window_is_the_tenants_setting(key_client_a, world_a, contact_a):
    world_a.tenant.settings = {**(world_a.tenant.settings or {}), "survey_amend_hours": 72}
    world_a.tenant.save()
    first = post(key_client_a, {"contact": contact_a.pk, "score": 3, "responded_at": ago(hours=50)})
    second = post(key_client_a, {"contact": contact_a.pk, "score": 9})
    assert (first.status_code, second.status_code) == (201, 200)
    assert stored(world_a.tenant).get().score == 9


def test_answers_to_different_surveys_are_separate(key_client_a, world_a, contact_a, survey_a):
    other_survey = make_survey(world_a.tenant, name="Onboarding")
    post(key_client_a, {"contact": contact_a.pk, "survey": survey_a.pk, "score": 3})
    answer = post(key_client_a, {"contact": contact_a.pk, "survey": other_survey.pk, "score": 9})
    assert answer.status_code == 201 and stored(world_a.tenant).count() == 2


def test_an_amendment_goes_the_amend_way_with_its_event_and_signal(key_client_a, world_a, contact_a):
    seen = []

    def listener(sender, response, created, **kwargs):
        seen.append((response.score, created))

    response_recorded.connect(listener)
    try:
        post(key_client_a, {"contact": contact_a.pk, "score": 3, "comment": "Slow"})
        post(key_client_a, {"contact": contact_a.pk, "score": 8, "comment": "Better now"})
    finally:
        response_recorded.disconnect(listener)
    assert seen == [(3, True), (8, False)]
    response = stored(world_a.tenant).get()
    assert (response.score, response.category, response.comment) == (8, "passive", "Better now")
    events = Event.objects.for_tenant(world_a.tenant).filter(name="nps_response").order_by("pk")
    assert [e.properties["score"] for e in events] == [3, 8]


def test_an_older_answer_arriving_late_does_not_overwrite_the_newer_one(key_client_a, world_a, contact_a):
    newer = post(key_client_a, {"contact": contact_a.pk, "score": 9, "responded_at": ago(hours=1)})
    older = post(key_client_a, {"contact": contact_a.pk, "score": 2, "responded_at": ago(hours=3)})
    assert (newer.status_code, older.status_code) == (201, 200)
    assert (older.json()["outcome"], older.json()["id"], older.json()["score"]) == (
        "unchanged", newer.json()["id"], 9,
    )  # fmt: skip
    assert stored(world_a.tenant).get().score == 9


def test_an_answer_without_dedup_key_is_stored_with_201_and_a_retry_stores_nothing_new(
    key_client_a, world_a, contact_a
):
    body = {"contact": contact_a.pk, "score": 7, "comment": "Fine"}
    first = post(key_client_a, body)
    retry = post(key_client_a, body)
    assert first.status_code == 201, first.content
    assert first.json()["dedup_key"]  # generated
    assert (retry.status_code, retry.json()["outcome"], retry.json()["id"]) == (200, "unchanged", first.json()["id"])
    assert stored(world_a.tenant).count() == 1
    assert Event.objects.for_tenant(world_a.tenant).filter(name="nps_response").count() == 1


def test_the_idempotency_key_header_is_the_key_when_the_body_has_none(key_client_a, world_a, contact_a):
    body = {"contact": contact_a.pk, "score": 6}
    first = post(key_client_a, body, HTTP_IDEMPOTENCY_KEY="order-42")
    replay = post(key_client_a, body, HTTP_IDEMPOTENCY_KEY='"order-42"')  # a structured-field string
    assert (first.status_code, first.json()["dedup_key"]) == (201, "order-42")
    assert (replay.status_code, replay.json()["outcome"], replay.json()["duplicate"]) == (200, "duplicate", True)
    reused = post(key_client_a, {**body, "score": 1}, HTTP_IDEMPOTENCY_KEY="order-42")
    assert reused.status_code == 422, reused.content
    assert reused.json()["errors"][0]["attr"] == "Idempotency-Key"
    assert reused.json()["errors"][0]["code"] == "key_reused"
    assert stored(world_a.tenant).get().score == 6


def test_a_key_in_the_body_and_a_different_one_in_the_header_are_refused(key_client_a, contact_a):
    answer = post(key_client_a, {"contact": contact_a.pk, "score": 6, "dedup_key": "a"}, HTTP_IDEMPOTENCY_KEY="b")
    assert answer.status_code == 400 and answer.json()["errors"][0]["attr"] == "dedup_key"
    too_long = post(key_client_a, {"contact": contact_a.pk, "score": 6}, HTTP_IDEMPOTENCY_KEY="k" * 200)
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["attr"] == "Idempotency-Key"


def test_a_dedup_key_reused_for_a_different_answer_is_a_422_naming_it(key_client_a, world_a, contact_a):
    other = ContactFactory(account=contact_a.account)
    post(key_client_a, {"contact": contact_a.pk, "score": 4, "dedup_key": "same"})
    for body in ({"contact": contact_a.pk, "score": 10}, {"contact": other.pk, "score": 4}):
        reused = post(key_client_a, {**body, "dedup_key": "same"})
        assert reused.status_code == 422, reused.content
        assert reused.json()["errors"][0] == {
            "code": "key_reused", "attr": "dedup_key",
            "detail": "This key was already sent with a different answer; use a new key for a new answer.",
        }  # fmt: skip
    assert list(stored(world_a.tenant).values_list("contact_id", "score")) == [(contact_a.pk, 4)]


def test_a_key_that_amended_an_answer_is_remembered_too(key_client_a, world_a, contact_a):
    post(key_client_a, {"contact": contact_a.pk, "score": 4, "dedup_key": "k-1"})
    post(key_client_a, {"contact": contact_a.pk, "score": 8, "dedup_key": "k-2"})
    post(key_client_a, {"contact": contact_a.pk, "score": 9, "dedup_key": "k-3"})
    replay = post(key_client_a, {"contact": contact_a.pk, "score": 8, "dedup_key": "k-2"})
    assert (replay.status_code, replay.json()["outcome"], replay.json()["score"]) == (200, "duplicate", 9)
    reused = post(key_client_a, {"contact": contact_a.pk, "score": 1, "dedup_key": "k-2"})
    assert reused.status_code == 422 and stored(world_a.tenant).get().score == 9


def test_bulk_applies_the_same_rule_item_by_item(key_client_a, world_a, contact_a):
    other = ContactFactory(account=contact_a.account)
    items = [
        {"contact": contact_a.pk, "score": 2, "responded_at": ago(hours=2)},
        {"contact": contact_a.pk, "score": 9, "responded_at": ago(hours=1)},
        {"contact": other.pk, "score": 10},
        {"contact": contact_a.pk, "score": 5, "responded_at": ago(days=3)},
    ]
    answer = key_client_a.post(URL + "bulk/", items, format="json", HTTP_IDEMPOTENCY_KEY="sync-7")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["accepted"], body["amended"], body["duplicates"]) == (3, 1, 0)
    assert [r["outcome"] for r in body["responses"]] == ["created", "amended", "created", "created"]
    assert [r["dedup_key"] for r in body["responses"]][2] == "sync-7-2"
    assert sorted(stored(world_a.tenant).values_list("score", flat=True)) == [5, 9, 10]
    again = key_client_a.post(URL + "bulk/", items, format="json", HTTP_IDEMPOTENCY_KEY="sync-7")
    assert again.status_code == 200
    assert [r["outcome"] for r in again.json()["responses"]] == ["duplicate"] * 4
    changed = [{**items[0], "score": 0}]
    refused = key_client_a.post(URL + "bulk/", changed, format="json", HTTP_IDEMPOTENCY_KEY="sync-7")
    assert refused.status_code == 422 and refused.json()["errors"][0]["attr"] == "0.Idempotency-Key"


@pytest.fixture
def public():
    return Client(enforce_csrf_checks=True)


def answer_on_the_page(public, send, score, comment=""):
    path = link_path(send)
    page = public.get(path)
    token = page.cookies["csrftoken"].value
    return public.post(path, {"csrfmiddlewaretoken": token, "score": score, "comment": comment})


def test_an_api_answer_after_a_page_answer_amends_it(public, key_client_a, world_a, contact_a, survey_a):
    send = make_send(survey_a, contact_a)
    assert answer_on_the_page(public, send, "3").status_code == 302
    answer = post(key_client_a, {"contact": contact_a.pk, "survey": survey_a.pk, "score": 9})
    assert (answer.status_code, answer.json()["outcome"], answer.json()["send"]) == (200, "amended", send.pk)
    assert stored(world_a.tenant).get().score == 9


def test_a_page_answer_after_an_api_answer_amends_it_and_the_page_shows_it(
    public, key_client_a, world_a, contact_a, survey_a
):
    send = make_send(survey_a, contact_a)
    post(key_client_a, {"contact": contact_a.pk, "survey": survey_a.pk, "score": 3})
    assert answer_on_the_page(public, send, "8", "Changed my mind").status_code == 302
    response = stored(world_a.tenant).get()
    assert (response.score, response.comment, response.send_id) == (8, "Changed my mind", send.pk)
    send.refresh_from_db()
    assert send.answered_at is not None
    assert "Changed my mind" in public.get(link_path(send)).content.decode()
    assert answer_on_the_page(public, send, "10").status_code == 302  # amended again, through the page
    assert stored(world_a.tenant).get().score == 10


CSV = "contact_id,score,comment,responded_at\n"


def import_csv(client, world, text):
    admin = session_client(client, world.admin)
    upload = SimpleUploadedFile("r.csv", text.encode())
    return admin.post("/admin/surveys/responses-import/", {"file": upload, "action": "import"})


def test_an_import_applies_the_same_rule_in_the_file_and_against_stored_answers(
    client, key_client_a, world_a, contact_a
):
    other = ContactFactory(account=contact_a.account)
    post(key_client_a, {"contact": other.pk, "score": 4, "responded_at": ago(hours=5)})
    text = (
        CSV
        + f"{contact_a.pk},2,First,{ago(hours=6)}\n"
        + f"{contact_a.pk},9,Second thoughts,{ago(hours=4)}\n"
        + f"{other.pk},7,,{ago(hours=3)}\n"
        + f"{contact_a.pk},6,A month ago,{ago(days=30)}\n"
    )
    page = import_csv(client, world_a, text)
    assert page.status_code == 200
    rows = [row.outcome for row in page.context["result"].rows]
    assert rows == ["created", "amended", "amended", "created"]
    assert sorted(stored(world_a.tenant).values_list("contact_id", "score")) == sorted(
        [(contact_a.pk, 9), (contact_a.pk, 6), (other.pk, 7)]
    )
    assert page.context["result"].amended == 2


def test_the_three_doors_give_the_same_count(public, client, key_client_a, world_a, survey_a):
    """Three people each answer twice within the window, each through another door: three answers."""
    by_page, by_api, by_import = (ContactFactory(account=AccountFactory(tenant=world_a.tenant)) for _ in range(3))
    send = make_send(survey_a, by_page)
    answer_on_the_page(public, send, "2")
    answer_on_the_page(public, send, "9")
    for score in (2, 9):
        post(key_client_a, {"contact": by_api.pk, "survey": survey_a.pk, "score": score})
    import_csv(client, world_a, CSV + f"{by_import.pk},2,,{ago(hours=2)}\n{by_import.pk},9,,{ago(hours=1)}\n")
    summary = key_client_a.get("/api/v1/nps/summary/").json()
    assert (summary["responses"], summary["promoters"], summary["detractors"]) == (3, 3, 0)


def test_a_contact_or_survey_of_another_tenant_is_refused_naming_the_field(key_client_a, world_a, world_b, contact_a):
    theirs = ContactFactory(account=AccountFactory(tenant=world_b.tenant))
    their_survey = make_survey(world_b.tenant)
    for body, attr in (
        ({"contact": theirs.pk, "score": 9}, "contact"),
        ({"contact_email": theirs.email, "score": 9}, "contact_email"),
        ({"contact": contact_a.pk, "survey": their_survey.pk, "score": 9}, "survey"),
    ):
        answer = post(key_client_a, body)
        assert answer.status_code == 400 and answer.json()["errors"][0]["attr"] == attr
    assert not stored(world_a.tenant).exists() and not stored(world_b.tenant).exists()


def test_another_tenants_answer_from_the_same_key_is_neither_found_nor_amended(
    key_client_a, world_a, world_b, contact_a
):
    theirs = ContactFactory(account=AccountFactory(tenant=world_b.tenant))
    b_client = api_as(world_b.admin)
    assert post(b_client, {"contact": theirs.pk, "score": 1, "dedup_key": "shared"}).status_code == 201
    mine = post(key_client_a, {"contact": contact_a.pk, "score": 9, "dedup_key": "shared"})
    assert (mine.status_code, mine.json()["outcome"]) == (201, "created")
    assert stored(world_b.tenant).get().score == 1


def test_the_schema_documents_what_happened(client):
    schema = client.get("/api/schema/?format=json").json()
    create = schema["paths"]["/api/v1/survey-responses/"]["post"]
    assert {"200", "201", "422"} <= set(create["responses"])
    created = schema["components"]["schemas"]["SurveyResponseCreated"]["properties"]
    assert "outcome" in created and "amended" in created["outcome"]["description"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    body = schema["components"]["schemas"]["SurveyResponseInputRequest"]
    assert "dedup_key" not in body.get("required", [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_answers_from_one_contact_at_the_same_moment_are_one_answer(monkeypatch):
    """The second waits for the first: without the contact's lock both would find nothing and both create."""
    from surveys.services import responses as service

    contact = ContactFactory(account=AccountFactory(tenant=TenantFactory()))
    tenant = contact.tenant
    create = service._create

    def slow_create(*args, **kwargs):
        time.sleep(0.3)  # holds the window between "no answer yet" and the insert wide open
        return create(*args, **kwargs)

    monkeypatch.setattr(service, "_create", slow_create)
    start, outcomes = threading.Barrier(2), []

    def answer(score: int) -> None:
        try:
            start.wait(5)
            recorded = service.response_record(
                tenant=tenant, contact=contact, score=score, dedup_key=f"c-{score}", channel=Channel.IN_PRODUCT
            )
            outcomes.append(recorded.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(score,)) for score in (3, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    close_old_connections()
    assert sorted(outcomes) == ["amended", "created"] or sorted(outcomes) == ["created", "unchanged"]
    assert stored(tenant).count() == 1
