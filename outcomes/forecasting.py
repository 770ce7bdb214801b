"""Renewal forecasts: the chance each pending renewal renews, learnt from the tenant's own closed renewals.

Unit and moments. A closed renewal is seen as it stood ``LEADS`` days before its term end (30, 90 and
180: one snapshot each, from score history as recorded then), labelled churned or not. A pending
renewal is seen as it stands now. Each snapshot has a few features chosen before looking at any
outcome, in this order of priority (``FEATURES``): the health score, its change over 30 days, the CSM's
gut read, the usage trend, log ARR due, and days to the term end (capped at the longest lead: a renewal
further out is forecast as if it were that far).

How many features. With a few dozen churned renewals a model with many predictors overfits: its skill on
later renewals falls below predicting the base rate. The rule here is the classic one of about ten events
per candidate predictor: one feature per ``EVENTS_PER_FEATURE`` churned renewals in the fitting window,
taken in the order above among those known for at least a quarter of the fitting snapshots (a feature
nobody records, such as a gut read a tenant never sets, is skipped), at most all six.

The model (``method`` "logistic"): median imputation, standardisation and an L2-regularised logistic
regression (scikit-learn, ``C`` = 1: shrinkage that keeps a rare flag seen only among churners finite
instead of diverging), calibrated by Platt scaling (``CalibratedClassifierCV``, sigmoid: isotonic needs
about a thousand samples) on folds disjoint from those it was fitted on, whole renewals kept together.

Validation is honest about time: the recipe is fitted on the renewals whose term ended first and tested
on the latest ``TEST_SHARE`` of them (never a shuffled split). Per lead: Brier score, Brier skill against
predicting the fitting window's churn rate (below zero: worse than that), AUC with a bootstrap 95%
interval; and a calibration table 90 days ahead (one row per renewal, in quantile bins: the forecast
chance of renewing against the share that renewed, with counts and a Wilson interval). The forecasts
then come from the same recipe refitted on every closed renewal. Without ``MIN_FIT_CHURNED`` churned
renewals to fit on and ``MIN_TEST`` churned and renewed ones to test on, there is no tenant model.

The fallback (``method`` "band rates"): the churn rate of the renewals whose account was in the same band
90 days before the term end, shrunk towards the tenant's overall rate by ``PRIOR_STRENGTH`` renewals'
worth (a Beta prior), with the 95% interval of that Beta posterior. Below ``MIN_FALLBACK`` closed
renewals there is no forecast at all (``method`` "none"): a number would be invented.

Expected ARR = chance of renewing * ARR due * the share of ARR kept by the renewals that renewed
(expansions and downsells included).

Drivers: for each feature the model uses, how much the forecast moves when that feature alone is set to
its median over the closed renewals, in percentage points; the largest up and down, in words.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy import stats
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from outcomes.ranking import auc_interval, rng_for, wilson_interval

LEADS = (30, 90, 180)  # days before the term end at which closed renewals are seen
BAND_LEAD = 90  # the fallback's band is read this many days before the term end
FEATURES = ("score", "score_change_30d", "gut_read", "usage_trend_pct", "log_arr", "days_to_term_end")
LABELS = {
    "score": "Health score",
    "score_change_30d": "Score change over 30 days",
    "gut_read": "CSM's gut read",
    "usage_trend_pct": "Usage trend",
    "log_arr": "ARR due",
    "days_to_term_end": "Days to the term end",
}
EVENTS_PER_FEATURE = 10
MIN_FIT_CHURNED = 20
MIN_TEST = 10  # churned, and renewed, renewals in the test window
TEST_SHARE = 0.3
C = 1.0
CALIBRATION_FOLDS = 5
CALIBRATION_BINS = 5
MIN_FALLBACK = 10
PRIOR_STRENGTH = 10.0
MIN_KNOWN = 0.25  # a feature is used only when at least this share of the fitting snapshots have it
MIN_DRIVER = 0.01  # a driver moves the forecast by at least one point

LOGISTIC = "logistic"
BAND_RATES = "band rates"
NONE = "none"
Describe = Callable[[str, float], str]  # a feature's value in words


def features_of(
    *, score: float | None, score_30d_ago: float | None, values: Mapping, arr_due: float, days_to_term_end: int
) -> dict[str, float | None]:
    """A snapshot's features (None: no data, imputed by the model)."""
    change = None if score is None or score_30d_ago is None else score - score_30d_ago
    return {
        "score": score,
        "score_change_30d": change,
        "gut_read": values.get("gut_read"),
        "usage_trend_pct": values.get("usage_trend_pct"),
        "log_arr": math.log1p(max(float(arr_due), 0.0)),
        "days_to_term_end": float(min(max(days_to_term_end, 0), max(LEADS))),
    }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A renewal seen at one moment: its features, band then, and whether it churned (None: pending)."""

    renewal: int
    term_end: date
    lead_days: int
    features: Mapping[str, float | None]
    band: str | None
    churned: bool | None = None
    arr_due: float = 0.0
    closed_arr: float | None = None


@dataclass(frozen=True, slots=True)
class Forecast:
    probability: float | None  # of renewing; None: no forecast
    low: float | None = None  # a 95% interval where the method gives one (band rates)
    high: float | None = None
    drivers: tuple[str, ...] = ()


@dataclass
class FittedForecast:
    """What was learnt, ready to forecast; ``summary`` is what is stored and shown."""

    method: str
    reason: str
    features: tuple[str, ...] = ()
    kept_share: float = 1.0  # ARR kept by the renewals that renewed, per unit of ARR due
    summary: dict = field(default_factory=dict)
    model: object | None = None
    medians: np.ndarray | None = None
    band_rates: dict = field(default_factory=dict)  # band -> (alpha, beta, churned, renewals)

    def forecast(self, snapshots: Sequence[Snapshot], describe: Describe | None = None) -> list[Forecast]:
        """Each pending snapshot's chance of renewing, with its drivers in words."""
        describe = describe or (lambda key, value: f"{value:g}")
        if self.method == NONE:
            return [Forecast(probability=None) for _ in snapshots]
        if self.method == BAND_RATES:
            return [self._from_band(s.band) for s in snapshots]
        X = _matrix(snapshots, self.features)
        renew = 1.0 - self.model.predict_proba(X)[:, 1]
        moved = np.empty((len(self.features), len(snapshots)))
        for j in range(len(self.features)):
            typical = X.copy()
            typical[:, j] = self.medians[j]
            moved[j] = renew - (1.0 - self.model.predict_proba(typical)[:, 1])
        return [
            Forecast(probability=float(renew[i]), drivers=self._drivers(X[i], moved[:, i], describe))
            for i in range(len(snapshots))
        ]

    def _drivers(self, x: np.ndarray, moved: np.ndarray, describe) -> tuple[str, ...]:
        words = []
        for j in np.argsort(-np.abs(moved)):
            if abs(moved[j]) < MIN_DRIVER or np.isnan(x[j]):
                continue
            key = self.features[j]
            direction = "raises" if moved[j] > 0 else "lowers"
            words.append(
                f"{LABELS[key]} {describe(key, x[j])} (typical {describe(key, self.medians[j])}) "
                f"{direction} the chance of renewing by {abs(moved[j]) * 100:.0f} points"
            )
        return tuple(words[:4])

    def _from_band(self, band: str | None) -> Forecast:
        alpha, beta, churned, renewals = self.band_rates.get(band) or self.band_rates[None]
        churn = alpha / (alpha + beta)
        low, high = stats.beta.ppf([0.025, 0.975], alpha, beta)
        seen = f"band {band}" if band in self.band_rates else "any band"
        return Forecast(
            probability=1.0 - churn, low=float(1.0 - high), high=float(1.0 - low),
            drivers=(f"{churned} of {renewals} closed renewals in {seen} {BAND_LEAD} days before their term end "
                     f"churned; shrunk towards the tenant's overall rate",),
        )  # fmt: skip


def fit_forecast(closed: Sequence[Snapshot], *, seed: int = 0) -> FittedForecast:
    """The tenant model when the closed renewals allow one, else band rates, else none."""
    closed = [s for s in closed if s.churned is not None]
    kept = _kept_share(closed)
    renewals = {s.renewal: s for s in closed if s.lead_days == BAND_LEAD}
    if len(renewals) < MIN_FALLBACK:
        return FittedForecast(
            method=NONE, kept_share=kept,
            reason=f"{len(renewals)} closed renewals seen {BAND_LEAD} days ahead; at least {MIN_FALLBACK} are "
            "needed for any forecast.", summary={"closed_renewals": len(renewals)},
        )  # fmt: skip
    ends = sorted({s.term_end for s in closed})
    cutoff = _cutoff(closed)
    fit = [s for s in closed if s.term_end < cutoff]
    test = [s for s in closed if s.term_end >= cutoff]
    fit_churned = _renewals(fit, churned=True)
    test_churned, test_renewed = _renewals(test, churned=True), _renewals(test, churned=False)
    if fit_churned < MIN_FIT_CHURNED or test_churned < MIN_TEST or test_renewed < MIN_TEST:
        return _band_fallback(
            list(renewals.values()),
            kept,
            reason=(
                f"Band rates: a tenant model needs {MIN_FIT_CHURNED} churned renewals to fit on and {MIN_TEST} churned "
                f"and {MIN_TEST} renewed later ones to test on; there are {fit_churned}, {test_churned} and "
                f"{test_renewed}."
            ),
        )
    known = [key for key in FEATURES if _share_known(fit, key) >= MIN_KNOWN]
    if not known:
        return _band_fallback(list(renewals.values()), kept, reason="Band rates: no feature has data to fit on.")
    used = tuple(known[: max(1, min(len(known), fit_churned // EVENTS_PER_FEATURE))])
    validation = _validate(fit, test, used, seed=seed)
    model, medians = _fit(closed, used, seed=seed)
    summary = {
        "features": list(used),
        "fit_window": [min(ends).isoformat(), max(s.term_end for s in fit).isoformat()],
        "test_window": [cutoff.isoformat(), max(ends).isoformat()],
        "fit_churned": fit_churned,
        "fit_renewals": len({s.renewal for s in fit}),
        "refit_renewals": len({s.renewal for s in closed}),
        "coefficients": _coefficients(model, used),
        **validation,
    }
    return FittedForecast(
        method=LOGISTIC, features=used, kept_share=kept, summary=summary, model=model, medians=medians,
        reason=f"Logistic regression on {len(used)} feature(s), one per {EVENTS_PER_FEATURE} churned renewals "
        f"({fit_churned} in the fitting window), tested on the {test_churned + test_renewed} renewals that ended "
        f"from {cutoff.isoformat()}.",
    )  # fmt: skip


def _renewals(snapshots: Sequence[Snapshot], *, churned: bool) -> int:
    return len({s.renewal for s in snapshots if s.churned == churned})


def _cutoff(closed: Sequence[Snapshot]) -> date:
    """The first term end of the test window: the latest ``TEST_SHARE`` of renewals by term end."""
    by_renewal = sorted({(s.term_end, s.renewal) for s in closed})
    return by_renewal[min(len(by_renewal) - 1, int(len(by_renewal) * (1 - TEST_SHARE)))][0]


def _matrix(snapshots: Sequence[Snapshot], used: Sequence[str]) -> np.ndarray:
    return np.array(
        [[np.nan if s.features.get(k) is None else float(s.features[k]) for k in used] for s in snapshots],
        dtype=float,
    ).reshape(len(snapshots), len(used))


def _recipe(groups: np.ndarray, y: np.ndarray, seed: int):
    """The pipeline calibrated on stratified folds of whole renewals: each renewal's snapshots share one label,
    so the renewals are split by ``StratifiedKFold`` and their snapshots follow them."""
    renewal_ids, first = np.unique(groups, return_index=True)
    churned_renewals = int(y[first].sum())
    folds = StratifiedKFold(n_splits=max(2, min(CALIBRATION_FOLDS, churned_renewals)), shuffle=True,
                            random_state=seed)  # fmt: skip
    splits = [
        (np.flatnonzero(~np.isin(groups, renewal_ids[held])), np.flatnonzero(np.isin(groups, renewal_ids[held])))
        for _, held in folds.split(renewal_ids, y[first])
    ]
    pipeline = make_pipeline(
        SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler(), LogisticRegression(C=C)
    )
    return CalibratedClassifierCV(pipeline, method="sigmoid", cv=splits)


def _fit(snapshots: Sequence[Snapshot], used: Sequence[str], *, seed: int):
    X, y = _matrix(snapshots, used), np.array([s.churned for s in snapshots], dtype=int)
    groups = np.array([s.renewal for s in snapshots])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _recipe(groups, y, seed).fit(X, y)
    medians = np.nanmedian(np.where(np.isnan(X).all(axis=0), 0.0, X), axis=0) if len(X) else np.zeros(len(used))
    return model, np.where(np.isnan(medians), 0.0, medians)


def _validate(fit: Sequence[Snapshot], test: Sequence[Snapshot], used: Sequence[str], *, seed: int) -> dict:
    model, _ = _fit(fit, used, seed=seed)
    base = float(np.mean([s.churned for s in fit]))
    churn = model.predict_proba(_matrix(test, used))[:, 1]
    y = np.array([s.churned for s in test], dtype=bool)
    leads = {}
    for lead in LEADS:
        at = np.array([s.lead_days == lead for s in test])
        if not at.any():
            continue
        brier = float(np.mean((churn[at] - y[at]) ** 2))
        reference = float(np.mean((base - y[at]) ** 2))
        skill = 1 - brier / reference if reference else None
        figures = {"renewals": int(at.sum()), "churned": int(y[at].sum()), "brier": brier,
                   "reference_brier": reference, "brier_skill": skill}  # fmt: skip
        if y[at].any() and (~y[at]).any():
            auc, low, high, _ = auc_interval(churn[at & y], churn[at & ~y], rng=rng_for(seed, f"lead{lead}"))
            figures |= {"auc": auc, "auc_low": low, "auc_high": high}
        leads[str(lead)] = figures
    at = np.array([s.lead_days == BAND_LEAD for s in test])  # one snapshot per renewal: independent rows
    return {"base_churn_rate": base, "validation": leads, "calibration": calibration_table(1 - churn[at], ~y[at])}


def calibration_table(renew: np.ndarray, renewed: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Quantile bins of the forecast chance of renewing: mean forecast against the share that renewed."""
    order = np.argsort(renew, kind="stable")
    table = []
    for chunk in np.array_split(order, min(bins, len(order))):
        if not len(chunk):
            continue
        n, kept = len(chunk), int(renewed[chunk].sum())
        low, high = wilson_interval(kept, n)
        table.append({"renewals": n, "forecast": float(renew[chunk].mean()), "renewed": kept / n,
                      "renewed_low": low, "renewed_high": high})  # fmt: skip
    return table


def _coefficients(model, used: Sequence[str]) -> dict[str, float]:
    """Mean standardised coefficient per feature across the calibration folds (log-odds of churn per SD)."""
    coefs = np.mean([c.estimator[-1].coef_[0] for c in model.calibrated_classifiers_], axis=0)
    return {key: float(value) for key, value in zip(used, coefs, strict=True)}


def _kept_share(closed: Sequence[Snapshot]) -> float:
    renewed = {s.renewal: s for s in closed if s.churned is False and s.closed_arr is not None and s.arr_due > 0}
    due = sum(s.arr_due for s in renewed.values())
    return sum(s.closed_arr for s in renewed.values()) / due if due else 1.0


def _share_known(snapshots: Sequence[Snapshot], key: str) -> float:
    return sum(s.features.get(key) is not None for s in snapshots) / len(snapshots)


def _band_fallback(renewals: Sequence[Snapshot], kept: float, *, reason: str) -> FittedForecast:
    overall = sum(bool(s.churned) for s in renewals) / len(renewals)
    tallies: dict[str | None, list[int]] = {None: [0, 0]}
    for s in renewals:
        for band in {s.band, None}:
            tally = tallies.setdefault(band, [0, 0])
            tally[0] += bool(s.churned)
            tally[1] += 1
    rates = {
        band: (churned + PRIOR_STRENGTH * overall, n - churned + PRIOR_STRENGTH * (1 - overall), churned, n)
        for band, (churned, n) in tallies.items()
    }
    summary = {
        "closed_renewals": len(renewals),
        "base_churn_rate": overall,
        "bands": [
            {"band": band, "renewals": n, "churned": c, "churn_rate": a / (a + b)}
            for band, (a, b, c, n) in rates.items() if band is not None
        ],
    }  # fmt: skip
    return FittedForecast(method=BAND_RATES, reason=reason, kept_share=kept, summary=summary, band_rates=rates)
