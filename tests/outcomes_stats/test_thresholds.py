"""Where the default scorecard flags an indicator, worked by hand (yellow from 40 points)."""

import math

from indicators.engine import DEFAULT_SCORECARD
from outcomes.thresholds import measure_thresholds


def test_the_default_scorecards_red_thresholds():
    found = measure_thresholds(DEFAULT_SCORECARD)
    # Linear, higher is better: 10% -> 0 points, 80% -> 100; 40 points at 10 + 70 x 0.4 = 38%.
    assert found["license_utilization"] == 38.0
    # Linear, lower is better: 7 days -> 100 points, 45 -> 0; 40 points at 7 + 38 x 0.6 = 29.8 days.
    assert math.isclose(found["days_since_proactive_communication"], 29.8)
    # Bands, lower is better: under 1 -> 100, 1 to 2 -> 40, from 2 -> 0. Red from 2 inclusive: a value of
    # exactly 2 must count as flagged ("strictly past" the largest float below 2).
    threshold = found["open_escalations"]
    assert threshold == math.nextafter(2.0, -math.inf)  # so 2 > threshold: flagged
    # Bands, higher is better: under 1 -> 0, 1 to 2 -> 60, from 2 -> 100; red below 1.
    assert found["high_value_engagements_60d"] == 1.0
    # mau_trend_pct's bands score 0, 40, 75, 100 upwards: red below -25 (the 40-point band starts there).
    assert found["mau_trend_pct"] == -25.0
