"""Each rule kind's condition: pure functions from an account's figures to a firing reason, or None.

A reason is the sentence the CSM reads ("Score dropped 18 points in 7 days: 72 -> 54") and the
figures behind it. Nothing here touches the database; ``evaluate.py`` loads what they read.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import date, datetime

from alerts.models import Operator
from indicators import engine
from indicators.engine.formatting import MINUS, number, round_half_up, value_text
from indicators.engine.nps import DETRACTOR_MAX, SCALE_MAX

COMPARE = {Operator.LT: operator.lt, Operator.LTE: operator.le, Operator.GT: operator.gt, Operator.GTE: operator.ge}
WORDS = {Operator.LT: "below", Operator.LTE: "at or below", Operator.GT: "above", Operator.GTE: "at or above"}
COMMENT_CHARS = 140


@dataclass(frozen=True, slots=True)
class Reason:
    message: str
    detail: dict = field(default_factory=dict)


def indicator_threshold(*, indicator: str, op: str, threshold: float, value: float | None) -> Reason | None:
    if value is None or not COMPARE[op](value, threshold):
        return None
    declared = engine.CATALOGUE.get(indicator)
    label, unit = (declared.label, declared.unit) if declared else (indicator, "")
    shown, limit = value_text(value, unit, indicator), value_text(threshold, unit, indicator)
    if shown == limit and value != threshold:
        # Rounded for reading, 29.5 and 30 would both read "30%": show the value as it is.
        shown = shown.replace(number(value), f"{round_half_up(value, 2):g}".replace("-", MINUS), 1)
    message = f"{label}: {shown}." if unit == "flag" else f"{label} is {shown}, {WORDS[op]} {limit}."
    return Reason(message, {"indicator": indicator, "value": value, "operator": op, "threshold": threshold})


def score_drop(*, points: float, days: int, peak: float | None, score: float | None) -> Reason | None:
    """``peak``: the highest the score stood during the last ``days`` days."""
    if peak is None or score is None or peak - score < points:
        return None
    drop = peak - score
    shown_from, shown_to = int(round_half_up(peak)), int(round_half_up(score))  # the sentence's numbers add up as read
    message = f"Score dropped {number(shown_from - shown_to)} points in {days} days: {shown_from} -> {shown_to}."

    return Reason(message, {"from_score": peak, "to_score": score, "drop": round_half_up(drop, 2), "days": days})


def band_change(*, to_band: str, from_band: str, before: str | None, band: str, score: float | None) -> Reason | None:
    """Fires on the transition only: ``before`` is the band before this recompute (None or "" if unknown)."""
    if not before or before == band or band != to_band or (from_band and before != from_band):
        return None
    at = f" (score {number(round_half_up(score))})" if score is not None else ""
    return Reason(f"Band changed from {before} to {band}{at}.", {"from_band": before, "to_band": band, "score": score})


def renewal_proximity(*, days: int, bands: list[str], renewal_on: date | None, today: date, band: str) -> Reason | None:
    if renewal_on is None:
        return None
    ahead = (renewal_on - today).days
    if ahead < 0 or ahead > days or (bands and band not in bands):
        return None
    when = "today" if ahead == 0 else ("tomorrow" if ahead == 1 else f"in {ahead} days")
    in_band = f" with the account {band}" if band else ""
    return Reason(
        f"Renewal {when} ({renewal_on.isoformat()}){in_band}.",
        {"renewal_on": renewal_on.isoformat(), "days_ahead": ahead, "band": band},
    )


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    occurred_at: datetime
    score: float
    comment: str
    contact: str
    response_id: int | None


def detractor_answer(*, days: int, answer: SurveyAnswer | None) -> Reason | None:
    """``answer``: the account's latest detractor answer within ``days`` days, if any."""
    if answer is None or answer.score > DETRACTOR_MAX:
        return None
    who = f" from {answer.contact}" if answer.contact else ""
    comment = answer.comment.strip()
    if len(comment) > COMMENT_CHARS:
        comment = comment[: COMMENT_CHARS - 1].rstrip() + "…"
    said = f': "{comment}"' if comment else ""
    return Reason(
        f"Detractor answer{who}: {number(answer.score)}/{SCALE_MAX} on {answer.occurred_at.date().isoformat()}{said}",
        {"score": answer.score, "answered_at": answer.occurred_at.isoformat(), "response_id": answer.response_id},
    )
