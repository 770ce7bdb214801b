"""Scoring rules: bands with explicit bound inclusivity, and linear ramps that follow the direction."""

import pytest

from indicators.engine import Band, BandsRule, Direction, LinearRule, bands

UP, DOWN = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER


def band(lower, upper, points, lower_inclusive=True, upper_inclusive=False):
    return Band(
        lower=lower, upper=upper, points=points, lower_inclusive=lower_inclusive, upper_inclusive=upper_inclusive
    )


def test_a_value_on_a_bound_falls_in_the_band_that_includes_it():
    lower_closed = BandsRule(bands=(band(None, 10, 0), band(10, None, 100)))
    assert lower_closed.points(10, UP) == 100
    upper_closed = BandsRule(
        bands=(band(None, 10, 0, upper_inclusive=True), band(10, None, 100, lower_inclusive=False))
    )
    assert upper_closed.points(10, UP) == 0
    assert upper_closed.points(10.0001, UP) == 100


def test_a_single_value_band_needs_both_bounds_included():
    exact = BandsRule(bands=(band(0, 0, 100, upper_inclusive=True), band(0, None, 20, lower_inclusive=False)))
    assert exact.points(0, DOWN) == 100
    assert exact.points(0.5, DOWN) == 20
    with pytest.raises(ValueError, match="holds no value"):
        band(0, 0, 100)


def test_a_value_in_no_band_scores_the_rules_outside_points():
    gappy = BandsRule(bands=(band(0, 10, 50), band(20, 30, 100)), outside_points=10)
    assert gappy.points(15, UP) == 10
    assert gappy.points(-1, UP) == 10
    assert BandsRule(bands=(band(0, 10, 50),)).points(99, UP) == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (band(0, 10, 0), band(5, 15, 0)),
        (band(0, 10, 0, upper_inclusive=True), band(10, 20, 0)),
        (band(None, None, 0), band(3, 4, 0)),
        (band(None, 5, 0), band(None, 1, 0)),
    ],
)
def test_overlapping_bands_are_rejected(first, second):
    with pytest.raises(ValueError, match="overlap"):
        BandsRule(bands=(first, second))


def test_touching_bands_are_fine_when_only_one_includes_the_shared_bound():
    BandsRule(bands=(band(0, 10, 0, upper_inclusive=True), band(10, 20, 0, lower_inclusive=False)))
    BandsRule(bands=(band(0, 10, 0), band(10, 20, 0)))


def test_band_points_and_bounds_are_validated():
    with pytest.raises(ValueError, match="between 0 and 100"):
        band(0, 1, 101)
    with pytest.raises(ValueError, match="above its upper bound"):
        band(2, 1, 50)
    with pytest.raises(ValueError, match="None, not an infinite"):
        band(float("-inf"), 1, 50)
    with pytest.raises(ValueError, match="at least one band"):
        BandsRule(bands=())


def test_the_bands_shorthand_makes_half_open_bands():
    rule = bands((None, 1, 0), (1, 3, 50), (3, None, 100))
    assert [rule.points(v, UP) for v in (0.99, 1, 2.99, 3)] == [0, 50, 50, 100]


def test_a_linear_ramp_scores_0_at_the_worst_bound_and_100_at_the_best_clamped_outside():
    ramp = LinearRule(lower=10, upper=30)
    assert [ramp.points(v, UP) for v in (0, 10, 15, 30, 99)] == [0, 0, 25, 100, 100]


def test_a_linear_ramp_turns_round_for_lower_is_better_indicators():
    ramp = LinearRule(lower=7, upper=45)
    assert ramp.points(7, DOWN) == 100
    assert ramp.points(45, DOWN) == 0
    assert ramp.points(26, DOWN) == 50
    assert ramp.points(0, DOWN) == 100


def test_a_linear_ramp_needs_lower_below_upper():
    with pytest.raises(ValueError, match="lower < upper"):
        LinearRule(lower=5, upper=5)
    with pytest.raises(ValueError):
        LinearRule(lower=float("nan"), upper=5)
