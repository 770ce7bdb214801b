"""Reads of health scores: current, history, and the explanation of a change between two moments."""

from __future__ import annotations

from datetime import datetime

from accounts.models import Account, Tenant
from indicators import engine
from indicators.models import Event, EventType, HealthScore, HealthScoreHistory
from indicators.scoring.results import explanation_to_json, result_from_json


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
