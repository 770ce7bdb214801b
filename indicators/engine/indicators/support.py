"""Support: ticket volume per active user against the tenant's baseline, escalations."""

from __future__ import annotations

from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import AccountIndex


def tickets_per_active_user(ix: AccountIndex) -> Value:
    """Tickets opened in 30 days per active user (at least one, so a silent account with tickets still counts)."""
    if not ix.covers_events(30) or not ix.covers_rollups(30):
        return NO_DATA
    tickets = sum(1 for offset in ix.ticket_offsets if offset < 30)
    return tickets / max(ix.distinct_users(30), 1)


def ticket_volume_vs_baseline(ix: AccountIndex) -> Value:
    baseline = ix.tenant.tickets_per_active_user_baseline
    per_user = tickets_per_active_user(ix)
    if not baseline or baseline <= 0 or per_user is NO_DATA:
        return NO_DATA
    return per_user / baseline


def high_severity_tickets(ix: AccountIndex) -> Value:
    return float(sum(1 for offset in ix.high_severity_tickets if offset < 30)) if ix.covers_events(30) else NO_DATA


def open_escalations(ix: AccountIndex) -> Value:
    return float(ix.escalations_open)


def _declare(**fields) -> Indicator:
    return Indicator(category=Category.SUPPORT, kind=Kind.LEADING, direction=Direction.LOWER_IS_BETTER, **fields)


INDICATORS = (
    _declare(
        key="tickets_per_active_user_30d",
        label="Tickets per active user (30d)",
        window_days=30,
        unit="tickets",
        action="Review the account's recent tickets for a common cause",
        account=tickets_per_active_user,
    ),
    _declare(
        key="ticket_volume_vs_baseline",
        label="Ticket volume vs the usual (30d)",
        window_days=30,
        unit="ratio",
        action="Review the account's recent tickets for a common cause",
        account=ticket_volume_vs_baseline,
        description="Tickets per active user divided by the tenant's baseline: 1 is usual, 2 twice as many.",
    ),
    _declare(
        key="high_severity_tickets_30d",
        label="High and urgent tickets (30d)",
        window_days=30,
        unit="tickets",
        action="Make sure the urgent tickets have an owner and a plan",
        account=high_severity_tickets,
    ),
    _declare(
        key="open_escalations",
        label="Open escalated tickets",
        window_days=None,
        unit="tickets",
        action="Work with support to close the escalated tickets",
        account=open_escalations,
        description="Tickets escalated and not closed since, among the events in the inputs (by ticket_id).",
    ),
)
