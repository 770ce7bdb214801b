"""Sentiment indicators: NPS, post-sale scores, the gut read, advocates, negative feedback near renewal."""

from indicators.engine import CATALOGUE, NO_DATA, AccountFacts, ContactFacts, GutRead
from tests.engine.builders import AS_OF, ago, answer, contact_view, day, make_inputs, values


def test_nps_counts_each_contacts_latest_answer_of_the_last_year():
    answers = [
        answer(1, 3, days_ago=100),
        answer(1, 9, days_ago=10),  # contact 1 is now a promoter
        answer(2, 5),  # detractor
        answer(3, 8),  # passive
        answer(4, 0, days_ago=400),  # too old
        answer(5, 10, "post_sale"),  # not an NPS answer
    ]
    assert values(make_inputs(answers=answers))["nps"] == 0.0
    assert values(make_inputs(answers=answers[:2]))["nps"] == 100.0


def test_nps_has_no_data_without_surveys():
    assert values(make_inputs(answers=None))["nps"] is None
    assert values(make_inputs(answers=[]))["nps"] is None


def test_a_contacts_nps_is_that_of_their_latest_answer():
    inputs = make_inputs(answers=[answer(1, 2, days_ago=50), answer(1, 7), answer(2, 10)])
    nps = CATALOGUE["nps"].contact
    assert nps(contact_view(inputs, 1)) == 0.0
    assert nps(contact_view(inputs, 2)) == 100.0
    assert nps(contact_view(inputs, 3)) is NO_DATA


def test_post_sale_survey_score_averages_the_answers_of_the_last_year():
    answers = [answer(1, 8, "post_sale"), answer(2, 5, "post_sale"), answer(3, 0, "post_sale", 500)]
    assert values(make_inputs(answers=answers))["post_sale_score"] == 6.5


def test_the_gut_read_is_mapped_to_points_until_it_expires():
    gut = GutRead(level="positive", expires_at=ago(-5), recorded_at=ago(10))
    assert values(make_inputs(gut=gut))["gut_read"] == 75
    expired = GutRead(level="positive", expires_at=AS_OF)
    assert values(make_inputs(gut=expired))["gut_read"] is None


def test_a_gut_read_recorded_after_as_of_does_not_count_yet():
    gut = GutRead(level="very_negative", expires_at=ago(-30), recorded_at=ago(-1))
    assert values(make_inputs(gut=gut))["gut_read"] is None


def test_advocates_are_current_contacts_flagged_as_such():
    people = (
        ContactFacts(id=1, is_advocate=True),
        ContactFacts(id=2, is_advocate=True, left_at=ago(3)),
        ContactFacts(id=3),
    )
    assert values(make_inputs(contacts=people))["advocates"] == 1


def test_negative_feedback_counts_near_renewal_only():
    answers = [answer(1, 4, days_ago=20), answer(2, 6, "post_sale", 40), answer(3, 9), answer(4, 2, days_ago=120)]
    near = make_inputs(answers=answers, account=AccountFacts(renewal_on=day(-30)))
    assert values(near)["negative_feedback_near_renewal"] == 2
    far = make_inputs(answers=answers, account=AccountFacts(renewal_on=day(-200)))
    assert values(far)["negative_feedback_near_renewal"] == 0
    blind = make_inputs(answers=None, account=AccountFacts(renewal_on=day(-30)))
    assert values(blind)["negative_feedback_near_renewal"] is None
