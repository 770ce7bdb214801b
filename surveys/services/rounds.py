"""Starting survey rounds: pick the eligible audience and schedule their invitations, dripped over a period."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from surveys.eligibility_rules import EMAIL, eligibility
from surveys.models import Channel, ScheduleKind, SendStatus, Survey, SurveyRound, SurveySend, SurveyStatus
from surveys.services.audience import audience_contacts
from surveys.services.eligibility import contacts_facts, policy_for
from surveys.tokens import link_max_age, new_token_id


def next_round_after(survey: Survey, started_at: datetime) -> datetime | None:
    if survey.schedule_kind == ScheduleKind.RECURRING and survey.recurrence_days:
        return started_at + timedelta(days=survey.recurrence_days)
    return None


def _drip_order(contact_id: int, round_number: int) -> str:
    # A stable shuffle: contacts of one account do not all land on the first day of the drip.
    return hashlib.sha256(f"{round_number}:{contact_id}".encode()).hexdigest()


def round_start(
    *, tenant: Tenant, survey: Survey, now: datetime | None = None, due_only: bool = False
) -> SurveyRound | None:
    """Start the survey's next round: eligible audience contacts get an email invitation, spread over the drip.

    With ``due_only``, nothing happens unless the round is still due once the survey row is locked (two
    periodic runs racing start it once).
    """
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.for_tenant(tenant).select_for_update().get(pk=survey.pk)
        if due_only and (survey.next_round_at is None or survey.next_round_at > now):
            return None
        number = (survey.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        contacts = list(audience_contacts(tenant=tenant, survey=survey, now=now).select_related("account"))
        contacts.sort(key=lambda c: _drip_order(c.pk, number))
        policy = policy_for(tenant)
        facts = contacts_facts(tenant=tenant, contacts=contacts, now=now, survey=survey)
        chosen, skipped = [], 0
        picked_by_account: dict[int, list[datetime]] = {}
        drip = timedelta(days=survey.drip_days)
        for contact in contacts if survey.channel_email else []:
            f = facts[contact.pk]
            # Contacts picked earlier in this round use the account's budget too.
            extra = tuple(picked_by_account.get(contact.account_id, ()))
            f = dataclasses.replace(f, account_surveyed_at=f.account_surveyed_at + extra)
            if eligibility(facts=f, policy=policy, channel=EMAIL, now=now).eligible:
                chosen.append(contact)
                picked_by_account.setdefault(contact.account_id, []).append(now)
            else:
                skipped += 1
        survey_round = SurveyRound.objects.create(
            tenant=tenant,
            survey=survey,
            number=number,
            started_at=now,
            drip_until=now + drip,
            selected=len(chosen),
            skipped=skipped if survey.channel_email else len(contacts),
        )
        step = drip / len(chosen) if chosen else timedelta(0)
        SurveySend.objects.for_tenant(tenant).bulk_create(
            [
                SurveySend(
                    tenant=tenant,
                    survey=survey,
                    round=survey_round,
                    contact=contact,
                    account_id=contact.account_id,
                    channel=Channel.EMAIL,
                    status=SendStatus.SCHEDULED,
                    scheduled_for=now + step * i,
                    token_id=new_token_id(),
                    expires_at=now + step * i + link_max_age(),
                )
                for i, contact in enumerate(chosen)
            ]
        )
        survey.next_round_at = next_round_after(survey, now)
        survey.save(update_fields=["next_round_at", "updated_at"])
    return survey_round


def due_rounds_start(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Start every active survey's round that is due."""
    now = now or timezone.now()
    due = Survey.objects.for_tenant(tenant).filter(status=SurveyStatus.ACTIVE, next_round_at__lte=now).order_by("pk")
    started = 0
    for survey in due:
        started += round_start(tenant=tenant, survey=survey, now=now, due_only=True) is not None
    return started
