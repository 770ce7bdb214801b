"""A scorecard backtest: did its score, some days before each term end, tell churn from renewal?

Input is one ``ScoredRenewal`` per closed renewal: whether it churned, and the scorecard's score and
band as of (say) 90 days before the term end; None when the account had no score then. The figures:

* AUC of the risk 100 - score over the renewals with a score, with the stratified bootstrap 95%
  percentile interval of ``outcomes.ranking`` (same replicates, same cost rules); computed only from
  ``MIN_CHURNED`` churned and ``MIN_RENEWED`` renewed scored renewals, like an indicator's.
* Churn rate per band (red, yellow, green, then any other band, then "no score") with its counts and
  Wilson 95% interval: the table a leader reads ("how many churners were green?").
* Coverage: the share of renewals, and of churned renewals, that had a score.

``compare_scorecards`` puts two scorecards (the current one and a draft) side by side on the same
renewals, with the AUC difference (draft - current) and its paired bootstrap interval: the same
resampled renewals score both, so what the two share cancels out of the difference. Only renewals
both scorecards scored are paired; how many that is is reported.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from outcomes.ranking import (
    MIN_CHURNED,
    MIN_RENEWED,
    REPLICATES,
    TOO_FEW,
    auc_from_counts,
    bootstrap_aucs,
    percentile_interval,
    replicates_for,
    risk_bins,
    rng_for,
    wilson_interval,
)

BAND_ORDER = ("red", "yellow", "green")  # riskiest first; other bands follow by name, "no score" last
MAX_SCORE = 100.0


@dataclass(frozen=True, slots=True)
class ScoredRenewal:
    """One closed renewal with the scorecard's score and band as of the backtest's offset (None: no score)."""

    churned: bool
    score: float | None
    band: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BandRate:
    band: str | None  # None: the renewals without a score
    renewals: int
    churned: int
    churn_rate: float
    low: float
    high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Backtest:
    renewals: int
    churned: int
    scored: int
    scored_churned: int
    coverage: float | None  # share of renewals with a score
    churned_coverage: float | None  # share of churned renewals with a score
    bands: tuple[BandRate, ...]
    auc: float | None = None  # None below the minimum of outcomes: see ``verdict``
    auc_low: float | None = None
    auc_high: float | None = None
    bootstrap_replicates: int | None = None
    verdict: str | None = None  # TOO_FEW below the minimum, else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    current: Backtest
    draft: Backtest
    paired: int  # renewals both scorecards scored: the AUCs below are over these
    current_auc: float | None = None
    draft_auc: float | None = None
    difference: float | None = None  # draft - current
    difference_low: float | None = None
    difference_high: float | None = None
    verdict: str | None = None


def backtest(
    renewals: Sequence[ScoredRenewal], *, replicates: int = REPLICATES, seed: int = 0, key: str = "scorecard"
) -> Backtest:
    """The scorecard's AUC with its interval, churn rate per band and coverage; ``key`` seeds its bootstrap."""
    churned = np.array([bool(r.churned) for r in renewals], dtype=bool)
    scores = _scores(renewals)
    scored = ~np.isnan(scores)
    figures = {
        "renewals": len(renewals),
        "churned": int(churned.sum()),
        "scored": int(scored.sum()),
        "scored_churned": int((scored & churned).sum()),
        "coverage": float(scored.mean()) if len(renewals) else None,
        "churned_coverage": float(scored[churned].mean()) if churned.any() else None,
        "bands": _band_rates(renewals),
    }
    risk = MAX_SCORE - scores
    aucs = _aucs([risk], churned & scored, ~churned & scored, replicates=replicates, rng=rng_for(seed, key))
    if aucs is None:
        return Backtest(**figures, verdict=TOO_FEW)
    (auc,), bootstrap, used = aucs
    low, high = percentile_interval(bootstrap[0])
    return Backtest(**figures, auc=auc, auc_low=low, auc_high=high, bootstrap_replicates=used)


def compare_scorecards(
    current: Sequence[ScoredRenewal], draft: Sequence[ScoredRenewal], *, replicates: int = REPLICATES, seed: int = 0
) -> Comparison:
    """Two scorecards' backtests on the same renewals (same order), and the paired AUC difference."""
    if len(current) != len(draft) or any(a.churned != b.churned for a, b in zip(current, draft, strict=True)):
        raise ValueError("Both scorecards must be scored on the same renewals, in the same order.")
    sides = {
        "current": backtest(current, replicates=replicates, seed=seed, key="current"),
        "draft": backtest(draft, replicates=replicates, seed=seed, key="draft"),
    }
    churned = np.array([bool(r.churned) for r in current], dtype=bool)
    current_risk, draft_risk = MAX_SCORE - _scores(current), MAX_SCORE - _scores(draft)
    both = ~np.isnan(current_risk) & ~np.isnan(draft_risk)
    paired = int(both.sum())
    aucs = _aucs(
        [current_risk, draft_risk], churned & both, ~churned & both, replicates=replicates, rng=rng_for(seed, "paired")
    )
    if aucs is None:
        return Comparison(**sides, paired=paired, verdict=TOO_FEW)
    (current_auc, draft_auc), bootstrap, _ = aucs
    low, high = percentile_interval(bootstrap[1] - bootstrap[0])
    return Comparison(
        **sides,
        paired=paired,
        current_auc=current_auc,
        draft_auc=draft_auc,
        difference=draft_auc - current_auc,
        difference_low=low,
        difference_high=high,
    )


def _scores(renewals: Sequence[ScoredRenewal]) -> np.ndarray:
    scores = np.array([np.nan if r.score is None else r.score for r in renewals], dtype=float)
    if np.count_nonzero(~np.isfinite(scores)) != sum(r.score is None for r in renewals):
        raise ValueError("Scores must be finite numbers or None.")
    return scores


def _aucs(risks: list[np.ndarray], is_churned: np.ndarray, is_renewed: np.ndarray, *, replicates, rng):
    """(point AUCs, paired bootstrap AUCs, replicates used) for each risk over the same renewals; None if too few."""
    if is_churned.sum() < MIN_CHURNED or is_renewed.sum() < MIN_RENEWED:
        return None
    binned = [risk_bins(risk[is_churned], risk[is_renewed]) for risk in risks]
    churned_bins, renewed_bins, n_bins = (list(part) for part in zip(*binned, strict=True))
    points = [
        float(auc_from_counts(np.bincount(pos, minlength=k), np.bincount(neg, minlength=k)))
        for pos, neg, k in zip(churned_bins, renewed_bins, n_bins, strict=True)
    ]
    used = replicates_for(int(is_churned.sum() + is_renewed.sum()), replicates)
    return points, bootstrap_aucs(churned_bins, renewed_bins, n_bins, replicates=used, rng=rng), used


def _band_rates(renewals: Sequence[ScoredRenewal]) -> tuple[BandRate, ...]:
    tallies: dict[str | None, list[int]] = {}
    for renewal in renewals:
        if renewal.score is not None and renewal.band is None:
            raise ValueError("A renewal with a score needs its band.")
        band = None if renewal.score is None else renewal.band
        tally = tallies.setdefault(band, [0, 0])
        tally[0] += 1
        tally[1] += bool(renewal.churned)

    def order(band: str | None) -> tuple:
        if band is None:
            return (2, 0, "")
        return (0, BAND_ORDER.index(band), "") if band in BAND_ORDER else (1, 0, band)

    rates = []
    for band in sorted(tallies, key=order):
        n, churned = tallies[band]
        low, high = wilson_interval(churned, n)
        rates.append(BandRate(band=band, renewals=n, churned=churned, churn_rate=churned / n, low=low, high=high))
    return tuple(rates)
