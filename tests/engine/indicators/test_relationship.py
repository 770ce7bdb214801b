"""Relationship indicators: engaged contacts and executives, the executive sponsor, the org chart."""

from indicators.engine import AccountFacts, ContactFacts
from tests.engine.builders import ago, event, make_inputs, usage, values


def test_engaged_contacts_count_usage_and_conversations_but_not_departures():
    events = (
        event("communication", "call", 3, 2, direction="proactive"),
        event("content", "educational", 10, 3),
        event("relationship", "contact_left", 5, 4),
        event("commercial", "renewal", 5, 5),  # a contract move, not engagement
    )
    got = values(make_inputs(events=events, contact_days=usage(1, [1])))
    assert got["engaged_contacts_30d"] == 3


def test_engaged_contacts_change_compares_with_the_30_days_before_including_those_who_left():
    events = (event("relationship", "contact_left", 20, 4),)
    contact_days = [*usage(1, [1, 40]), *usage(2, [45]), *usage(4, [35])]
    assert values(make_inputs(events=events, contact_days=contact_days))["engaged_contacts_change"] == -2


def test_engaged_executives_count_executives_and_decision_makers_engaged_in_30_days():
    people = (
        ContactFacts(id=1, is_executive=True),
        ContactFacts(id=2, is_decision_maker=True),
        ContactFacts(id=3, is_executive=True),
        ContactFacts(id=4),
    )
    events = (event("communication", "meeting", 4, 1), event("communication", "meeting", 50, 3))
    got = values(make_inputs(contacts=people, events=events, contact_days=[*usage(2, [2]), *usage(4, [2])]))
    assert got["engaged_executives_30d"] == 2


def test_days_since_the_executive_sponsor_was_engaged():
    sponsor = AccountFacts(executive_sponsor_id=1, contract_start_on=None)
    events = (event("communication", "email", 12, 1, direction="proactive"), event("support", "ticket_opened", 2, 1))
    assert values(make_inputs(account=sponsor, events=events))["days_since_executive_sponsor_engaged"] == 12
    events = (*events, event("relationship", "executive_sponsor_engaged", 7, 1))
    assert values(make_inputs(account=sponsor, events=events))["days_since_executive_sponsor_engaged"] == 7
    assert values(make_inputs(account=sponsor))["days_since_executive_sponsor_engaged"] is None  # never: no data


def test_no_sponsor_and_no_sponsor_engagement_is_no_data():
    assert values(make_inputs(account=AccountFacts()))["days_since_executive_sponsor_engaged"] is None


def test_org_chart_completeness_is_the_share_of_contacts_placed_in_it():
    people = (
        ContactFacts(id=1),
        ContactFacts(id=2, reports_to_id=1),
        ContactFacts(id=3, reports_to_id=1),
        ContactFacts(id=4),
        ContactFacts(id=5, reports_to_id=9, left_at=ago(1)),
    )
    assert values(make_inputs(contacts=people))["org_chart_completeness"] == 75.0
    assert values(make_inputs(contacts=people[:1]))["org_chart_completeness"] is None


def test_events_older_than_the_event_window_are_not_read_even_when_loaded():
    """A back-filled point is loaded with a longer history than a live score; it reads no further back."""
    sponsor = AccountFacts(executive_sponsor_id=1, contract_start_on=None)
    events = (event("relationship", "executive_sponsor_engaged", 182, 1),)
    assert values(make_inputs(account=sponsor, events=events, events_since=ago(400)))[
        "days_since_executive_sponsor_engaged"
    ] is None  # fmt: skip
