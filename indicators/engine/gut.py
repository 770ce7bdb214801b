"""The CSM's gut read as points: five levels on a 0-100 scale, nothing once expired."""

from __future__ import annotations

from datetime import datetime

from indicators.engine.inputs import GutLevel, GutRead

GUT_POINTS = {
    GutLevel.VERY_NEGATIVE: 0.0,
    GutLevel.NEGATIVE: 25.0,
    GutLevel.NEUTRAL: 50.0,
    GutLevel.POSITIVE: 75.0,
    GutLevel.VERY_POSITIVE: 100.0,
}


def gut_points(gut: GutRead | None, as_of: datetime) -> float | None:
    """The read's points at ``as_of``; None when there is none, it has expired, or it was recorded later."""
    if gut is None or gut.expires_at <= as_of:
        return None
    if gut.recorded_at is not None and gut.recorded_at > as_of:
        return None
    try:
        return GUT_POINTS[GutLevel(gut.level)]
    except ValueError:
        raise ValueError(f"Unknown gut read level {gut.level!r}; expected one of {[g.value for g in GutLevel]}.")
