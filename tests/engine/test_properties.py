"""Properties of scoring and explanation that hold for any scorecard and any values."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import CATALOGUE, explain, score
from tests.engine.strategies import finite, gut, scorecards, values_for

TOLERANCE = 1e-9


@given(data=st.data())
def test_the_score_stays_within_0_and_100(data):
    card = data.draw(scorecards())
    result = score(values=data.draw(values_for(card)), scorecard=card, gut=data.draw(gut))
    for figure in (result.computed, result.final):
        assert figure is None or 0 <= figure <= 100
    assert 0 <= result.coverage <= 1 + TOLERANCE
    assert all(m.points is None or 0 <= m.points <= 100 for m in result.measures)


@given(data=st.data(), step=st.floats(min_value=0, max_value=1e4))
def test_raising_a_value_in_its_good_direction_never_lowers_the_score(data, step):
    card = data.draw(scorecards())
    values = data.draw(values_for(card))
    key = data.draw(st.sampled_from([m.indicator for m in card.measures]))
    values[key] = data.draw(finite)
    better = dict(values)
    better[key] += step if CATALOGUE[key].higher_is_better else -step
    gut_points = data.draw(gut)
    before = score(values=values, scorecard=card, gut=gut_points)
    after = score(values=better, scorecard=card, gut=gut_points)
    assert after.final >= before.final - TOLERANCE
    assert after.computed >= before.computed - TOLERANCE


@given(data=st.data())
def test_weights_renormalise_over_the_measures_with_data_and_coverage_says_so(data):
    card = data.draw(scorecards())
    values = data.draw(values_for(card))
    result = score(values=values, scorecard=card)
    with_data = [m for m in result.measures if values[m.indicator] is not None]
    weight = sum(m.weight for m in with_data)
    assert result.coverage == pytest.approx(weight / card.total_weight)
    if not with_data:
        assert result.computed is None
        return
    assert result.computed == pytest.approx(sum(m.weight * m.points for m in with_data) / weight)
    assert math.fsum(m.share for m in result.measures) == pytest.approx(1)
    assert all(m.share == 0 for m in result.measures if values[m.indicator] is None)


@given(data=st.data())
def test_measures_without_data_do_not_move_the_score(data):
    card = data.draw(scorecards(min_measures=2))
    values = data.draw(values_for(card, no_data=False))
    missing = data.draw(st.sampled_from([m.indicator for m in card.measures]))
    full = score(values=values, scorecard=card)
    values[missing] = None
    partial = score(values=values, scorecard=card)
    others = [m for m in full.measures if m.indicator != missing]
    weight = sum(m.weight for m in others)
    assert partial.computed == pytest.approx(sum(m.weight * m.points for m in others) / weight)
    assert partial.coverage == pytest.approx(weight / card.total_weight)


@given(data=st.data(), same_card=st.booleans(), first=st.booleans())
def test_the_contributions_of_an_explanation_add_up_to_the_score_change(data, same_card, first):
    card_before = data.draw(scorecards())
    card_after = card_before if same_card else data.draw(scorecards())
    before = (
        None if first else score(values=data.draw(values_for(card_before)), scorecard=card_before, gut=data.draw(gut))
    )
    after = score(values=data.draw(values_for(card_after)), scorecard=card_after, gut=data.draw(gut))
    explanation = explain(before, after)
    expected = (after.final or 0.0) - (before.final if before and before.final is not None else 0.0)
    assert explanation.change == pytest.approx(expected, abs=TOLERANCE)
    assert abs(math.fsum(c.contribution for c in explanation.changes) - explanation.change) <= TOLERANCE


@settings(max_examples=50)
@given(data=st.data())
def test_the_contributions_add_up_when_only_coverage_changes(data):
    card = data.draw(scorecards(min_measures=2))
    values = data.draw(values_for(card, no_data=False))
    fewer = dict(values, **{data.draw(st.sampled_from(list(values))): None})
    explanation = explain(score(values=values, scorecard=card), score(values=fewer, scorecard=card))
    assert abs(math.fsum(c.contribution for c in explanation.changes) - explanation.change) <= TOLERANCE
