"""Alert rules react to freshly stored scores and new tenants (connected in AlertsConfig.ready)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alerts.services.defaults import default_rules_create
from alerts.services.evaluate import AccountState, rules_evaluate

logger = logging.getLogger(__name__)

# Scores stored for a moment this far in the past come from a backfill: history, not news.
STALE_AFTER = timedelta(hours=1)


def on_scores_stored(sender, *, tenant, as_of, changes, **kwargs) -> None:
    if not changes or as_of < timezone.now() - STALE_AFTER:
        return
    states = {
        account_id: AccountState(
            score=change.score, band=change.band, values=change.evaluation.values,
            before_band=change.before_band or None,
        )
        for account_id, change in changes.items()
    }  # fmt: skip
    try:
        # A savepoint: a failing rule must not roll back the scores; the daily pass catches up.
        with transaction.atomic():
            rules_evaluate(tenant=tenant, states=states, as_of=as_of)
    except Exception:
        logger.exception("Alert rules failed for tenant %s; scores are stored.", tenant.pk)


def on_tenant_created(sender, tenant, **kwargs) -> None:
    default_rules_create(tenant)
