"""A scorecard backtest: AUC of 100 - score with its interval, churn rate per band, coverage, comparison."""

import numpy as np
import pytest

from outcomes.backtest import ScoredRenewal, backtest, compare_scorecards
from outcomes.ranking import MIN_CHURNED, TOO_FEW, mann_whitney_auc, wilson_interval


def renewals_in_bands():
    """Hand-worked: red 4 renewals, 3 churned; yellow 5, 1 churned; green 10, none; no score 2, 1 churned."""
    red = [ScoredRenewal(True, 20.0, "red")] * 3 + [ScoredRenewal(False, 30.0, "red")]
    yellow = [ScoredRenewal(True, 50.0, "yellow")] + [ScoredRenewal(False, 55.0, "yellow")] * 4
    green = [ScoredRenewal(False, 85.0, "green")] * 10
    unscored = [ScoredRenewal(True, None, None), ScoredRenewal(False, None, None)]
    return green + unscored + yellow + red  # any order: the table comes out riskiest band first


def test_churn_rate_per_band_is_counted_by_hand():
    result = backtest(renewals_in_bands())
    rows = [(row.band, row.renewals, row.churned, row.churn_rate) for row in result.bands]
    assert rows == [("red", 4, 3, 0.75), ("yellow", 5, 1, 0.2), ("green", 10, 0, 0.0), (None, 2, 1, 0.5)]
    red = result.bands[0]
    assert (red.low, red.high) == pytest.approx(wilson_interval(3, 4))
    assert (result.bands[2].low, result.bands[2].high) == pytest.approx((0.0, 0.2775), abs=5e-5)  # Wilson 0/10


def test_coverage_is_the_share_with_a_score():
    result = backtest(renewals_in_bands())
    assert (result.renewals, result.churned, result.scored, result.scored_churned) == (21, 5, 19, 4)
    assert result.coverage == pytest.approx(19 / 21)
    assert result.churned_coverage == pytest.approx(4 / 5)


def test_below_the_minimum_of_outcomes_there_is_no_auc_but_the_bands_are_there():
    result = backtest(renewals_in_bands())
    assert result.verdict == TOO_FEW and result.auc is None
    assert len(result.bands) == 4


def synthetic_scores(seed, n=400, churn=0.1, separation=15.0):
    rng = np.random.default_rng(seed)
    churned = rng.random(n) < churn
    scores = np.clip(rng.normal(65, 15, n) - separation * churned, 0, 100)
    return churned, scores


def scored(churned, scores):
    band = lambda s: "green" if s >= 70 else "yellow" if s >= 40 else "red"  # noqa: E731
    return [ScoredRenewal(bool(c), float(s), band(s)) for c, s in zip(churned, scores, strict=True)]


def test_a_low_score_is_risk_so_a_scorecard_that_works_has_an_auc_above_one_half():
    churned, scores = synthetic_scores(seed=1)
    result = backtest(scored(churned, scores))
    assert result.verdict is None
    assert result.auc == pytest.approx(mann_whitney_auc(100 - scores[churned], 100 - scores[~churned]))
    assert 0.5 < result.auc_low < result.auc < result.auc_high
    assert result.bootstrap_replicates == 2000


def test_exactly_the_minimum_of_churned_scored_renewals_gets_an_auc():
    renewals = [ScoredRenewal(True, 30.0 + i, "red") for i in range(MIN_CHURNED)]
    renewals += [ScoredRenewal(False, 60.0 + i, "yellow") for i in range(30)]
    renewals += [ScoredRenewal(True, None, None)] * 5  # unscored churners do not count towards it
    assert backtest(renewals).auc == pytest.approx(1.0)
    assert backtest(renewals[1:]).verdict == TOO_FEW


def test_comparing_a_scorecard_with_itself_gives_no_difference():
    churned, scores = synthetic_scores(seed=2)
    comparison = compare_scorecards(scored(churned, scores), scored(churned, scores))
    assert comparison.paired == 400
    assert (comparison.difference, comparison.difference_low, comparison.difference_high) == (0.0, 0.0, 0.0)


def test_a_sharper_draft_beats_the_current_scorecard_with_a_paired_interval():
    rng = np.random.default_rng(3)
    churned = rng.random(400) < 0.1
    signal = rng.normal(size=400) - 1.2 * churned
    current = np.clip(60 + 15 * (0.4 * signal + rng.normal(size=400)), 0, 100)  # signal drowned in noise
    draft = np.clip(60 + 15 * signal, 0, 100)
    comparison = compare_scorecards(scored(churned, current), scored(churned, draft))
    assert comparison.draft_auc > comparison.current_auc
    assert comparison.difference == pytest.approx(comparison.draft_auc - comparison.current_auc)
    assert 0 < comparison.difference_low < comparison.difference < comparison.difference_high
    assert comparison.current.auc == pytest.approx(comparison.current_auc)


def test_the_comparison_pairs_only_renewals_both_scorecards_scored():
    churned, scores = synthetic_scores(seed=4)
    current = scored(churned, scores)
    draft = [ScoredRenewal(r.churned, None, None) if i % 4 == 0 else r for i, r in enumerate(current)]
    comparison = compare_scorecards(current, draft)
    assert comparison.paired == 300
    assert comparison.current.scored == 400 and comparison.draft.scored == 300


def test_the_scorecards_must_be_scored_on_the_same_renewals():
    churned, scores = synthetic_scores(seed=5)
    current = scored(churned, scores)
    with pytest.raises(ValueError):
        compare_scorecards(current, current[:-1])
    flipped = [ScoredRenewal(not current[0].churned, current[0].score, current[0].band), *current[1:]]
    with pytest.raises(ValueError):
        compare_scorecards(current, flipped)


def test_a_score_without_its_band_is_refused():
    with pytest.raises(ValueError, match="band"):
        backtest([ScoredRenewal(True, 40.0, None)])
