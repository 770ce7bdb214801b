"""Demo survey rounds for the seeded tenant: a quarterly relationship NPS that has run twice, and answers
imported from the survey tool used before. Scores follow each account's demo trend (growing accounts
promote, declining ones detract, more so lately), so NPS, sentiment indicators and alerts tell one story.

Idempotent: a survey that already has rounds is left as it is.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Contact, LifecycleStage, Tenant
from demo.events import account_trend
from indicators.engine import nps
from surveys.models import Channel, ScheduleKind, SendStatus, Survey, SurveySend, SurveyStatus, SurveyUnsubscribe
from surveys.services.responses import response_record
from surveys.services.rounds import round_start

SEED = 20240917
RELATIONSHIP_NPS = "Quarterly relationship NPS"
ROUND_DAYS_AGO = (170, 80)  # two past rounds; the next one is due in ten days
IMPORTED_DAYS_AGO = (350, 260)  # answers from the previous survey tool
DRIP_DAYS = 14

# Score weights (0..10) by account trend; declining accounts' latest round leans further down.
SCORE_WEIGHTS = {
    "growing": [0, 0, 0, 1, 1, 2, 3, 8, 18, 32, 35],
    "stable": [1, 1, 2, 3, 4, 6, 8, 16, 20, 20, 19],
    "declining": [4, 5, 7, 9, 10, 12, 12, 14, 12, 8, 7],
    "declining_late": [9, 10, 12, 13, 12, 11, 10, 9, 7, 4, 3],
    "onboarding": [0, 1, 1, 2, 3, 4, 8, 20, 22, 21, 18],
    "churned": [14, 14, 14, 13, 12, 10, 8, 7, 4, 2, 2],
}
ANSWER_RATE = {"growing": 0.42, "stable": 0.35, "declining": 0.28, "onboarding": 0.45, "churned": 0.12}
COMMENT_RATE = 0.6
COMMENTS = {
    nps.PROMOTER: [
        "The dashboards save our team hours every week.",
        "Support answers fast and actually solves the problem.",
        "Our CSM knows our business; the quarterly reviews are worth it.",
        "Sharing dashboards with leadership changed how we run the business.",
        "Reliable, fast, and the forecasting module is excellent.",
        "Onboarding was smooth and the training courses helped a lot.",
        "Happy to recommend it; we already did to a partner company.",
    ],
    nps.PASSIVE: [
        "Good product, but the price went up at renewal.",
        "Works well; exporting large reports is still slow.",
        "Useful, though some of the team find the data modelling hard to learn.",
        "Fine overall. We would like more connectors for our data sources.",
        "Solid, but the mobile experience needs work.",
        "We use it daily; permissions are too coarse for our setup.",
    ],
    nps.DETRACTOR: [
        "Too expensive for what we use.",
        "Reports keep timing out and support takes days to answer.",
        "We lost our main champion and nobody knows how to build reports now.",
        "The sync breaks every other week; we are looking at alternatives.",
        "Missing the planning features we were promised at purchase.",
        "Hard to use; our analysts went back to spreadsheets.",
        "Billing mistakes two quarters in a row.",
    ],
}


def _trend(contact: Contact) -> str:
    account = contact.account
    if account.lifecycle_stage == LifecycleStage.CHURNED:
        return "churned"
    if account.lifecycle_stage == LifecycleStage.ONBOARDING:
        return "onboarding"
    trend = account_trend(account.external_id, account.lifecycle_stage)
    return trend if trend in SCORE_WEIGHTS else "stable"


def _answer(tenant: Tenant, contact: Contact, rng: random.Random, *, at: datetime, late: bool, **fields) -> bool:
    trend = _trend(contact)
    if rng.random() >= ANSWER_RATE[trend]:
        return False
    weights = SCORE_WEIGHTS["declining_late" if trend == "declining" and late else trend]
    score = rng.choices(nps.SCALE, weights)[0]
    category = nps.category_for(score)
    comment = rng.choice(COMMENTS[category]) if rng.random() < COMMENT_RATE else ""
    response_record(tenant=tenant, contact=contact, score=score, comment=comment, responded_at=at, **fields)
    return True


def _imported_answers(tenant: Tenant, contacts: list[Contact], now: datetime) -> int:
    answered = 0
    for days_ago in IMPORTED_DAYS_AGO:
        rng = random.Random(f"{SEED}/import/{days_ago}")
        for contact in rng.sample(contacts, k=min(len(contacts), 700)):
            at = now - timedelta(days=days_ago, hours=rng.randint(0, 24 * DRIP_DAYS))
            answered += _answer(
                tenant, contact, rng, at=at, late=False, channel=Channel.IMPORT,
                dedup_key=f"demo-import-{days_ago}-{contact.external_id}",
            )  # fmt: skip
    return answered


def demo_surveys_seed(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Past survey rounds with answers; returns how many responses were stored (0 when already seeded)."""
    now = now or timezone.now()
    survey, _ = Survey.objects.for_tenant(tenant).get_or_create(
        name=RELATIONSHIP_NPS,
        defaults={
            "tenant": tenant,
            "question": f"How likely are you to recommend {tenant.name} to a friend or colleague?",
            "schedule_kind": ScheduleKind.RECURRING,
            "recurrence_days": 90,
            "drip_days": DRIP_DAYS,
            "channel_email": True,
            "channel_in_product": True,
            "starts_at": now - timedelta(days=ROUND_DAYS_AGO[0]),
            "status": SurveyStatus.DRAFT,
        },
    )
    if survey.rounds.exists():
        return 0
    contacts = list(Contact.objects.for_tenant(tenant).exclude(account=None).select_related("account").order_by("pk"))
    answered = _imported_answers(tenant, contacts, now)
    for n, days_ago in enumerate(ROUND_DAYS_AGO):
        started = now - timedelta(days=days_ago)
        survey_round = round_start(tenant=tenant, survey=survey, now=started)
        rng = random.Random(f"{SEED}/round/{survey_round.number}")
        sends = list(survey_round.sends.select_related("contact__account").order_by("scheduled_for", "pk"))
        for send in sends:
            send.status, send.sent_at = SendStatus.SENT, send.scheduled_for
            send.expires_at = send.scheduled_for + timedelta(days=30)
            at = send.scheduled_for + timedelta(hours=min(rng.expovariate(1 / 20), 24 * 10))
            if _answer(tenant, send.contact, rng, at=at, late=n == len(ROUND_DAYS_AGO) - 1, channel=Channel.EMAIL,
                       survey=survey, send=send, dedup_key=f"link-{send.pk}"):  # fmt: skip
                answered += 1
                send.opened_at = send.answered_at = at
            elif rng.random() < 0.25:
                send.opened_at = at
            elif rng.random() < 0.01:
                SurveyUnsubscribe.objects.for_tenant(tenant).get_or_create(
                    contact=send.contact, defaults={"tenant": tenant, "unsubscribed_at": at, "send": send}
                )
        SurveySend.objects.for_tenant(tenant).bulk_update(sends, ["status", "sent_at", "expires_at", "opened_at",
                                                                   "answered_at"])  # fmt: skip
    survey.status = SurveyStatus.ACTIVE
    survey.next_round_at = now + timedelta(days=90 - ROUND_DAYS_AGO[1])
    survey.save()
    return answered
