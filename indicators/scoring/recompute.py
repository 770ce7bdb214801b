"""Recomputing health scores for one tenant's accounts, a chunk per transaction.

Idempotent (same inputs, same score; a history row only when the score or band moves, or on a
new day) and safe to run concurrently: each run claims its accounts (``indicators/stale/claims.py``), so two
workers never score one account at once; a skipped account stays marked and the next sweep
takes it. A chunk's inputs are loaded and scored before its claim, while the chunks around it are
loaded and stored (``pipeline.py``); the claim then finds any account marked since its load and
loads and scores it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from hashlib import blake2b

import msgspec
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Tenant
from accounts.zones import tenant_zone
from indicators import engine
from indicators.engine.calendar import local_day
from indicators.engine.formatting import round_half_up
from indicators.ingest.sql import insert_rows
from indicators.models import HealthScore, HealthScoreHistory
from indicators.scoring.load import inputs_load, tenant_facts
from indicators.scoring.pipeline import pipelined
from indicators.scoring.results import result_to_json
from indicators.scoring.scorecards import scorecards_for_accounts
from indicators.scoring.signals import scores_stored
from indicators.stale.claims import accounts_claim, marks_clear

CHUNK = 500  # accounts per transaction: fixed costs per chunk (queries, scorecards, alert rules) amortise
# Accounts per recompute task (and per call that reports progress): several chunks, so that each chunk's
# inputs are loaded, and the one before stored, while a chunk is scored (``pipeline.py``). A task's first
# load and last store overlap nothing: over 8 chunks rather than 4 that costs less (bench/recompute.py,
# one worker: about 2,000 -> 2,500 accounts/s).
TASK_ACCOUNTS = 8 * CHUNK


def accounts_recompute(*, tenant: Tenant, account_ids, as_of: datetime | None = None) -> int:
    """Score the accounts now (or at ``as_of``); return how many were scored."""
    ids = sorted(set(account_ids))
    facts = tenant_facts(tenant)
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    load = partial(_chunk_load, tenant, facts=facts, as_of=as_of)
    return sum(pipelined(chunks, load=load, work=_chunk_evaluate, store=partial(_chunk_store, tenant, facts=facts)))


@dataclass(frozen=True, slots=True)
class LoadedChunk:
    """What a chunk's scores are computed from, and each account's recompute version read before it."""

    as_of: datetime
    versions: dict[int, int]
    inputs: dict[int, engine.AccountInputs]
    scorecards: dict[int, engine.Scorecard]


def _chunk_load(tenant: Tenant, ids: list[int], *, facts, as_of: datetime | None = None) -> LoadedChunk:
    """Read the versions first: whatever is committed after that bumps a version, so inputs loaded later
    are at least as new as the versions say (the claim compares them)."""
    as_of = as_of or timezone.now()
    versions = dict(Account.objects.for_tenant(tenant).filter(pk__one_of=ids).values_list("pk", "recompute_version"))
    inputs = inputs_load(tenant=tenant, account_ids=list(versions), as_of=as_of, facts=facts)
    return LoadedChunk(as_of, versions, inputs, scorecards_for_accounts(tenant=tenant, account_ids=list(inputs)))


@dataclass(frozen=True, slots=True)
class EvaluatedChunk:
    loaded: LoadedChunk
    evaluations: dict[int, engine.AccountEvaluation]


def _chunk_evaluate(loaded: LoadedChunk) -> EvaluatedChunk:
    """The engine's work alone: no database."""
    evaluations = {
        pk: engine.evaluate_account(inputs, scorecard=loaded.scorecards[pk]) for pk, inputs in loaded.inputs.items()
    }
    return EvaluatedChunk(loaded, evaluations)


def _chunk_store(tenant: Tenant, evaluated: EvaluatedChunk, facts) -> int:
    """Claim the chunk's accounts and store their scores, in one transaction; return how many were stored."""
    loaded = evaluated.loaded
    with transaction.atomic():
        claimed = accounts_claim(tenant=tenant, account_ids=list(loaded.versions))
        if not claimed:
            return 0
        # Loaded before the claim (perhaps on another connection): an account marked since then has a new
        # version and is loaded and scored again, now that it is ours; the others' inputs are still current.
        moved = [pk for pk, version in claimed.items() if loaded.versions[pk] != version or pk not in loaded.inputs]
        evaluations = {pk: evaluated.evaluations[pk] for pk in claimed if pk in evaluated.evaluations}
        if moved:
            again = _chunk_evaluate(_chunk_load(tenant, moved, facts=facts, as_of=loaded.as_of))
            evaluations.update(again.evaluations)
        scores_store(tenant=tenant, evaluations=evaluations, as_of=loaded.as_of)
        marks_clear(tenant=tenant, claimed=claimed)
    return len(evaluations)


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """One account's score before and after a recompute (before is None for a first score)."""

    before_score: float | None
    before_band: str
    score: float | None
    band: str
    evaluation: engine.AccountEvaluation


def scores_store(*, tenant: Tenant, evaluations: dict[int, engine.AccountEvaluation], as_of: datetime) -> None:
    """Upsert current scores, append history where the score moved (or a day passed), update trends."""
    # Only what the comparison reads: decoding every stored result and values JSON would cost more than the query.
    previous_rows = HealthScore.objects.for_tenant(tenant).filter(account_id__one_of=evaluations)
    current = {row[0]: row[1:] for row in previous_rows.values_list(
        "account_id", "score", "band", "scorecard", "history_at", "digest"
    )}  # fmt: skip
    zone = tenant_zone(tenant)  # a history row on each new day of the tenant's calendar
    past = _scores_at(tenant, list(evaluations), [as_of - timedelta(days=7), as_of - timedelta(days=30)])
    rows, unchanged, history, changes = [], [], [], {}
    for account_id, evaluation in evaluations.items():
        result = evaluation.score
        final = round_half_up(result.final, 2) if result.final is not None else None
        before_score, before_band, before_scorecard, history_at, digest = current.get(
            account_id, (None, "", None, None, None)
        )
        # History names every scorecard version used, so a new version writes a row too.
        moved = (before_score, before_band, before_scorecard) != (final, result.band or "", result.scorecard)
        moved = moved or account_id not in current
        new_day = history_at is None or local_day(history_at, zone) < local_day(as_of, zone)
        fields = {
            "tenant_id": tenant.pk, "account_id": account_id, "score": final, "computed": result.computed,
            "gut": result.gut, "band": result.band or "", "coverage": result.coverage, "scorecard": result.scorecard,
            "result": result_to_json(result),
        }  # fmt: skip
        changes[account_id] = ScoreChange(
            before_score=before_score, before_band=before_band, score=final, band=fields["band"], evaluation=evaluation
        )
        if moved or new_day:
            history.append({**fields, "at": as_of, "values": dict(evaluation.values)})
            history_at = as_of
        week, month = past.get(account_id, (None, None))
        row = {
            **fields, "values": dict(evaluation.values), "history_at": history_at,
            "change_7d": _change(final, week), "change_30d": _change(final, month),
        }  # fmt: skip
        row["digest"] = _digest(row)
        if row["digest"] == digest:
            unchanged.append(account_id)
        else:
            rows.append({**row, "computed_at": as_of})
    # One multi-row statement each, JSON encoded by msgspec: the ORM's bulk path cost more than the database work.
    insert_rows(HealthScore, rows, conflict=["account_id"], update=True)
    if unchanged:
        HealthScore.objects.for_tenant(tenant).filter(account_id__one_of=unchanged).update(computed_at=as_of)
    insert_rows(HealthScoreHistory, history, conflict=None)
    scores_stored.send(sender=HealthScore, tenant=tenant, as_of=as_of, changes=changes)


def _digest(row: dict) -> int:
    """64 bits of a hash of the row's content, as a signed bigint."""
    return int.from_bytes(blake2b(msgspec.json.encode(row), digest_size=8).digest(), "big", signed=True)


def _change(now: float | None, then: float | None) -> float | None:
    return round_half_up(now - then, 2) if now is not None and then is not None else None


def _scores_at(tenant: Tenant, account_ids: list[int], moments: list[datetime]) -> dict[int, tuple]:
    """Each account's score as it stood at each moment (the latest history row at or before it)."""
    earliest = min(moments) - timedelta(days=30)
    rows = (
        HealthScoreHistory.objects.for_tenant(tenant)
        .filter(account_id__one_of=account_ids, at__gte=earliest, at__lte=max(moments))
        .order_by("account_id", "at")
        .values_list("account_id", "at", "score")
    )
    standing: dict[int, list] = {}
    for account_id, at, score in rows:
        slots = standing.setdefault(account_id, [None] * len(moments))
        for i, moment in enumerate(moments):
            if at <= moment:
                slots[i] = score
    return {account_id: tuple(slots) for account_id, slots in standing.items()}
