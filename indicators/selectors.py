"""Reads of health scores: current, history, and the explanation of a change between two moments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from django.db.models import Avg, Case, Count, F, Q, Sum, Value, When
from django.utils import timezone

from accounts.models import Account, LifecycleStage, Membership, Tenant
from indicators import engine
from indicators.models import Band, Event, EventType, HealthScore, HealthScoreHistory
from indicators.scoring.results import explanation_to_json, result_from_json
from indicators.scoring.scorecards import scorecards_for_accounts


def health_current(*, tenant: Tenant, account: Account) -> HealthScore | None:
    return HealthScore.objects.for_tenant(tenant).filter(account=account).first()


def health_history(*, tenant: Tenant, account: Account, since: datetime | None = None, until: datetime | None = None):
    rows = HealthScoreHistory.objects.for_tenant(tenant).filter(account=account)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lte=until)
    return rows.order_by("-at", "-id")


def _standing_at(tenant: Tenant, account: Account, moment: datetime | None) -> HealthScoreHistory | None:
    rows = HealthScoreHistory.objects.for_tenant(tenant).filter(account=account)
    if moment is not None:
        rows = rows.filter(at__lte=moment)
    return rows.order_by("-at", "-id").first()


def health_explain(*, tenant: Tenant, account: Account, since: datetime | None, until: datetime | None) -> dict:
    """What changed between the score standing at ``since`` and at ``until`` (default: the last two scores)."""
    after = _standing_at(tenant, account, until)
    if after is None:
        return {"from": None, "to": None, "explanation": None, "events": []}
    if since is None:
        before = (
            HealthScoreHistory.objects.for_tenant(tenant).filter(account=account, at__lt=after.at)
            .order_by("-at", "-id").first()
        )  # fmt: skip
    else:
        before = _standing_at(tenant, account, since)
    try:
        explanation = engine.explain(
            result_from_json(before.result) if before else None, result_from_json(after.result)
        )
    except (KeyError, TypeError, ValueError):  # a row written by hand or by an older engine
        return {"from": before.at if before else None, "to": after.at, "explanation": None, "events": []}
    # The events behind the change: what happened between the two moments, usage summarised by the rollups.
    events = Event.objects.for_tenant(tenant).filter(account=account, occurred_at__lte=after.at)
    if before is not None:
        events = events.filter(occurred_at__gt=before.at)
    recent = events.exclude(type=EventType.USAGE).order_by("-occurred_at")[:20]
    return {
        "from": before.at if before else None,
        "to": after.at,
        "explanation": explanation_to_json(explanation),
        "events": [{"id": e.pk, "type": e.type, "name": e.name, "occurred_at": e.occurred_at} for e in recent],
    }


def health_week_change(*, tenant: Tenant, account: Account, current: HealthScore | None = None) -> dict:
    """What changed over the week the 7-day change measures (the story the dashboard's "fell most this week"
    tells); without a change over the week, the latest move of the score (``health_last_change``)."""
    current = current or health_current(tenant=tenant, account=account)
    if current is not None and current.change_7d:
        week = health_explain(tenant=tenant, account=account, since=current.computed_at - timedelta(days=7), until=None)
        if week["explanation"] is not None and week["from"] is not None:
            return week
    return health_last_change(tenant=tenant, account=account)


def health_last_change(*, tenant: Tenant, account: Account, lookback: int = 400) -> dict:
    """``health_explain`` of the latest move of the score; daily rows that repeat the score are passed over.

    Without a move among the last ``lookback`` rows, the last two rows (or the first score alone).
    """
    rows = list(health_history(tenant=tenant, account=account).values_list("at", "score")[:lookback])
    for (after_at, after_score), (before_at, before_score) in pairwise(rows):
        if after_score != before_score:
            return health_explain(tenant=tenant, account=account, since=before_at, until=after_at)
    return health_explain(tenant=tenant, account=account, since=None, until=None)


TREND_POINTS_MAX = 2000  # a busy account scored many times a day still draws a readable line


def health_bands(*, tenant: Tenant, account: Account) -> tuple[float, float]:
    """The band thresholds (yellow from, green from) of the account's scorecard, for drawing its zones."""
    thresholds = scorecards_for_accounts(tenant=tenant, account_ids=[account.pk])[account.pk].thresholds
    return float(thresholds.yellow_min), float(thresholds.green_min)


def health_trend(
    *, tenant: Tenant, account: Account, days: int = 180, until: datetime | None = None
) -> list[tuple[datetime, float | None]]:
    """(moment, score) of every history row of the last ``days`` days, oldest first."""
    until = until or timezone.now()
    rows = health_history(tenant=tenant, account=account, since=until - timedelta(days=days), until=until)
    return list(reversed(rows.values_list("at", "score")[:TREND_POINTS_MAX]))


UNSCORED = "none"  # the key of the accounts not scored yet (as the account list's band filter spells it)
CHURNED = "churned"


@dataclass(frozen=True, slots=True)
class HealthOverview:
    """The health of the tenant's current customers; churned accounts are counted apart, in no health figure."""

    accounts: int  # current customers: every account not churned
    by_band: dict[str, int]  # green, yellow, red, in that order
    unscored: int  # current customers without a score (never computed, or no measure had data)
    average: float | None  # over the scored current customers
    arr_by_band: dict[str, Decimal]  # green, yellow, red
    unscored_arr: Decimal
    churned: int
    churned_arr: Decimal

    def rows(self) -> list[tuple[str, int, Decimal]]:
        """(band key, accounts, ARR) for each band, then ``UNSCORED`` for the accounts not scored yet."""
        return [
            *((band, count, self.arr_by_band[band]) for band, count in self.by_band.items()),
            (UNSCORED, self.unscored, self.unscored_arr),
        ]


def health_overview(*, tenant: Tenant, segment: str = "", csm_id: int | None = None) -> HealthOverview:
    """How the tenant's current customers spread over the bands (accounts and ARR), their average score,
    and the churned accounts apart: a churned customer's last score says nothing of the book's health.

    ``segment`` (any case) and ``csm_id`` (the owner's membership) narrow it to part of the book, as the
    NPS dashboard's filters narrow its other panels.
    """
    accounts = Account.objects.for_tenant(tenant)
    if segment:
        accounts = accounts.filter(segment__iexact=segment)
    if csm_id is not None:
        accounts = accounts.filter(csm_owner_id=csm_id)
    scored = Q(health__score__isnull=False, health__tenant=tenant)
    group = Case(
        When(lifecycle_stage=LifecycleStage.CHURNED, then=Value(CHURNED)),
        When(scored, then=F("health__band")),
        default=Value(UNSCORED),
    )
    totals = {
        key: (n, arr or Decimal(0))
        for key, n, arr in accounts.annotate(group=group).values("group")
        .annotate(n=Count("pk"), arr=Sum("arr")).order_by().values_list("group", "n", "arr")
    }  # fmt: skip
    current = accounts.exclude(lifecycle_stage=LifecycleStage.CHURNED)
    average = current.filter(scored).aggregate(avg=Avg("health__score"))["avg"]
    none = (0, Decimal(0))
    return HealthOverview(
        accounts=sum(n for key, (n, _) in totals.items() if key != CHURNED),
        by_band={band.value: totals.get(band.value, none)[0] for band in Band},
        unscored=totals.get(UNSCORED, none)[0],
        average=average,
        arr_by_band={band.value: totals.get(band.value, none)[1] for band in Band},
        unscored_arr=totals.get(UNSCORED, none)[1],
        churned=totals.get(CHURNED, none)[0],
        churned_arr=totals.get(CHURNED, none)[1],
    )


def health_movers(
    *, tenant: Tenant, limit: int = 10, csm: Membership | None = None
) -> tuple[list[HealthScore], list[HealthScore]]:
    """The current customers whose score rose most over the last 7 days, and those that fell most;
    ``csm`` narrows them to the accounts that member owns (a CSM's book)."""
    scores = (
        HealthScore.objects.for_tenant(tenant)
        .exclude(account__lifecycle_stage=LifecycleStage.CHURNED)
        .select_related("account")
    )
    if csm is not None:
        scores = scores.filter(account__csm_owner=csm)
    risers = list(scores.filter(change_7d__gt=0).order_by("-change_7d", "account__name")[:limit])
    fallers = list(scores.filter(change_7d__lt=0).order_by("change_7d", "account__name")[:limit])
    return risers, fallers
