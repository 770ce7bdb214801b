"""Who may be asked now, and if not, why: pure rules over facts the services load.

Days are counted as calendar days in the tenant's time zone: a contact surveyed on 1 March (local) is
"surveyed 90 days ago" on 30 May whatever the hour, and may be asked again that day when the interval is
90 days. The account budget counts the distinct other contacts of the account surveyed (or scheduled)
within the last ``window_days`` local days, today included.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

EMAIL = "email"


@dataclass(frozen=True, kw_only=True)
class Policy:
    interval_days: int
    max_per_account: int
    account_window_days: int
    time_zone: str = "UTC"


@dataclass(frozen=True, kw_only=True)
class ContactFacts:
    """What the rules need to know about one contact, at one moment."""

    has_account: bool
    email: str
    unsubscribed_at: datetime | None = None
    last_surveyed_at: datetime | None = None  # latest send sent, or answer recorded, on any survey or channel
    pending_send_at: datetime | None = None  # an invitation already scheduled and not yet sent
    # When each *other* contact of the account was last surveyed or scheduled (one moment per contact).
    account_surveyed_at: tuple[datetime, ...] = ()
    audience_mismatch: tuple[str, ...] = ()  # why the contact is outside the survey's audience, if it is


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"eligible": self.eligible, "reasons": list(self.reasons)}


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def days_between(earlier: datetime, later: datetime, time_zone: str) -> int:
    """Calendar days from ``earlier`` to ``later`` in the tenant's time zone."""
    return (local_date(later, time_zone) - local_date(earlier, time_zone)).days


def eligibility(*, facts: ContactFacts, policy: Policy, channel: str, now: datetime) -> Eligibility:
    """Whether the contact would be asked now through ``channel``, with every reason against it."""
    reasons: list[str] = list(facts.audience_mismatch)
    tz = policy.time_zone
    if not facts.has_account:
        reasons.append("not linked to an account")
    if facts.unsubscribed_at is not None:
        reasons.append(f"unsubscribed on {local_date(facts.unsubscribed_at, tz):%Y-%m-%d}")
    if channel == EMAIL and not facts.email.strip():
        reasons.append("has no email address")
    if facts.pending_send_at is not None:
        reasons.append(f"an invitation is already scheduled for {local_date(facts.pending_send_at, tz):%Y-%m-%d}")
    if facts.last_surveyed_at is not None:
        ago = days_between(facts.last_surveyed_at, now, tz)
        if ago < policy.interval_days:
            when = "today" if ago <= 0 else f"{_days(ago)} ago"
            reasons.append(f"surveyed {when} (interval {policy.interval_days} days)")
    used = sum(1 for at in facts.account_surveyed_at if days_between(at, now, tz) < policy.account_window_days)
    if facts.has_account and used >= policy.max_per_account:
        reasons.append(f"account budget of {policy.max_per_account} per {policy.account_window_days} days used")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
