"""Net Promoter Score, defined once: the 0-10 scale, its three categories and the score itself.

The engine scores with it, surveys record and report with it, alerts fire on it; none of them
writes a bound of its own, so "detractor" means the same answer everywhere.
"""

from __future__ import annotations

SCALE_MIN = 0
SCALE_MAX = 10
SCALE = range(SCALE_MIN, SCALE_MAX + 1)  # the answers a respondent may give, in order

DETRACTOR_MAX = 6  # 0-6: detractor
PROMOTER_MIN = 9  # 9-10: promoter; 7-8 in between: passive

PROMOTER = "promoter"
PASSIVE = "passive"
DETRACTOR = "detractor"


def is_score(value: object) -> bool:
    """A whole number on the scale (True and False are not answers, though Python counts them as ints)."""
    return not isinstance(value, bool) and isinstance(value, int) and SCALE_MIN <= value <= SCALE_MAX


def is_promoter(score: float) -> bool:
    return score >= PROMOTER_MIN


def is_detractor(score: float) -> bool:
    return score <= DETRACTOR_MAX


def category_for(score: int) -> str:
    """Promoter 9-10, passive 7-8, detractor 0-6; anything off the scale is a ValueError."""
    if not is_score(score):
        raise ValueError(f"An NPS score is a whole number from {SCALE_MIN} to {SCALE_MAX}, got {score!r}.")
    if is_promoter(score):
        return PROMOTER
    if is_detractor(score):
        return DETRACTOR
    return PASSIVE


def net_promoter_score(*, promoters: int, detractors: int, responses: int) -> float | None:
    """% promoters - % detractors, from -100 to 100; None without responses (no data, not zero)."""
    if not responses:
        return None
    return 100.0 * (promoters - detractors) / responses
