"""Which indicators preceded churn: the AUC, its interval and p-value, BH, lift and the verdicts."""

import numpy as np
import pytest
from scipy import stats

from outcomes.ranking import (
    MIN_CHURNED,
    MIN_RENEWED,
    NOISE,
    NORMAL_APPROXIMATION,
    PERMUTATION,
    PRECEDED_CHURN,
    TOO_FEW,
    Sample,
    bootstrap_aucs,
    mann_whitney_auc,
    percentile_interval,
    permutation_p_value,
    rank_indicators,
    replicates_for,
    risk_bins,
    wilson_interval,
)

HIGHER_IS_BETTER, LOWER_IS_BETTER = 1, -1


def samples_of(churned_values, renewed_values, key="usage"):
    return [Sample(True, {key: v}) for v in churned_values] + [Sample(False, {key: v}) for v in renewed_values]


def by_key(results):
    return {result.indicator: result for result in results}


def test_auc_matches_a_hand_count_of_the_pairs():
    # Risk of the 3 churned: 3, 5, 5; of the 4 renewed: 1, 5, 2, 4. Each churned vs each renewed:
    #   3 vs 1 win, 3 vs 5 loss, 3 vs 2 win, 3 vs 4 loss   -> 2
    #   5 vs 1 win, 5 vs 5 tie ½, 5 vs 2 win, 5 vs 4 win   -> 3.5
    #   5 (the second) the same                          -> 3.5
    # 9 of 12 pairs: 0.75.
    assert mann_whitney_auc([3, 5, 5], [1, 5, 2, 4]) == pytest.approx(9 / 12)


def test_ties_count_one_half():
    assert mann_whitney_auc([2, 2], [2, 2, 2]) == pytest.approx(0.5)
    # 1 vs 1 tie ½, 1 vs 0 win; 0 vs 1 loss, 0 vs 0 tie ½  -> 2 of 4
    assert mann_whitney_auc([1, 0], [1, 0]) == pytest.approx(0.5)
    # 3 vs 1, 3 vs 3 (½), 3 vs 3 (½) -> 2 of 3
    assert mann_whitney_auc([3], [1, 3, 3]) == pytest.approx(2 / 3)


def test_auc_agrees_with_scipys_mann_whitney_u_on_tied_data():
    rng = np.random.default_rng(3)
    churned, renewed = rng.integers(0, 6, 37), rng.integers(0, 6, 81)
    u = stats.mannwhitneyu(churned, renewed).statistic
    assert mann_whitney_auc(churned, renewed) == pytest.approx(u / (37 * 81))


def test_merging_one_sided_runs_keeps_every_comparison():
    churned, renewed = np.array([1.0, 2.0, 3.0, 7.0, 7.0]), np.array([4.0, 5.0, 7.0, 8.0])
    churned_bins, renewed_bins, n_bins = risk_bins(churned, renewed)
    # 1, 2, 3 churned only: one bin; 4, 5 renewed only: one; 7 both: one; 8 renewed only: one.
    assert n_bins == 4
    assert churned_bins.tolist() == [0, 0, 0, 2, 2]
    assert renewed_bins.tolist() == [1, 1, 2, 3]


def test_the_direction_is_applied_not_learnt():
    # Higher is better, yet the churned had the HIGH values: the indicator points the wrong way.
    churned, renewed = [10.0 + i for i in range(25)], [float(i) for i in range(30)]
    wrong_way = by_key(rank_indicators(samples_of(churned, renewed), directions={"usage": HIGHER_IS_BETTER}))
    assert wrong_way["usage"].auc < 0.5
    assert wrong_way["usage"].verdict == NOISE
    right_way = by_key(rank_indicators(samples_of(churned, renewed), directions={"usage": LOWER_IS_BETTER}))
    assert right_way["usage"].auc == pytest.approx(1 - wrong_way["usage"].auc)
    assert right_way["usage"].verdict == PRECEDED_CHURN
    assert "high values preceded churn" in right_way["usage"].reason


def test_below_the_minimum_of_churned_nothing_but_the_counts_is_computed():
    rng = np.random.default_rng(5)
    few = samples_of(rng.normal(size=MIN_CHURNED - 1) - 3, rng.normal(size=200))
    (result,) = rank_indicators(few, directions={"usage": HIGHER_IS_BETTER})
    assert (result.verdict, result.churned, result.renewed) == (TOO_FEW, MIN_CHURNED - 1, 200)
    assert result.auc is None and result.p_value is None and result.q_value is None
    assert f"{MIN_CHURNED - 1} churned" in result.reason


def test_below_the_minimum_of_renewed_it_is_not_tested_either():
    rng = np.random.default_rng(6)
    (result,) = rank_indicators(
        samples_of(rng.normal(size=40), rng.normal(size=MIN_RENEWED - 1)), directions={"usage": HIGHER_IS_BETTER}
    )
    assert result.verdict == TOO_FEW


def test_exactly_the_minimum_is_tested():
    rng = np.random.default_rng(7)
    (result,) = rank_indicators(
        samples_of(rng.normal(size=MIN_CHURNED), rng.normal(size=MIN_RENEWED)), directions={"usage": HIGHER_IS_BETTER}
    )
    assert result.verdict != TOO_FEW and result.auc is not None


def test_only_renewals_with_a_value_count():
    churned = [float(i) for i in range(30)] + [None] * 5
    renewed = [float(i) + 10 for i in range(40)] + [None] * 7
    (result,) = rank_indicators(samples_of(churned, renewed), directions={"usage": HIGHER_IS_BETTER})
    assert (result.churned, result.renewed) == (30, 40)
    assert result.auc == pytest.approx(mann_whitney_auc([-v for v in churned[:30]], [-v for v in renewed[:40]]))


def synthetic_tenant(seed):
    """400 accounts, 40 churned; one real driver (low usage is risk, true AUC about 0.76), 44 pure noise."""
    rng = np.random.default_rng(seed)
    churned = np.zeros(400, dtype=bool)
    churned[rng.choice(400, 40, replace=False)] = True
    driver = rng.normal(size=400) - 1.0 * churned
    noise = rng.normal(size=(400, 44))
    samples = [
        Sample(
            bool(churned[i]), {"driver": float(driver[i])} | {f"noise_{j:02d}": float(noise[i, j]) for j in range(44)}
        )
        for i in range(400)
    ]
    # Fixed in advance, as the catalogue would: the noise ones half each way.
    directions = {"driver": HIGHER_IS_BETTER} | {f"noise_{j:02d}": (1 if j % 2 else -1) for j in range(44)}
    return samples, directions


def benjamini_hochberg(p_values):
    """Written out here, independently of the module: q_(i) = min over j >= i of p_(j) m / j."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q, running = [0.0] * m, 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = running
    return q


@pytest.fixture(scope="module")
def tenant_results():
    samples, directions = synthetic_tenant(seed=0)
    return rank_indicators(samples, directions=directions)


def test_a_real_driver_is_ranked_and_noise_is_called_noise(tenant_results):
    results = tenant_results
    assert results[0].indicator == "driver" and results[0].verdict == PRECEDED_CHURN
    assert results[0].auc_low > 0.5 and results[0].q_value <= 0.1
    false_rankings = [r for r in results if r.indicator != "driver" and r.verdict == PRECEDED_CHURN]
    assert len(false_rankings) <= 2
    assert sum(r.verdict == NOISE for r in results) >= 42


def test_the_verdicts_follow_the_benjamini_hochberg_q_and_the_interval(tenant_results):
    results = tenant_results
    expected_q = benjamini_hochberg([r.p_value for r in results])
    assert [r.q_value for r in results] == pytest.approx(expected_q)
    for result in results:
        clears = result.q_value <= 0.1 and result.auc_low > 0.5
        assert result.verdict == (PRECEDED_CHURN if clears else NOISE), result
    ranked = [r.auc_low for r in results if r.verdict == PRECEDED_CHURN]
    assert ranked == sorted(ranked, reverse=True)
    # Noise only reaches a small raw p now and then; corrected, most are nowhere near 0.1.
    assert sum(r.p_value < 0.05 for r in results if r.indicator != "driver") <= 6


def test_a_small_q_is_not_enough_when_the_interval_does_not_clear_one_half():
    # 20 churned against 20 renewed, a moderate effect: the permutation test is significant, but
    # the bootstrap interval, wide at this size, reaches below 0.5 (seed chosen to show the case).
    rng = np.random.default_rng(1)
    (result,) = rank_indicators(
        samples_of(rng.normal(-0.6, 1, 20), rng.normal(0, 1, 20)), directions={"usage": HIGHER_IS_BETTER}
    )
    assert result.q_value <= 0.1 and result.auc_low <= 0.5
    assert result.verdict == NOISE
    assert "does not clear 0.5" in result.reason


def test_indicators_without_enough_outcomes_stay_out_of_the_correction():
    samples, directions = synthetic_tenant(seed=0)
    # A sparse indicator: a value on the first 10 churned renewals only.
    first_churned = {id(sample) for sample in [s for s in samples if s.churned][:10]}
    samples = [Sample(s.churned, dict(s.values, sparse=1.0) if id(s) in first_churned else s.values) for s in samples]
    results = rank_indicators(samples, directions=directions | {"sparse": HIGHER_IS_BETTER})
    assert results[-1].indicator == "sparse" and results[-1].verdict == TOO_FEW
    tested = results[:-1]
    assert [r.q_value for r in tested] == pytest.approx(benjamini_hochberg([r.p_value for r in tested]))


def test_results_are_reproducible_and_do_not_depend_on_the_other_indicators():
    samples, directions = synthetic_tenant(seed=1)
    directions = {key: directions[key] for key in ("driver", "noise_00", "noise_01", "noise_02")}
    first = by_key(rank_indicators(samples, directions=directions, seed=4))
    again = by_key(rank_indicators(samples, directions=directions, seed=4))
    alone = by_key(rank_indicators(samples, directions={"driver": HIGHER_IS_BETTER}, seed=4))
    assert first == again
    assert (alone["driver"].auc_low, alone["driver"].p_value) == (first["driver"].auc_low, first["driver"].p_value)


def test_the_bootstrap_interval_agrees_with_scipys_stratified_percentile_bootstrap():
    rng = np.random.default_rng(8)
    churned, renewed = rng.normal(0.8, 1, 40), rng.normal(0, 1, 360)
    churned_bins, renewed_bins, n_bins = risk_bins(churned, renewed)
    ours = percentile_interval(
        bootstrap_aucs([churned_bins], [renewed_bins], [n_bins], replicates=4000, rng=np.random.default_rng(1))[0]
    )

    def auc(x, y, axis):  # vectorised over scipy's resamples: every pair, wins plus half the ties
        x, y = x[..., :, None], y[..., None, :]
        return (x > y).mean(axis=(-2, -1)) + 0.5 * (x == y).mean(axis=(-2, -1))

    theirs = stats.bootstrap(
        (churned, renewed), auc, n_resamples=4000, method="percentile", batch=200, random_state=np.random.default_rng(2)
    ).confidence_interval
    assert ours == pytest.approx((theirs.low, theirs.high), abs=0.015)


def test_the_permutation_p_value_matches_the_exact_one_within_monte_carlo_error():
    rng = np.random.default_rng(9)
    churned, renewed = rng.normal(0.5, 1, 25), rng.normal(0, 1, 60)
    exact = stats.mannwhitneyu(churned, renewed, alternative="greater", method="exact").pvalue
    p_value, method = permutation_p_value(churned, renewed, permutations=4000, rng=np.random.default_rng(1))
    assert method == PERMUTATION
    assert p_value == pytest.approx(exact, abs=3 * np.sqrt(exact * (1 - exact) / 4000) + 1 / 4001)


def test_a_large_set_uses_the_normal_approximation_which_agrees_with_permutations():
    rng = np.random.default_rng(10)
    churned, renewed = np.round(rng.normal(0.05, 1, 600), 1), np.round(rng.normal(0, 1, 5400), 1)
    p_value, method = permutation_p_value(churned, renewed, permutations=2000, rng=np.random.default_rng(1))
    assert method == NORMAL_APPROXIMATION
    assert p_value == pytest.approx(stats.mannwhitneyu(churned, renewed, alternative="greater").pvalue)
    # Just inside the permutation budget, Monte Carlo and the approximation agree (p about 0.06).
    rng = np.random.default_rng(11)
    churned, renewed = np.round(rng.normal(0.1, 1, 250), 1), np.round(rng.normal(0, 1, 2250), 1)
    monte_carlo, method = permutation_p_value(churned, renewed, permutations=2000, rng=np.random.default_rng(1))
    assert method == PERMUTATION
    approximate = stats.mannwhitneyu(churned, renewed, alternative="greater").pvalue
    assert monte_carlo == pytest.approx(approximate, abs=0.02)


def test_a_constant_indicator_has_p_one():
    assert permutation_p_value(np.ones(20), np.ones(30), permutations=100, rng=np.random.default_rng(0)) == (
        1.0,
        PERMUTATION,
    )


def test_replicates_are_only_reduced_past_the_draw_budget_and_never_below_the_floor():
    assert replicates_for(400) == 2000
    assert replicates_for(5_000) == 2000
    assert replicates_for(10_000) == 1000
    assert replicates_for(30_000) == 500
    assert replicates_for(400, replicates=100) == 100


def test_wilson_interval_matches_newcombes_worked_examples():
    # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (score).
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert wilson_interval(0, 20) == pytest.approx((0.0, 0.1611), abs=5e-5)
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_lift_and_coverage_count_what_lies_strictly_past_the_threshold():
    # Higher is better, threshold 10. Churned: 12 below 10 (flagged), 1 exactly at 10 and 7 above (not).
    # Renewed: 6 below 10, 24 above. Flagged 18, of them 12 churned: rate 2/3; base rate 20/50 = 0.4.
    churned = [5.0] * 12 + [10.0] + [15.0] * 7
    renewed = [5.0] * 6 + [20.0] * 24
    (result,) = rank_indicators(
        samples_of(churned, renewed), directions={"usage": HIGHER_IS_BETTER}, thresholds={"usage": 10.0}
    )
    assert (result.flagged, result.flagged_churned, result.threshold) == (18, 12, 10.0)
    assert result.lift == pytest.approx((12 / 18) / 0.4)
    low, high = wilson_interval(12, 18)
    assert (result.lift_low, result.lift_high) == pytest.approx((low / 0.4, high / 0.4))
    assert result.coverage == pytest.approx(12 / 20)
    assert (result.coverage_low, result.coverage_high) == pytest.approx(wilson_interval(12, 20))


def test_lower_is_better_flags_values_above_the_threshold():
    churned, renewed = [3.0] * 15 + [1.0] * 5, [1.0] * 25 + [3.0] * 5
    (result,) = rank_indicators(
        samples_of(churned, renewed, key="tickets"), directions={"tickets": LOWER_IS_BETTER}, thresholds={"tickets": 2}
    )
    assert (result.flagged, result.flagged_churned) == (20, 15)


def test_without_a_threshold_there_is_no_lift(tenant_results):
    result = by_key(tenant_results)["driver"]
    assert result.lift is None and result.coverage is None and result.flagged is None


def test_a_direction_other_than_plus_or_minus_one_is_refused():
    with pytest.raises(ValueError, match="usage"):
        rank_indicators(samples_of([1.0], [2.0]), directions={"usage": 0})


def test_a_value_that_is_not_a_finite_number_is_refused():
    with pytest.raises(ValueError, match="usage"):
        rank_indicators(samples_of([float("nan")] * 20, [1.0] * 20), directions={"usage": HIGHER_IS_BETTER})
