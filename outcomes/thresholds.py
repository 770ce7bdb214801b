"""Where a scorecard flags an indicator: the value past which its measure alone scores red.

Lift and coverage in the ranking ask "did the renewals the scorecard would have flagged churn more?".
For a measure that means the value at which its points fall below the scorecard's yellow threshold
(``yellow_min``): for a linear rule the point on its ramp, ``lower + (upper - lower) * yellow_min / 100``
read in the indicator's direction; for a bands rule the edge between the bands scoring below and at
least ``yellow_min``, when the bands step one way only (a rule whose bands go up and down again has no
single threshold, and none is given). A value counts as flagged when it lies strictly on the risk side.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math

from indicators.engine import Direction, indicator
from indicators.engine.rules import BandsRule, LinearRule
from indicators.engine.scorecard import Scorecard


def measure_thresholds(scorecard: Scorecard) -> dict[str, float]:
    """Each of the scorecard's indicators with a single red threshold."""
    found = {}
    for measure in scorecard.measures:
        direction = indicator(measure.indicator).direction
        value = red_threshold(measure.rule, direction, scorecard.thresholds.yellow_min)
        if value is not None:
            found[measure.indicator] = value
    return found


def red_threshold(rule, direction: Direction, yellow_min: float) -> float | None:
    higher_is_better = direction is Direction.HIGHER_IS_BETTER
    if isinstance(rule, LinearRule):
        share = yellow_min / 100 if higher_is_better else 1 - yellow_min / 100
        return rule.lower + (rule.upper - rule.lower) * share
    if isinstance(rule, BandsRule):
        return _bands_threshold(rule, higher_is_better, yellow_min)
    return None


def _bands_threshold(rule: BandsRule, higher_is_better: bool, yellow_min: float) -> float | None:
    """The edge where the bands step between red and not, as a threshold "strictly past it" reads: a bound
    that belongs to the red band is moved to the nearest float on the safe side of it."""
    ordered = sorted(rule.bands, key=lambda b: -math.inf if b.lower is None else b.lower)
    safe = [band.points >= yellow_min for band in ordered]
    steps = [n for n in range(1, len(safe)) if safe[n] != safe[n - 1]]
    if len(steps) != 1 or safe[-1] != higher_is_better:  # one step, from red up to safe (or safe to red)
        return None
    edge = ordered[steps[0]]  # the first band above the step: safe (higher is better) or red
    if edge.lower is None:
        return None
    if higher_is_better:  # flagged below: a bound the safe band leaves out is itself red
        return edge.lower if edge.lower_inclusive else math.nextafter(edge.lower, math.inf)
    return math.nextafter(edge.lower, -math.inf) if edge.lower_inclusive else edge.lower  # flagged above
