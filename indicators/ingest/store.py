"""Storing events durably: insert (de-duplicated), rollups, recompute marks — one transaction.

Callers (the Segment API, the typed event API, the demo seeder) turn their input into NewEvent
rows and call ``events_store`` inside ``transaction.atomic()``; the request answers 2xx only
after that commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

import msgspec
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from accounts.models import Contact, Tenant
from accounts.zones import tenant_zone
from indicators.engine.calendar import local_day
from indicators.ingest import usage_days
from indicators.ingest.rollups import rollups_add
from indicators.ingest.rollups.deltas import EventFact
from indicators.ingest.signals import COMMERCIAL_MOVES, commercial_events_stored
from indicators.ingest.sql import insert_rows
from indicators.models import Event, EventMessage, EventType, Feature
from indicators.stale.marks import MARK_TARGET, MARK_UPDATE, accounts_mark_stale, hint_after_commit


@dataclass(frozen=True)
class NewEvent:
    message_id: str
    type: str
    name: str
    occurred_at: datetime
    source: str
    properties: dict = field(default_factory=dict)
    account_id: int | None = None
    contact_id: int | None = None
    user_id: str = ""
    anonymous_id: str = ""


@dataclass(frozen=True)
class Stored:
    inserted: list[NewEvent]
    duplicates: int
    touched_account_ids: set[int]


def events_store(*, tenant: Tenant, events: list[NewEvent], received_at: datetime | None = None) -> Stored:
    """Insert ``events`` (skipping message ids already stored), update rollups, mark accounts stale."""
    received_at = received_at or timezone.now()
    first_seen = {}
    for event in events:
        first_seen.setdefault(event.message_id, event)
    # Insert in message-id order: concurrent requests carrying the same ids then take their
    # index locks in one order and cannot deadlock each other.
    unique = sorted(first_seen.values(), key=lambda e: e.message_id)
    counted_as = _insert(tenant, unique, received_at) if unique else {}
    inserted = [e for e in unique if e.message_id in counted_as]
    # The insert already told the feature each known name counts for; only new names are registered.
    features = {e.name: counted_as[e.message_id] for e in inserted if counted_as[e.message_id]}
    usage_names = {e.name for e in inserted if e.type == EventType.USAGE}
    features.update(features_register(tenant=tenant, keys=usage_names - set(features)))
    facts = [
        EventFact(
            e.account_id, e.contact_id, e.occurred_at, e.type, features.get(e.name) if e.type == "usage" else None
        )
        for e in inserted
        if e.account_id is not None
    ]
    touched = rollups_add(tenant=tenant, facts=facts)
    # Last: the mark locks the account rows until the commit, and concurrent batches for them wait on it.
    contacts_seen_and_accounts_marked(tenant=tenant, events=inserted, account_ids=touched)
    moves = [e for e in inserted if e.type == EventType.COMMERCIAL and e.name in COMMERCIAL_MOVES and e.account_id]
    if moves:
        commercial_events_stored.send(sender=Event, tenant=tenant, events=sorted(moves, key=lambda e: e.occurred_at))
    return Stored(inserted=inserted, duplicates=len(events) - len(inserted), touched_account_ids=touched)


def contacts_seen_and_accounts_marked(*, tenant: Tenant, events: list[NewEvent], account_ids: set[int]) -> None:
    """``contacts_seen`` and ``accounts_mark_stale``; on PostgreSQL in one statement (one round trip)."""
    seen = usage_seen(usage_of(events), tenant_zone(tenant))
    if connection.vendor != "postgresql" or not seen or not account_ids:
        contacts_seen(tenant=tenant, seen=seen)
        accounts_mark_stale(tenant=tenant, account_ids=account_ids)
        return
    params = {"tenant": tenant.pk, "seen": _seen_json(seen), "ids": sorted(account_ids), "now": timezone.now()}
    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_SEEN_AND_MARK, params)
    hint_after_commit(tenant=tenant, account_ids=account_ids)


@dataclass
class Seen:
    """A contact's product usage in one batch."""

    first_at: datetime
    last_at: datetime
    days: set = field(default_factory=set)


def usage_of(events: list[NewEvent]) -> list[tuple[int, datetime]]:
    """(contact id, time) of the product usage among ``events`` that has a contact."""
    return [(e.contact_id, e.occurred_at) for e in events if e.contact_id and e.type == EventType.USAGE]


def usage_seen(usage: list[tuple[int, datetime]], zone: tzinfo = UTC) -> dict[int, Seen]:
    """{contact id: its usage}, its days in the tenant's calendar (``zone``)."""
    seen: dict[int, Seen] = {}
    for contact_id, at in usage:
        found = seen.get(contact_id)
        if found is None:
            found = seen[contact_id] = Seen(at, at)
        found.first_at, found.last_at = min(found.first_at, at), max(found.last_at, at)
        found.days.add(local_day(at, zone))
    return seen


def _seen_json(seen: dict[int, Seen]) -> str:
    rows = []
    for pk, usage in sorted(seen.items()):
        mask, to = usage_days.mask_of(usage.days)
        rows.append({"id": pk, "first_at": usage.first_at, "last_at": usage.last_at, "days": mask, "days_to": to})
    return _json(rows)


def contacts_seen(*, tenant: Tenant, seen: dict[int, Seen]) -> None:
    """Move the contacts' first and last seen times, and add the days of the usage just stored (``usage_seen``).

    Only the contact's own activity moves them: product usage that carries the contact (Segment ``track``,
    ``page`` and ``screen`` calls, the API's usage events), the activity adoption stages are computed from.
    Events someone else records about a contact never do: a CSM's call or email logged against them,
    relationship events (added, left, sponsor engaged), commercial moves and lifecycle milestones attributed
    to them, tickets, content and survey events. Nor does an event merely attributed to the account.
    """
    if not seen:
        return
    if connection.vendor == "postgresql":
        # One UPDATE of only the rows that change: no read, and no row lock on the others.
        with connection.cursor() as cursor:
            cursor.execute(CONTACTS_SEEN, {"tenant": tenant.pk, "seen": _seen_json(seen)})
        return
    contacts_seen_portable(tenant=tenant, seen=seen)


def contacts_seen_portable(*, tenant: Tenant, seen: dict[int, Seen]) -> None:
    """``contacts_seen`` on any database: read, merge, write back (SQLite has a single writer)."""
    changed = []
    fields = ["first_seen_at", "last_seen_at", "usage_days", "usage_days_to"]
    for contact in Contact.objects.for_tenant(tenant).filter(pk__in=seen).only(*fields):
        usage = seen[contact.pk]
        before = [getattr(contact, f) for f in fields]
        contact.first_seen_at = min(usage.first_at, contact.first_seen_at or usage.first_at)
        contact.last_seen_at = max(usage.last_at, contact.last_seen_at or usage.last_at)
        contact.usage_days, contact.usage_days_to = usage_days.mask_merged(
            contact.usage_days, contact.usage_days_to, *usage_days.mask_of(usage.days)
        )
        if [getattr(contact, f) for f in fields] != before:
            changed.append(contact)
    if changed:
        Contact.objects.for_tenant(tenant).bulk_update(changed, fields)


_DAYS = usage_days.sql_merged("c.usage_days", "c.usage_days_to", "s.days", "s.days_to")
CONTACTS_SEEN = f"""
UPDATE accounts_contact AS c
SET first_seen_at = LEAST(c.first_seen_at, s.first_at), last_seen_at = GREATEST(c.last_seen_at, s.last_at),
  usage_days = {_DAYS}, usage_days_to = GREATEST(c.usage_days_to, s.days_to)
FROM json_to_recordset(%(seen)s::json)
  AS s(id bigint, first_at timestamptz, last_at timestamptz, days bigint, days_to date)
WHERE c.tenant_id = %(tenant)s AND c.id = s.id
  AND (c.first_seen_at IS NULL OR c.first_seen_at > s.first_at OR c.last_seen_at IS NULL OR c.last_seen_at < s.last_at
       OR c.usage_days_to IS DISTINCT FROM GREATEST(c.usage_days_to, s.days_to) OR c.usage_days <> {_DAYS})
"""
# A data-modifying CTE runs to completion even though nothing reads it: both updates, one statement.
CONTACTS_SEEN_AND_MARK = f"WITH seen AS ({CONTACTS_SEEN}), {MARK_TARGET}{MARK_UPDATE}"


def features_register(*, tenant: Tenant, keys: set[str]) -> dict[str, str]:
    """Map event names to the feature key their usage counts for; unknown names register as non-core."""
    keys.discard("")
    if not keys:
        return {}
    counted = _counted_as(tenant, keys)
    missing = keys - set(counted)
    if missing:
        Feature.objects.for_tenant(tenant).bulk_create(
            [Feature(tenant=tenant, key=key, name=key[:200]) for key in sorted(missing)], ignore_conflicts=True
        )
        counted.update(_counted_as(tenant, missing))
    return counted


def _counted_as(tenant: Tenant, keys: set[str]) -> dict[str, str]:
    """{feature key: the key its usage counts for}, for the features among ``keys`` that exist."""
    rows = Feature.objects.for_tenant(tenant).filter(key__in=keys).values_list("key", "merged_into__key")
    return {key: merged_into or key for key, merged_into in rows}


def _insert(tenant: Tenant, events: list[NewEvent], received_at: datetime) -> dict[str, str | None]:
    """Claim each message id, insert the events of the ids claimed: {message id stored: the feature key its
    usage counts for}.

    The key is None for other types, for names not registered yet, and on databases other than PostgreSQL.
    """
    if connection.vendor == "postgresql":
        # The rows travel as one JSON document: a short, constant statement (its parse is cached
        # by the driver) with one parameter, instead of a VALUES list of 12 parameters a row.
        with connection.cursor() as cursor:
            cursor.execute(INSERT_EVENTS, {"tenant": tenant.pk, "received_at": received_at, "events": _json(events)})
            return dict(cursor.fetchall())
    return dict.fromkeys(_insert_portable(tenant, events, received_at))


# The claim and the insert in one statement. Each claim takes the event's id from the events' own
# sequence, so the claim can name the event before it exists, and the event keeps that id.
INSERT_EVENTS = """
WITH rows AS MATERIALIZED (
SELECT * FROM json_to_recordset(%(events)s::json) AS t(account_id bigint, contact_id bigint, user_id text,
  anonymous_id text, type text, name text, occurred_at timestamptz, properties jsonb, source text, message_id text)
), claimed AS (
INSERT INTO indicators_eventmessage (tenant_id, message_id, event_id, received_at)
SELECT %(tenant)s, message_id, nextval(pg_get_serial_sequence('indicators_event', 'id')), %(received_at)s
FROM rows ORDER BY message_id
ON CONFLICT (tenant_id, message_id) DO NOTHING
RETURNING message_id, event_id
), inserted AS (
INSERT INTO indicators_event (id, tenant_id, account_id, contact_id, user_id, anonymous_id, type, name,
  occurred_at, received_at, properties, source, message_id)
SELECT c.event_id, %(tenant)s, r.account_id, r.contact_id, r.user_id, r.anonymous_id, r.type, r.name,
  r.occurred_at, %(received_at)s, r.properties, r.source, r.message_id
FROM rows AS r JOIN claimed AS c USING (message_id)
RETURNING message_id, type, name
)
SELECT i.message_id, COALESCE(merged.key, f.key)
FROM inserted AS i
LEFT JOIN indicators_feature AS f ON i.type = 'usage' AND f.tenant_id = %(tenant)s AND f.key = i.name
LEFT JOIN indicators_feature AS merged ON merged.id = f.merged_into_id
"""


def _insert_portable(tenant: Tenant, events: list[NewEvent], received_at: datetime) -> list[str]:
    """``_insert`` on any database: claim, insert the claimed events, give each claim its event's id.

    SQLite has a single writer, so nothing can come between the three statements of the transaction.
    """
    claims = [{"tenant_id": tenant.pk, "message_id": e.message_id, "event_id": 0, "received_at": received_at}
              for e in events]  # fmt: skip
    claimed = set(insert_rows(EventMessage, claims, conflict=["tenant_id", "message_id"], returning="message_id"))
    rows = [
        {"tenant_id": tenant.pk, "account_id": e.account_id, "contact_id": e.contact_id, "user_id": e.user_id,
         "anonymous_id": e.anonymous_id, "type": e.type, "name": e.name, "occurred_at": e.occurred_at,
         "received_at": received_at, "properties": e.properties, "source": e.source, "message_id": e.message_id}
        for e in events
        if e.message_id in claimed
    ]  # fmt: skip
    stored = insert_rows(Event, rows, conflict=None, returning=("id", "message_id"))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE indicators_eventmessage SET event_id = %s WHERE tenant_id = %s AND message_id = %s",
            [(pk, tenant.pk, message_id) for pk, message_id in stored],
        )
    return [message_id for _, message_id in stored]


def _json(value) -> str:
    return msgspec.json.encode(value).decode()


def events_attribute(*, tenant: Tenant, user_id: str, account_id: int, contact_id: int | None) -> set[int]:
    """Give a user's not-yet-attributed events to the account a later ``group`` call linked them to.

    Returns the accounts whose rollups changed (that one, or none).
    """
    pending = Event.objects.for_tenant(tenant).filter(Q(user_id=user_id) & Q(account=None))
    # Locked, in id order: a concurrent attribution of the same user waits, then finds these rows
    # attributed (PostgreSQL re-checks the filter after the wait), so no event is counted twice.
    rows = list(pending.select_for_update().order_by("pk").values_list("pk", "occurred_at", "type", "name"))
    if not rows:
        return set()
    Event.objects.for_tenant(tenant).filter(pk__in=[r[0] for r in rows]).update(
        account_id=account_id, contact_id=contact_id
    )
    features = features_register(tenant=tenant, keys={name for _, _, t, name in rows if t == EventType.USAGE})
    facts = [
        EventFact(account_id, contact_id, at, t, features.get(name) if t == "usage" else None)
        for _, at, t, name in rows
    ]
    touched = rollups_add(tenant=tenant, facts=facts)
    accounts_mark_stale(tenant=tenant, account_ids=touched)
    if contact_id is not None:  # idempotent: usage the contact already counts (all but an alias's) changes nothing
        usage = [(contact_id, at) for _, at, t, _ in rows if t == EventType.USAGE]
        contacts_seen(tenant=tenant, seen=usage_seen(usage, tenant_zone(tenant)))
    return touched
