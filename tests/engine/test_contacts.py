"""Per contact: adoption stages by tunable rules, and contact-level indicators."""

import pytest

from indicators.engine import AdoptionThresholds, ContactFacts, adoption_stage, build_index, evaluate_contacts
from tests.engine.builders import ago, make_inputs, usage


def stage(offsets=(), thresholds: AdoptionThresholds | None = None, **facts) -> str:
    thresholds = thresholds or AdoptionThresholds()
    inputs = make_inputs(contacts=(ContactFacts(id=1, **facts),), contact_days=usage(1, offsets))
    return adoption_stage(build_index(inputs).contact_view(1), thresholds)


def test_a_contact_who_never_used_the_product_is_invited():
    assert stage() == "invited"


def test_a_contact_who_used_it_recently_but_little_is_activated():
    assert stage([3]) == "activated"


def test_a_contact_active_on_4_of_the_last_30_days_is_adopting():
    assert stage([1, 8, 15, 22]) == "adopting"


def test_a_contact_active_on_12_days_across_3_of_the_last_4_weeks_is_habitual():
    assert stage([0, 1, 2, 3, 7, 8, 9, 10, 14, 15, 16, 17]) == "habitual"


def test_twelve_active_days_crammed_into_two_weeks_are_not_a_habit_yet():
    assert stage(range(12)) == "adopting"


def test_a_contact_without_usage_for_30_days_is_dormant():
    assert stage([30, 31, 40]) == "dormant"
    assert stage([29]) == "activated"


def test_a_contact_seen_long_ago_before_the_rollups_is_dormant():
    assert stage(last_seen_at=ago(200)) == "dormant"


def test_adoption_thresholds_are_tunable():
    relaxed = AdoptionThresholds(adopting_min_active_days=1, dormant_after_days=60)
    assert stage([3], relaxed) == "adopting"
    assert stage([40], relaxed) == "activated"  # not dormant yet, but not active in the last 30 days


def test_adoption_thresholds_are_validated():
    with pytest.raises(ValueError):
        AdoptionThresholds(adopting_min_active_days=10, habitual_min_active_days=5)
    with pytest.raises(ValueError):
        AdoptionThresholds(habitual_min_active_weeks=5)
    with pytest.raises(ValueError):
        AdoptionThresholds(dormant_after_days=0)


def test_evaluating_contacts_covers_current_contacts_with_their_indicators():
    people = (ContactFacts(id=1), ContactFacts(id=2), ContactFacts(id=3, left_at=ago(2)))
    inputs = make_inputs(contacts=people, contact_days=usage(1, [1, 2, 3, 4]))
    results = {r.contact_id: r for r in evaluate_contacts(build_index(inputs))}
    assert set(results) == {1, 2}
    assert results[1].adoption_stage == "adopting"
    assert results[1].values["active_days_30d"] == 4
    assert results[2].adoption_stage == "invited"
    assert results[2].values["days_since_last_usage"] is None
