"""The score: weighted mean over the measures with data, coverage, band, and the gut read beside and in it."""

import pytest

from indicators.engine import GutRead, LinearRule, Measure, Scorecard, Thresholds, evaluate_account, score
from tests.engine.builders import AS_OF, ago, make_inputs

RAMP = LinearRule(lower=0, upper=100)  # points = value, for readable arithmetic
CARD = Scorecard(
    key="test",
    measures=(
        Measure(indicator="license_utilization", weight=50, rule=RAMP),
        Measure(indicator="features_used_share", weight=30, rule=RAMP),
        Measure(indicator="content_engagement_share", weight=20, rule=RAMP),
    ),
    thresholds=Thresholds(green_min=70, yellow_min=40),
    gut_weight=0.2,
)


def test_the_score_is_the_weighted_mean_of_the_measures_points():
    result = score(
        values={"license_utilization": 80, "features_used_share": 50, "content_engagement_share": 20}, scorecard=CARD
    )
    assert result.computed == pytest.approx(0.5 * 80 + 0.3 * 50 + 0.2 * 20)
    assert result.final == result.computed
    assert result.coverage == 1
    assert result.band == "yellow"


def test_weights_renormalise_over_the_measures_with_data_and_coverage_says_how_much_counted():
    result = score(values={"license_utilization": 80, "features_used_share": None}, scorecard=CARD)
    assert result.computed == 80
    assert result.coverage == pytest.approx(0.5)
    assert result.band == "green"
    missing = {m.indicator: m for m in result.measures}["features_used_share"]
    assert (missing.value, missing.points, missing.share, missing.contribution) == (None, None, 0, 0)


def test_without_any_data_there_is_no_score_and_no_band():
    result = score(values={}, scorecard=CARD)
    assert (result.computed, result.final, result.band, result.coverage) == (None, None, None, 0)


def test_a_live_gut_read_is_blended_80_20_and_shown_beside_the_computed_score():
    result = score(values={"license_utilization": 60}, scorecard=CARD, gut=0)
    assert result.computed == 60
    assert result.gut == 0
    assert result.final == pytest.approx(48)
    assert result.band == "yellow"
    assert sum(m.contribution for m in result.measures) + result.gut_contribution == pytest.approx(result.final)


def test_the_gut_read_alone_makes_the_score_when_no_measure_has_data():
    assert score(values={}, scorecard=CARD, gut=75).final == 75


def test_a_scorecard_with_gut_weight_0_shows_the_gut_read_without_blending_it():
    shown = Scorecard(key="shown", measures=CARD.measures, gut_weight=0)
    result = score(values={"license_utilization": 60}, scorecard=shown, gut=0)
    assert (result.gut, result.final) == (0, 60)
    assert score(values={}, scorecard=shown, gut=75).final is None


def test_an_expired_gut_read_counts_as_no_data():
    live = evaluate_account(make_inputs(gut=GutRead(level="very_negative", expires_at=ago(-1))), scorecard=CARD)
    expired = evaluate_account(make_inputs(gut=GutRead(level="very_negative", expires_at=AS_OF)), scorecard=CARD)
    assert live.score.gut == 0
    assert expired.score.gut is None
    assert expired.score.final == expired.score.computed


def test_a_gut_read_with_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="Unknown gut read level"):
        evaluate_account(make_inputs(gut=GutRead(level="meh", expires_at=ago(-1))))


def test_evaluating_an_account_computes_every_indicator_and_scores_the_default_scorecard():
    evaluation = evaluate_account(make_inputs())
    assert evaluation.score.scorecard == "default"
    assert "mau" in evaluation.values and "nps" in evaluation.values
    assert evaluation.contacts == ()


def test_evaluating_selected_indicators_still_computes_those_the_scorecard_needs():
    evaluation = evaluate_account(make_inputs(), scorecard=CARD, keys=["mau"])
    assert set(evaluation.values) == {"mau", *(m.indicator for m in CARD.measures)}


def test_no_data_lowers_coverage_unless_the_measure_says_how_to_score_it():
    from indicators.engine import LinearRule, Measure, Scorecard, score

    usage = Measure(indicator="license_utilization", weight=30, rule=LinearRule(lower=0, upper=100))
    silent = Measure(indicator="days_since_proactive_communication", weight=10, rule=LinearRule(lower=7, upper=45))
    values = {"license_utilization": 80.0, "days_since_proactive_communication": None}
    plain = score(values=values, scorecard=Scorecard(key="plain", measures=(usage, silent), gut_weight=0))
    assert (plain.final, plain.coverage) == (80.0, 0.75)  # never is no data: left out, coverage 30/40
    explicit = Measure(
        indicator="days_since_proactive_communication", weight=10, rule=LinearRule(lower=7, upper=45), no_data_points=0
    )
    ruled = score(values=values, scorecard=Scorecard(key="ruled", measures=(usage, explicit), gut_weight=0))
    assert (ruled.final, ruled.coverage) == (60.0, 0.75)  # (30 * 80 + 10 * 0) / 40; still no data
    assert ruled.measures[1].points == 0 and ruled.measures[1].value is None and ruled.measures[1].share == 0.25
