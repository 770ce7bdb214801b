"""Scores as they stood in the past: one history point a day over a period, from stored rollups."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from indicators import engine
from indicators.scoring.load import inputs_load, tenant_facts
from indicators.scoring.recompute import CHUNK, scores_store
from indicators.scoring.scorecards import scorecards_for_accounts


def history_backfill(*, tenant: Tenant, account_ids: list[int], days: int, step_days: int = 1,
                     until: datetime | None = None, progress=None) -> int:  # fmt: skip
    """Score each account every ``step_days`` over ``days`` days up to ``until``, oldest first; return points."""
    until = until or timezone.now()
    moments = [until - timedelta(days=d) for d in range(days, 0, -step_days)] + [until]
    facts = tenant_facts(tenant)
    ids = sorted(account_ids)
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Load the whole period once; the engine ignores whatever is dated after each moment.
        inputs = inputs_load(tenant=tenant, account_ids=chunk, as_of=until, history_from=moments[0], facts=facts)
        scorecards = scorecards_for_accounts(tenant=tenant, account_ids=chunk)
        for moment in moments:
            evaluations = {
                pk: engine.evaluate_account(_at(account_inputs, moment), scorecard=scorecards[pk])
                for pk, account_inputs in inputs.items()
            }
            with transaction.atomic():
                scores_store(tenant=tenant, evaluations=evaluations, as_of=moment)
            written += len(evaluations)
        if progress is not None:
            progress(len(chunk))
    return written


def _at(inputs: engine.AccountInputs, moment: datetime) -> engine.AccountInputs:
    return replace(inputs, as_of=moment)
