"""Bulk-loading engine inputs for a chunk of accounts: a fixed number of queries, whatever the chunk size."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import msgspec
from django.db import connection
from django.db.models import Case, DateTimeField, F, TextField, Value, When
from django.db.models.functions import Cast

from accounts.lookups import id_array
from accounts.models import Account, Contact, Tenant
from accounts.zones import tenant_zone
from indicators import engine
from indicators.engine.calendar import local_day
from indicators.ingest import usage_days
from indicators.models import AccountDay, ContactDay, Event, EventType, Feature, GutRead, Product
from indicators.scoring.surveys_source import survey_answers_load


def tenant_facts(tenant: Tenant) -> engine.TenantFacts:
    features = dict(Feature.objects.for_tenant(tenant).filter(merged_into=None).values_list("key", "is_core_value"))
    return engine.TenantFacts(
        features=features, products_in_catalogue=Product.objects.for_tenant(tenant).count(), zone=tenant_zone(tenant)
    )


def inputs_load(
    *,
    tenant: Tenant,
    account_ids: list[int],
    as_of: datetime,
    history_from: datetime | None = None,
    facts: engine.TenantFacts | None = None,
    contact_days: bool = False,
) -> dict[int, engine.AccountInputs]:
    """Inputs for each account at ``as_of``; ``history_from`` loads further back (for back-filled history).

    Contacts' activity comes as one usage mask per contact (all the account's score reads), as kept on the
    contact by ingestion, or for an ``as_of`` long past aggregated from the daily rollups by the database;
    unless ``contact_days`` asks for their daily rows (contact-level indicators) or ``history_from`` asks
    for a period (the masks count days back from ``as_of`` only).
    """
    start = history_from or as_of
    facts = facts or tenant_facts(tenant)
    rollups_since = local_day(start, facts.zone) - timedelta(days=engine.ROLLUP_DAYS)
    events_since = start - timedelta(days=engine.EVENT_DAYS)
    accounts = Account.objects.for_tenant(tenant).filter(pk__one_of=account_ids).values_list("pk", *ACCOUNT_FACTS)
    # Rows come as tuples of the columns the engine reads, JSON as text decoded by msgspec: building model
    # instances and Django's per-row JSON converters cost far more than the queries (bench/recompute.py).
    decode = msgspec.json.decode
    rows_wanted = contact_days or history_from is not None
    # Only contact-level indicators read last_seen_at; not loading it halves the datetimes Django's
    # (pure-Python) timestamptz loader parses for the account's score.
    last_seen = Value(None, output_field=DateTimeField()) if not contact_days else F("last_seen_at")
    contacts = defaultdict(list)
    today = local_day(as_of, facts.zone)
    usage_window = (today - rollups_since).days + 1
    # The usage masks kept on the contacts, seen from as_of (unless one of them can't tell: as_of long past).
    contact_usage, masks_stale = None if rows_wanted else defaultdict(dict), False
    for account_id, pk, executive, decision_maker, champion, advocate, reports_to_id, first, last, mask, mask_to in (
        Contact.objects.for_tenant(tenant).filter(account_id__one_of=account_ids).values_list(
            "account_id", "pk", "is_executive", "is_decision_maker", "is_champion", "is_advocate", "reports_to_id",
            "first_seen_at", last_seen, "usage_days", "usage_days_to",
        )
    ):  # fmt: skip
        if contact_usage is not None:
            seen = usage_days.mask_on(mask, mask_to, today, usage_window)
            masks_stale |= seen is None
            if seen:
                contact_usage[account_id][pk] = seen
        contacts[account_id].append(
            engine.ContactFacts(
                id=pk, is_executive=executive, is_decision_maker=decision_maker, is_champion=champion,
                is_advocate=advocate, reports_to_id=reports_to_id, first_seen_at=first, last_seen_at=last,
            )
        )  # fmt: skip
    days, activity = _account_days_load(tenant, account_ids, rollups_since, today, folded=not rows_wanted)
    contact_rows = defaultdict(list)
    if rows_wanted:
        for account_id, contact_id, day, usage, by_feature in (
            ContactDay.objects.for_tenant(tenant).filter(account_id__one_of=account_ids, day__gte=rollups_since)
            .values_list("account_id", "contact_id", "day", "usage_events", _text("by_feature"))
        ):  # fmt: skip
            contact_rows[account_id].append(
                engine.ContactDayRollup(contact_id=contact_id, day=day, usage_events=usage,
                                        by_feature=decode(by_feature))
            )  # fmt: skip
    elif masks_stale:
        contact_usage = defaultdict(dict)
        for account_id, contact_id, mask in contact_usage_masks(tenant, account_ids, rollups_since, today):
            contact_usage[account_id][contact_id] = mask
    events = defaultdict(list)
    recent = Event.objects.for_tenant(tenant).filter(account_id__one_of=account_ids, occurred_at__gte=events_since)
    for account_id, type_, name, at, contact_id, properties in recent.exclude(type=EventType.USAGE).values_list(
        "account_id", "type", "name", "occurred_at", "contact_id", _text("properties")
    ):
        events[account_id].append(
            engine.EventRecord(type=type_, name=name, occurred_at=at, contact_id=contact_id,
                               properties=decode(properties))
        )  # fmt: skip
    gut = gut_reads_load(tenant=tenant, account_ids=account_ids, as_of=as_of)
    survey_since = start - timedelta(days=engine.SURVEY_DAYS)
    surveys = survey_answers_load(tenant=tenant, account_ids=account_ids, since=survey_since)
    return {
        pk: engine.AccountInputs(
            as_of=as_of,
            account=engine.AccountFacts(**dict(zip(ACCOUNT_FACTS, row, strict=True))),
            tenant=facts,
            contacts=tuple(contacts[pk]),
            days=tuple(days[pk]),
            activity=activity.get(pk),
            contact_days=tuple(contact_rows[pk]),
            contact_usage=None if contact_usage is None else contact_usage[pk],
            events=tuple(events[pk]),
            rollups_since=rollups_since,
            events_since=events_since,
            gut=gut.get(pk),
            surveys=surveys[pk],
        )
        for pk, *row in accounts
    }


# The Account columns the engine reads, named as AccountFacts' fields.
ACCOUNT_FACTS = (
    "licenses", "lifecycle_stage", "onboarding_started_on", "onboarding_completed_on", "objectives_documented",
    "contract_start_on", "renewal_on", "executive_sponsor_id",
)  # fmt: skip


def _account_days_load(tenant: Tenant, account_ids: list[int], since, today, *, folded: bool):
    """The accounts' daily rollups since ``since``: as rows ({account: [DayRollup]}, {}), or, when ``folded``,
    summed by day offset back from ``today`` (as_of's day) as they are read ({}, {account: DailyActivity}).

    Feature counts are read over the last 30 days only (of each moment of a back-filled period); counts by
    event type are not read by any indicator, so neither travels for the days nobody reads.
    """
    if folded and connection.vendor == "postgresql":
        return defaultdict(list), _daily_activity_postgresql(tenant, account_ids, since, today)
    features_from = today - timedelta(days=29) if folded else since
    decode = msgspec.json.decode
    rows = AccountDay.objects.for_tenant(tenant).filter(account_id__one_of=account_ids, day__gte=since).values_list(
        "account_id", "day", "events", "usage_events", "active_users",
        Case(When(day__gte=features_from, then=_text("by_feature")), default=Value("{}"), output_field=TextField()),
    )  # fmt: skip
    days, activity = defaultdict(list), {}
    if not folded:
        for account_id, day, n, usage, active, by_feature in rows:
            rollup = engine.DayRollup(day=day, events=n, usage_events=usage, active_users=active,
                                      by_feature=decode(by_feature))  # fmt: skip
            days[account_id].append(rollup)
        return days, activity
    # Folding here skips a DayRollup per row and the index's own pass over them: most of a score's load.
    horizon, ordinal = (today - since).days + 1, today.toordinal()
    sums = defaultdict(lambda: ([0] * horizon, [0] * horizon, defaultdict(int)))
    for account_id, day, _, usage, active, by_feature in rows:
        offset = ordinal - day.toordinal()
        if 0 <= offset < horizon:
            active_users, usage_events, features = sums[account_id]
            active_users[offset] += active
            usage_events[offset] += usage
            if offset < 30 and len(by_feature) > 2:
                for key, count in decode(by_feature).items():
                    features[key] += count
    for account_id, (active_users, usage_events, features) in sums.items():
        activity[account_id] = engine.DailyActivity(
            active_users=active_users, usage_events=usage_events, features_30=features
        )
    return days, activity


DAILY_ACTIVITY = """
SELECT account_id, array_agg(%(today)s::date - day), array_agg(active_users), array_agg(usage_events),
       json_agg(by_feature) FILTER (WHERE day > %(today)s::date - 30 AND by_feature <> '{}'::jsonb)::text
FROM indicators_accountday
WHERE tenant_id = %(tenant)s AND account_id = ANY(%(ids)s::bigint[]) AND day BETWEEN %(since)s AND %(today)s
GROUP BY account_id
"""


def _daily_activity_postgresql(tenant: Tenant, account_ids: list[int], since, today) -> dict[int, engine.DailyActivity]:
    """The folded daily activity, one row per account: the database groups the days into arrays, which cost
    far less to fetch than a row per day (the loop over those rows was most of a score's Python time)."""
    horizon = (today - since).days + 1
    params = {"tenant": tenant.pk, "ids": id_array(account_ids), "since": since, "today": today}
    with connection.cursor() as cursor:
        cursor.execute(DAILY_ACTIVITY, params)
        rows = cursor.fetchall()
    decode, activity = msgspec.json.decode, {}
    for account_id, offsets, active, usage, features_by_day in rows:
        active_users, usage_events, features = [0] * horizon, [0] * horizon, defaultdict(int)
        for offset, users, events in zip(offsets, active, usage, strict=True):
            active_users[offset], usage_events[offset] = users, events  # one row per account and day
        for day_features in decode(features_by_day) if features_by_day else ():
            for key, count in day_features.items():
                features[key] += count
        activity[account_id] = engine.DailyActivity(
            active_users=active_users, usage_events=usage_events, features_30=features
        )
    return activity


CONTACT_USAGE_MASKS = """
SELECT account_id, contact_id, bit_or(1::bigint << (%(today)s::date - day))
FROM indicators_contactday
WHERE tenant_id = %(tenant)s AND account_id = ANY(%(ids)s::bigint[]) AND day BETWEEN %(since)s AND %(today)s
  AND usage_events > 0
GROUP BY account_id, contact_id
"""


def contact_usage_masks(tenant: Tenant, account_ids: list[int], since, today) -> list[tuple[int, int, int]]:
    """(account id, contact id, mask): bit d set when the contact used the product d days before ``today``."""
    if connection.vendor == "postgresql":
        # One row per contact instead of one per contact-day: the database folds the days into a bigint
        # (ROLLUP_DAYS keeps every offset below 63).
        with connection.cursor() as cursor:
            params = {"tenant": tenant.pk, "ids": id_array(account_ids), "since": since, "today": today}
            cursor.execute(CONTACT_USAGE_MASKS, params)
            return cursor.fetchall()
    masks: dict[tuple[int, int], int] = defaultdict(int)
    rows = ContactDay.objects.for_tenant(tenant).filter(
        account_id__one_of=account_ids, day__gte=since, day__lte=today, usage_events__gt=0
    )
    for account_id, contact_id, day in rows.values_list("account_id", "contact_id", "day"):
        masks[account_id, contact_id] |= 1 << (today - day).days
    return [(a, c, m) for (a, c), m in masks.items()]


def _text(field: str) -> Cast:
    """A JSON column read as text, for msgspec to decode."""
    return Cast(field, TextField())


def gut_reads_load(*, tenant: Tenant, account_ids: list[int], as_of: datetime) -> dict[int, engine.GutRead]:
    """Each account's latest gut read set by ``as_of`` (one query); the engine ignores it once expired."""
    latest: dict[int, engine.GutRead] = {}
    reads = GutRead.objects.for_tenant(tenant).filter(account_id__one_of=account_ids, set_at__lte=as_of)
    # Newest first, so the first read seen for an account is its current one: a newer read replaces an older one.
    for account_id, level, note, expires_at, set_at in reads.order_by("account_id", "-set_at", "-pk").values_list(
        "account_id", "level", "note", "expires_at", "set_at"
    ):
        if account_id not in latest:
            latest[account_id] = engine.GutRead(level=level, expires_at=expires_at, recorded_at=set_at, note=note)
    return latest
