"""The indicator catalogue: every indicator declared once, complete and readable."""

import pytest

from indicators.engine import CATALOGUE, CONTACT_INDICATORS, Category, Kind, Level, indicator


def test_every_category_has_indicators():
    assert {i.category for i in CATALOGUE.values()} == set(Category)


def test_the_lagging_indicators_of_the_domain_are_there():
    lagging = {i.key for i in CATALOGUE.values() if i.kind is Kind.LAGGING}
    assert lagging == {
        "account_escalations_90d",
        "low_license_utilization",
        "negative_feedback_near_renewal",
        "refund_or_discount_requests_90d",
        "downsells_180d",
    }


def test_usage_and_sentiment_indicators_exist_per_contact():
    contact_categories = {i.category for i in CONTACT_INDICATORS}
    assert {Category.USAGE, Category.SENTIMENT} <= contact_categories
    assert {"nps", "post_sale_score", "advocates", "usage_events_30d", "active_days_30d"} <= {
        i.key for i in CONTACT_INDICATORS
    }


def test_every_indicator_has_a_label_a_unit_an_action_and_a_positive_window_if_any():
    for i in CATALOGUE.values():
        assert i.label and i.unit and i.action, i.key
        assert i.window_days is None or i.window_days > 0, i.key
        assert i.levels <= {Level.ACCOUNT, Level.CONTACT} and i.levels, i.key


def test_an_unknown_key_names_the_known_ones():
    with pytest.raises(KeyError, match="known: "):
        indicator("active_users")
