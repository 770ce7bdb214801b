"""Which indicators preceded churn: AUC with a bootstrap interval, permutation p, BH q, lift and coverage.

Input is one ``Sample`` per closed renewal: whether it churned and each indicator's value as recorded
some days before its term end (None: no data). Each indicator is read in the direction the catalogue
fixed in advance (+1: higher is better, so low values are risk; -1: lower is better, so high values
are risk) and never flipped after looking: an indicator that points the wrong way gets an AUC below
0.5 and is called noise, which is what it is for prediction.

Per indicator, over the renewals with a value:

* AUC: the Mann-Whitney statistic of the risk score (ties count ½), the probability that a churned
  renewal looked riskier than a renewed one.
* A 95% percentile interval from a stratified bootstrap (churned and renewed resampled separately,
  pROC's default of 2,000 replicates). Each replicate is a weighted Mann-Whitney over one sort: the
  values are sorted once into bins (runs of values held only by churners, or only by renewals, can be
  merged without changing any comparison), a replicate's draws are counted per bin, and a cumulative
  sum gives every comparison at once.
* A one-sided permutation p-value (AUC > 0.5): (1 + permutations at least as high) / (1 + permutations).
* Benjamini-Hochberg q across the indicators tested (those with enough outcomes).
* With a threshold: lift = churn rate among the flagged ÷ base rate, its interval the Wilson interval
  of the flagged churn rate divided by the base rate (taken as known: it rests on every renewal with a
  value); coverage = share of churners flagged, with its Wilson interval. A value counts as flagged
  when it lies strictly on the risk side of the threshold, as a score exactly at a band's lower bound
  belongs to that band.

Verdicts: "not enough outcomes yet" below ``MIN_CHURNED`` churned or ``MIN_RENEWED`` renewed renewals
with a value (nothing but the counts is computed then: an AUC on a handful of churners is noise that
looks like a finding); "not distinguishable from noise" when q > ``MAX_Q`` or the interval's lower
bound is not above 0.5; otherwise "preceded churn", ranked by the interval's lower bound.

Cost and its limits: the bootstrap and the permutations each touch every renewal once per replicate.
A tenant's few hundred renewals get the full 2,000 of each. Past ``DRAW_BUDGET`` draws per indicator
(5,000 renewals with a value) the bootstrap uses ``DRAW_BUDGET / n`` replicates, never fewer than
``MIN_REPLICATES`` (at 30,000 renewals the interval is about 0.02 wide, and 500 replicates place
its ends to within a few percent of that). Past ``PERMUTATION_BUDGET`` (2,500 renewals) the
p-value comes from the normal approximation to the same permutation distribution (exact mean,
tie-corrected variance, continuity correction: ``scipy.stats.mannwhitneyu``), accurate at that size
well within the Monte Carlo error of 2,000 permutations. Each result says how many replicates and
which p-value it used. On one core, 46 indicators take about 2 s over 400 renewals and 6 s over
30,000 (bench/outcomes_stats.py).

Randomness is seeded per indicator (from ``seed`` and the indicator's key), so a result is
reproducible and does not change when another indicator is added to the analysis.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_CHURNED = 20  # churned renewals with a value before an indicator is tested at all
MIN_RENEWED = 20  # and renewed ones
MAX_Q = 0.1  # Benjamini-Hochberg: above this an indicator is not distinguishable from noise
REPLICATES = 2_000  # bootstrap replicates and permutations: pROC's default
MIN_REPLICATES = 500  # the fewest bootstrap replicates used on a large data set
DRAW_BUDGET = 10_000_000  # bootstrap draws per indicator (replicates x renewals) before the above kicks in
PERMUTATION_BUDGET = 5_000_000  # permutation draws per indicator before the normal approximation
CHUNK_DRAWS = 2_000_000  # draws held in memory at once (about 16 MB of counts)
Z_95 = 1.959963984540054

PRECEDED_CHURN = "preceded churn"
NOISE = "not distinguishable from noise"
TOO_FEW = "not enough outcomes yet"
PERMUTATION = "permutation"
NORMAL_APPROXIMATION = "normal approximation"


@dataclass(frozen=True, slots=True)
class Sample:
    """One closed renewal: whether it churned, and each indicator's as-of value (None: no data)."""

    churned: bool
    values: Mapping[str, float | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorResult:
    """One indicator's evidence; figures are None where they were not computed (see ``verdict``)."""

    indicator: str
    direction: int
    churned: int  # churned renewals with a value
    renewed: int  # renewed renewals with a value
    verdict: str
    reason: str
    auc: float | None = None
    auc_low: float | None = None
    auc_high: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    bootstrap_replicates: int | None = None
    p_value_method: str | None = None
    threshold: float | None = None
    flagged: int | None = None
    flagged_churned: int | None = None
    lift: float | None = None
    lift_low: float | None = None
    lift_high: float | None = None
    coverage: float | None = None
    coverage_low: float | None = None
    coverage_high: float | None = None


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (no continuity correction); None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in 0..{n}, not {successes}.")
    p, z2 = successes / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    reach = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - reach), min(1.0, centre + reach)


# --- the AUC machinery, shared with the backtest ---------------------------------------------------


def risk_bins(churned_risk: np.ndarray, renewed_risk: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Each renewal's bin in ascending risk, for churned and renewed, and the number of bins.

    A bin is one distinct value held by both groups, or a run of consecutive values held by one group
    only: merging such a run changes no comparison between a churner and a renewal.
    """
    levels, index = np.unique(np.concatenate([churned_risk, renewed_risk]), return_inverse=True)
    n1 = len(churned_risk)
    held_by_churned = np.bincount(index[:n1], minlength=len(levels)) > 0
    held_by_renewed = np.bincount(index[n1:], minlength=len(levels)) > 0
    kind = held_by_churned.astype(np.int8) + 2 * held_by_renewed.astype(np.int8)  # 1, 2 or 3 (both)
    starts = np.ones(len(levels), dtype=bool)
    starts[1:] = (kind[1:] != kind[:-1]) | (kind[1:] == 3)
    bin_of_level = np.cumsum(starts) - 1
    bins = bin_of_level[index].astype(np.intp)
    return bins[:n1], bins[n1:], int(bin_of_level[-1]) + 1 if len(levels) else 0


def auc_from_counts(churned_counts: np.ndarray, renewed_counts: np.ndarray) -> np.ndarray:
    """Mann-Whitney AUC from (weighted) counts per bin along the last axis: wins plus half the ties."""
    renewed_below = np.cumsum(renewed_counts, axis=-1) - renewed_counts
    pairs = churned_counts.sum(axis=-1) * renewed_counts.sum(axis=-1)
    wins = (churned_counts * (renewed_below + 0.5 * renewed_counts)).sum(axis=-1)
    return wins / pairs


def mann_whitney_auc(churned_risk: Sequence[float], renewed_risk: Sequence[float]) -> float:
    """P(a churned renewal's risk > a renewed one's), ties counting ½."""
    churned_bins, renewed_bins, n_bins = risk_bins(np.asarray(churned_risk, float), np.asarray(renewed_risk, float))
    if not len(churned_bins) or not len(renewed_bins):
        raise ValueError("An AUC needs at least one churned and one renewed value.")
    counts = np.bincount(churned_bins, minlength=n_bins), np.bincount(renewed_bins, minlength=n_bins)
    return float(auc_from_counts(*counts))


def bootstrap_aucs(
    churned_bins: Sequence[np.ndarray], renewed_bins: Sequence[np.ndarray], n_bins: Sequence[int], *, replicates, rng
) -> np.ndarray:
    """Stratified bootstrap AUCs, shape (len(n_bins), replicates): one row per way of binning the renewals.

    Every row uses the same resampled renewals, so two rows make a paired bootstrap (two scorecards
    on the same renewals); one row is an ordinary stratified bootstrap.
    """
    n1, n0 = len(churned_bins[0]), len(renewed_bins[0])
    out = np.empty((len(n_bins), replicates))
    chunk = max(1, CHUNK_DRAWS // (n1 + n0))
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        churned_draws = rng.integers(0, n1, size=(size, n1))
        renewed_draws = rng.integers(0, n0, size=(size, n0))
        for row, (pos, neg, k) in enumerate(zip(churned_bins, renewed_bins, n_bins, strict=True)):
            offsets = (np.arange(size) * k)[:, None]  # one block of k bins per replicate, for one bincount
            counts1 = np.bincount((pos[churned_draws] + offsets).ravel(), minlength=size * k).reshape(size, k)
            counts0 = np.bincount((neg[renewed_draws] + offsets).ravel(), minlength=size * k).reshape(size, k)
            out[row, start : start + size] = auc_from_counts(counts1, counts0)
    return out


def replicates_for(n: int, replicates: int = REPLICATES) -> int:
    """Bootstrap replicates for n renewals: all of them within the draw budget, fewer (not below the floor) past it."""
    return max(min(replicates, MIN_REPLICATES), min(replicates, DRAW_BUDGET // max(n, 1)))


def percentile_interval(aucs: np.ndarray) -> tuple[float, float]:
    low, high = np.quantile(aucs, [0.025, 0.975])
    return float(low), float(high)


def permutation_p_value(churned_risk: np.ndarray, renewed_risk: np.ndarray, *, permutations, rng) -> tuple[float, str]:
    """One-sided p of AUC > 0.5 under label permutation, and how it was obtained (see the module docstring)."""
    n1, n0 = len(churned_risk), len(renewed_risk)
    risk = np.concatenate([churned_risk, renewed_risk])
    if np.all(risk == risk[0]):
        return 1.0, PERMUTATION  # every permutation gives the same statistic
    if (n1 + n0) * permutations > PERMUTATION_BUDGET:
        result = stats.mannwhitneyu(churned_risk, renewed_risk, alternative="greater", method="asymptotic")
        return float(result.pvalue), NORMAL_APPROXIMATION
    doubled_ranks = 2 * stats.rankdata(risk)  # midranks are multiples of ½: doubled, sums compare exactly
    observed = doubled_ranks[:n1].sum()
    labels = np.zeros(n1 + n0)
    labels[:n1] = 1.0
    at_least = 0
    chunk = max(1, CHUNK_DRAWS // (n1 + n0))
    for start in range(0, permutations, chunk):
        size = min(chunk, permutations - start)
        shuffled = rng.permuted(np.broadcast_to(labels, (size, n1 + n0)), axis=1)
        at_least += int(np.count_nonzero(shuffled @ doubled_ranks >= observed))
    return (1 + at_least) / (1 + permutations), PERMUTATION


def auc_interval(churned_risk, renewed_risk, *, replicates: int = REPLICATES, rng) -> tuple[float, float, float, int]:
    """(AUC, its stratified bootstrap 95% interval, replicates used) of a risk over churned and renewed."""
    pos, neg, n_bins = risk_bins(np.asarray(churned_risk, float), np.asarray(renewed_risk, float))
    auc = float(auc_from_counts(np.bincount(pos, minlength=n_bins), np.bincount(neg, minlength=n_bins)))
    used = replicates_for(len(pos) + len(neg), replicates)
    low, high = percentile_interval(bootstrap_aucs([pos], [neg], [n_bins], replicates=used, rng=rng)[0])
    return auc, low, high, used


def rng_for(seed: int, key: str) -> np.random.Generator:
    """A generator of its own per indicator (or scorecard), stable across runs and analyses."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key.encode())]))


# --- ranking ------------------------------------------------------------------------------------------


def rank_indicators(
    samples: Iterable[Sample],
    *,
    directions: Mapping[str, int],
    thresholds: Mapping[str, float] | None = None,
    replicates: int = REPLICATES,
    seed: int = 0,
) -> list[IndicatorResult]:
    """Every indicator in ``directions``, with its evidence and verdict, those that preceded churn first.

    Values of indicators without a direction are ignored. Order: "preceded churn" by the interval's
    lower bound (highest first), then noise by the same, then those without enough outcomes.
    """
    samples = list(samples)
    thresholds = thresholds or {}
    for key, direction in directions.items():
        if direction not in (1, -1):
            raise ValueError(f"The direction of {key!r} must be +1 or -1, not {direction!r}.")
    churned = np.fromiter((bool(sample.churned) for sample in samples), dtype=bool, count=len(samples))

    measured = {}
    for key, direction in directions.items():
        values = _values(samples, key)
        has_value = ~np.isnan(values)
        risk = -direction * values[has_value]  # +1, higher is better: low values are risk
        measured[key] = (risk[churned[has_value]], risk[~churned[has_value]])

    tested = [key for key, (c, r) in measured.items() if len(c) >= MIN_CHURNED and len(r) >= MIN_RENEWED]
    evidence = {
        key: _evidence(*measured[key], replicates=replicates, rng=rng_for(seed, key), direction=directions[key])
        for key in tested
    }
    q_values = (
        stats.false_discovery_control([evidence[key]["p_value"] for key in tested], method="bh") if tested else []
    )
    results = []
    for key, direction in directions.items():
        churned_risk, renewed_risk = measured[key]
        counts = {"indicator": key, "direction": direction, "churned": len(churned_risk), "renewed": len(renewed_risk)}
        if key not in evidence:
            results.append(IndicatorResult(**counts, verdict=TOO_FEW, reason=_too_few_reason(**counts)))
            continue
        figures = evidence[key] | {"q_value": float(q_values[tested.index(key)])}
        if key in thresholds:
            figures |= _flagging(churned_risk, renewed_risk, risk_from=-direction * thresholds[key])
            figures["threshold"] = float(thresholds[key])
        verdict, reason = _verdict(figures, direction)
        results.append(IndicatorResult(**counts, **figures, verdict=verdict, reason=reason))
    order = {PRECEDED_CHURN: 0, NOISE: 1, TOO_FEW: 2}
    return sorted(results, key=lambda r: (order[r.verdict], -(r.auc_low or 0.0), -r.churned, r.indicator))


def _values(samples: list[Sample], key: str) -> np.ndarray:
    raw = [sample.values.get(key) for sample in samples]
    values = np.array([math.nan if value is None else value for value in raw], dtype=float)
    if np.count_nonzero(~np.isfinite(values)) != raw.count(None):
        raise ValueError(f"Values of {key!r} must be finite numbers or None.")
    return values


def _evidence(churned_risk, renewed_risk, *, replicates, rng, direction) -> dict:
    auc, low, high, used = auc_interval(churned_risk, renewed_risk, replicates=replicates, rng=rng)
    p_value, method = permutation_p_value(churned_risk, renewed_risk, permutations=replicates, rng=rng)
    return {
        "auc": auc,
        "auc_low": low,
        "auc_high": high,
        "p_value": p_value,
        "bootstrap_replicates": used,
        "p_value_method": method,
    }


def _flagging(churned_risk: np.ndarray, renewed_risk: np.ndarray, *, risk_from: float) -> dict:
    """Lift and coverage of "past the threshold", strictly on the risk side of it."""
    flagged_churned = int(np.count_nonzero(churned_risk > risk_from))
    flagged = flagged_churned + int(np.count_nonzero(renewed_risk > risk_from))
    n1, n = len(churned_risk), len(churned_risk) + len(renewed_risk)
    base = n1 / n
    coverage_low, coverage_high = wilson_interval(flagged_churned, n1)
    figures = {
        "flagged": flagged,
        "flagged_churned": flagged_churned,
        "coverage": flagged_churned / n1,
        "coverage_low": coverage_low,
        "coverage_high": coverage_high,
    }
    if flagged:
        rate_low, rate_high = wilson_interval(flagged_churned, flagged)
        figures |= {
            "lift": flagged_churned / flagged / base,
            "lift_low": rate_low / base,
            "lift_high": rate_high / base,
        }
    return figures


def _verdict(figures: dict, direction: int) -> tuple[str, str]:
    auc = f"AUC {figures['auc']:.2f} (95% interval {figures['auc_low']:.2f} to {figures['auc_high']:.2f})"
    q = f"q = {figures['q_value']:.3f}"
    if figures["q_value"] > MAX_Q:
        return NOISE, f"{auc}, {q}: above {MAX_Q:g} after correcting for the indicators tested."
    if figures["auc_low"] <= 0.5:
        return NOISE, f"{auc}, {q}: the interval does not clear 0.5."
    side = "low" if direction == 1 else "high"
    return PRECEDED_CHURN, f"{auc}, {q}: {side} values preceded churn."


def _too_few_reason(*, churned: int, renewed: int, **_) -> str:
    return (
        f"{churned} churned and {renewed} renewed renewals with a value; "
        f"at least {MIN_CHURNED} and {MIN_RENEWED} are needed before it is tested."
    )
