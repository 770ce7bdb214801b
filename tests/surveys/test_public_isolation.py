"""A token of tenant A never reveals or writes tenant B's data; every new route and admin page stays in its tenant."""

import pytest
from django.core import signing
from django.test import Client

from surveys.models import SurveyResponse, SurveySend, SurveyUnsubscribe
from surveys.services.responses import response_record
from surveys.tokens import SALT, token_for
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory, ContactFactory
from tests.surveys.conftest import link_path, make_send, make_survey


@pytest.fixture
def sends(world_a, world_b):
    a = make_send(make_survey(world_a.tenant, name="Alpha survey", question="Alpha question?"), ContactFactory(
        account=AccountFactory(tenant=world_a.tenant)))  # fmt: skip
    b = make_send(make_survey(world_b.tenant, name="Beta survey", question="Beta secret question?"), ContactFactory(
        account=AccountFactory(tenant=world_b.tenant, name="Beta Secret Corp")))  # fmt: skip
    return a, b


def forge(tenant_id, send, token_id=None):
    return signing.dumps({"t": tenant_id, "s": send.pk, "k": token_id or send.token_id}, salt=SALT, compress=True)


def test_a_token_naming_tenant_a_cannot_reach_b_invitations(sends, world_a, world_b):
    a, b = sends
    client = Client()
    # A's tenant id with B's invitation (and B's token id): looked up inside A, so not found. And A's invitation
    # under B's tenant id: looked up inside B, not found either.
    for token in (forge(world_a.tenant.pk, b), forge(world_b.tenant.pk, a)):
        for suffix in ("", "thanks/", "unsubscribe/"):
            page = client.get(f"/s/{token}/{suffix}")
            assert page.status_code == 404
            assert "Beta" not in page.content.decode()
        client.post(f"/s/{token}/", {"score": "0"})
        client.post(f"/s/{token}/unsubscribe/")
    assert not SurveyResponse.objects.for_tenant(world_b.tenant).exists()
    assert not SurveyUnsubscribe.objects.for_tenant(world_b.tenant).exists()


def test_a_token_for_a_shows_only_a(sends):
    a, _ = sends
    html = Client().get(link_path(a)).content.decode()
    assert "Alpha question?" in html and "Beta" not in html


def test_the_token_id_of_another_invitation_does_not_open_it(sends, world_a, survey_a, contact_a):
    a, _ = sends
    other = make_send(survey_a, contact_a)
    assert Client().get(f"/s/{forge(world_a.tenant.pk, other, a.token_id)}/").status_code == 404
    assert Client().get(f"/s/{token_for(other)}/").status_code == 200


@pytest.fixture
def b_rows(world_b):
    contact = ContactFactory(account=AccountFactory(tenant=world_b.tenant))
    survey = make_survey(world_b.tenant)
    send = make_send(survey, contact)
    response = response_record(
        tenant=world_b.tenant, contact=contact, score=1, dedup_key="b-key", channel="import"
    ).response
    return {"contact": contact, "survey": survey, "send": send, "response": response}


def test_api_routes_answer_404_for_b_rows_and_never_accept_b_ids(world_a, b_rows, contact_a):
    api = api_as(world_a.admin)
    assert api.get(f"/api/v1/surveys/{b_rows['survey'].pk}/").status_code == 404
    assert api.get(f"/api/v1/survey-sends/{b_rows['send'].pk}/").status_code == 404
    assert api.get(f"/api/v1/survey-responses/{b_rows['response'].pk}/").status_code == 404
    assert api.get(f"/api/v1/surveys/{b_rows['survey'].pk}/eligibility/", {"contact": contact_a.pk}).status_code == 404
    own = make_survey(world_a.tenant)
    elig = api.get(f"/api/v1/surveys/{own.pk}/eligibility/", {"contact": b_rows["contact"].pk})
    assert elig.status_code == 400 and elig.json()["errors"][0]["attr"] == "contact"
    posted = api.post(
        "/api/v1/survey-responses/",
        {"contact": b_rows["contact"].pk, "score": 9, "dedup_key": "x"},
        format="json",
    )
    assert posted.status_code == 400 and posted.json()["errors"][0]["code"] == "does_not_exist"
    by_external_id = api.post(
        "/api/v1/survey-responses/",
        {"contact_external_id": b_rows["contact"].external_id, "score": 9, "dedup_key": "z"},
        format="json",
    )
    assert by_external_id.status_code == 400
    assert by_external_id.json()["errors"][0]["attr"] == "contact_external_id"
    with_b_survey = api.post(
        "/api/v1/survey-responses/",
        {"contact": contact_a.pk, "survey": b_rows["survey"].pk, "score": 9, "dedup_key": "y"},
        format="json",
    )
    assert with_b_survey.status_code == 400 and with_b_survey.json()["errors"][0]["attr"] == "survey"
    # The same dedup key as B's is A's own key: stored for A, B's response untouched.
    same_key = api.post(
        "/api/v1/survey-responses/", {"contact": contact_a.pk, "score": 9, "dedup_key": "b-key"}, format="json"
    )
    assert same_key.status_code == 201
    assert SurveyResponse.objects.for_tenant(world_a.tenant).get().score == 9
    for report in ("summary", "trend"):
        assert api.get(f"/api/v1/nps/{report}/", {"survey": b_rows["survey"].pk}).status_code == 400
    assert api.get("/api/v1/nps/summary/").json()["responses"] == 1
    assert b_rows["send"].pk not in [s["id"] for s in api.get("/api/v1/survey-sends/").json()["results"]]


def test_admin_pages_stay_in_the_tenant(client, world_a, b_rows, contact_a):
    admin = session_client(client, world_a.admin)
    assert admin.get(f"/admin/surveys/survey/{b_rows['survey'].pk}/eligibility/").status_code == 404
    own = make_survey(world_a.tenant)
    page = admin.get(f"/admin/surveys/survey/{own.pk}/eligibility/", {"contact": str(b_rows["contact"].pk)})
    assert "No contact of this tenant matches" in page.content.decode()
    dashboard = admin.get("/admin/surveys/nps/", {"survey": b_rows["survey"].pk})
    assert dashboard.status_code == 200
    assert dashboard.context["summary"].responses == 0
    assert admin.get("/admin/surveys/nps/").context["summary"].responses == 0
    imported = admin.post(
        "/admin/surveys/responses-import/",
        {"csv_text": f"contact_id,score,responded_at\n{b_rows['contact'].pk},9,2026-01-01\n", "action": "import"},
    )
    assert "No contact with id" in imported.content.decode()
    assert SurveyResponse.objects.for_tenant(world_a.tenant).count() == 0
    assert SurveySend.objects.for_tenant(world_a.tenant).count() == 0
