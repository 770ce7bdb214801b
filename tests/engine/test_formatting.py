"""How values and points read in sentences."""

import pytest

from indicators.engine.formatting import fixed, points_text, round_half_up, value_text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "%", "no data"),
        (42.0, "users", "42"),
        (2.5, "users", "2.5"),
        (81.4, "%", "81%"),
        (-12.5, "% per week", "\u221213% per week"),  # halves away from zero, whichever the sign
        (3.2, "% per week", "+3.2% per week"),
        (1.0, "days", "1 day"),
        (12.0, "days", "12 days"),
        (1.0, "flag", "yes"),
        (0.0, "flag", "no"),
        (1.5, "ratio", "1.5×"),
        (20.0, "NPS", "+20"),
        (-40.0, "NPS", "\u221240"),
    ],
)
def test_values_read_with_their_unit(value, unit, text):
    assert value_text(value, unit) == text


def test_the_gut_read_reads_as_its_level():
    assert value_text(25.0, "points", "gut_read") == "negative"


@pytest.mark.parametrize(
    ("points", "text"),
    [(-9.2, "\u22129 points"), (0.44, "+0.4 points"), (1.0, "+1 point"), (0.001, "0 points"), (12.6, "+13 points")],
)
def test_points_read_with_a_sign_and_rounded(points, text):
    assert points_text(points) == text


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        (83.125, 2, 83.13),  # Python's round gives 83.12 (half to even on the binary value)
        (82.5, 0, 83.0),  # round gives 82
        (2.675, 2, 2.68),  # the float is 2.67499999…; people read 2.675
        (0.05, 1, 0.1),
        (-2.5, 0, -3.0),  # away from zero: a fall of 2.5 reads as much as a rise of 2.5
        (99.994, 2, 99.99),
        (7.0, 1, 7.0),
    ],
)
def test_figures_round_half_up_as_people_round(value, places, rounded):
    assert round_half_up(value, places) == rounded


def test_fixed_keeps_its_decimals():
    assert (fixed(83.125, 2), fixed(82.5), fixed(3.0, 1)) == ("83.13", "83", "3.0")


@pytest.mark.parametrize(("points", "text"), [(2.5, "+3 points"), (-2.5, "\u22123 points"), (0.25, "+0.3 points")])
def test_points_round_half_up(points, text):
    assert points_text(points) == text
