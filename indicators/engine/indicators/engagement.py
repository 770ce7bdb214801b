"""Engagement: high-value touches, recency of communication, content engagement."""

from __future__ import annotations

from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import AccountIndex


def _high_value_engagements(days: int):
    def compute(ix: AccountIndex) -> Value:
        if not ix.covers_events(days):
            return NO_DATA
        return float(sum(1 for offset in ix.high_value_offsets if offset < days))

    return compute


def days_since_proactive(ix: AccountIndex) -> Value:
    days = ix.days_since(ix.last_proactive)
    return NO_DATA if days is None else days


def days_since_reactive(ix: AccountIndex) -> Value:
    days = ix.days_since(ix.last_reactive)
    return NO_DATA if days is None else days


def content_engagement_share(ix: AccountIndex) -> Value:
    if not ix.contacts or not ix.covers_events(90):
        return NO_DATA
    engaged = sum(1 for contact_id in ix.content_contacts_90 if contact_id in ix.contacts)
    return 100.0 * engaged / len(ix.contacts)


INDICATORS = (
    *(
        Indicator(
            key=f"high_value_engagements_{days}d",
            label=f"High-value engagements ({days}d)",
            category=Category.ENGAGEMENT,
            kind=Kind.LEADING,
            window_days=days,
            unit="engagements",
            direction=Direction.HIGHER_IS_BETTER,
            action="Schedule a business review or a meeting with the executive sponsor",
            account=_high_value_engagements(days),
            description="Meetings, business reviews and executive sponsor engagements (one per moment).",
        )
        for days in (15, 30, 45, 60)
    ),
    Indicator(
        key="days_since_proactive_communication",
        label="Days since the last proactive communication",
        category=Category.ENGAGEMENT,
        kind=Kind.LEADING,
        window_days=None,
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        action="Reach out to the account with something useful (a check-in call or a tip)",
        account=days_since_proactive,
        description="Communications are proactive unless their properties say direction=reactive. Without any "
        "in the inputs, the days the inputs cover (a floor).",
    ),
    Indicator(
        key="days_since_reactive_communication",
        label="Days since the last reactive communication",
        category=Category.ENGAGEMENT,
        kind=Kind.LEADING,
        window_days=None,
        unit="days",
        # The source article files it under engagement: a customer who reaches out is involved.
        direction=Direction.LOWER_IS_BETTER,
        action="Check in with the account: it has not reached out for a while",
        account=days_since_reactive,
        description="Reactive communications and support tickets opened.",
    ),
    Indicator(
        key="content_engagement_share",
        label="Contacts engaging with content (90d)",
        category=Category.ENGAGEMENT,
        kind=Kind.LEADING,
        window_days=90,
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        action="Send the account's users relevant educational content or a webinar invitation",
        account=content_engagement_share,
        description="Share of current contacts with a content event (marketing, educational, upsell).",
    ),
)
