"""NPS summaries, margins and comparisons: hand-worked cases and properties."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import nps_margins


def test_hand_worked_case_of_ten_answers():
    # 5 promoters, 3 passives, 2 detractors: NPS = 50% - 20% = 30.
    # p = .5, d = .2: variance = .5 + .2 - .3² = .61; se = 100·√(.61/10) = 24.698; margin = 1.96·se = 48.41.
    summary = nps_margins.summarize([10, 9, 9, 10, 9, 8, 7, 7, 3, 6])
    assert (summary.responses, summary.promoters, summary.passives, summary.detractors) == (10, 5, 3, 2)
    assert summary.nps == pytest.approx(30.0)
    assert summary.standard_error == pytest.approx(100 * math.sqrt(0.61 / 10))
    assert summary.margin_of_error == pytest.approx(48.41, abs=0.01)
    assert summary.as_dict() == {
        "nps": 30.0, "responses": 10, "promoters": 5, "passives": 3, "detractors": 2, "margin_of_error": 48.4,
    }  # fmt: skip


def test_hand_worked_case_of_a_hundred_answers():
    # 40 promoters, 30 passives, 30 detractors: NPS 10; variance = .4 + .3 - .01 = .69; se = 8.3066.
    summary = nps_margins.summary_from_counts(promoters=40, passives=30, detractors=30)
    assert summary.nps == pytest.approx(10.0)
    assert summary.standard_error == pytest.approx(8.3066, abs=1e-4)
    assert summary.margin_of_error == pytest.approx(16.28, abs=0.01)


def test_no_answers_give_no_score_rather_than_zero():
    summary = nps_margins.summarize([])
    assert summary.nps is None and summary.margin_of_error is None and summary.responses == 0


def test_all_promoters_is_100_and_all_detractors_is_minus_100_with_no_spread():
    assert nps_margins.summarize([9, 10, 10]).nps == 100
    assert nps_margins.summarize([0, 3, 6]).nps == -100
    assert nps_margins.summarize([10] * 5).margin_of_error == 0


RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=100))
def test_nps_stays_within_minus_100_and_100_and_counts_add_up(scores):
    summary = nps_margins.summarize(scores)
    assert -100 <= summary.nps <= 100
    assert summary.promoters + summary.passives + summary.detractors == summary.responses == len(scores)
    assert summary.margin_of_error >= 0


@RELAXED
@given(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=1, max_value=50),
)
def test_the_margin_shrinks_as_the_same_mix_is_seen_more_often(promoters, passives, detractors):
    small = nps_margins.summary_from_counts(promoters=promoters, passives=passives, detractors=detractors)
    big = nps_margins.summary_from_counts(promoters=promoters * 4, passives=passives * 4, detractors=detractors * 4)
    assert big.nps == pytest.approx(small.nps)
    if small.margin_of_error > 0:
        assert big.margin_of_error == pytest.approx(small.margin_of_error / 2)
        assert big.margin_of_error < small.margin_of_error


def test_a_change_larger_than_the_noise_is_called_significant():
    before = nps_margins.summary_from_counts(promoters=100, passives=200, detractors=200)  # NPS -20
    after = nps_margins.summary_from_counts(promoters=250, passives=150, detractors=100)  # NPS 30
    comparison = nps_margins.compare(before, after)
    assert comparison.change == pytest.approx(50)
    assert comparison.significant
    assert comparison.verdict.startswith("NPS rose by 50.0 points")


def test_a_small_change_on_few_answers_is_within_the_noise():
    comparison = nps_margins.compare(nps_margins.summarize([9, 6, 7, 10]), nps_margins.summarize([9, 9, 10, 6]))
    assert comparison.change == pytest.approx(25)
    assert not comparison.significant
    assert "within the noise" in comparison.verdict


def test_comparison_without_answers_on_one_side_says_so():
    comparison = nps_margins.compare(nps_margins.summarize([]), nps_margins.summarize([9]))
    assert comparison.change is None and not comparison.significant
    assert comparison.as_dict()["verdict"].startswith("Not enough responses")
