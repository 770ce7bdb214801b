"""The demo tenant's closed loop: themes with keyword rules, root causes, and follow-ups in every state.

Older follow-ups were mostly worked and closed with their category's outcome (a few promoters agreed
to be references or advocates); some were left behind and are overdue; a handful of fresh in-product
answers are new or being worked. Deterministic, and idempotent: follow-ups already worked are left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Contact, Tenant
from followups.models import (
    OPEN_STATUSES,
    Activity,
    Department,
    DepartmentKind,
    FollowUp,
    FollowUpAsk,
    RootCause,
    Status,
    Theme,
    ThemeKeywordRule,
)
from followups.services.closing import Ask, Outcome, agrees_to_advocate, ask_rows, outcome_apply, outcome_errors
from followups.services.opening import followup_deadline
from followups.services.overdue import overdue_alerts_raise
from followups.services.themes import rules_apply_to_responses
from surveys.models import Category, Channel
from surveys.services.responses import response_record

SEED = 20241105
WORKED_AFTER_DAYS = 21  # older follow-ups have had time to be worked
LEFT_BEHIND_RATE = 0.03  # ...but a few were not, and are overdue
RECENT_ANSWERS = 14
ASK_RESULTS = ["accepted", "declined", "later"]
ASK_WEIGHTS = {"reference": [1, 6, 3], "advocacy": [1, 6, 3]}
WORKED_FIELDS = [
    "created_at", "due_at", "status", "first_activity_at", "closed_at", "closed_by", "closing_note",
    "reason_promoter", "what_would_make_promoter", "root_cause", "product_mismatch", "resolved",
]  # fmt: skip

CUSTOM_DEPARTMENTS = ["Partnerships"]
# theme -> (department kind or custom name, keyword phrases, root cause for detractors)
THEMES = {
    "Performance": ("product", ["slow", "timing out", "timeout"], "Performance and reliability"),
    "Integrations": ("product", ["sync", "connectors", "integration"], "Integration failures"),
    "Missing features": ("product", ["missing", "promised", "planning features"], "Missing capability"),
    "Usability": ("product", ["hard to use", "hard to learn", "mobile experience", "permissions"], "Usability"),
    "Reporting": ("product", ["dashboards", "reports", "forecasting"], None),
    "Support responsiveness": ("support", ["support"], "Support experience"),
    "Pricing": ("sales", ["expensive", "price"], "Price and value"),
    "Champion change": ("success", ["champion"], "Lost champion"),
    "Onboarding and training": ("success", ["onboarding", "training"], None),
    "Billing errors": ("billing", ["billing"], "Billing errors"),
    "Referrals": ("Partnerships", ["recommend", "partner company"], None),
}
ROOT_CAUSES = sorted({cause for _, _, cause in THEMES.values() if cause} | {"Budget cuts", "Other"})

REASONS_PROMOTER = [
    "Dashboards replaced a weekly manual report.",
    "Support solved their escalations within hours.",
    "Their CSM's business reviews shaped their planning.",
    "Forecasting module made their board reporting credible.",
]
WHAT_WOULD_MAKE_PROMOTER = [
    "Faster exports of large reports.",
    "Connectors for their warehouse.",
    "Finer-grained permissions.",
    "A price they can defend at renewal.",
    "A mobile app their field team can use.",
]
NOTES = {
    "call": ["Talked it through with them.", "Call to understand the score.", "Walked through their concerns."],
    "email": ["Thanked them and asked for a call.", "Sent the workaround and a summary.", "Followed up by email."],
    "meeting": ["Session with their team.", "Review with their sponsor."],
    "note": ["Shared with the product team.", "Logged the request."],
}
FRESH_COMMENTS = [
    (3, "Reports keep timing out this week."),
    (9, "The new dashboards are great; happy to recommend."),
    (7, "Good, but we need more connectors."),
    (2, "Billing mistakes again, and support is slow."),
    (10, "Our CSM is excellent."),
    (8, "Solid; the mobile experience needs work."),
    (5, "Too expensive for what we use."),
]


@dataclass
class Plan:
    """What working the follow-ups produced, stored in a few bulk writes (with their audit rows)."""

    activities: list[Activity] = field(default_factory=list)
    asks: list[FollowUpAsk] = field(default_factory=list)
    advocates: set[int] = field(default_factory=set)


def demo_followups_seed(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Seed the loop's lists and work the follow-ups; returns how many follow-ups were worked (0 if done before).

    Outcomes are checked with the closing rules; rows are written in bulk, as the seed works hundreds at once.
    """
    now = now or timezone.now()
    causes = _root_causes(tenant)
    _themes(tenant)
    _fresh_answers(tenant, now)
    rules_apply_to_responses(tenant=tenant)
    if Activity.objects.for_tenant(tenant).exists():
        return 0
    rng = random.Random(SEED)
    tags = _themes_by_response(tenant)
    followups = list(FollowUp.objects.for_tenant(tenant).select_related("response").order_by("response_id"))
    plan = Plan()
    for followup in followups:
        _backdate(tenant, followup)
        age = now - followup.response.responded_at
        if age > timedelta(days=WORKED_AFTER_DAYS):
            left_behind = rng.random() < LEFT_BEHIND_RATE
            state = rng.choice(list(OPEN_STATUSES)) if left_behind else Status.CLOSED
        else:
            state = rng.choices([Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.CLOSED], [4, 3, 2, 2])[0]
        _work(plan, tenant, followup, rng, now, state=state, causes=causes, themes=tags.get(followup.response_id))
    _store(tenant, plan, followups)
    overdue_alerts_raise(tenant=tenant, now=now)
    return len(followups)


def _root_causes(tenant: Tenant) -> dict[str, RootCause]:
    return {
        name: RootCause.objects.for_tenant(tenant).get_or_create(name=name, defaults={"tenant": tenant})[0]
        for name in ROOT_CAUSES
    }


def _themes(tenant: Tenant) -> None:
    departments = {d.kind: d for d in Department.objects.for_tenant(tenant).exclude(kind=DepartmentKind.CUSTOM)}
    for name in CUSTOM_DEPARTMENTS:
        departments[name] = Department.objects.for_tenant(tenant).get_or_create(
            name=name, defaults={"tenant": tenant, "kind": DepartmentKind.CUSTOM}
        )[0]
    for name, (department, phrases, _) in THEMES.items():
        theme, _ = Theme.objects.for_tenant(tenant).get_or_create(
            name=name, defaults={"tenant": tenant, "department": departments[department]}
        )
        for phrase in phrases:
            ThemeKeywordRule.objects.for_tenant(tenant).get_or_create(
                theme=theme, phrase=phrase, defaults={"tenant": tenant}
            )


def _fresh_answers(tenant: Tenant, now: datetime) -> None:
    """A few in-product answers of the last days, so the loop has work that is not late yet."""
    contacts = list(Contact.objects.for_tenant(tenant).exclude(account=None).order_by("pk")[:400])
    if not contacts:
        return
    rng = random.Random(f"{SEED}/fresh")
    for i in range(RECENT_ANSWERS):
        score, comment = FRESH_COMMENTS[i % len(FRESH_COMMENTS)]
        response_record(
            tenant=tenant, contact=rng.choice(contacts), score=score, comment=comment, channel=Channel.IN_PRODUCT,
            responded_at=now - timedelta(hours=4 + i * 9), dedup_key=f"demo-followups-recent-{i}",
        )  # fmt: skip


def _themes_by_response(tenant: Tenant) -> dict[int, list[str]]:
    from followups.models import ResponseTheme

    tags: dict[int, list[str]] = {}
    for response_id, name in ResponseTheme.objects.for_tenant(tenant).values_list("response_id", "theme__name"):
        tags.setdefault(response_id, []).append(name)
    return tags


def _backdate(tenant: Tenant, followup: FollowUp) -> None:
    """The seed opened every follow-up today; date each from its response, as it would have been opened."""
    followup.created_at = followup.response.responded_at
    followup.due_at = followup_deadline(tenant=tenant, category=followup.category, since=followup.created_at)


def _work(plan: Plan, tenant, followup, rng, now, *, state, causes, themes) -> None:
    if state == Status.NEW:
        return
    late = rng.random() < 0.2
    first = followup.created_at + timedelta(hours=rng.uniform(60, 150) if late else rng.uniform(1, 40))
    touches = [first + timedelta(hours=rng.uniform(4, 60) * i) for i in range(rng.randint(1, 3))]
    touches = [t for t in touches if t < now] or [now - timedelta(minutes=5)]
    for at in touches:
        kind = rng.choice(["call", "email", "email", "meeting", "note"])
        note = rng.choice(NOTES[kind])
        plan.activities.append(
            Activity(tenant=tenant, followup=followup, kind=kind, note=note, by_id=followup.assignee_id, at=at)
        )
    followup.first_activity_at = touches[0]
    followup.status = Status.WAITING if state == Status.WAITING else Status.IN_PROGRESS
    if state != Status.CLOSED:
        return
    outcome = _outcome(followup, rng, causes, themes)
    errors = outcome_errors(tenant=tenant, category=followup.category, outcome=outcome)
    if errors:
        raise ValueError(f"Demo outcome refused by the closing rules: {errors}")
    outcome_apply(followup, outcome)
    followup.status = Status.CLOSED
    followup.closed_at = min(touches[-1] + timedelta(hours=rng.uniform(1, 48)), now)
    followup.closed_by_id = followup.assignee_id
    plan.asks += ask_rows(tenant, followup, outcome)
    if agrees_to_advocate(followup, outcome):
        plan.advocates.add(followup.contact_id)


def _store(tenant: Tenant, plan: Plan, followups: list[FollowUp]) -> None:
    with transaction.atomic():
        bulk_update_with_history(followups, FollowUp, WORKED_FIELDS, batch_size=500)
        bulk_create_with_history(plan.activities, Activity, batch_size=500)
        bulk_create_with_history(plan.asks, FollowUpAsk, batch_size=500)
        advocates = list(Contact.objects.for_tenant(tenant).filter(pk__in=plan.advocates, is_advocate=False))
        for contact in advocates:
            contact.is_advocate = True
        bulk_update_with_history(advocates, Contact, ["is_advocate"], batch_size=500)


def _outcome(followup: FollowUp, rng: random.Random, causes: dict[str, RootCause], themes: list[str] | None) -> Outcome:
    if followup.category == Category.PROMOTER:
        kinds = rng.sample(
            ["reference", "case_study", "review", "referral", "advocacy", "expansion"], rng.randint(1, 3)
        )
        # Becoming a reference or joining the advocacy programme is the rarer yes: a few advocates.
        asks = [Ask(kind, rng.choices(ASK_RESULTS, ASK_WEIGHTS.get(kind, [3, 4, 3]))[0]) for kind in kinds]
        return Outcome(asks=asks, reason_promoter=rng.choice(REASONS_PROMOTER))
    if followup.category == Category.PASSIVE:
        return Outcome(what_would_make_promoter=rng.choice(WHAT_WOULD_MAKE_PROMOTER))
    named = [THEMES[t][2] for t in themes or [] if t in THEMES and THEMES[t][2]]
    cause = causes[named[0]] if named else causes[rng.choice(ROOT_CAUSES)]
    mismatch = (cause.name == "Missing capability" and rng.random() < 0.6) or rng.random() < 0.1
    return Outcome(root_cause=cause, product_mismatch=mismatch, resolved=rng.random() < 0.55 and not mismatch)
