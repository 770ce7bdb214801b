"""Scorecards: which indicators count, how much, by which rule; the band thresholds; the default scorecard."""

from __future__ import annotations

import math
from dataclasses import dataclass

from indicators.engine.catalogue import indicator
from indicators.engine.declaration import Level
from indicators.engine.rules import LinearRule, Rule, bands, yes_no


@dataclass(frozen=True, slots=True, kw_only=True)
class Measure:
    indicator: str  # an account-level indicator key
    weight: float  # > 0; weights are relative, they need not sum to 100
    rule: Rule
    # Points when the indicator has no data (e.g. never happened); None: no data is left out of the score and
    # lowers its coverage. Only an explicit choice of the scorecard's author turns "never" into points.
    no_data_points: float | None = None

    def __post_init__(self) -> None:
        declared = indicator(self.indicator)
        if Level.ACCOUNT not in declared.levels:
            raise ValueError(f"Indicator {self.indicator!r} is not measured per account.")
        if not (isinstance(self.weight, int | float) and math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"The weight of {self.indicator!r} must be a positive number, not {self.weight!r}.")
        points = self.no_data_points
        if points is not None and not (isinstance(points, int | float) and 0 <= points <= 100):
            raise ValueError(f"Points without data for {self.indicator!r} must be between 0 and 100, not {points!r}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """Score >= green_min is green; >= yellow_min yellow; below, red."""

    green_min: float = 70.0
    yellow_min: float = 40.0

    def __post_init__(self) -> None:
        if not 0 <= self.yellow_min <= self.green_min <= 100:
            raise ValueError("Thresholds need 0 <= yellow_min <= green_min <= 100.")

    def band(self, score: float | None) -> str | None:
        if score is None:
            return None
        return "green" if score >= self.green_min else "yellow" if score >= self.yellow_min else "red"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scorecard:
    """Measures, thresholds and how much a live gut read counts in the final score (0: shown, not blended)."""

    key: str
    measures: tuple[Measure, ...]
    thresholds: Thresholds = Thresholds()
    gut_weight: float = 0.2

    def __post_init__(self) -> None:
        if not self.measures:
            raise ValueError("A scorecard needs at least one measure.")
        keys = [m.indicator for m in self.measures]
        if len(set(keys)) != len(keys):
            raise ValueError("A scorecard measures each indicator once.")
        if not 0 <= self.gut_weight <= 1:
            raise ValueError("gut_weight must be between 0 and 1.")
        if self.gut_weight and "gut_read" in keys:
            raise ValueError("The gut read is blended by gut_weight; measure it only with gut_weight=0.")

    @property
    def total_weight(self) -> float:
        return sum(m.weight for m in self.measures)


# Weights sum to 100. Bands are monotonic in each indicator's direction, so a better value never scores less.
DEFAULT_SCORECARD = Scorecard(
    key="default",
    measures=(
        Measure(indicator="license_utilization", weight=20, rule=LinearRule(lower=10, upper=80)),
        Measure(
            indicator="mau_trend_pct",
            weight=10,
            rule=bands((None, -25, 0), (-25, -10, 40), (-10, 5, 75), (5, None, 100)),
        ),
        Measure(indicator="core_feature_usage_share", weight=10, rule=LinearRule(lower=5, upper=40)),
        Measure(
            indicator="high_value_engagements_60d", weight=10, rule=bands((None, 1, 0), (1, 2, 60), (2, None, 100))
        ),
        Measure(indicator="days_since_proactive_communication", weight=10, rule=LinearRule(lower=7, upper=45)),
        Measure(indicator="days_since_executive_sponsor_engaged", weight=10, rule=LinearRule(lower=30, upper=120)),
        Measure(indicator="nps", weight=10, rule=LinearRule(lower=-50, upper=50)),
        Measure(indicator="objectives_documented", weight=5, rule=yes_no(no=0, yes=100)),
        Measure(indicator="ticket_volume_vs_baseline", weight=5, rule=LinearRule(lower=1, upper=3)),
        Measure(indicator="open_escalations", weight=5, rule=bands((None, 1, 100), (1, 2, 40), (2, None, 0))),
        Measure(indicator="refund_or_discount_requests_90d", weight=5, rule=bands((None, 1, 100), (1, None, 20))),
    ),
    thresholds=Thresholds(green_min=70, yellow_min=40),
    gut_weight=0.2,
)
