"""The per-account index: one pass over each input list, so every indicator reads small precomputed figures.

Days are counted as offsets back from ``as_of``'s day in the tenant's calendar (``calendar.py``): offset 0
is that day, and a window of N days holds offsets 0..N-1. Contact activity is kept as bit masks over
offsets (bit d set = active on day d), so distinct-contact counts over any window are a mask and a popcount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from indicators.engine.calendar import local_day
from indicators.engine.gut import gut_points
from indicators.engine.inputs import (
    EVENT_DAYS,
    SURVEY_DAYS,
    AccountFacts,
    AccountInputs,
    ContactFacts,
    SurveyAnswer,
    SurveyKind,
    TenantFacts,
)
from indicators.engine.nps import is_detractor

# (type, name) pairs that count as a high-value engagement.
HIGH_VALUE = frozenset(
    {
        ("communication", "meeting"),
        ("communication", "business_review"),
        ("relationship", "executive_sponsor_engaged"),
    }
)
# Non-usage event types by which a contact counts as engaged (leaving is not engaging).
ENGAGING_TYPES = frozenset({"communication", "content", "support", "survey"})
HIGH_SEVERITIES = frozenset({"high", "urgent"})
NEVER = 1 << 30  # an offset further back than any window


def window_mask(days: int, skip: int = 0) -> int:
    """Bits for offsets ``skip``..``skip + days - 1``."""
    return ((1 << days) - 1) << skip


class AccountIndex:
    """Small precomputed figures about one account at ``as_of``; built by ``build_index``, read by indicators."""

    def __init__(self, inputs: AccountInputs) -> None:
        self.as_of = inputs.as_of
        self.account: AccountFacts = inputs.account
        self.tenant: TenantFacts = inputs.tenant
        self.zone = inputs.tenant.zone
        self.today = local_day(inputs.as_of, self.zone)
        self._today_ordinal = self.today.toordinal()
        self._distinct: dict[tuple[int, int], int] = {}
        self._rows: dict[int, list] | None = None
        self.rollup_days = NEVER if inputs.rollups_since is None else (self.today - inputs.rollups_since).days + 1
        # Events are read over EVENT_DAYS before as_of at most, whatever was loaded: a back-filled point
        # loaded with a longer history sees what a live score at its moment sees, no further.
        self.events_from = as_of_horizon = inputs.as_of - timedelta(days=EVENT_DAYS)
        if inputs.events_since is not None and inputs.events_since > as_of_horizon:
            self.events_from = inputs.events_since
        self.events_days = self.offset(self.events_from)
        self._index_rollups(inputs)
        self._index_events(inputs)
        self._index_contacts(inputs)
        self._index_surveys(inputs)
        self.gut_points = gut_points(inputs.gut, inputs.as_of)
        self._views: dict[int, ContactView] = {}

    def _index_rollups(self, inputs: AccountInputs) -> None:
        today = self.today.toordinal()
        horizon = min(self.rollup_days, 366)
        self.daily_active = active = [0] * horizon
        self.daily_usage = usage = [0] * horizon
        self.features_30 = features = defaultdict(int)
        if inputs.activity is not None:
            folded = inputs.activity
            for daily, given in ((active, folded.active_users), (usage, folded.usage_events)):
                n = min(len(given), horizon)
                daily[:n] = given[:n]
            features.update(folded.features_30)
        for row in inputs.days:
            offset = today - row.day.toordinal()
            if 0 <= offset < horizon:
                active[offset] += row.active_users
                usage[offset] += row.usage_events
                if offset < 30:
                    for key, count in row.by_feature.items():
                        features[key] += count
        self.usage_masks = masks = defaultdict(int, inputs.contact_usage or {})
        for row in inputs.contact_days:
            if row.usage_events and (offset := today - row.day.toordinal()) >= 0:
                masks[row.contact_id] |= 1 << offset
        self._contact_days = inputs.contact_days  # grouped by contact only if contacts are evaluated
        self._masks_only = inputs.contact_usage is not None

    def offset(self, moment: datetime) -> int:
        """Days back from as_of's day to ``moment``'s, in the tenant's calendar (0: the same day)."""
        return self._today_ordinal - local_day(moment, self.zone).toordinal()

    def _index_events(self, inputs: AccountInputs) -> None:
        as_of, offset_of = self.as_of, self.offset
        sponsor = self.account.executive_sponsor_id
        self.last_proactive = self.last_reactive = self.last_sponsor = NEVER
        self.first_value_at = self.account.first_value_at
        self.ticket_offsets: list[int] = []
        self.high_severity_tickets: list[int] = []
        self.commercial: dict[str, list[int]] = defaultdict(list)
        self.content_contacts_90: set[int] = set()
        self.left: dict[int, datetime] = {}
        engaged = defaultdict(int)
        high_value: dict[datetime, int] = {}  # by time: a sponsor joining a meeting is one engagement, not two
        escalated: dict[Any, datetime] = {}
        closed: dict[Any, datetime] = {}
        for event in inputs.events:
            at = event.occurred_at
            if at > as_of or at < self.events_from:
                continue
            offset = offset_of(at)
            kind, name, contact = event.type, event.name, event.contact_id
            if (kind, name) in HIGH_VALUE:
                high_value[at] = offset
            if contact is not None and (kind in ENGAGING_TYPES or name == "executive_sponsor_engaged"):
                engaged[contact] |= 1 << offset
                if contact == sponsor and kind == "communication" and offset < self.last_sponsor:
                    self.last_sponsor = offset
            if kind == "communication":
                if event.properties.get("direction") == "reactive":
                    self.last_reactive = min(self.last_reactive, offset)
                else:  # communications are proactive unless said otherwise
                    self.last_proactive = min(self.last_proactive, offset)
            elif kind == "support":
                ticket = event.properties.get("ticket_id") or id(event)
                if name == "ticket_opened":
                    self.last_reactive = min(self.last_reactive, offset)
                    self.ticket_offsets.append(offset)
                    if event.properties.get("severity") in HIGH_SEVERITIES:
                        self.high_severity_tickets.append(offset)
                elif name == "ticket_escalated":
                    escalated[ticket] = max(at, escalated.get(ticket, at))
                elif name == "ticket_closed":
                    closed[ticket] = max(at, closed.get(ticket, at))
            elif kind == "content":
                if contact is not None and offset < 90:
                    self.content_contacts_90.add(contact)
            elif kind == "commercial":
                self.commercial[name].append(offset)
            elif kind == "relationship":
                if name == "executive_sponsor_engaged":
                    self.last_sponsor = min(self.last_sponsor, offset)
                elif name in ("contact_left", "champion_left") and contact is not None:
                    self.left[contact] = at
            elif kind == "lifecycle" and name == "first_value_reached":
                self.first_value_at = at if self.first_value_at is None else min(self.first_value_at, at)
        self.high_value_offsets = sorted(high_value.values())
        # Open: escalated and not closed since (a ticket closed, then escalated again, is open again).
        self.escalations_open = sum(1 for t, at in escalated.items() if t not in closed or closed[t] < at)
        self.engaged_masks = engaged

    def _index_contacts(self, inputs: AccountInputs) -> None:
        as_of = self.as_of
        self.contacts: dict[int, ContactFacts] = {}
        departures = dict(self.left)  # contact -> when they left, by as_of
        for contact in inputs.contacts:
            left_at = contact.left_at or self.left.get(contact.id)
            if left_at is not None and left_at <= as_of:
                departures[contact.id] = left_at
                continue
            if contact.first_seen_at is not None and contact.first_seen_at > as_of:
                continue
            self.contacts[contact.id] = contact
        self.departed: set[int] = set(departures)
        # Someone who left stops counting as active or engaged from the day they left; their days before
        # still count (a champion's leaving shows as a fall of the active users, not as a rewritten past).
        for contact_id, left_at in departures.items():
            kept = ~((1 << (max(self.offset(left_at), -1) + 1)) - 1)
            for masks in (self.usage_masks, self.engaged_masks):
                if contact_id in masks:
                    masks[contact_id] &= kept
        for contact_id, mask in self.usage_masks.items():
            self.engaged_masks[contact_id] |= mask

    def _index_surveys(self, inputs: AccountInputs) -> None:
        self.surveys_available = inputs.surveys is not None
        self.nps_latest: dict[object, tuple[datetime, int]] = {}
        self.post_sale_answers: list[tuple[int | None, datetime, int]] = []
        self.onboarding_answers: list[tuple[int | None, datetime, int]] = []
        self.detractor_offsets: list[int] = []
        if inputs.surveys is None:
            return
        as_of = self.as_of
        for n, answer in enumerate(_answers_known_at(inputs.surveys.answers(), as_of)):
            at = answer.answered_at
            offset = self.offset(at)
            kind, score = answer.kind, answer.score
            if kind == SurveyKind.ONBOARDING:
                self.onboarding_answers.append((answer.contact_id, at, score))
                continue
            if offset >= SURVEY_DAYS:
                continue
            if is_detractor(score):  # post-sale answers too: the same 0-10 scale
                self.detractor_offsets.append(offset)
            if kind == SurveyKind.NPS:
                key = answer.contact_id if answer.contact_id is not None else ("anonymous", n)
                if key not in self.nps_latest or self.nps_latest[key][0] < at:
                    self.nps_latest[key] = (at, score)
            elif kind == SurveyKind.POST_SALE:
                self.post_sale_answers.append((answer.contact_id, at, score))

    # Helpers indicators share.

    def covers_rollups(self, days: int) -> bool:
        return self.rollup_days >= days

    def covers_events(self, days: int) -> bool:
        return self.events_days + 1 >= days

    def distinct_users(self, days: int, skip: int = 0) -> int:
        """Contacts with usage on any day of the window (remembered: several indicators ask the same)."""
        found = self._distinct.get((days, skip))
        if found is None:
            mask = window_mask(days, skip)
            found = self._distinct[days, skip] = sum(1 for m in self.usage_masks.values() if m & mask)
        return found

    def contact_rows(self, contact_id: int) -> list:
        """(offset, rollup) pairs of one contact's usage days."""
        if self._masks_only:
            raise ValueError("Contact-level indicators need contact_days, not contact_usage masks.")
        if self._rows is None:
            today, self._rows = self.today.toordinal(), defaultdict(list)
            for row in self._contact_days:
                offset = today - row.day.toordinal()
                if offset >= 0 and row.usage_events:
                    self._rows[row.contact_id].append((offset, row))
        return self._rows.get(contact_id, [])

    def days_since(self, offset: int) -> float | None:
        """Days since an event at ``offset``; None when there was none: "never" is no data, not a number of days
        (a scorecard may still say how to score it: ``Measure.no_data_points``)."""
        return None if offset == NEVER else float(offset)

    def contact_view(self, contact_id: int) -> ContactView:
        view = self._views.get(contact_id)
        if view is None:
            view = self._views[contact_id] = ContactView(self, self.contacts[contact_id])
        return view


class ContactView:
    """One contact's figures, built on first use from the account index."""

    __slots__ = ("facts", "features_30", "index", "last_usage", "mask", "usage_30", "usage_prev_30")

    def __init__(self, index: AccountIndex, facts: ContactFacts) -> None:
        self.index, self.facts = index, facts
        self.mask = mask = index.usage_masks.get(facts.id, 0)
        self.last_usage = (mask & -mask).bit_length() - 1 if mask else NEVER  # the lowest bit set
        self.usage_30 = self.usage_prev_30 = 0
        self.features_30: dict[str, int] = defaultdict(int)
        for offset, row in index.contact_rows(facts.id):
            if offset < 30:
                self.usage_30 += row.usage_events
                for key, count in row.by_feature.items():
                    self.features_30[key] += count
            elif offset < 60:
                self.usage_prev_30 += row.usage_events

    def active_days(self, days: int, skip: int = 0) -> int:
        return (self.mask & window_mask(days, skip)).bit_count()

    def days_since_usage(self) -> int | None:
        """From the rollups; before them, from ``last_seen_at``; None if the contact never used the product."""
        if self.last_usage != NEVER:
            return self.last_usage
        seen = self.facts.last_seen_at
        return None if seen is None else max(self.index.offset(seen), 0)


def _answers_known_at(answers: Iterable[SurveyAnswer], as_of: datetime) -> list[SurveyAnswer]:
    """The answers given by ``as_of``, each response as its latest version known then (not an amendment
    made later: history reads what was known at its moment)."""
    known, versions = [], {}
    for answer in answers:
        given = answer.known_at or answer.answered_at
        if answer.answered_at > as_of or given > as_of:
            continue
        if answer.response_id is None:
            known.append(answer)
        elif (seen := versions.get(answer.response_id)) is None or (seen.known_at or seen.answered_at) <= given:
            versions[answer.response_id] = answer
    return known + list(versions.values())


def build_index(inputs: AccountInputs) -> AccountIndex:
    """Index one account's inputs once; every indicator then reads the index."""
    return AccountIndex(inputs)
