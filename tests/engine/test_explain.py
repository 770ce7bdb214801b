"""Explaining a change: exact contributions per measure, sentences a CSM reads, the next step."""

import pytest

from indicators.engine import (
    DEFAULT_SCORECARD,
    LinearRule,
    Measure,
    Scorecard,
    explain,
    score,
    suggest_next_step,
    yes_no,
)

CARD = Scorecard(
    key="test",
    measures=(
        Measure(indicator="mau", weight=50, rule=LinearRule(lower=0, upper=100)),
        Measure(indicator="objectives_documented", weight=50, rule=yes_no(no=0, yes=100)),
    ),
)


def scored(gut=None, card=CARD, **values):
    return score(values=values, scorecard=card, gut=gut)


def by_key(explanation):
    return {c.indicator: c for c in explanation.changes}


def test_a_measure_that_moved_explains_its_share_of_the_change_in_a_sentence():
    explanation = explain(scored(mau=42, objectives_documented=1), scored(mau=19, objectives_documented=1))
    assert explanation.change == pytest.approx(-11.5)
    mau = by_key(explanation)["mau"]
    assert (mau.value_before, mau.value_after, mau.points_before, mau.points_after) == (42, 19, 42, 19)
    assert mau.contribution == pytest.approx(-11.5)
    assert mau.sentence == "Active users (30d) fell from 42 to 19: \u221212 points"
    assert explanation.sentences == (mau.sentence,)


def test_losing_data_moves_the_other_measures_contributions_through_renormalisation():
    explanation = explain(scored(mau=42, objectives_documented=1), scored(mau=42))
    changes = by_key(explanation)
    # The measure whose data went carries the whole move, the others' re-weighting with it; the measure
    # whose value did not move takes no blame and no sentence.
    assert changes["objectives_documented"].contribution == pytest.approx(-29)
    assert changes["objectives_documented"].sentence == (
        "Partnership objectives documented has no data any more (was yes): \u221229 points"
        " (the other measures' re-weighting included)"
    )
    assert changes["mau"].contribution == pytest.approx(0)
    assert "Active users (30d)" not in " ".join(explanation.sentences)
    assert sum(c.contribution for c in explanation.changes) == pytest.approx(explanation.change) == -29


def test_the_biggest_negative_contributor_is_the_suggested_next_step():
    explanation = explain(scored(mau=42, objectives_documented=1), scored(mau=40, objectives_documented=0))
    assert explanation.next_step.indicator == "objectives_documented"
    assert explanation.next_step.action == "Agree the partnership objectives with the customer and write them down"
    assert explanation.next_step.points == pytest.approx(-50)
    assert explanation.changes[0].indicator == "objectives_documented"  # biggest effect first


def test_without_a_worsening_the_next_step_is_what_costs_the_score_most_now():
    explanation = explain(scored(mau=10), scored(mau=30))
    assert explanation.next_step.indicator == "mau"  # the only measure, still short of full points


def test_the_next_step_never_contradicts_current_data():
    # Objectives documented (full points) while active users fell: the step is about users, not objectives.
    explanation = explain(scored(mau=42, objectives_documented=1), scored(mau=20, objectives_documented=1))
    assert explanation.next_step.indicator == "mau"
    full = explain(scored(objectives_documented=1), scored(objectives_documented=1))
    assert full.next_step is None  # nothing short of full points: nothing to suggest


def test_a_new_gut_read_is_a_row_of_its_own_and_the_rows_still_add_up():
    explanation = explain(scored(mau=42, objectives_documented=1), scored(gut=25, mau=42, objectives_documented=1))
    changes = by_key(explanation)
    # Before: mau 42 and objectives 100 at half each (71). After: 0.4 each and the gut 25 at 0.2 (61.8).
    assert changes["gut_read"].contribution == pytest.approx(61.8 - 71)
    assert changes["gut_read"].sentence == (
        "CSM's gut read now has data (negative): \u22129 points (the other measures' re-weighting included)"
    )
    assert changes["mau"].contribution == pytest.approx(0) and changes["objectives_documented"].contribution == 0
    assert sum(c.contribution for c in explanation.changes) == pytest.approx(explanation.change)


def test_a_changed_gut_read_is_told_by_level():
    explanation = explain(scored(gut=75, mau=50), scored(gut=25, mau=50))
    assert (
        by_key(explanation)["gut_read"].sentence == "CSM's gut read changed from positive to negative: \u221210 points"
    )


def test_scores_under_different_scorecards_are_explained_over_all_their_measures():
    before = scored(card=DEFAULT_SCORECARD, license_utilization=50, nps=10)
    after = scored(mau=42, objectives_documented=1)
    explanation = explain(before, after)
    assert {"mau", "license_utilization", "nps"} <= set(by_key(explanation))
    assert sum(c.contribution for c in explanation.changes) == pytest.approx(after.final - before.final)


def test_the_first_score_is_explained_against_nothing():
    explanation = explain(None, scored(mau=42, objectives_documented=1))
    assert explanation.score_before is None
    assert explanation.change == pytest.approx(71)
    assert sum(c.contribution for c in explanation.changes) == pytest.approx(71)


def test_without_a_previous_score_the_next_step_is_the_measure_losing_the_most_points():
    step = suggest_next_step(scored(mau=90, objectives_documented=0))
    assert step.indicator == "objectives_documented"
    assert step.points == pytest.approx(-50)
    assert suggest_next_step(scored(mau=100, objectives_documented=1)) is None
