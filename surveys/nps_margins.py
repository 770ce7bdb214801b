"""NPS read honestly: a summary with its count, split and margin of error, and period comparisons.

The scale, the categories and the score itself are ``indicators.engine.nps``; this module adds the
statistics every report in the product shows beside the score.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from indicators.engine.nps import DETRACTOR, PASSIVE, PROMOTER, category_for, net_promoter_score

# 95% two-sided normal quantile.
Z_95 = 1.959963984540054


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
    def standard_error(self) -> float | None:
        """100·√((p + d - (p - d)²) / n), p and d the promoter and detractor shares."""
        if not self.responses:
            return None
        p = self.promoters / self.responses
        d = self.detractors / self.responses
        variance = max(p + d - (p - d) ** 2, 0.0)
        return 100.0 * math.sqrt(variance / self.responses)

    @property
    def margin_of_error(self) -> float | None:
        """Half-width of the 95% confidence interval, in NPS points."""
        se = self.standard_error
        return None if se is None else Z_95 * se

    def as_dict(self) -> dict:
        return {
            "nps": _round(self.nps),
            "responses": self.responses,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "margin_of_error": _round(self.margin_of_error),
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
    def significant(self) -> bool:
        change, margin = self.change, self.margin_of_change
        if change is None or margin is None:
            return False
        return abs(change) > margin

    @property
    def verdict(self) -> str:
        change = self.change
        if change is None:
            return "Not enough responses in both periods to compare."
        if not self.significant:
            return f"A change of {change:+.1f} points is within the noise (±{self.margin_of_change:.1f})."
        direction = "rose" if change > 0 else "fell"
        return f"NPS {direction} by {abs(change):.1f} points, more than the noise (±{self.margin_of_change:.1f})."

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
    return None if value is None else round(value, 1)
