"""Scoring rules: how a measure turns an indicator's raw value into 0-100 points.

Two kinds: ``BandsRule`` (explicit value ranges, each bound's inclusivity stated) and ``LinearRule`` (a ramp
between two bounds that follows the indicator's direction). Both validate themselves on construction and
raise ``ValueError`` with a sentence an admin form can show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from indicators.engine.declaration import Direction


def _check_points(points: float, what: str) -> None:
    if not (isinstance(points, int | float) and 0 <= points <= 100):
        raise ValueError(f"{what} must be between 0 and 100, not {points!r}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    """Values between ``lower`` and ``upper`` (None: unbounded) score ``points``; inclusivity is explicit."""

    lower: float | None
    upper: float | None
    points: float
    lower_inclusive: bool
    upper_inclusive: bool

    def __post_init__(self) -> None:
        _check_points(self.points, "A band's points")
        for bound in (self.lower, self.upper):
            if bound is not None and not math.isfinite(bound):
                raise ValueError("Use None, not an infinite number, for an open bound.")
        if self.lower is not None and self.upper is not None:
            if self.lower > self.upper:
                raise ValueError(f"A band's lower bound ({self.lower}) is above its upper bound ({self.upper}).")
            if self.lower == self.upper and not (self.lower_inclusive and self.upper_inclusive):
                raise ValueError(f"A band from {self.lower} to {self.upper} holds no value; include both bounds.")

    def contains(self, value: float) -> bool:
        if self.lower is not None and (value < self.lower or (value == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )

    def overlaps(self, other: Band) -> bool:
        """Whether some value lies in both bands."""
        # The intersection's lower end is the higher of the two lower bounds (the stricter one on a tie).
        low, low_in = _tighter(self.lower, self.lower_inclusive, other.lower, other.lower_inclusive, lower=True)
        high, high_in = _tighter(self.upper, self.upper_inclusive, other.upper, other.upper_inclusive, lower=False)
        if low is None or high is None:
            return True
        return low < high or (low == high and low_in and high_in)


def _tighter(a, a_in, b, b_in, *, lower: bool):
    if a is None:
        return b, b_in
    if b is None:
        return a, a_in
    if a == b:
        return a, a_in and b_in
    pick_a = (a > b) if lower else (a < b)
    return (a, a_in) if pick_a else (b, b_in)


@dataclass(frozen=True, slots=True, kw_only=True)
class BandsRule:
    """Points of the band holding the value; a value in no band scores ``outside_points``. Bands may not overlap."""

    bands: tuple[Band, ...]
    outside_points: float = 0.0

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError("A bands rule needs at least one band.")
        _check_points(self.outside_points, "Points outside every band")
        for n, band in enumerate(self.bands):
            for other in self.bands[n + 1 :]:
                if band.overlaps(other):
                    raise ValueError(f"Bands {_describe(band)} and {_describe(other)} overlap.")

    def points(self, value: float, direction: Direction) -> float:
        # Bands say what they mean value by value, so the direction is already in them.
        for band in self.bands:
            if band.contains(value):
                return float(band.points)
        return float(self.outside_points)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinearRule:
    """A straight ramp from ``lower`` to ``upper``, clamped outside them.

    For a higher-is-better indicator ``lower`` scores 0 and ``upper`` 100; for lower-is-better it is the
    other way round, so bounds are always written low to high.
    """

    lower: float
    upper: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lower) and math.isfinite(self.upper)) or self.lower >= self.upper:
            raise ValueError(f"A linear rule needs finite bounds with lower < upper, not {self.lower}..{self.upper}.")

    def points(self, value: float, direction: Direction) -> float:
        share = (value - self.lower) / (self.upper - self.lower)
        share = min(max(share, 0.0), 1.0)
        return 100.0 * (share if direction is Direction.HIGHER_IS_BETTER else 1.0 - share)


Rule = BandsRule | LinearRule


def _describe(band: Band) -> str:
    left = "(-inf" if band.lower is None else ("[" if band.lower_inclusive else "(") + f"{band.lower:g}"
    right = "+inf)" if band.upper is None else f"{band.upper:g}" + ("]" if band.upper_inclusive else ")")
    return f"{left}, {right}"


def bands(*edges: tuple[float | None, float | None, float]) -> BandsRule:
    """Shorthand for the usual half-open bands [lower, upper): ``bands((None, 0, 0), (0, 5, 50), (5, None, 100))``."""
    return BandsRule(
        bands=tuple(
            Band(lower=low, upper=high, points=pts, lower_inclusive=low is not None, upper_inclusive=False)
            for low, high, pts in edges
        )
    )


def yes_no(*, no: float, yes: float) -> BandsRule:
    """A rule for 0/1 flags, as two single-value bands."""
    return BandsRule(
        bands=(
            Band(lower=0, upper=0, points=no, lower_inclusive=True, upper_inclusive=True),
            Band(lower=1, upper=1, points=yes, lower_inclusive=True, upper_inclusive=True),
        )
    )
