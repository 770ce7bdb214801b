"""A suggested draft scorecard built from the indicator ranking: only what preceded churn, weighted by it.

Each indicator the ranking found to have preceded churn becomes a measure. Its weight is its share of the
separation found, (AUC - 0.5) over the sum of the same across those indicators, in whole percent (at least
1). Its rule is a linear ramp from the 10th to the 90th percentile of the values the closed renewals had
(the catalogue's direction decides which end scores 100), so the ramp spans where the renewals actually
were. Indicators rated noise or without enough outcomes are left out: the draft is for a person to
backtest against the current scorecard and edit, not to publish unseen.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict

import numpy as np

from outcomes.ranking import PRECEDED_CHURN, IndicatorResult, Sample

LOW_PERCENTILE, HIGH_PERCENTILE = 10, 90


def suggested_measures(results: Iterable[IndicatorResult | dict], samples: Sequence[Sample]) -> list[dict]:
    """Measure definitions (indicator, weight, linear rule bounds) for the indicators that preceded churn."""
    found = [r if isinstance(r, dict) else asdict(r) for r in results]
    found = [r for r in found if r["verdict"] == PRECEDED_CHURN and (r.get("auc") or 0) > 0.5]
    measures = []
    for result in found:
        values = np.array([s.values[result["indicator"]] for s in samples
                           if s.values.get(result["indicator"]) is not None], dtype=float)  # fmt: skip
        if not len(values):
            continue
        lower, upper = np.percentile(values, [LOW_PERCENTILE, HIGH_PERCENTILE])
        if not lower < upper:
            continue
        measures.append({"indicator": result["indicator"], "separation": result["auc"] - 0.5,
                         "lower": float(lower), "upper": float(upper)})  # fmt: skip
    total = sum(m["separation"] for m in measures)
    return [_linear(m["indicator"], max(1, round(100 * m["separation"] / total)), m["lower"], m["upper"])
            for m in measures]  # fmt: skip


def _linear(indicator: str, weight: int, lower: float, upper: float) -> dict:
    return {
        "indicator": indicator,
        "weight": weight,
        "rule": "linear",
        "lower": round(lower, 2),
        "upper": round(upper, 2),
        "bands": [],
        "outside_points": 0.0,
        "no_data_points": None,
    }
