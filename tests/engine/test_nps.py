"""The NPS scale, its categories and the score: the one definition every app reads."""

import pytest

from indicators.engine import nps


@pytest.mark.parametrize(
    ("score", "category"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_categories_follow_the_nps_bands(score, category):
    assert nps.category_for(score) == category
    assert nps.is_promoter(score) is (category == nps.PROMOTER)
    assert nps.is_detractor(score) is (category == nps.DETRACTOR)


@pytest.mark.parametrize("bad", [-1, 11, 7.5, "9", True, None])
def test_anything_but_a_whole_number_from_0_to_10_is_refused(bad):
    assert not nps.is_score(bad)
    with pytest.raises(ValueError, match="from 0 to 10"):
        nps.category_for(bad)


def test_the_scale_is_the_eleven_answers_0_to_10():
    assert list(nps.SCALE) == list(range(11))
    assert all(nps.is_score(n) for n in nps.SCALE)


def test_the_score_is_the_share_of_promoters_minus_the_share_of_detractors():
    assert nps.net_promoter_score(promoters=5, detractors=2, responses=10) == 30.0
    assert nps.net_promoter_score(promoters=3, detractors=0, responses=3) == 100.0
    assert nps.net_promoter_score(promoters=0, detractors=3, responses=3) == -100.0


def test_no_responses_give_no_score_rather_than_zero():
    assert nps.net_promoter_score(promoters=0, detractors=0, responses=0) is None
