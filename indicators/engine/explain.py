"""What changed between two scores of an account, measure by measure, in sentences, and what to do next.

Attribution is exact: each measure's contribution to the change is ``share_after * points_after -
share_before * points_before`` (a measure without data contributes 0 on that side), and the gut read's is
``gut_share_after * gut_after - gut_share_before * gut_before``. Because each final score is the sum of its
contributions, these add up to ``final_after - final_before``, renormalisation and gut blend included: a
measure whose value did not move still shows a contribution when others gained or lost data.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine.catalogue import CATALOGUE
from indicators.engine.formatting import points_text, value_text
from indicators.engine.score import MeasureResult, ScoreResult

GUT = "gut_read"
QUIET = 0.005  # contributions smaller than this (in points) are not worth a sentence


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureChange:
    indicator: str
    label: str
    value_before: float | None
    value_after: float | None
    points_before: float | None
    points_after: float | None
    contribution: float  # to the change of the final score, in points
    sentence: str

    @property
    def noteworthy(self) -> bool:
        return abs(self.contribution) >= QUIET or self.value_before != self.value_after


@dataclass(frozen=True, slots=True, kw_only=True)
class NextStep:
    indicator: str
    action: str
    points: float  # the (negative) contribution or points lost that made it the suggestion


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    score_before: float | None
    score_after: float | None
    change: float  # (after or 0) - (before or 0); the sum of the contributions
    changes: tuple[MeasureChange, ...]  # biggest effect first
    next_step: NextStep | None  # the biggest negative contributor's action

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(c.sentence for c in self.changes if c.noteworthy)


def _sentence(label: str, unit: str, key: str, before, after, contribution: float) -> str:
    effect = points_text(contribution)
    if before is None and after is None:
        return f"{label}: no data"
    if before is None:
        return f"{label} now has data ({value_text(after, unit, key)}): {effect}"
    if after is None:
        return f"{label} has no data any more (was {value_text(before, unit, key)}): {effect}"
    was, now = value_text(before, unit, key), value_text(after, unit, key)
    if before == after:
        why = " (weights shifted as other data came or went)" if abs(contribution) >= QUIET else ""
        return f"{label} unchanged at {now}: {effect}{why}"
    if was == now:
        return f"{label} barely moved ({now}): {effect}"
    verb = "changed" if unit == "flag" or key == GUT else "rose" if after > before else "fell"
    return f"{label} {verb} from {was} to {now}: {effect}"


def _change(key: str, before: MeasureResult | None, after: MeasureResult | None) -> MeasureChange:
    declared = CATALOGUE[key]
    value_before = before.value if before else None
    value_after = after.value if after else None
    contribution = (after.contribution if after else 0.0) - (before.contribution if before else 0.0)
    return MeasureChange(
        indicator=key,
        label=declared.label,
        value_before=value_before,
        value_after=value_after,
        points_before=before.points if before else None,
        points_after=after.points if after else None,
        contribution=contribution,
        sentence=_sentence(declared.label, declared.unit, key, value_before, value_after, contribution),
    )


def _gut_row(result: ScoreResult | None) -> MeasureResult | None:
    if result is None or result.gut is None or not result.gut_share:
        return None  # a gut read shown beside the score but not blended into it changes nothing
    return MeasureResult(
        indicator=GUT,
        weight=0.0,
        value=result.gut,
        points=result.gut,
        share=result.gut_share,
        contribution=result.gut_contribution,
    )


def explain(before: ScoreResult | None, after: ScoreResult) -> Explanation:
    """Explain ``after`` against ``before`` (None: the first score), possibly under different scorecards."""
    rows_before = {m.indicator: m for m in before.measures} if before else {}
    rows_after = {m.indicator: m for m in after.measures}
    keys = list(rows_after) + [k for k in rows_before if k not in rows_after]
    changes = [_change(key, rows_before.get(key), rows_after.get(key)) for key in keys]
    gut_before, gut_after = _gut_row(before), _gut_row(after)
    if gut_before or gut_after:
        changes.append(_change(GUT, gut_before, gut_after))
    changes.sort(key=lambda c: -abs(c.contribution))
    worst = min(changes, key=lambda c: c.contribution, default=None)
    next_step = None
    if worst is not None and worst.contribution <= -QUIET:
        action = CATALOGUE[worst.indicator].action
        next_step = NextStep(indicator=worst.indicator, action=action, points=worst.contribution)
    score_before = before.final if before else None
    return Explanation(
        score_before=score_before,
        score_after=after.final,
        change=(after.final or 0.0) - (score_before or 0.0),
        changes=tuple(changes),
        next_step=next_step,
    )


def suggest_next_step(result: ScoreResult) -> NextStep | None:
    """Without a previous score: the measure losing the most points (share * (100 - points))."""
    lost = [(m.share * (100.0 - m.points), m.indicator) for m in result.measures if m.points is not None]
    if result.gut is not None and result.gut_share:
        lost.append((result.gut_share * (100.0 - result.gut), GUT))
    points, key = max(lost, default=(0.0, None))
    if key is None or points < QUIET:
        return None
    return NextStep(indicator=key, action=CATALOGUE[key].action, points=-points)
