"""Tenant B's (and A's) rows for the surveys models: builders registered after the core ones in world.py."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, Contact
from accounts.roles import Role
from surveys.models import (
    Channel,
    NpsDailyCount,
    NpsMonthlyCount,
    ScheduleKind,
    SendStatus,
    Survey,
    SurveyResponse,
    SurveyRound,
    SurveySend,
    SurveyStatus,
    SurveyUnsubscribe,
)
from tests.isolation.world import World, builder, canary_fields


@builder("surveys.Survey")
def build_survey(b: World) -> None:
    b.add(
        Survey.objects.create(
            tenant=b.tenant, status=SurveyStatus.PAUSED, audience_csm=b.memberships[Role.CSM],
            audience_renewal_within_days=120, schedule_kind=ScheduleKind.RECURRING, recurrence_days=90,
            drip_days=7, starts_at=timezone.now() - timedelta(days=30), **canary_fields(b, Survey),
        )
    )  # fmt: skip


@builder("surveys.SurveyRound")
def build_survey_round(b: World) -> None:
    now = timezone.now()
    b.add(
        SurveyRound.objects.create(
            tenant=b.tenant, survey=b.row(Survey), number=1, started_at=now - timedelta(days=20),
            drip_until=now - timedelta(days=13), selected=1, skipped=0,
        )
    )  # fmt: skip


@builder("surveys.SurveySend")
def build_survey_send(b: World) -> None:
    now = timezone.now()
    b.add(
        SurveySend.objects.create(
            tenant=b.tenant, survey=b.row(Survey), round=b.row(SurveyRound), contact=b.row(Contact),
            account=b.row(Account), channel=Channel.EMAIL, status=SendStatus.SENT,
            scheduled_for=now - timedelta(days=20), sent_at=now - timedelta(days=20),
            expires_at=now + timedelta(days=10), opened_at=now - timedelta(days=19),
            answered_at=now - timedelta(days=19), **canary_fields(b, SurveySend),
        )
    )  # fmt: skip


@builder("surveys.SurveyResponse")
def build_survey_response(b: World) -> None:
    send = b.row(SurveySend)
    b.add(
        SurveyResponse.objects.create(
            tenant=b.tenant, survey=b.row(Survey), send=send, contact=send.contact, account=send.account, score=3,
            responded_at=send.answered_at, channel=Channel.EMAIL, amended_at=send.answered_at + timedelta(hours=1),
            account_csm=b.memberships[Role.CSM], **canary_fields(b, SurveyResponse),
        )
    )  # fmt: skip


def _counted_rows(b: World, model) -> None:
    """Counted by the answers' own writes (the answer built above carries the canary segment)."""
    rows = list(model.objects.for_tenant(b.tenant).order_by("pk"))
    assert rows, "an answer was built, so its day and month are counted"
    for row in rows:
        b.add(row)


@builder("surveys.NpsDailyCount")
def build_nps_daily_count(b: World) -> None:
    _counted_rows(b, NpsDailyCount)


@builder("surveys.NpsMonthlyCount")
def build_nps_monthly_count(b: World) -> None:
    _counted_rows(b, NpsMonthlyCount)


@builder("surveys.SurveyUnsubscribe")
def build_survey_unsubscribe(b: World) -> None:
    b.add(
        SurveyUnsubscribe.objects.create(
            tenant=b.tenant, contact=b.row(Contact), send=b.row(SurveySend), unsubscribed_at=timezone.now()
        )
    )
