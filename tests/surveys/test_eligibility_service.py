"""Eligibility from the database: across surveys and channels, the account budget, and the admin/API answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LifecycleStage
from surveys.models import Channel, SendStatus, SurveyResponse
from surveys.services.eligibility import contact_eligibility
from surveys.services.responses import response_record
from surveys.services.unsubscribe import contact_unsubscribe
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory, ContactFactory
from tests.surveys.conftest import make_send, make_survey


def test_a_response_through_another_channel_counts_as_surveyed(world_a, survey_a, contact_a):
    now = timezone.now()
    response_record(
        tenant=world_a.tenant, contact=contact_a, score=8, dedup_key="k1", channel=Channel.IN_PRODUCT,
        responded_at=now - timedelta(days=41),
    )  # fmt: skip
    other = make_survey(world_a.tenant, name="Onboarding pulse")
    result = contact_eligibility(tenant=world_a.tenant, contact=contact_a, survey=other, now=now)
    assert result.reasons == ("surveyed 41 days ago (interval 90 days)",)


def test_the_tenant_interval_setting_is_used(world_a, survey_a, contact_a):
    world_a.tenant.settings = {"survey_interval_days": 30}
    world_a.tenant.save()
    make_send(survey_a, contact_a, sent_at=timezone.now() - timedelta(days=41))
    assert contact_eligibility(tenant=world_a.tenant, contact=contact_a, survey=survey_a).eligible


def test_account_budget_counts_sent_and_scheduled_invitations_of_other_contacts(world_a, survey_a, account_a):
    world_a.tenant.settings = {"survey_max_per_account": 2, "survey_account_window_days": 30}
    world_a.tenant.save()
    first, second, third = (ContactFactory(account=account_a) for _ in range(3))
    make_send(survey_a, first, sent_at=timezone.now() - timedelta(days=3))
    make_send(survey_a, second, status=SendStatus.SCHEDULED, sent_at=timezone.now() + timedelta(days=1))
    result = contact_eligibility(tenant=world_a.tenant, contact=third, survey=survey_a)
    assert result.reasons == ("account budget of 2 per 30 days used",)


def test_unsubscribed_contacts_are_never_eligible(world_a, survey_a, contact_a):
    contact_unsubscribe(tenant=world_a.tenant, contact=contact_a)
    result = contact_eligibility(tenant=world_a.tenant, contact=contact_a, survey=survey_a, channel=Channel.IN_PRODUCT)
    assert not result.eligible and result.reasons[0].startswith("unsubscribed on ")


def test_audience_filters_explain_themselves(world_a):
    account = AccountFactory(tenant=world_a.tenant, segment="smb", lifecycle_stage=LifecycleStage.MATURE)
    contact = ContactFactory(account=account, is_executive=False)
    survey = make_survey(
        world_a.tenant, audience_segment="enterprise", audience_lifecycle_stage=LifecycleStage.RENEWING,
        audience_renewal_within_days=90, audience_contact_role="executive",
    )  # fmt: skip
    result = contact_eligibility(tenant=world_a.tenant, contact=contact, survey=survey)
    assert result.reasons == (
        "account segment is not enterprise",
        "account is not in the Renewing stage",
        "account does not renew within 90 days",
        "not one of the executives",
    )


def test_the_api_says_whether_and_why(world_a, survey_a, contact_a):
    make_send(survey_a, contact_a, sent_at=timezone.now() - timedelta(days=41))
    api = api_as(world_a.viewer)
    answer = api.get(f"/api/v1/surveys/{survey_a.pk}/eligibility/", {"contact_email": contact_a.email.upper()})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "survey": survey_a.pk, "contact": contact_a.pk, "channel": "email", "eligible": False,
        "reasons": ["surveyed 41 days ago (interval 90 days)"],
    }  # fmt: skip
    by_external = api.get(
        f"/api/v1/surveys/{survey_a.pk}/eligibility/", {"contact_external_id": contact_a.external_id, "channel": "x"}
    )
    assert by_external.status_code == 400
    assert by_external.json()["errors"][0]["attr"] == "channel"
    missing = api.get(f"/api/v1/surveys/{survey_a.pk}/eligibility/")
    assert missing.status_code == 400 and missing.json()["errors"][0]["attr"] == "contact"


def test_the_admin_page_says_whether_and_why(client, world_a, survey_a, contact_a):
    make_send(survey_a, contact_a, sent_at=timezone.now() - timedelta(days=41))
    admin = session_client(client, world_a.viewer)
    page = admin.get(f"/admin/surveys/survey/{survey_a.pk}/eligibility/", {"contact": str(contact_a.pk)})
    assert page.status_code == 200
    html = page.content.decode()
    assert "would not be asked now" in html and "surveyed 41 days ago" in html


@pytest.mark.parametrize("days, eligible", [(89, False), (90, True)])
def test_exactly_ninety_days_through_the_database(world_a, survey_a, contact_a, days, eligible):
    now = timezone.now()
    SurveyResponse.objects.for_tenant(world_a.tenant).create(
        tenant=world_a.tenant, contact=contact_a, account=contact_a.account, score=9, channel=Channel.IMPORT,
        responded_at=now - timedelta(days=days), dedup_key="old",
    )  # fmt: skip
    assert contact_eligibility(tenant=world_a.tenant, contact=contact_a, survey=survey_a, now=now).eligible is eligible
