"""Recording and amending responses: one place, one transaction, the event and the signal with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Contact, Tenant
from accounts.tenancy import same_tenant
from indicators.engine.nps import category_for
from surveys.models import Channel, Survey, SurveyResponse, SurveySend
from surveys.services.events import response_event_record
from surveys.signals import response_recorded

MAX_COMMENT = 5000


@dataclass(frozen=True)
class Recorded:
    response: SurveyResponse
    created: bool  # False: the dedup key was already stored; the earlier response is returned unchanged


def response_record(
    *,
    tenant: Tenant,
    contact: Contact,
    score: int,
    dedup_key: str,
    channel: str,
    comment: str = "",
    responded_at: datetime | None = None,
    survey: Survey | None = None,
    send: SurveySend | None = None,
) -> Recorded:
    """Store a response once per (tenant, dedup_key); its event, the send's answer mark and the signal go with it."""
    category_for(score)  # raises ValueError for anything but 0..10
    same_tenant(tenant, contact=contact, survey=survey, send=send)
    if contact.account_id is None:
        raise ValidationError({"contact": "The contact is not linked to an account."})
    existing = SurveyResponse.objects.for_tenant(tenant).filter(dedup_key=dedup_key).first()
    if existing is not None:
        return Recorded(existing, created=False)
    response = SurveyResponse(
        tenant=tenant,
        survey=survey,
        send=send,
        contact=contact,
        account_id=contact.account_id,
        score=score,
        comment=comment[:MAX_COMMENT],
        responded_at=responded_at or timezone.now(),
        channel=channel,
        dedup_key=dedup_key,
    )
    try:
        with transaction.atomic():
            response.save()
            if send is not None:
                SurveySend.objects.for_tenant(tenant).filter(pk=send.pk).update(answered_at=response.responded_at)
            response_event_record(tenant=tenant, response=response)
            response_recorded.send(sender=SurveyResponse, response=response, created=True)
    except IntegrityError:
        # A concurrent request stored the same key (or the same invitation) first.
        earlier = SurveyResponse.objects.for_tenant(tenant).filter(dedup_key=dedup_key).first()
        if earlier is None and send is not None:
            earlier = SurveyResponse.objects.for_tenant(tenant).filter(send=send).first()
        if earlier is None:
            raise
        return Recorded(earlier, created=False)
    return Recorded(response, created=True)


def amend_window(tenant: Tenant) -> timedelta:
    return timedelta(hours=int(tenant.setting("survey_amend_hours")))


def can_amend(*, tenant: Tenant, response: SurveyResponse, now: datetime | None = None) -> bool:
    return (now or timezone.now()) < response.responded_at + amend_window(tenant)


def response_amend(
    *, tenant: Tenant, response: SurveyResponse, score: int, comment: str, now: datetime | None = None
) -> SurveyResponse:
    """Change an answer within the amend window: a new event, and the signal with created=False."""
    now = now or timezone.now()
    category_for(score)
    same_tenant(tenant, response=response)
    if not can_amend(tenant=tenant, response=response, now=now):
        raise ValidationError("This answer can no longer be changed.")
    with transaction.atomic():
        response.score, response.comment, response.amended_at = score, comment[:MAX_COMMENT], now
        response.save()
        response_event_record(tenant=tenant, response=response)
        response_recorded.send(sender=SurveyResponse, response=response, created=False)
    return response


def link_response_record(*, tenant: Tenant, send: SurveySend, score: int, comment: str) -> Recorded:
    """An answer given through an invitation's link (one per invitation)."""
    return response_record(
        tenant=tenant,
        contact=send.contact,
        score=score,
        comment=comment,
        dedup_key=f"link-{send.pk}",
        channel=Channel.EMAIL,
        survey=send.survey,
        send=send,
    )
