"""Engagement indicators: high-value touches by window, recency of communication, content engagement."""

from datetime import timedelta

from indicators.engine import EventRecord
from tests.engine.builders import AS_OF, ago, day, event, make_inputs, values, with_account


def test_high_value_engagements_count_meetings_reviews_and_sponsor_engagements_in_each_window():
    events = (
        event("communication", "meeting", 10, 1, direction="proactive"),
        event("communication", "business_review", 20, 1, direction="proactive"),
        event("relationship", "executive_sponsor_engaged", 40, 2),
        event("communication", "email", 5, 1, direction="proactive"),  # not high-value
        event("communication", "meeting", 70, 1, direction="proactive"),  # outside every window
    )
    got = values(make_inputs(events=events))
    assert [got[f"high_value_engagements_{d}d"] for d in (15, 30, 45, 60)] == [1, 2, 3, 3]


def test_a_sponsor_joining_a_meeting_is_one_engagement_not_two():
    events = (
        event("communication", "meeting", 3, 7, direction="proactive"),
        event("relationship", "executive_sponsor_engaged", 3, 7),
    )
    assert values(make_inputs(events=events))["high_value_engagements_15d"] == 1


def test_a_window_reaching_before_the_loaded_events_has_no_data():
    got = values(make_inputs(events_since=ago(20)))
    assert got["high_value_engagements_15d"] == 0
    assert got["high_value_engagements_30d"] is None


def test_days_since_the_last_proactive_communication_ignores_reactive_ones():
    events = (
        event("communication", "call", 12, 1, direction="proactive"),
        event("communication", "email", 2, 1, direction="reactive"),
    )
    got = values(make_inputs(events=events))
    assert got["days_since_proactive_communication"] == 12
    assert got["days_since_reactive_communication"] == 2


def test_days_are_counted_as_utc_calendar_days():
    just_before_midnight = EventRecord(
        type="communication", name="call", occurred_at=AS_OF.replace(hour=0) - timedelta(microseconds=1)
    )
    just_after_midnight = EventRecord(type="communication", name="call", occurred_at=AS_OF.replace(hour=0))
    assert values(make_inputs(events=(just_before_midnight,)))["days_since_proactive_communication"] == 1
    assert values(make_inputs(events=(just_after_midnight,)))["days_since_proactive_communication"] == 0


def test_without_any_proactive_communication_there_is_no_data_not_an_invented_number_of_days():
    inputs = make_inputs(events_since=ago(180))
    assert values(inputs)["days_since_proactive_communication"] is None
    young = with_account(inputs, contract_start_on=day(20))
    assert values(young)["days_since_proactive_communication"] is None
    assert values(make_inputs(events_since=ago(210)))["days_since_proactive_communication"] is None


def test_support_tickets_count_as_reactive_communication():
    events = (event("support", "ticket_opened", 4, 2, ticket_id="T-1", severity="low"),)
    assert values(make_inputs(events=events))["days_since_reactive_communication"] == 4


def test_events_after_as_of_are_ignored():
    events = (event("communication", "meeting", -1, 1, direction="proactive"),)
    got = values(make_inputs(events=events))
    assert got["high_value_engagements_15d"] == 0


def test_share_of_contacts_engaging_with_content_counts_each_current_contact_once():
    events = (
        event("content", "educational", 5, 1),
        event("content", "marketing", 6, 1),
        event("content", "upsell", 80, 2),
        event("content", "webinar", 100, 3),  # older than 90 days
        event("content", "educational", 5, 99),  # not a contact of the account
    )
    assert values(make_inputs(events=events))["content_engagement_share"] == 40.0
