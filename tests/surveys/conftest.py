"""Survey fixtures: a survey for tenant A, and invitations with working links."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Channel, SendStatus, Survey, SurveySend
from surveys.tokens import new_token_id, token_for


def make_survey(tenant, **fields) -> Survey:
    return Survey.objects.for_tenant(tenant).create(tenant=tenant, name=fields.pop("name", "Quarterly NPS"), **fields)


def make_send(survey, contact, *, sent_at=None, status=SendStatus.SENT, **fields) -> SurveySend:
    now = timezone.now()
    sent_at = sent_at or now
    return SurveySend.objects.for_tenant(survey.tenant).create(
        tenant=survey.tenant,
        survey=survey,
        contact=contact,
        account=contact.account,
        channel=Channel.EMAIL,
        status=status,
        scheduled_for=sent_at,
        sent_at=sent_at if status == SendStatus.SENT else None,
        token_id=new_token_id(),
        expires_at=fields.pop("expires_at", sent_at + timedelta(days=30)),
        **fields,
    )


def link_path(send) -> str:
    return f"/s/{token_for(send)}/"


@pytest.fixture
def survey_a(world_a):
    return make_survey(world_a.tenant)
