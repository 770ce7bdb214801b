"""Engine results <-> the JSON kept on score rows, so any two stored moments can be explained."""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from indicators import engine


def result_to_json(result: engine.ScoreResult) -> dict:
    return {
        "scorecard": result.scorecard,
        "computed": result.computed,
        "gut": result.gut,
        "final": result.final,
        "band": result.band,
        "coverage": result.coverage,
        "gut_share": result.gut_share,
        "measures": [
            {"indicator": m.indicator, "weight": m.weight, "value": m.value, "points": m.points, "share": m.share,
             "contribution": m.contribution}
            for m in result.measures
        ],
    }  # fmt: skip


def result_from_json(data: dict) -> engine.ScoreResult:
    return engine.ScoreResult(
        scorecard=data["scorecard"],
        computed=data["computed"],
        gut=data["gut"],
        final=data["final"],
        band=data["band"],
        coverage=data["coverage"],
        gut_share=data["gut_share"],
        measures=tuple(engine.MeasureResult(**m) for m in data["measures"]),
    )


def explanation_to_json(explanation: engine.Explanation) -> dict:
    return {
        "score_before": explanation.score_before,
        "score_after": explanation.score_after,
        "change": explanation.change,
        "sentences": list(explanation.sentences),
        "measures": [
            {"indicator": c.indicator, "label": c.label, "value_before": c.value_before, "value_after": c.value_after,
             "points_before": c.points_before, "points_after": c.points_after, "contribution": c.contribution,
             "sentence": c.sentence}
            for c in explanation.changes
        ],
        "next_step": (
            {"indicator": explanation.next_step.indicator, "action": explanation.next_step.action,
             "points": explanation.next_step.points}
            if explanation.next_step else None
        ),
    }  # fmt: skip
