"""Reads of what the tenant's outcomes taught, for the console: the latest stored indicator ranking, and a
scorecard's backtest with the figures a leader asks first ("how many churners were green?").

Plain data out; the statistics themselves are ``outcomes/ranking.py`` and ``outcomes/backtest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import Tenant
from indicators.engine import ACCOUNT_INDICATORS
from indicators.models import Band, Scorecard
from outcomes.backtest import Backtest, BandRate
from outcomes.models import AnalysisKind, OutcomeAnalysis
from outcomes.ranking import MIN_CHURNED, MIN_RENEWED, NOISE, PRECEDED_CHURN, TOO_FEW
from outcomes.services.learning import scorecard_backtest

LABELS = {i.key: i.label for i in ACCOUNT_INDICATORS}
CATEGORIES = {i.key: str(i.category) for i in ACCOUNT_INDICATORS}
VERDICTS = (PRECEDED_CHURN, NOISE, TOO_FEW)
BAND_LABELS = dict(Band.choices)
NO_SCORE = "No score then"


@dataclass(frozen=True)
class IndicatorEvidence:
    """One indicator's row of a stored run; figures None where the run did not compute them."""

    key: str
    label: str
    category: str
    verdict: str
    reason: str
    churned: int
    renewed: int
    auc: float | None
    auc_low: float | None
    auc_high: float | None
    q_value: float | None
    lift: float | None
    lift_low: float | None
    lift_high: float | None
    coverage: float | None
    coverage_low: float | None
    coverage_high: float | None
    threshold: float | None


@dataclass(frozen=True)
class IndicatorRun:
    run_id: int
    ran_at: datetime
    lead_days: int
    first_term_end: date | None
    last_term_end: date | None
    churned: int
    renewed: int
    indicators: list[IndicatorEvidence]  # in the run's order: preceded churn, then noise, then too few

    def with_verdict(self, verdict: str) -> list[IndicatorEvidence]:
        return [i for i in self.indicators if i.verdict == verdict]

    @property
    def enough(self) -> bool:
        """Whether the run had the outcomes to test any indicator at all."""
        return self.churned >= MIN_CHURNED and self.renewed >= MIN_RENEWED


def indicator_run_latest(*, tenant: Tenant, lead_days: int) -> IndicatorRun | None:
    """The latest stored run of "which indicators preceded churn" read ``lead_days`` before term end."""
    run = (
        OutcomeAnalysis.objects.for_tenant(tenant).filter(kind=AnalysisKind.INDICATORS, lead_days=lead_days)
        .order_by("-ran_at", "-pk").first()
    )  # fmt: skip
    if run is None:
        return None
    return IndicatorRun(
        run_id=run.pk, ran_at=run.ran_at, lead_days=run.lead_days, first_term_end=run.first_term_end,
        last_term_end=run.last_term_end, churned=run.churned, renewed=run.renewed,
        indicators=[_evidence(row) for row in run.result if isinstance(row, dict) and "indicator" in row],
    )  # fmt: skip


def _evidence(row: dict) -> IndicatorEvidence:
    key = row["indicator"]
    figures = ("auc", "auc_low", "auc_high", "q_value", "lift", "lift_low", "lift_high", "coverage", "coverage_low",
               "coverage_high", "threshold")  # fmt: skip
    return IndicatorEvidence(
        key=key, label=LABELS.get(key, key), category=CATEGORIES.get(key, ""),
        verdict=row.get("verdict") if row.get("verdict") in VERDICTS else TOO_FEW, reason=row.get("reason", ""),
        churned=row.get("churned", 0), renewed=row.get("renewed", 0), **{name: row.get(name) for name in figures},
    )  # fmt: skip


@dataclass(frozen=True)
class BandRow:
    band: str | None  # None: renewals without a score then
    label: str
    renewals: int
    churned: int
    churn_rate: float
    low: float
    high: float
    share_of_churned: float | None  # this band's churners over every churned renewal


@dataclass(frozen=True)
class BacktestReport:
    scorecard_id: int
    scorecard_name: str
    lead_days: int
    result: Backtest
    bands: list[BandRow]
    churned_not_red: int  # churned renewals scored green or yellow: the ones the score did not warn of
    churned_green: int

    @property
    def enough(self) -> bool:
        return self.result.verdict != TOO_FEW

    @property
    def scored_renewed(self) -> int:
        return self.result.scored - self.result.scored_churned


def backtest_report(*, tenant: Tenant, scorecard: Scorecard, lead_days: int) -> BacktestReport:
    """``scorecard``'s backtest on the tenant's closed renewals, its bands labelled and shared out."""
    result = scorecard_backtest(tenant=tenant, scorecard=scorecard, lead_days=lead_days)
    bands = [_band_row(rate, result.churned) for rate in result.bands]
    by_band = {row.band: row.churned for row in bands}
    return BacktestReport(
        scorecard_id=scorecard.pk, scorecard_name=scorecard.name, lead_days=lead_days, result=result, bands=bands,
        churned_not_red=by_band.get(Band.GREEN, 0) + by_band.get(Band.YELLOW, 0),
        churned_green=by_band.get(Band.GREEN, 0),
    )  # fmt: skip


def _band_row(rate: BandRate, churned: int) -> BandRow:
    label = NO_SCORE if rate.band is None else BAND_LABELS.get(rate.band, rate.band)
    return BandRow(
        band=rate.band, label=label, renewals=rate.renewals, churned=rate.churned, churn_rate=rate.churn_rate,
        low=rate.low, high=rate.high, share_of_churned=rate.churned / churned if churned else None,
    )  # fmt: skip
