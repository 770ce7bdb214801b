"""Which indicators preceded churn for this tenant: each closed renewal's indicators as recorded some days
before its term end, ranked by the pure statistics in ``outcomes/ranking.py``; each run stored."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Tenant
from accounts.zones import tenant_zone
from indicators.engine import ACCOUNT_INDICATORS, Direction, score
from indicators.models import Scorecard
from indicators.scoring.scorecards import version_to_engine
from indicators.services.scorecards import scorecard_save
from outcomes.backtest import Backtest, Comparison, ScoredRenewal, backtest, compare_scorecards
from outcomes.models import AnalysisKind, Outcome, OutcomeAnalysis, Renewal
from outcomes.models.renewals import CLOSED_OUTCOMES
from outcomes.ranking import Sample, rank_indicators
from outcomes.services.history import history_as_of
from outcomes.services.ledger import tenant_today
from outcomes.suggestion import suggested_measures
from outcomes.thresholds import measure_thresholds

LEADS = (90, 180)  # days before the term end at which the indicators are read
# The catalogue fixes each indicator's direction in advance: it is never chosen after seeing the outcomes.
DIRECTIONS = {i.key: 1 if i.direction == Direction.HIGHER_IS_BETTER else -1 for i in ACCOUNT_INDICATORS}


def scorecard_default(*, tenant: Tenant) -> Scorecard | None:
    return Scorecard.objects.for_tenant(tenant).filter(is_default=True).first()


def as_of_moment(term_end: date, lead_days: int, zone) -> datetime:
    """The end of the day ``lead_days`` before the term end, in the tenant's calendar."""
    return datetime.combine(term_end - timedelta(days=lead_days - 1), time.min, tzinfo=zone) - timedelta(microseconds=1)


def renewal_samples(*, tenant: Tenant, lead_days: int) -> tuple[list[Sample], list[date]]:
    """(samples, their term ends): each closed renewal whose as-of moment has passed, churned or not, with the
    indicators of the latest history row recorded at or before that moment (nothing recorded later)."""
    zone, now = tenant_zone(tenant), timezone.now()
    renewals = [
        (account_id, term_end, outcome, as_of_moment(term_end, lead_days, zone))
        for account_id, term_end, outcome in Renewal.objects.for_tenant(tenant)
        .filter(outcome__in=CLOSED_OUTCOMES).values_list("account_id", "term_end", "outcome")
    ]  # fmt: skip
    renewals = [r for r in renewals if r[3] <= now]
    recorded = history_as_of(tenant, [(account_id, moment) for account_id, _, _, moment in renewals])
    samples = [
        Sample(churned=outcome == Outcome.CHURNED, values=row.values if row else {})
        for (_, _, outcome, _), row in zip(renewals, recorded, strict=True)
    ]
    return samples, [term_end for _, term_end, _, _ in renewals]


def indicators_analyse(*, tenant: Tenant, lead_days: int = LEADS[0]) -> OutcomeAnalysis:
    """Rank every account indicator on the tenant's closed renewals and store the run."""
    samples, ends = renewal_samples(tenant=tenant, lead_days=lead_days)
    default = scorecard_default(tenant=tenant)
    thresholds = measure_thresholds(_engine(default)) if default else {}
    results = rank_indicators(samples, directions=DIRECTIONS, thresholds=thresholds)
    churned = sum(s.churned for s in samples)
    return OutcomeAnalysis.objects.create(
        tenant=tenant, kind=AnalysisKind.INDICATORS, lead_days=lead_days, ran_at=timezone.now(),
        first_term_end=min(ends, default=None), last_term_end=max(ends, default=None), churned=churned,
        renewed=len(samples) - churned, result=[asdict(r) for r in results],
    )  # fmt: skip


def _engine(scorecard: Scorecard):
    """The engine scorecard of ``scorecard``'s current version."""
    return version_to_engine(scorecard.versions.order_by("-number").first())


def _scored(samples: list[Sample], scorecard: Scorecard) -> tuple[list[ScoredRenewal], str]:
    """Each sample scored by ``scorecard``'s current version, and that version's key."""
    card = _engine(scorecard)
    scored = []
    for sample in samples:
        result = score(values={k: v for k, v in sample.values.items() if v is not None}, scorecard=card)
        scored.append(ScoredRenewal(churned=sample.churned, score=result.final, band=result.band))
    return scored, card.key


def scorecard_backtest(*, tenant: Tenant, scorecard: Scorecard, lead_days: int = LEADS[0]) -> Backtest:
    """How well ``scorecard``'s current version, applied to each closed renewal's indicators as recorded
    ``lead_days`` before its term end, separated the churned renewals from the renewed ones."""
    samples, _ = renewal_samples(tenant=tenant, lead_days=lead_days)
    scored, key = _scored(samples, scorecard)
    return backtest(scored, key=key)


def scorecards_compare(
    *, tenant: Tenant, current: Scorecard, draft: Scorecard, lead_days: int = LEADS[0]
) -> Comparison:
    """Two scorecards backtested on the same closed renewals, with the paired AUC difference (draft - current)."""
    samples, _ = renewal_samples(tenant=tenant, lead_days=lead_days)
    return compare_scorecards(_scored(samples, current)[0], _scored(samples, draft)[0])


def draft_suggest(*, tenant: Tenant, changed_by=None, lead_days: int = LEADS[0]) -> Scorecard | None:
    """A draft scorecard (applying to no account) from the latest ranking: what preceded churn, weighted by it;
    None when nothing did. The thresholds and gut weight are the default scorecard's."""
    run = OutcomeAnalysis.objects.for_tenant(tenant).filter(kind=AnalysisKind.INDICATORS, lead_days=lead_days).first()
    if run is None:
        return None
    samples, _ = renewal_samples(tenant=tenant, lead_days=lead_days)
    measures = suggested_measures(run.result, samples)
    if not measures:
        return None
    default = scorecard_default(tenant=tenant)
    today = tenant_today(tenant)
    draft = Scorecard(
        name=f"Suggested from outcomes, {today:%Y-%m-%d}", is_default=False,
        green_min=default.green_min if default else 70, yellow_min=default.yellow_min if default else 40,
        gut_weight=default.gut_weight if default else 0.2,
    )  # fmt: skip
    return scorecard_save(tenant=tenant, scorecard=draft, measures=measures, changed_by=changed_by).scorecard
