"""Relationship: engaged contacts and executives, the executive sponsor, the org chart."""

from __future__ import annotations

from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import NEVER, AccountIndex, window_mask


def _engaged(ix: AccountIndex, days: int, skip: int = 0, current_only: bool = True) -> int:
    mask = window_mask(days, skip)
    return sum(
        1 for contact_id, m in ix.engaged_masks.items() if m & mask and not (current_only and contact_id in ix.departed)
    )


def _covers(ix: AccountIndex, days: int) -> bool:
    return ix.covers_rollups(days) and ix.covers_events(days)


def engaged_contacts(ix: AccountIndex) -> Value:
    return float(_engaged(ix, 30)) if _covers(ix, 30) else NO_DATA


def engaged_contacts_change(ix: AccountIndex) -> Value:
    """Contacts engaged in the last 30 days minus those engaged in the 30 before (departed ones included then)."""
    if not _covers(ix, 60):
        return NO_DATA
    return float(_engaged(ix, 30) - _engaged(ix, 30, 30, current_only=False))


def engaged_executives(ix: AccountIndex) -> Value:
    if not _covers(ix, 30):
        return NO_DATA
    mask = window_mask(30)
    return float(
        sum(
            1
            for contact in ix.contacts.values()
            if (contact.is_executive or contact.is_decision_maker) and ix.engaged_masks.get(contact.id, 0) & mask
        )
    )


def days_since_sponsor_engaged(ix: AccountIndex) -> Value:
    if ix.last_sponsor == NEVER and ix.account.executive_sponsor_id is None:
        return NO_DATA  # no sponsor named and none engaged: nothing to measure
    days = ix.days_since(ix.last_sponsor)
    return NO_DATA if days is None else days


def org_chart_completeness(ix: AccountIndex) -> Value:
    """Share of contacts placed in the org chart: reporting to someone, or someone reporting to them."""
    if len(ix.contacts) < 2:
        return NO_DATA
    managers = {c.reports_to_id for c in ix.contacts.values() if c.reports_to_id is not None}
    placed = sum(1 for c in ix.contacts.values() if c.reports_to_id is not None or c.id in managers)
    return 100.0 * placed / len(ix.contacts)


def _declare(**fields) -> Indicator:
    return Indicator(category=Category.RELATIONSHIP, kind=Kind.LEADING, **fields)


INDICATORS = (
    _declare(
        key="engaged_contacts_30d",
        label="Engaged contacts (30d)",
        window_days=30,
        unit="contacts",
        direction=Direction.HIGHER_IS_BETTER,
        action="Widen the relationship: meet more of the account's users",
        account=engaged_contacts,
        description="Contacts with usage, a communication, content, a ticket or a survey answer.",
    ),
    _declare(
        key="engaged_contacts_change",
        label="Engaged contacts (30d), change vs the 30 days before",
        window_days=60,
        unit="contacts",
        direction=Direction.HIGHER_IS_BETTER,
        action="Find out who stopped engaging and why",
        account=engaged_contacts_change,
    ),
    _declare(
        key="engaged_executives_30d",
        label="Engaged executives and decision makers (30d)",
        window_days=30,
        unit="contacts",
        direction=Direction.HIGHER_IS_BETTER,
        action="Engage an executive or decision maker at the account",
        account=engaged_executives,
    ),
    _declare(
        key="days_since_executive_sponsor_engaged",
        label="Days since the executive sponsor was engaged",
        window_days=None,
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        action="Set up a meeting with the executive sponsor",
        account=days_since_sponsor_engaged,
        description="An executive_sponsor_engaged event or a communication with the sponsor contact.",
    ),
    _declare(
        key="org_chart_completeness",
        label="Org chart completeness",
        window_days=None,
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        action="Map the account's org chart: who reports to whom, who decides",
        account=org_chart_completeness,
    ),
)
