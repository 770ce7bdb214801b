"""The timeline in pages of the tenant's days, newest first: a page is ``PAGE_DAYS`` days before a date.

``before`` is the first day a page leaves out (default: tomorrow, so the first page ends today; never later).
A page holds at most ``PAGE_ENTRIES`` entries: when its days hold more, it ends at the oldest day it shows in
full and the next page starts from the day it cut. The next page's ``before`` skips the empty days between
(one LIMIT 1 read per source finds the newest entry before the page), so a quiet account is not paged through
empty months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Account, Tenant
from accounts.zones import tenant_zone
from workspace.timeline.entries import Entry, Window
from workspace.timeline.registry import timeline_entries

PAGE_DAYS = 30
PAGE_ENTRIES = 200
RECENT_DAYS = 365  # the account page's latest entries are looked for in the last year
BEGINNING = date(1970, 1, 1)  # before anything a tenant records


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    first_day: date  # the days the page covers, in the tenant's calendar
    last_day: date
    older_before: date | None  # the ``before`` of the next (older) page; None: nothing older
    cut: bool  # the page's days held more entries than it shows (the rest are on the next page)


def tenant_today(tenant: Tenant) -> date:
    return timezone.now().astimezone(tenant_zone(tenant)).date()


def timeline_recent(*, tenant: Tenant, account: Account, limit: int) -> list[Entry]:
    """The account's ``limit`` newest entries of the last ``RECENT_DAYS`` days (for its page's section)."""
    today = tenant_today(tenant)
    window = Window(today - timedelta(days=RECENT_DAYS - 1), today, tenant_zone(tenant), limit)
    return timeline_entries(tenant=tenant, account=account, window=window)


def timeline_page(
    *, tenant: Tenant, account: Account, kinds: list[str] | None = None, before: date | None = None
) -> TimelinePage:
    zone, today = tenant_zone(tenant), tenant_today(tenant)
    last_day = today if before is None else min(before - timedelta(days=1), today)
    first_day = last_day - timedelta(days=PAGE_DAYS - 1)
    window = Window(first_day, last_day, zone, PAGE_ENTRIES + 1)
    entries = timeline_entries(tenant=tenant, account=account, window=window, kinds=kinds)
    if len(entries) > PAGE_ENTRIES:
        entries = entries[:PAGE_ENTRIES]
        oldest = window.local(entries[-1].at).date()
        newest = window.local(entries[0].at).date()
        if oldest < newest:  # end the page at the oldest day it can show in full
            entries = [e for e in entries if window.local(e.at).date() > oldest]
            return TimelinePage(entries, oldest + timedelta(days=1), last_day, oldest + timedelta(days=1), True)
        # One day holds more than a page: show its newest, go on with the day before.
        return TimelinePage(entries, oldest, last_day, oldest, True)
    return TimelinePage(entries, first_day, last_day, _older_before(tenant, account, kinds, first_day), False)


def _older_before(tenant: Tenant, account: Account, kinds: list[str] | None, first_day: date) -> date | None:
    """The ``before`` of the page that starts at the newest entry before ``first_day`` (None: there is none)."""
    if first_day <= BEGINNING:
        return None
    earlier = Window(BEGINNING, first_day - timedelta(days=1), tenant_zone(tenant), 1)
    found = timeline_entries(tenant=tenant, account=account, window=earlier, kinds=kinds)
    return earlier.local(found[0].at).date() + timedelta(days=1) if found else None
