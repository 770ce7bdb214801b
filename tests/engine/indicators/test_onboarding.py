"""Onboarding indicators: objectives, rating, adoption during onboarding, its length, time to first value."""

from datetime import timedelta

from indicators.engine import AccountFacts
from tests.engine.builders import AS_OF, answer, day, event, make_inputs, usage, values, with_account


def onboarding(started: int, completed: int | None = None, **facts) -> AccountFacts:
    return AccountFacts(
        licenses=10,
        onboarding_started_on=day(started),
        onboarding_completed_on=None if completed is None else day(completed),
        **facts,
    )


def test_partnership_objectives_documented_is_a_yes_or_no():
    inputs = make_inputs()
    assert values(inputs)["objectives_documented"] == 0
    assert values(with_account(inputs, objectives_documented=True))["objectives_documented"] == 1


def test_onboarding_rating_averages_onboarding_answers_of_any_age_and_nothing_else():
    answers = [answer(1, 9, "onboarding", 500), answer(2, 6, "onboarding", 30), answer(3, 0, "nps")]
    assert values(make_inputs(answers=answers))["onboarding_rating"] == 7.5


def test_onboarding_rating_has_no_data_without_surveys_or_answers():
    assert values(make_inputs(answers=None))["onboarding_rating"] is None
    assert values(make_inputs(answers=[]))["onboarding_rating"] is None


def test_days_in_onboarding_count_to_completion_or_to_today():
    assert values(make_inputs(account=onboarding(40)))["days_in_onboarding"] == 40
    assert values(make_inputs(account=onboarding(40, completed=15)))["days_in_onboarding"] == 25
    assert values(make_inputs())["days_in_onboarding"] is None


def test_adoption_during_onboarding_is_the_share_of_licenses_used_in_that_period():
    contact_days = [*usage(1, [19]), *usage(2, [12, 11]), *usage(3, [5]), *usage(4, [25])]  # 4: before start
    inputs = make_inputs(account=onboarding(20, completed=10), contact_days=contact_days)
    assert values(inputs)["onboarding_adoption"] == 20.0  # contacts 1 and 2 of 10 licenses


def test_adoption_during_onboarding_has_no_data_when_the_rollups_start_after_it():
    inputs = make_inputs(account=onboarding(120, completed=60), contact_days=usage(1, [70]))
    assert values(inputs)["onboarding_adoption"] is None


def test_time_to_first_value_runs_from_onboarding_start_to_the_first_value_event():
    events = (event("lifecycle", "first_value_reached", 12), event("lifecycle", "first_value_reached", 5))
    assert values(make_inputs(account=onboarding(30), events=events))["time_to_first_value"] == 18


def test_time_to_first_value_keeps_counting_while_it_is_not_reached():
    assert values(make_inputs(account=onboarding(30)))["time_to_first_value"] == 30


def test_time_to_first_value_is_unknown_after_onboarding_without_the_event_unless_the_facts_say():
    assert values(make_inputs(account=onboarding(300, completed=250)))["time_to_first_value"] is None
    known = onboarding(300, completed=250, first_value_at=AS_OF - timedelta(days=280))
    assert values(make_inputs(account=known))["time_to_first_value"] == 20


def test_an_account_past_onboarding_without_a_completion_date_has_no_onboarding_length():
    mature = onboarding(300, lifecycle_stage="mature")
    got = values(make_inputs(account=mature))
    assert got["days_in_onboarding"] is None
    assert got["time_to_first_value"] is None
