"""How values and points read in sentences."""

import pytest

from indicators.engine.formatting import points_text, value_text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "%", "no data"),
        (42.0, "users", "42"),
        (2.5, "users", "2.5"),
        (81.4, "%", "81%"),
        (-12.5, "% per week", "\u221212% per week"),
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
