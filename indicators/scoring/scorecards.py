"""Which scorecard scores which account, as engine scorecards built from the current stored versions.

Selection, most specific first: a scorecard naming both the account's segment and its lifecycle
stage; then one naming its segment; then one naming its stage; then the tenant's default. Ties go
to the oldest scorecard. A tenant without any scorecard is scored with ``engine.DEFAULT_SCORECARD``.
Segments compare without regard to case or surrounding spaces.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F

from accounts.models import Account, Tenant
from indicators import engine
from indicators.engine.definition import scorecard_from_definition, version_key
from indicators.models import HealthScore, Scorecard, ScorecardVersion

FALLBACK = engine.DEFAULT_SCORECARD


def _segment(value: str | None) -> str:
    return (value or "").strip().casefold()


@dataclass(frozen=True, slots=True)
class Candidate:
    scorecard_id: int
    is_default: bool
    segments: frozenset[str]
    stages: frozenset[str]
    engine: engine.Scorecard

    def specificity(self, segment: str, stage: str) -> int | None:
        """2 + 1 for segment and stage named, 2 segment only, 1 stage only; None when it does not apply."""
        if self.segments and segment not in self.segments:
            return None
        if self.stages and stage not in self.stages:
            return None
        if not self.segments and not self.stages:
            return None  # the default: chosen only when nothing else applies
        return (2 if self.segments else 0) + (1 if self.stages else 0)


@dataclass(frozen=True, slots=True)
class TenantScorecards:
    """A tenant's scorecards, loaded once; ``pick`` is pure."""

    candidates: tuple[Candidate, ...]  # oldest first

    def pick_candidate(self, segment: str | None, stage: str | None) -> Candidate | None:
        segment, stage = _segment(segment), stage or ""
        best, best_rank = None, 0
        for candidate in self.candidates:
            rank = candidate.specificity(segment, stage)
            if rank is not None and rank > best_rank:
                best, best_rank = candidate, rank
        if best is None:
            best = next((c for c in self.candidates if c.is_default), None)
        return best

    def pick(self, segment: str | None, stage: str | None) -> engine.Scorecard:
        candidate = self.pick_candidate(segment, stage)
        return candidate.engine if candidate is not None else FALLBACK


def version_to_engine(version: ScorecardVersion) -> engine.Scorecard:
    """The engine scorecard of a stored version, keyed ``<key>@v<number>``."""
    definition = version.definition
    return scorecard_from_definition(definition, key=version_key(definition["key"], version.number))


def tenant_scorecards(tenant: Tenant) -> TenantScorecards:
    """Every scorecard of the tenant at its current version: one query."""
    versions = (
        ScorecardVersion.objects.for_tenant(tenant)
        .filter(number=F("scorecard__version"))
        .select_related("scorecard")
        .order_by("scorecard__created_at", "scorecard_id")
    )
    candidates = []
    for version in versions:
        card = version.scorecard
        candidates.append(
            Candidate(
                scorecard_id=card.pk,
                is_default=card.is_default,
                segments=frozenset(_segment(s) for s in card.segments),
                stages=frozenset(card.lifecycle_stages),
                engine=version_to_engine(version),
            )
        )
    return TenantScorecards(tuple(candidates))


def scorecards_for_accounts(*, tenant: Tenant, account_ids: Iterable[int]) -> dict[int, engine.Scorecard]:
    """Each account's engine scorecard: two queries, whatever the number of accounts."""
    chosen = tenant_scorecards(tenant)
    rows = Account.objects.for_tenant(tenant).filter(pk__one_of=list(account_ids))
    return {
        pk: chosen.pick(segment, stage) for pk, segment, stage in rows.values_list("pk", "segment", "lifecycle_stage")
    }


def scorecard_rescore_targets(*, tenant: Tenant, scorecard: Scorecard) -> list[int]:
    """Accounts to rescore after ``scorecard`` changed: those it applies to now and those it last scored."""
    chosen = tenant_scorecards(tenant)
    ids = {
        pk
        for pk, segment, stage in Account.objects.for_tenant(tenant).values_list("pk", "segment", "lifecycle_stage")
        if (c := chosen.pick_candidate(segment, stage)) is not None and c.scorecard_id == scorecard.pk
    }
    ids |= set(
        HealthScore.objects.for_tenant(tenant)
        .filter(scorecard__startswith=f"{scorecard.key}@v")
        .values_list("account_id", flat=True)
    )
    return sorted(ids)
