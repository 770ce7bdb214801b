"""Each rule kind's condition: pure functions from an account's figures to a verdict.

A verdict is one of three:

- a ``Reason``: the condition holds, in the sentence the CSM reads ("Score dropped 18 points in 7
  days: 72 -> 54") and the figures behind it. It opens an alert, or updates the one already open
  for the same cause (one cause, one open alert);
- a ``Cleared``: an alert is open for this cause (``raised``, the figures it was last fired with)
  and the cause is gone; ``why`` is the system note that closes it;
- ``None``: nothing to do. The condition does not hold and nothing shows that an open alert's
  cause went away: no data, or only time passed (an answer that aged out of the window, a drop
  that slid out of it, a renewal date that went by). Time alone is no answer to an alert.

Nothing here touches the database; ``evaluate.py`` loads what they read. ``today`` is the tenant's
date, for the notes.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
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


@dataclass(frozen=True, slots=True)
class Cleared:
    why: str


Verdict = Reason | Cleared | None


def indicator_threshold(*, indicator: str, op: str, threshold: float, value: float | None,
                        raised: Mapping | None = None, today: date | None = None) -> Verdict:  # fmt: skip
    if value is None:
        return None  # no data says nothing either way
    declared = engine.CATALOGUE.get(indicator)
    label, unit = (declared.label, declared.unit) if declared else (indicator, "")
    shown, limit = value_text(value, unit, indicator), value_text(threshold, unit, indicator)
    if shown == limit and value != threshold:
        # Rounded for reading, 29.5 and 30 would both read "30%": show the value as it is.
        shown = shown.replace(number(value), f"{round_half_up(value, 2):g}".replace("-", MINUS), 1)
    if not COMPARE[op](value, threshold):
        if raised is None:
            return None
        if unit == "flag":
            return Cleared(f"{label}: {shown} on {today}")
        return Cleared(f"{label} back to {shown} on {today}, no longer {WORDS[op]} {limit}")
    message = f"{label}: {shown}." if unit == "flag" else f"{label} is {shown}, {WORDS[op]} {limit}."
    return Reason(message, {"indicator": indicator, "value": value, "operator": op, "threshold": threshold})


def score_drop(*, points: float, days: int, peak: float | None, score: float | None,
               raised: Mapping | None = None, today: date | None = None) -> Verdict:  # fmt: skip
    """``peak``: the highest the score stood during the last ``days`` days.

    An open alert is measured from the score it fell from (``raised["from_score"]``), not from the
    window's peak, which slides: the drop stays a drop until the score climbs back.
    """
    if score is None:
        return None
    if peak is not None and peak - score >= points:
        return _drop_reason(peak, score, f"Score dropped {{}} points in {days} days: {{}} -> {{}}.", days)
    since = raised.get("from_score") if raised is not None else None
    if not isinstance(since, int | float) or isinstance(since, bool):
        return None
    if since - score >= points:  # out of the window by now, but not made up: the figures as they stand
        return _drop_reason(since, score, "Score still down {} points: {} -> {}.", days)
    return Cleared(
        f"score back to {number(round_half_up(score))} on {today}, "
        f"less than {number(points)} points below the {number(round_half_up(since))} it fell from"
    )


def _drop_reason(peak: float, score: float, sentence: str, days: int) -> Reason:
    shown_from, shown_to = int(round_half_up(peak)), int(round_half_up(score))  # the sentence's numbers add up as read
    detail = {"from_score": peak, "to_score": score, "drop": round_half_up(peak - score, 2), "days": days}
    return Reason(sentence.format(number(shown_from - shown_to), shown_from, shown_to), detail)


def band_change(*, to_band: str, from_band: str, before: str | None, band: str, score: float | None,
                raised: Mapping | None = None, today: date | None = None) -> Verdict:  # fmt: skip
    """Fires on the transition only: ``before`` is the band before this recompute (None or "" if unknown).

    An open alert holds while the account stays in the band and clears when it leaves it.
    """
    at = f" (score {number(round_half_up(score))})" if score is not None else ""
    if before and before != band and band == to_band and (not from_band or before == from_band):
        return Reason(f"Band changed from {before} to {band}{at}.", {"from_band": before, "to_band": band,
                                                                     "score": score})  # fmt: skip
    if raised is None or not band:
        return None
    if band != to_band:
        return Cleared(f"band now {band}{at} on {today}, no longer {to_band}")
    changed_from, changed_at = raised.get("from_band") or "", raised.get("changed_at_score", raised.get("score"))
    was = f" (score {number(round_half_up(changed_at))})" if isinstance(changed_at, int | float) else ""
    now = f"; score now {number(round_half_up(score))}" if score is not None and score != changed_at else ""
    return Reason(
        f"Band changed from {changed_from} to {band}{was}{now}.",
        {"from_band": changed_from, "to_band": band, "score": score, "changed_at_score": changed_at},
    )


def renewal_proximity(*, days: int, bands: list[str], renewal_on: date | None, today: date, band: str,
                      raised: Mapping | None = None) -> Verdict:  # fmt: skip
    ahead = (renewal_on - today).days if renewal_on is not None else None
    in_band = not bands or band in bands
    if ahead is not None and 0 <= ahead <= days and in_band:
        when = "today" if ahead == 0 else ("tomorrow" if ahead == 1 else f"in {ahead} days")
        with_band = f" with the account {band}" if band else ""
        return Reason(
            f"Renewal {when} ({renewal_on.isoformat()}){with_band}.",
            {"renewal_on": renewal_on.isoformat(), "days_ahead": ahead, "band": band},
        )
    if raised is None:
        return None
    if renewal_on is None:
        return Cleared(f"the renewal date was removed by {today}")
    if ahead > days:
        return Cleared(f"renewal now on {renewal_on.isoformat()}, {ahead} days away on {today}, beyond {days}")
    if ahead < 0 and renewal_on.isoformat() != raised.get("renewal_on"):
        return Cleared(f"renewal date changed to {renewal_on.isoformat()}, already past on {today}")
    if band and not in_band:
        return Cleared(f"account now {band} on {today}, not {' or '.join(bands)}")
    return None  # the renewal day went by: whether it renewed is for the CSM to say


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    occurred_at: datetime
    score: float
    comment: str
    contact: str
    response_id: int | None


def detractor_answer(*, days: int, answer: SurveyAnswer | None, raised: Mapping | None = None,
                     amended_away: Mapping[int, float] | None = None) -> Verdict:  # fmt: skip
    """``answer``: the account's latest detractor answer within ``days`` days, if any; ``amended_away``:
    {response id: its latest score} for answers amended out of detraction."""
    if answer is not None and answer.score <= DETRACTOR_MAX:
        who = f" from {answer.contact}" if answer.contact else ""
        comment = answer.comment.strip()
        if len(comment) > COMMENT_CHARS:
            comment = comment[: COMMENT_CHARS - 1].rstrip() + "…"
        said = f': "{comment}"' if comment else ""
        return Reason(
            f"Detractor answer{who}: {number(answer.score)}/{SCALE_MAX} on {answer.occurred_at.date().isoformat()}"
            f"{said}",
            {"score": answer.score, "answered_at": answer.occurred_at.isoformat(), "response_id": answer.response_id},
        )
    if raised is None or not amended_away:
        return None
    amended_to = amended_away.get(raised.get("response_id"))
    if amended_to is None:
        return None  # an answer that only aged out of the window is still work
    return Cleared(f"the answer was amended to {number(amended_to)}/{SCALE_MAX}, not a detractor's")
