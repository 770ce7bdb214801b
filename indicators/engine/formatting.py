"""Numbers as a CSM reads them: values by unit, points with a sign, the gut read by name."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from indicators.engine.gut import GUT_POINTS

MINUS = "\u2212"
GUT_NAMES = {points: level.value.replace("_", " ") for level, points in GUT_POINTS.items()}


def round_half_up(value: float, places: int = 0) -> float:
    """``value`` rounded as people round: halves away from zero (83.125 to 83.13, 82.5 to 83).

    Python's ``round`` and format specs round halves to even on the binary value (83.125 to 83.12,
    82.5 to 82, 2.675 to 2.67); this rounds the shortest decimal that reads back as ``value``.
    """
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def fixed(value: float, places: int = 0) -> str:
    """``value`` with ``places`` decimals, rounded half up."""
    return f"{round_half_up(value, places):.{places}f}"


def number(value: float) -> str:
    """Whole numbers as such, small ones with a decimal, a true minus sign."""
    if float(value).is_integer():
        text = fixed(value)
    elif abs(value) < 10:
        text = fixed(value, 1)
    else:
        text = fixed(value)
    return text.replace("-", MINUS)


def value_text(value: float | None, unit: str, indicator: str = "") -> str:
    if value is None:
        return "no data"
    if indicator == "gut_read" and value in GUT_NAMES:
        return GUT_NAMES[value]
    if unit == "flag":
        return "yes" if value else "no"
    if unit == "%":
        return f"{number(value)}%"
    if unit == "% per week":
        return f"{'+' if value > 0 else ''}{number(value)}% per week"
    if unit == "ratio":
        return f"{number(value)}×"
    if unit == "NPS":
        return f"{'+' if value > 0 else ''}{number(value)}"
    if unit == "days":
        return "1 day" if value == 1 else f"{number(value)} days"
    return number(value)


def points_text(points: float) -> str:
    rounded = round_half_up(points) if abs(points) >= 1 else round_half_up(points, 1)
    if rounded == 0:
        return "0 points"
    sign = "+" if rounded > 0 else MINUS
    magnitude = abs(rounded)
    return f"{sign}{number(magnitude)} point{'' if magnitude == 1 else 's'}"
