"""Test data for the health pages: usage days, other events, and score rows with chosen numbers."""

from datetime import timedelta
from itertools import count

from django.db import transaction
from django.utils import timezone

from indicators.ingest.store import NewEvent, events_store
from indicators.models import HealthScore, HealthScoreHistory

_ids = count()


def usage_on(account, contact, days_ago, now) -> list[NewEvent]:
    """One usage event on each of ``days_ago`` (days back from ``now``), an hour earlier in that UTC day."""
    return [
        NewEvent(message_id=f"u-{next(_ids)}", type="usage", name="Report Exported", source="api",
                 occurred_at=_hour_before(now - timedelta(days=d)), account_id=account.pk, contact_id=contact.pk)
        for d in days_ago
    ]  # fmt: skip


def _hour_before(moment):
    """An hour before ``moment``, but not before its day's midnight: the suite may run just after one."""
    return max(moment - timedelta(hours=1), moment.replace(hour=0, minute=0, second=0, microsecond=0))


def event(account, contact, type_, name, when, **properties) -> NewEvent:
    contact_id = contact.pk if contact else None
    return NewEvent(message_id=f"e-{next(_ids)}", type=type_, name=name, source="api", occurred_at=when,
                    account_id=account.pk, contact_id=contact_id, properties=properties)  # fmt: skip


def store(tenant, events) -> None:
    with transaction.atomic():
        events_store(tenant=tenant, events=list(events))


def score_row(tenant, account, score, *, band=None, change_7d=None, change_30d=None) -> HealthScore:
    """A current score with the numbers a test wants (the engine's result left empty)."""
    band = band or ("green" if score >= 70 else "yellow" if score >= 40 else "red")
    return HealthScore.objects.for_tenant(tenant).create(
        tenant=tenant, account=account, score=score, computed=score, band=band, coverage=1.0, scorecard="test",
        computed_at=timezone.now(), change_7d=change_7d, change_30d=change_30d,
    )  # fmt: skip


def history_row(tenant, account, score, at) -> HealthScoreHistory:
    band = "green" if score >= 70 else "yellow" if score >= 40 else "red"
    return HealthScoreHistory.objects.for_tenant(tenant).create(
        tenant=tenant, account=account, score=score, computed=score, band=band, coverage=1.0, scorecard="test", at=at
    )
