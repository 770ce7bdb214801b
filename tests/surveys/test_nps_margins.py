"""NPS summaries, margins and comparisons: hand-worked cases and properties."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import nps_margins


def test_hand_worked_case_of_ten_answers():
    # 5 promoters, 3 passives, 2 detractors: NPS = 50% - 20% = 30.
    # Adjusted (Rocks 2016): n = 13, p = 5.75/13 = .44231, d = 2.75/13 = .21154, centre = .23077;
    # variance = .65385 - .23077² = .60059; se = √(.60059/13) = .21494; reach = 1.96·se = .42128.
    summary = nps_margins.summarize([10, 9, 9, 10, 9, 8, 7, 7, 3, 6])
    assert (summary.responses, summary.promoters, summary.passives, summary.detractors) == (10, 5, 3, 2)
    assert summary.nps == pytest.approx(30.0)
    assert summary.standard_error == pytest.approx(100 * math.sqrt((8.5 / 13 - (3 / 13) ** 2) / 13))
    assert summary.interval == pytest.approx((-19.05, 65.20), abs=0.01)
    assert summary.as_dict() == {
        "nps": 30.0, "responses": 10, "promoters": 5, "passives": 3, "detractors": 2, "margin_of_error": 42.1,
        "interval_low": -19.1, "interval_high": 65.2,
    }  # fmt: skip


def test_hand_worked_case_of_a_hundred_answers():
    # 40 promoters, 30 passives, 30 detractors: NPS 10; adjusted n = 103, p = .39563, d = .29854.
    summary = nps_margins.summary_from_counts(promoters=40, passives=30, detractors=30)
    assert summary.nps == pytest.approx(10.0)
    assert summary.interval == pytest.approx((-6.27, 25.69), abs=0.01)
    assert summary.margin_of_error == pytest.approx(15.98, abs=0.01)


@pytest.mark.parametrize(
    ("counts", "interval"),
    [
        ((1, 0, 0), (-48.5, 98.5)),  # one promoter: not "100 ± 0"
        ((0, 0, 1), (-98.5, 48.5)),
        ((5, 0, 0), (17.5, 100.0)),  # all promoters: a real interval, clipped at the top of the scale
        ((1, 0, 1), (-73.3, 73.3)),  # two answers: not ± 138.6
    ],
)
def test_small_samples_get_an_interval_that_neither_collapses_nor_leaves_the_scale(counts, interval):
    promoters, passives, detractors = counts
    summary = nps_margins.summary_from_counts(promoters=promoters, passives=passives, detractors=detractors)
    low, high = summary.interval
    assert (round(low, 1), round(high, 1)) == interval
    assert -100 <= low < high <= 100


def test_no_answers_give_no_score_rather_than_zero():
    summary = nps_margins.summarize([])
    assert summary.nps is None and summary.margin_of_error is None and summary.responses == 0


def test_all_promoters_is_100_and_all_detractors_is_minus_100_still_with_a_margin():
    assert nps_margins.summarize([9, 10, 10]).nps == 100
    assert nps_margins.summarize([0, 3, 6]).nps == -100
    assert nps_margins.summarize([10] * 5).margin_of_error > 0


RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=100))
def test_nps_stays_within_minus_100_and_100_and_counts_add_up(scores):
    summary = nps_margins.summarize(scores)
    assert -100 <= summary.nps <= 100
    assert summary.promoters + summary.passives + summary.detractors == summary.responses == len(scores)
    low, high = summary.interval
    assert -100 <= low < high <= 100
    assert summary.margin_of_error > 0


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
    assert big.margin_of_error < small.margin_of_error


def test_a_change_larger_than_the_noise_is_called_significant():
    before = nps_margins.summary_from_counts(promoters=100, passives=200, detractors=200)  # NPS -20
    after = nps_margins.summary_from_counts(promoters=250, passives=150, detractors=100)  # NPS 30
    comparison = nps_margins.compare(before, after)
    assert comparison.change == pytest.approx(50)
    assert comparison.significant
    assert comparison.verdict.startswith("NPS rose by 50.0 points")


def test_a_small_change_is_within_the_noise():
    before = nps_margins.summary_from_counts(promoters=10, passives=5, detractors=5)  # NPS 25
    after = nps_margins.summary_from_counts(promoters=12, passives=4, detractors=4)  # NPS 40
    comparison = nps_margins.compare(before, after)
    assert comparison.change == pytest.approx(15)
    assert not comparison.significant
    assert "within the noise" in comparison.verdict


def test_one_answer_against_one_answer_is_never_a_significant_fall():
    comparison = nps_margins.compare(nps_margins.summarize([10]), nps_margins.summarize([0]))
    assert comparison.change == pytest.approx(-200)
    assert not comparison.significant
    assert comparison.verdict.startswith("Too few answers to compare (1 before, 1 after)")


def test_a_large_change_needs_the_minimum_answers_in_both_periods():
    nine = nps_margins.summary_from_counts(promoters=0, passives=0, detractors=nps_margins.MIN_RESPONSES_TO_COMPARE - 1)
    many = nps_margins.summary_from_counts(promoters=50, passives=0, detractors=0)
    assert not nps_margins.compare(nine, many).significant
    ten = nps_margins.summary_from_counts(promoters=0, passives=0, detractors=nps_margins.MIN_RESPONSES_TO_COMPARE)
    assert nps_margins.compare(ten, many).significant


def test_comparison_without_answers_on_one_side_says_so():
    comparison = nps_margins.compare(nps_margins.summarize([]), nps_margins.summarize([9]))
    assert comparison.change is None and not comparison.significant
    assert comparison.as_dict()["verdict"].startswith("Not enough responses")
