"""The demo tenant's scoring setup: its default scorecard, and gut reads from CSMs on a handful of accounts."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Tenant
from indicators.models import GutLevelChoice, GutRead
from indicators.services.scorecards import scorecard_default_create

DEMO_READS = 12
NOTES = {
    GutLevelChoice.VERY_NEGATIVE: [
        "Champion left last month and nobody has picked up the project.",
        "Budget review underway; they asked twice about the cancellation terms.",
    ],
    GutLevelChoice.NEGATIVE: [
        "Usage is fine but the sponsor skipped our last two business reviews.",
        "Frustrated by the export bugs; waiting on the fix before they roll out further.",
    ],
    GutLevelChoice.NEUTRAL: [
        "New team lead, still forming an opinion of the product.",
        "Steady, no strong signals either way since the renewal.",
    ],
    GutLevelChoice.POSITIVE: [
        "Ops team presented their dashboards to the board; good momentum.",
        "Asked about the analytics add-on; expansion conversation likely next quarter.",
    ],
    GutLevelChoice.VERY_POSITIVE: [
        "Offered to be a reference and to speak at our customer event.",
        "Sponsor calls us their most useful vendor; rolling out to two more regions.",
    ],
}
# Reads lean the way the account's stage suggests, so the demo's gut and computed scores mostly agree.
LEVELS_BY_STAGE = {
    "churned": [GutLevelChoice.VERY_NEGATIVE, GutLevelChoice.NEGATIVE],
    "renewing": [GutLevelChoice.NEGATIVE, GutLevelChoice.NEUTRAL, GutLevelChoice.POSITIVE],
    "mature": [GutLevelChoice.NEUTRAL, GutLevelChoice.POSITIVE, GutLevelChoice.VERY_POSITIVE],
}


@transaction.atomic
def demo_gut_seed(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Make sure the tenant has its default scorecard, and that a few accounts carry a live gut read from
    their CSM; accounts that already have one keep it. Returns the number of reads added."""
    scorecard_default_create(tenant=tenant)
    now = now or timezone.now()
    accounts = list(
        Account.objects.for_tenant(tenant)
        .exclude(csm_owner=None)
        .select_related("csm_owner__user")
        .order_by("external_id")
    )
    rng = random.Random(20261101)  # the same accounts and reads on every run
    picked = rng.sample(accounts, min(DEMO_READS, len(accounts)))
    live = set(
        GutRead.objects.for_tenant(tenant)
        .filter(account__in=picked, expires_at__gt=now)
        .values_list("account_id", flat=True)
    )
    added = 0
    for account in picked:
        level = rng.choice(LEVELS_BY_STAGE.get(account.lifecycle_stage, GutLevelChoice.values))
        set_days_ago, lasts_days = rng.randint(1, 20), rng.randint(30, 90)
        note = rng.choice(NOTES[GutLevelChoice(level)])
        if account.pk in live:
            continue
        GutRead.objects.create(
            tenant=tenant,
            account=account,
            level=level,
            note=note,
            set_at=now - timedelta(days=set_days_ago),
            expires_at=now + timedelta(days=lasts_days - set_days_ago),
            set_by=account.csm_owner.user,
        )
        added += 1
    return added
