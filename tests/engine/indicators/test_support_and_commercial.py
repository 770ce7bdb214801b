"""Support indicators and the commercial lagging ones."""

import pytest

from indicators.engine import TenantFacts
from tests.engine.builders import FEATURES, event, make_inputs, usage, values


def ticket(name: str, days_ago: float, ticket_id: str, severity: str = "normal"):
    return event("support", name, days_ago, 1, ticket_id=ticket_id, severity=severity)


def test_ticket_volume_is_per_active_user_and_compared_with_the_tenants_baseline():
    events = (ticket("ticket_opened", 3, "A"), ticket("ticket_opened", 10, "B"), ticket("ticket_opened", 40, "C"))
    contact_days = [*usage(1, [1]), *usage(2, [2])]
    got = values(make_inputs(events=events, contact_days=contact_days))
    assert got["tickets_per_active_user_30d"] == 1.0
    assert got["ticket_volume_vs_baseline"] == 2.0  # the baseline is 0.5


def test_ticket_volume_of_an_account_without_active_users_counts_per_one_user():
    assert values(make_inputs(events=(ticket("ticket_opened", 3, "A"),)))["tickets_per_active_user_30d"] == 1


def test_ticket_volume_against_the_baseline_has_no_data_until_the_baseline_is_known():
    tenant = TenantFacts(features=FEATURES, tickets_per_active_user_baseline=None)
    assert values(make_inputs(tenant=tenant))["ticket_volume_vs_baseline"] is None


def test_open_escalations_are_escalated_tickets_not_closed_since():
    events = (
        ticket("ticket_escalated", 9, "A"),
        ticket("ticket_closed", 8, "A"),  # closed after escalation
        ticket("ticket_escalated", 6, "B"),  # never closed
        ticket("ticket_closed", 5, "C"),
        ticket("ticket_escalated", 4, "C"),  # escalated again after closing
    )
    assert values(make_inputs(events=events))["open_escalations"] == 2


def test_high_severity_tickets_count_high_and_urgent_ones_of_30_days():
    events = (
        ticket("ticket_opened", 1, "A", "urgent"),
        ticket("ticket_opened", 2, "B", "high"),
        ticket("ticket_opened", 2, "C", "low"),
        ticket("ticket_opened", 31, "D", "urgent"),
    )
    assert values(make_inputs(events=events))["high_severity_tickets_30d"] == 2


@pytest.mark.parametrize(
    ("key", "names", "window"),
    [
        ("account_escalations_90d", ("escalation",), 90),
        ("refund_or_discount_requests_90d", ("refund_request", "discount_request"), 90),
        ("downsells_180d", ("downsell",), 180),
    ],
)
def test_commercial_lagging_indicators_count_their_events_within_their_window(key, names, window):
    events = tuple(event("commercial", name, days_ago) for name in names for days_ago in (1, window - 1, window))
    events += (event("commercial", "expansion", 1),)
    assert values(make_inputs(events=events))[key] == 2 * len(names)
