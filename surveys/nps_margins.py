"""NPS read honestly: a summary with its count, split and 95% interval, and period comparisons.

The scale, the categories and the score itself are ``indicators.engine.nps``; this module adds the
statistics every report in the product shows beside the score.

The interval is the adjusted Wald interval of Rocks (2016, "Interval estimation for the Net Promoter
Score", The American Statistician), the best performer of the methods he compared: add three
pseudo-answers (¾ of a promoter, 1½ passives, ¾ of a detractor), then take the usual normal interval
of the difference of two proportions, clipped to the scale. Unlike the plain Wald interval it neither
collapses to ±0 when every answer falls in one category (or there is only one) nor reaches past
-100..100 on two or three answers. A comparison of two periods is only called significant with at
least ``MIN_RESPONSES_TO_COMPARE`` answers in each: below that the normal approximation is not to be
trusted, whatever the interval says.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from indicators.engine.formatting import fixed, round_half_up
from indicators.engine.nps import DETRACTOR, PASSIVE, PROMOTER, category_for, net_promoter_score

# 95% two-sided normal quantile.
Z_95 = 1.959963984540054
PSEUDO_ANSWERS = 3  # Rocks's adjustment: n + 3, with ¾ of them promoters and ¾ detractors
PSEUDO_PROMOTERS = PSEUDO_DETRACTORS = 0.75
MIN_RESPONSES_TO_COMPARE = 10  # in each period, before a change can be called significant


@dataclass(frozen=True)
class NpsSummary:
    """NPS with everything needed to read it honestly: the count, the split and the margin."""

    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def nps(self) -> float | None:
        return net_promoter_score(promoters=self.promoters, detractors=self.detractors, responses=self.responses)

    @property
    def _adjusted(self) -> tuple[float, float, int]:
        """(promoter share, detractor share, n) with Rocks's three pseudo-answers added."""
        n = self.responses + PSEUDO_ANSWERS
        return (self.promoters + PSEUDO_PROMOTERS) / n, (self.detractors + PSEUDO_DETRACTORS) / n, n

    @property
    def standard_error(self) -> float | None:
        """100·√((p + d - (p - d)²) / n), on the adjusted shares and n; None without answers."""
        if not self.responses:
            return None
        p, d, n = self._adjusted
        return 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% interval, in NPS points, within -100..100; None without answers."""
        if not self.responses:
            return None
        p, d, _ = self._adjusted
        centre, reach = 100.0 * (p - d), Z_95 * self.standard_error
        return max(-100.0, centre - reach), min(100.0, centre + reach)

    @property
    def margin_of_error(self) -> float | None:
        """Half the width of the 95% interval, in NPS points (the interval is not centred on the NPS)."""
        interval = self.interval
        return None if interval is None else (interval[1] - interval[0]) / 2

    def as_dict(self) -> dict:
        low, high = self.interval or (None, None)
        return {
            "nps": _round(self.nps),
            "responses": self.responses,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "margin_of_error": _round(self.margin_of_error),
            "interval_low": _round(low),
            "interval_high": _round(high),
        }


def summarize(scores: Iterable[int]) -> NpsSummary:
    counts = {PROMOTER: 0, PASSIVE: 0, DETRACTOR: 0}
    for score in scores:
        counts[category_for(score)] += 1
    return summary_from_counts(promoters=counts[PROMOTER], passives=counts[PASSIVE], detractors=counts[DETRACTOR])


def summary_from_counts(*, promoters: int, passives: int, detractors: int) -> NpsSummary:
    if min(promoters, passives, detractors) < 0:
        raise ValueError("Counts cannot be negative.")
    return NpsSummary(
        responses=promoters + passives + detractors, promoters=promoters, passives=passives, detractors=detractors
    )


@dataclass(frozen=True)
class Comparison:
    """Two periods' NPS, the change, and whether it is larger than the noise (95%)."""

    before: NpsSummary
    after: NpsSummary

    @property
    def change(self) -> float | None:
        if self.before.nps is None or self.after.nps is None:
            return None
        return self.after.nps - self.before.nps

    @property
    def margin_of_change(self) -> float | None:
        """95% margin of the difference of two independent NPS: Z·√(se₁² + se₂²)."""
        if self.before.standard_error is None or self.after.standard_error is None:
            return None
        return Z_95 * math.sqrt(self.before.standard_error**2 + self.after.standard_error**2)

    @property
    def enough_answers(self) -> bool:
        return min(self.before.responses, self.after.responses) >= MIN_RESPONSES_TO_COMPARE

    @property
    def significant(self) -> bool:
        change, margin = self.change, self.margin_of_change
        if change is None or margin is None or not self.enough_answers:
            return False
        return abs(change) > margin

    @property
    def verdict(self) -> str:
        change = self.change
        if change is None:
            return "Not enough responses in both periods to compare."
        if not self.enough_answers:
            return (
                f"Too few answers to compare ({self.before.responses} before, {self.after.responses} after): "
                f"at least {MIN_RESPONSES_TO_COMPARE} in each period are needed."
            )
        noise = f"(±{fixed(self.margin_of_change, 1)})"
        if not self.significant:
            return f"A change of {_signed(change)} points is within the noise {noise}."
        direction = "rose" if change > 0 else "fell"
        return f"NPS {direction} by {fixed(abs(change), 1)} points, more than the noise {noise}."

    def as_dict(self) -> dict:
        return {
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "change": _round(self.change),
            "margin_of_change": _round(self.margin_of_change),
            "significant": self.significant,
            "verdict": self.verdict,
        }


def compare(before: NpsSummary, after: NpsSummary) -> Comparison:
    return Comparison(before=before, after=after)


def _round(value: float | None) -> float | None:
    return None if value is None else round_half_up(value, 1)


def _signed(value: float) -> str:
    text = fixed(value, 1)
    return text if text.startswith("-") else f"+{text}"
