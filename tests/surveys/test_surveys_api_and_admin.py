"""Surveys through the API and admin: validation, scheduling on activation, the NPS dashboard."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import LifecycleStage
from surveys.models import Channel, Survey
from surveys.services.responses import response_record
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory, ContactFactory


def test_an_admin_creates_an_active_recurring_survey_and_its_first_round_is_due(world_a):
    api = api_as(world_a.admin)
    starts = timezone.now() + timedelta(days=3)
    answer = api.post(
        "/api/v1/surveys/",
        {
            "name": "Renewal NPS", "status": "active", "audience_lifecycle_stage": LifecycleStage.RENEWING,
            "audience_renewal_within_days": 90, "audience_csm": world_a.csm.pk, "schedule_kind": "recurring",
            "recurrence_days": 90, "drip_days": 14, "starts_at": starts.isoformat(),
        },
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    assert answer.json()["channels"] == ["email"]
    survey = Survey.objects.for_tenant(world_a.tenant).get()
    assert survey.next_round_at == starts


def test_survey_validation_names_the_field(world_a, world_b):
    api = api_as(world_a.admin)
    cases = [
        ({"name": "x", "schedule_kind": "recurring"}, "recurrence_days"),
        ({"name": "x", "recurrence_days": 30}, "recurrence_days"),
        ({"name": "x", "channel_email": False}, "channel_email"),
        ({"name": "x", "audience_csm": world_b.csm.pk}, "audience_csm"),
        ({"name": "x", "drip_days": 400}, "drip_days"),
        ({"name": "x", "tenant": world_b.tenant.pk}, "tenant"),
    ]
    for body, attr in cases:
        answer = api.post("/api/v1/surveys/", body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert answer.json()["errors"][0]["attr"] == attr
    assert api.post("/api/v1/surveys/", {"name": "dup"}, format="json").status_code == 201
    duplicate = api.post("/api/v1/surveys/", {"name": "dup"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["attr"] == "name"


def test_csms_and_viewers_cannot_change_surveys(world_a):
    survey = Survey.objects.for_tenant(world_a.tenant).create(tenant=world_a.tenant, name="S")
    for member in (world_a.csm, world_a.viewer):
        api = api_as(member)
        assert api.get(f"/api/v1/surveys/{survey.pk}/").status_code == 200
        assert api.patch(f"/api/v1/surveys/{survey.pk}/", {"name": "T"}, format="json").status_code == 403


def test_the_dashboard_shows_nps_with_its_interval_beside_the_health_bands(client, world_a):
    account = AccountFactory(tenant=world_a.tenant, segment="enterprise")
    AccountFactory(tenant=world_a.tenant, segment="enterprise", lifecycle_stage=LifecycleStage.CHURNED)
    AccountFactory(tenant=world_a.tenant, segment="smb", lifecycle_stage=LifecycleStage.CHURNED)  # filtered out
    for n, score in enumerate((10, 9, 3)):
        response_record(
            tenant=world_a.tenant, contact=ContactFactory(account=account), score=score, dedup_key=f"d{n}",
            channel=Channel.IMPORT, responded_at=timezone.now() - timedelta(days=n * 35),
        )  # fmt: skip
    viewer = session_client(client, world_a.viewer)
    page = viewer.get("/admin/surveys/nps/", {"months": "6", "interval": "month", "segment": "enterprise"})
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["summary"].responses == 3
    assert "33.3" in html and "95% interval -51.3 to 84.7" in html  # adjusted Wald over 2 promoters, 1 detractor
    assert 'id="nps-bands"' in html and "<svg" in html
    assert "1 churned account, ARR" in html  # apart from the bands, and no share of accounts "retained"
    weekly = viewer.get("/admin/surveys/nps/", {"interval": "week"})
    assert len(weekly.context["trend"]) == 3


def test_the_response_list_links_the_dashboard_and_the_import(client, world_a):
    html = session_client(client, world_a.admin).get("/admin/surveys/surveyresponse/").content.decode()
    assert "/admin/surveys/nps/" in html and "/admin/surveys/responses-import/" in html
