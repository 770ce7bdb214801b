"""Loading the facts the eligibility rules need, in a fixed number of queries for any number of contacts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import Contact, Tenant
from surveys.eligibility_rules import EMAIL, ContactFacts, Eligibility, Policy, eligibility
from surveys.models import SendStatus, Survey, SurveyResponse, SurveySend, SurveyUnsubscribe
from surveys.services.audience import audience_mismatch


def policy_for(tenant: Tenant) -> Policy:
    return Policy(
        interval_days=int(tenant.setting("survey_interval_days")),
        max_per_account=int(tenant.setting("survey_max_per_account")),
        account_window_days=int(tenant.setting("survey_account_window_days")),
        time_zone=tenant.time_zone,
    )


def survey_moments(*, tenant: Tenant, account_ids: Iterable[int], since: datetime) -> dict[int, dict[int, datetime]]:
    """account id -> {contact id -> latest moment surveyed (sent, scheduled or answered) since ``since``}."""
    moments: dict[int, dict[int, datetime]] = defaultdict(dict)
    account_ids = list(set(account_ids))

    def keep(account_id, contact_id, at):
        if at is not None and (contact_id not in moments[account_id] or moments[account_id][contact_id] < at):
            moments[account_id][contact_id] = at

    sends = SurveySend.objects.for_tenant(tenant).filter(account_id__in=account_ids)
    for account_id, contact_id, at in sends.filter(status=SendStatus.SENT, sent_at__gte=since).values_list(
        "account_id", "contact_id", "sent_at"
    ):
        keep(account_id, contact_id, at)
    for account_id, contact_id, at in sends.filter(status=SendStatus.SCHEDULED).values_list(
        "account_id", "contact_id", "scheduled_for"
    ):
        keep(account_id, contact_id, at)
    answered = SurveyResponse.objects.for_tenant(tenant).filter(account_id__in=account_ids, responded_at__gte=since)
    for account_id, contact_id, at in answered.values_list("account_id", "contact_id", "responded_at"):
        keep(account_id, contact_id, at)
    return moments


def contacts_facts(
    *, tenant: Tenant, contacts: list[Contact], now: datetime, survey: Survey | None = None
) -> dict[int, ContactFacts]:
    """Facts for each contact (their accounts loaded with them), across every survey and channel."""
    ids = [c.pk for c in contacts]
    unsubscribed = dict(
        SurveyUnsubscribe.objects.for_tenant(tenant)
        .filter(contact_id__in=ids)
        .values_list("contact_id", "unsubscribed_at")
    )
    sends = SurveySend.objects.for_tenant(tenant).filter(contact_id__in=ids)
    last_sent = dict(
        sends.filter(status=SendStatus.SENT)
        .values("contact_id")
        .annotate(at=Max("sent_at"))
        .values_list("contact_id", "at")
    )
    pending = dict(
        sends.filter(status=SendStatus.SCHEDULED)
        .values("contact_id")
        .annotate(at=Min("scheduled_for"))
        .values_list("contact_id", "at")
    )
    last_answer = dict(
        SurveyResponse.objects.for_tenant(tenant)
        .filter(contact_id__in=ids)
        .values("contact_id")
        .annotate(at=Max("responded_at"))
        .values_list("contact_id", "at")
    )
    policy = policy_for(tenant)
    # One extra day: the window is counted in local calendar days, whose start may precede now - window in UTC.
    since = now - timedelta(days=policy.account_window_days + 1)
    moments = survey_moments(tenant=tenant, account_ids=[c.account_id for c in contacts if c.account_id], since=since)
    facts = {}
    for contact in contacts:
        candidates = [at for at in (last_sent.get(contact.pk), last_answer.get(contact.pk)) if at is not None]
        others = moments.get(contact.account_id, {}) if contact.account_id else {}
        facts[contact.pk] = ContactFacts(
            has_account=contact.account_id is not None,
            email=contact.email,
            unsubscribed_at=unsubscribed.get(contact.pk),
            last_surveyed_at=max(candidates) if candidates else None,
            pending_send_at=pending.get(contact.pk),
            account_surveyed_at=tuple(at for cid, at in others.items() if cid != contact.pk),
            audience_mismatch=audience_mismatch(survey=survey, contact=contact, account=contact.account, now=now)
            if survey is not None
            else (),
        )
    return facts


def contact_eligibility(
    *, tenant: Tenant, contact: Contact, survey: Survey | None = None, channel: str = EMAIL, now: datetime | None = None
) -> Eligibility:
    """Whether ``contact`` would be asked now (for ``survey``, through ``channel``), and if not, why."""
    now = now or timezone.now()
    facts = contacts_facts(tenant=tenant, contacts=[contact], now=now, survey=survey)[contact.pk]
    return eligibility(facts=facts, policy=policy_for(tenant), channel=channel, now=now)
