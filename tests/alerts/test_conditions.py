"""Each rule kind's condition, at its edges (pure: no database)."""

from datetime import UTC, date, datetime

import pytest

from alerts.services import conditions
from alerts.services.conditions import SurveyAnswer

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("op", "value", "fires"),
    [("lt", 29.9, True), ("lt", 30, False), ("lte", 30, True), ("lte", 30.1, False),
     ("gt", 30.1, True), ("gt", 30, False), ("gte", 30, True), ("gte", 29.9, False)],
)  # fmt: skip
def test_indicator_threshold_compares_at_the_edge(op, value, fires):
    reason = conditions.indicator_threshold(indicator="license_utilization", op=op, threshold=30, value=value)
    assert (reason is not None) is fires


def test_indicator_threshold_without_data_never_fires():
    assert conditions.indicator_threshold(indicator="open_escalations", op="lt", threshold=1, value=None) is None


def test_indicator_threshold_says_which_indicator_and_why():
    reason = conditions.indicator_threshold(indicator="license_utilization", op="lt", threshold=30, value=12)
    assert reason.message == "License utilization (30d) is 12%, below 30%."
    assert reason.detail == {"indicator": "license_utilization", "value": 12, "operator": "lt", "threshold": 30}


def test_score_drop_fires_at_exactly_the_points_and_not_one_short():
    assert conditions.score_drop(points=15, days=7, peak=70, score=55) is not None
    assert conditions.score_drop(points=15, days=7, peak=70, score=55.5) is None
    assert conditions.score_drop(points=15, days=7, peak=None, score=40) is None
    assert conditions.score_drop(points=15, days=7, peak=70, score=None) is None


def test_score_drop_message_reads_from_and_to():
    reason = conditions.score_drop(points=15, days=7, peak=72, score=54)
    assert reason.message == "Score dropped 18 points in 7 days: 72 -> 54."


def test_band_change_fires_only_on_a_transition_into_the_band():
    assert conditions.band_change(to_band="red", from_band="", before="yellow", band="red", score=35) is not None
    assert conditions.band_change(to_band="red", from_band="", before="red", band="red", score=35) is None
    assert conditions.band_change(to_band="red", from_band="", before=None, band="red", score=35) is None
    assert conditions.band_change(to_band="red", from_band="", before="", band="red", score=35) is None
    assert conditions.band_change(to_band="red", from_band="", before="red", band="yellow", score=50) is None


def test_band_change_from_a_given_band_only():
    assert conditions.band_change(to_band="red", from_band="green", before="green", band="red", score=30) is not None
    assert conditions.band_change(to_band="red", from_band="green", before="yellow", band="red", score=30) is None


def test_renewal_proximity_counts_days_ahead_inclusively():
    today = date(2026, 5, 10)
    fire = conditions.renewal_proximity
    assert fire(days=90, bands=["red"], renewal_on=date(2026, 8, 8), today=today, band="red") is not None  # 90 days
    assert fire(days=90, bands=["red"], renewal_on=date(2026, 8, 9), today=today, band="red") is None  # 91 days
    assert fire(days=90, bands=["red"], renewal_on=today, today=today, band="red") is not None
    assert fire(days=90, bands=["red"], renewal_on=date(2026, 5, 9), today=today, band="red") is None  # passed
    assert fire(days=90, bands=["red"], renewal_on=date(2026, 6, 1), today=today, band="yellow") is None
    assert fire(days=90, bands=[], renewal_on=date(2026, 6, 1), today=today, band="yellow") is not None
    assert fire(days=90, bands=[], renewal_on=None, today=today, band="red") is None


def test_renewal_proximity_message():
    reason = conditions.renewal_proximity(days=90, bands=["red"], renewal_on=date(2026, 6, 1), today=date(2026, 5, 10),
                                          band="red")  # fmt: skip
    assert reason.message == "Renewal in 22 days (2026-06-01) with the account red."


def answer(score, comment="Too slow"):
    return SurveyAnswer(occurred_at=NOW, score=score, comment=comment, contact="Jo Doe", response_id=7)


def test_detractor_answer_is_six_or_below():
    assert conditions.detractor_answer(days=14, answer=answer(6)) is not None
    assert conditions.detractor_answer(days=14, answer=answer(7)) is None
    assert conditions.detractor_answer(days=14, answer=None) is None


def test_detractor_answer_message_names_who_and_what_they_said():
    reason = conditions.detractor_answer(days=14, answer=answer(3))
    assert reason.message == 'Detractor answer from Jo Doe: 3/10 on 2026-05-10: "Too slow"'
    assert reason.detail["response_id"] == 7
