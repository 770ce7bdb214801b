"""Scorecards: validation, band thresholds, and the default scorecard."""

import pytest

from indicators.engine import CATALOGUE, DEFAULT_SCORECARD, LinearRule, Measure, Scorecard, Thresholds

RAMP = LinearRule(lower=0, upper=100)


def test_the_default_scorecard_has_8_to_12_measures_across_categories_weighing_100():
    assert 8 <= len(DEFAULT_SCORECARD.measures) <= 12
    assert DEFAULT_SCORECARD.total_weight == 100
    assert len({CATALOGUE[m.indicator].category for m in DEFAULT_SCORECARD.measures}) >= 6


def test_the_default_scorecard_uses_both_kinds_of_rule():
    kinds = {type(m.rule).__name__ for m in DEFAULT_SCORECARD.measures}
    assert kinds == {"BandsRule", "LinearRule"}


def test_bands_follow_the_thresholds_with_each_minimum_included():
    thresholds = Thresholds(green_min=70, yellow_min=40)
    assert [thresholds.band(s) for s in (100, 70, 69.99, 40, 39.99, 0, None)] == [
        "green",
        "green",
        "yellow",
        "yellow",
        "red",
        "red",
        None,
    ]


def test_thresholds_must_be_ordered_within_0_to_100():
    with pytest.raises(ValueError):
        Thresholds(green_min=30, yellow_min=40)
    with pytest.raises(ValueError):
        Thresholds(green_min=120, yellow_min=40)


def test_a_measure_needs_a_known_account_level_indicator_and_a_positive_weight():
    with pytest.raises(KeyError, match="Unknown indicator"):
        Measure(indicator="nope", weight=1, rule=RAMP)
    with pytest.raises(ValueError, match="not measured per account"):
        Measure(indicator="active_days_30d", weight=1, rule=RAMP)
    for weight in (0, -1, float("nan")):
        with pytest.raises(ValueError, match="positive"):
            Measure(indicator="mau", weight=weight, rule=RAMP)


def test_a_scorecard_measures_each_indicator_once():
    with pytest.raises(ValueError, match="once"):
        Scorecard(key="x", measures=(Measure(indicator="mau", weight=1, rule=RAMP),) * 2)


def test_the_gut_read_is_either_blended_or_measured_not_both():
    gut = Measure(indicator="gut_read", weight=1, rule=RAMP)
    with pytest.raises(ValueError, match="blended"):
        Scorecard(key="x", measures=(gut,), gut_weight=0.2)
    Scorecard(key="x", measures=(gut,), gut_weight=0)
