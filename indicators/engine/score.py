"""The health score: measures to points, their weighted mean over the measures with data, the gut blend, a band.

The rule, in full:

* ``computed`` = sum(w_i * p_i) / sum(w_i) over the measures whose indicator has data (weights renormalised
  over them), and those whose scorecard says how to score no data (``Measure.no_data_points``); None when
  none counts. ``coverage`` = the weight of the measures with data / sum of all weights: a measure scored
  by its no-data points counts in the score but is not data.
* ``gut`` = the live gut read in points (very negative 0 ... very positive 100), None when absent or expired.
* ``final`` = computed when there is no gut read; (1 - g) * computed + g * gut with g = the scorecard's
  ``gut_weight`` when both exist; gut alone when only it exists and g > 0; None when nothing has data.
* ``band`` comes from ``final`` (unrounded) and the scorecard's thresholds.

Each measure's ``share`` is its weight in ``final`` ((1 - g) * w_i / W, or w_i / W without a gut read), and
its ``contribution`` = share * points, so ``final`` is exactly the sum of the contributions plus the gut's.
That is what makes explanations of a change add up (see ``explain``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from indicators.engine.catalogue import CATALOGUE
from indicators.engine.scorecard import Scorecard


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureResult:
    indicator: str
    weight: float
    value: float | None  # None: no data
    points: float | None  # 0-100; None: no data (unless the measure scores no data: then value None, points set)
    share: float  # of the final score; 0 when not scored
    contribution: float  # share * points


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreResult:
    scorecard: str
    computed: float | None
    gut: float | None
    final: float | None
    band: str | None  # green, yellow, red; None without any data
    coverage: float  # 0-1: share of the scorecard's weight with data
    gut_share: float  # the gut read's share of the final score
    measures: tuple[MeasureResult, ...]

    @property
    def gut_contribution(self) -> float:
        return self.gut_share * self.gut if self.gut is not None else 0.0


def _clamp(score: float) -> float:
    return min(max(score, 0.0), 100.0)  # sums of shares can stray past the ends by a rounding error


def score(*, values: Mapping[str, float | None], scorecard: Scorecard, gut: float | None = None) -> ScoreResult:
    """Score indicator ``values`` (key -> number, None or missing: no data) with ``scorecard``; ``gut`` in 0-100."""
    if gut is not None and not 0 <= gut <= 100:
        raise ValueError(f"The gut read must be between 0 and 100 points, not {gut!r}.")
    rated = []
    weight_with_data = weight_scored = weighted_points = 0.0
    for measure in scorecard.measures:
        value = values.get(measure.indicator)
        points = measure.no_data_points
        if value is not None:
            if not math.isfinite(value):
                raise ValueError(f"The value of {measure.indicator!r} must be a finite number or None, not {value!r}.")
            points = measure.rule.points(value, CATALOGUE[measure.indicator].direction)
            weight_with_data += measure.weight
        if points is not None:
            weight_scored += measure.weight
            weighted_points += measure.weight * points
        rated.append((measure, value, points))
    computed = _clamp(weighted_points / weight_scored) if weight_scored else None
    if gut is None:
        gut_share = 0.0
    elif computed is None:
        gut_share = 1.0 if scorecard.gut_weight > 0 else 0.0
    else:
        gut_share = scorecard.gut_weight
    scale = (1.0 - gut_share) / weight_scored if weight_scored else 0.0
    measures = tuple(
        MeasureResult(
            indicator=measure.indicator,
            weight=measure.weight,
            value=value,
            points=points,
            share=measure.weight * scale if points is not None else 0.0,
            contribution=measure.weight * scale * points if points is not None else 0.0,
        )
        for measure, value, points in rated
    )
    final = None
    if computed is not None or gut_share:
        final = _clamp(sum(m.contribution for m in measures) + (gut_share * gut if gut_share else 0.0))
    return ScoreResult(
        scorecard=scorecard.key,
        computed=computed,
        gut=gut,
        final=final,
        band=scorecard.thresholds.band(final),
        coverage=weight_with_data / scorecard.total_weight,
        gut_share=gut_share,
        measures=measures,
    )
