"""Usage and adoption indicators, per account and per contact."""

import pytest

from indicators.engine import CATALOGUE, AccountFacts, TenantFacts
from tests.engine.builders import contact_view, make_inputs, usage, values


def test_active_users_count_distinct_contacts_over_each_window():
    contact_days = [*usage(1, [0, 1, 2]), *usage(2, [6]), *usage(3, [20]), *usage(4, [45])]
    got = values(make_inputs(contact_days=contact_days))
    assert got["dau"] == pytest.approx(4 / 7)  # 4 user-days over the last 7 days
    assert got["wau"] == 2
    assert got["mau"] == 3


def test_trends_compare_a_window_with_the_one_before_as_a_percent_change():
    contact_days = [*usage(1, [1, 40]), *usage(2, [35]), *usage(3, [50]), *usage(4, [31])]
    got = values(make_inputs(contact_days=contact_days))
    assert got["mau_trend_pct"] == -75.0  # 1 active user now, 4 the 30 days before


def test_a_trend_from_nothing_has_no_data():
    got = values(make_inputs(contact_days=usage(1, [1])))
    assert got["mau_trend_pct"] is None
    assert got["wau_trend_pct"] is None


def test_windows_longer_than_the_loaded_rollups_have_no_data():
    got = values(make_inputs(contact_days=usage(1, [1]), rollups_since=usage(1, [20])[0].day))
    assert got["mau"] is None
    assert got["wau"] == 1


def test_license_utilization_is_active_users_per_license_and_flags_low_use():
    contact_days = [usage(c, [3])[0] for c in range(1, 4)]
    got = values(make_inputs(contact_days=contact_days))
    assert got["license_utilization"] == 30.0
    assert got["low_license_utilization"] == 1
    more = [usage(c, [3])[0] for c in range(1, 6)]
    assert values(make_inputs(contact_days=more))["low_license_utilization"] == 0


def test_license_utilization_has_no_data_without_licenses():
    assert values(make_inputs(account=AccountFacts(licenses=0)))["license_utilization"] is None


def test_share_of_features_used_counts_catalogue_features_only():
    contact_days = usage(1, [2], {"Dashboard Viewed": 3, "Dashboard Shared": 1, "Unknown Thing": 5})
    assert values(make_inputs(contact_days=contact_days))["features_used_share"] == 50.0


def test_core_value_usage_is_a_share_of_usage_and_a_count_of_core_features():
    contact_days = [
        *usage(1, [2], {"Dashboard Viewed": 6, "Dashboard Shared": 2}),
        *usage(2, [3], {"Dashboard Shared": 2}),
    ]
    got = values(make_inputs(contact_days=contact_days))
    assert got["core_feature_usage_share"] == 40.0
    assert got["core_features_used"] == 1


def test_core_value_usage_has_no_data_when_the_catalogue_marks_no_core_feature():
    tenant = TenantFacts(features={"Dashboard Viewed": False}, products_in_catalogue=1)
    got = values(make_inputs(contact_days=usage(1, [2]), tenant=tenant))
    assert got["core_feature_usage_share"] is None
    assert got["core_features_used"] is None


def test_share_of_the_product_stack_subscribed():
    got = values(make_inputs(account=AccountFacts(products_subscribed=1)))
    assert got["product_stack_share"] == pytest.approx(100 / 3)


def test_declining_adoption_shows_as_a_negative_weekly_slope():
    # Eight weeks, oldest first: 8, 7, ..., 1 weekly active users.
    contact_days = [row for week in range(8) for c in range(1, week + 2) for row in usage(c, [7 * week + 1])]
    slope = values(make_inputs(contact_days=contact_days, contacts=()))["adoption_slope_pct"]
    assert slope == pytest.approx(-100 / 4.5)  # -1 user a week against a mean of 4.5


def test_steady_adoption_has_a_flat_slope():
    contact_days = [row for week in range(8) for row in usage(1, [7 * week])]
    assert values(make_inputs(contact_days=contact_days))["adoption_slope_pct"] == 0


def test_usage_indicators_exist_per_contact():
    contact_days = [*usage(1, [0, 1, 2], {"Dashboard Shared": 2}), *usage(1, [40]), *usage(2, [5])]
    view = contact_view(make_inputs(contact_days=contact_days), 1)
    assert CATALOGUE["active_days_30d"].contact(view) == 3
    assert CATALOGUE["usage_events_30d"].contact(view) == 6
    assert CATALOGUE["usage_trend_pct"].contact(view) == 500.0
    assert CATALOGUE["core_feature_usage_share"].contact(view) == 100.0
    assert CATALOGUE["features_used_share"].contact(view) == 25.0
    assert CATALOGUE["days_since_last_usage"].contact(view) == 0


def test_a_contact_who_left_stops_counting_as_active_from_the_day_they_left():
    """Hand-worked: two users active 20 and 5 days ago; the second left 3 days ago and kept a login going."""
    from tests.engine.builders import event

    days = [*usage(1, [20]), *usage(2, [5, 2, 1])]
    stayed = values(make_inputs(contact_days=days))
    left = values(make_inputs(contact_days=days, events=(event("relationship", "champion_left", 3, 2),)))
    assert stayed["wau"] == 1 and left["wau"] == 1  # day 5 was before leaving
    assert stayed["mau"] == 2 and left["mau"] == 2
    recent = [*usage(1, [20]), *usage(2, [2, 1])]
    gone = values(make_inputs(contact_days=recent, events=(event("relationship", "champion_left", 3, 2),)))
    assert gone["wau"] == 0  # only usage after leaving: not active
