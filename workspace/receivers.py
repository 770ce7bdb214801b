"""The workspace reacts to answers and scores stored below it: urgent emails, queued to go after commit.

Both receivers run inside the storing transaction and only decide and queue: the email (its queries and SMTP)
runs in a task once the transaction commits, never in the ingest or recompute path.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.background import enqueue_on_commit
from indicators.models import Band
from workspace.services.urgent import response_is_urgent

# Scores stored for a moment this far in the past come from a backfill: history, not news (as alerts/receivers.py).
STALE_AFTER = timedelta(hours=1)


def on_response_recorded(sender, response, created, before_category=None, **kwargs) -> None:
    if response_is_urgent(response=response, created=created, before_category=before_category):
        from workspace.tasks import urgent_detractor

        enqueue_on_commit(urgent_detractor, tenant_id=response.tenant_id, response_id=response.pk)


def on_scores_stored(sender, *, tenant, as_of, changes, **kwargs) -> None:
    if not changes or as_of < timezone.now() - STALE_AFTER:
        return
    turned_red = sorted(
        account_id
        for account_id, change in changes.items()
        if change.band == Band.RED and change.before_band != Band.RED
    )
    if turned_red:
        from workspace.tasks import urgent_red_renewals

        enqueue_on_commit(urgent_red_renewals, tenant_id=tenant.pk, account_ids=turned_red)


def connect() -> None:
    from indicators.scoring.signals import scores_stored
    from surveys.models import SurveyResponse
    from surveys.signals import response_recorded

    response_recorded.connect(on_response_recorded, sender=SurveyResponse, dispatch_uid="workspace.urgent_detractor")
    scores_stored.connect(on_scores_stored, dispatch_uid="workspace.urgent_red_renewals")
