"""What changed between two scores of an account, measure by measure, in sentences, and what to do next.

Attribution is exact: each final score is the sum of its measures' contributions (share * points, the gut
read's included), so the change is the sum of the differences. Each difference is split into what the
measure's own points did and what its share did; the shares move only when some measure (or the gut read)
gains or loses data, or the scorecard changes, and that re-weighting is credited to its cause (``explain``):
a measure whose value did not move never takes the blame.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine.catalogue import CATALOGUE
from indicators.engine.formatting import points_text, value_text
from indicators.engine.score import MeasureResult, ScoreResult

GUT = "gut_read"
WEIGHTS = "weights"  # the line of the other measures' re-weighting (not an indicator)
REWEIGHTED = " (the other measures' re-weighting included)"
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
    next_step: NextStep | None  # the action of the measure whose value worsened most

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
        why = " (its rule changed with the scorecard)" if abs(contribution) >= QUIET else ""
        return f"{label} unchanged at {now}: {effect}{why}"
    if was == now:
        return f"{label} barely moved ({now}): {effect}"
    verb = "changed" if unit == "flag" or key == GUT else "rose" if after > before else "fell"
    return f"{label} {verb} from {was} to {now}: {effect}"


def _has_points(row: MeasureResult | None) -> bool:
    return row is not None and row.points is not None and row.share > 0


def _change(
    key: str, before: MeasureResult | None, after: MeasureResult | None, contribution: float, note: str = ""
) -> MeasureChange:
    declared = CATALOGUE[key]
    value_before = before.value if before else None
    value_after = after.value if after else None
    return MeasureChange(
        indicator=key,
        label=declared.label,
        value_before=value_before,
        value_after=value_after,
        points_before=before.points if before else None,
        points_after=after.points if after else None,
        contribution=contribution,
        sentence=_sentence(declared.label, declared.unit, key, value_before, value_after, contribution) + note,
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


def _weights_line(causes: list[MeasureChange], reweighting: float) -> MeasureChange:
    """The other measures' re-weighting, as its own line, naming what came or went."""
    effect = points_text(reweighting)
    if causes:
        named = ", ".join(c.label for c in causes)
        sentence = f"Weights of the other measures shifted as {named} came or went: {effect}"
    else:  # the same measures with data, other weights: another scorecard version
        sentence = f"Weights of the measures changed with the scorecard: {effect}"
    return MeasureChange(
        indicator=WEIGHTS, label="Weights", value_before=None, value_after=None, points_before=None,
        points_after=None, contribution=reweighting, sentence=sentence,
    )  # fmt: skip


def explain(before: ScoreResult | None, after: ScoreResult) -> Explanation:
    """Explain ``after`` against ``before`` (None: the first score), possibly under different scorecards.

    A measure scored on both sides is credited with what its own points did at its former share,
    ``share_before * (points_after - points_before)``; what the shares did, ``(share_after - share_before) *
    points_after`` summed over those measures, is the re-weighting, caused by the measures (or the gut read)
    whose data came or went. With one such cause the re-weighting is part of its line; with several, or
    none (a new scorecard version), it is a line of its own. The lines still add up to the change.
    """
    rows_before = {m.indicator: m for m in before.measures} if before else {}
    rows_after = {m.indicator: m for m in after.measures}
    gut_before, gut_after = _gut_row(before), _gut_row(after)
    if gut_before or gut_after:
        rows_before[GUT], rows_after[GUT] = gut_before, gut_after
    keys = list(rows_after) + [k for k in rows_before if k not in rows_after]
    changes, causes, reweighting = [], [], 0.0
    for key in keys:
        old, new = rows_before.get(key), rows_after.get(key)
        if _has_points(old) and _has_points(new):
            changes.append(_change(key, old, new, old.share * (new.points - old.points)))
            reweighting += (new.share - old.share) * new.points
        else:
            own = (new.contribution if new else 0.0) - (old.contribution if old else 0.0)
            change = _change(key, old, new, own)
            changes.append(change)
            if _has_points(old) or _has_points(new):
                causes.append(change)
    if len(causes) == 1:
        [cause] = causes
        key, total = cause.indicator, cause.contribution + reweighting
        with_weights = _change(key, rows_before.get(key), rows_after.get(key), total, REWEIGHTED)
        changes[changes.index(cause)] = with_weights
    elif reweighting:  # a line even when tiny, so the lines add up; only a noteworthy one is told
        changes.append(_weights_line(causes, reweighting))
    changes.sort(key=lambda c: -abs(c.contribution))
    score_before = before.final if before else None
    return Explanation(
        score_before=score_before,
        score_after=after.final,
        change=(after.final or 0.0) - (score_before or 0.0),
        changes=tuple(changes),
        next_step=_next_step(changes, after),
    )


def _next_step(changes: list[MeasureChange], after: ScoreResult) -> NextStep | None:
    """From the measure whose own value worsened most; never one whose points are already full now (its
    action would contradict the data: "agree objectives" where they are documented). Without a worsening:
    what costs the current score most."""
    worsened = [
        c for c in changes
        if c.indicator != WEIGHTS and c.contribution <= -QUIET and c.points_after is not None and c.points_after < 100
    ]  # fmt: skip
    if worsened:
        worst = min(worsened, key=lambda c: c.contribution)
        return NextStep(indicator=worst.indicator, action=CATALOGUE[worst.indicator].action, points=worst.contribution)
    return suggest_next_step(after)


def suggest_next_step(result: ScoreResult) -> NextStep | None:
    """Without a previous score: the measure losing the most points (share * (100 - points))."""
    lost = [(m.share * (100.0 - m.points), m.indicator) for m in result.measures if m.points is not None]
    if result.gut is not None and result.gut_share:
        lost.append((result.gut_share * (100.0 - result.gut), GUT))
    points, key = max(lost, default=(0.0, None))
    if key is None or points < QUIET:
        return None
    return NextStep(indicator=key, action=CATALOGUE[key].action, points=-points)
