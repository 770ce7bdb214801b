"""Storing events durably: insert (de-duplicated), rollups, recompute marks — one transaction.

Callers (the Segment API, the typed event API, the demo seeder) turn their input into NewEvent
rows and call ``events_store`` inside ``transaction.atomic()``; the request answers 2xx only
after that commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Contact, Tenant
from indicators.ingest.rollups import EventFact, rollups_add
from indicators.ingest.sql import insert_rows
from indicators.models import Event, EventType, Feature


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
    """Insert ``events`` (skipping message ids already stored), update rollups, mark accounts."""
    received_at = received_at or timezone.now()
    first_seen = {}
    for event in events:
        first_seen.setdefault(event.message_id, event)
    # Insert in message-id order: concurrent requests carrying the same ids then take their
    # index locks in one order and cannot deadlock each other.
    unique = sorted(first_seen.values(), key=lambda e: e.message_id)
    inserted_ids = _insert(tenant, unique, received_at) if unique else set()
    inserted = [e for e in unique if e.message_id in inserted_ids]
    features = features_register(tenant=tenant, keys={e.name for e in inserted if e.type == EventType.USAGE})
    facts = [
        EventFact(
            e.account_id, e.contact_id, e.occurred_at, e.type, features.get(e.name) if e.type == "usage" else None
        )
        for e in inserted
        if e.account_id is not None
    ]
    touched = rollups_add(tenant=tenant, facts=facts)
    accounts_mark_for_recompute(tenant=tenant, account_ids=touched)
    contacts_seen(tenant=tenant, events=inserted)
    return Stored(inserted=inserted, duplicates=len(events) - len(inserted), touched_account_ids=touched)


def accounts_mark_for_recompute(*, tenant: Tenant, account_ids: set[int]) -> None:
    if account_ids:
        Account.objects.for_tenant(tenant).filter(pk__in=account_ids, needs_recompute_since=None).update(
            needs_recompute_since=timezone.now()
        )


def contacts_seen(*, tenant: Tenant, events: list[NewEvent]) -> None:
    """Move the contacts' first and last seen times to cover the product usage just stored."""
    spans: dict[int, tuple[datetime, datetime]] = {}
    for event in events:
        if event.contact_id and event.type == EventType.USAGE:
            first, last = spans.get(event.contact_id, (event.occurred_at, event.occurred_at))
            spans[event.contact_id] = (min(first, event.occurred_at), max(last, event.occurred_at))
    if not spans:
        return
    changed = []
    for contact in Contact.objects.for_tenant(tenant).filter(pk__in=spans).only("first_seen_at", "last_seen_at"):
        first, last = spans[contact.pk]
        if contact.first_seen_at is None or first < contact.first_seen_at or last > (contact.last_seen_at or last):
            contact.first_seen_at = min(first, contact.first_seen_at or first)
            contact.last_seen_at = max(last, contact.last_seen_at or last)
            changed.append(contact)
    if changed:
        Contact.objects.for_tenant(tenant).bulk_update(changed, ["first_seen_at", "last_seen_at"])


def features_register(*, tenant: Tenant, keys: set[str]) -> dict[str, str]:
    """Map event names to the feature key their usage counts for; unknown names register as non-core."""
    keys.discard("")
    if not keys:
        return {}
    found = {f.key: f for f in Feature.objects.for_tenant(tenant).filter(key__in=keys).select_related("merged_into")}
    missing = keys - set(found)
    if missing:
        Feature.objects.for_tenant(tenant).bulk_create(
            [Feature(tenant=tenant, key=key, name=key[:200]) for key in sorted(missing)], ignore_conflicts=True
        )
        found.update({f.key: f for f in Feature.objects.for_tenant(tenant).filter(key__in=missing)})
    return {key: (f.merged_into.key if f.merged_into_id else key) for key, f in found.items()}


def _insert(tenant: Tenant, events: list[NewEvent], received_at: datetime) -> set[str]:
    """One multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING: the message ids actually stored."""
    rows = [
        {"tenant_id": tenant.pk, "account_id": e.account_id, "contact_id": e.contact_id, "user_id": e.user_id,
         "anonymous_id": e.anonymous_id, "type": e.type, "name": e.name, "occurred_at": e.occurred_at,
         "received_at": received_at, "properties": e.properties, "source": e.source, "message_id": e.message_id}
        for e in events
    ]  # fmt: skip
    return set(insert_rows(Event, rows, conflict=["tenant_id", "message_id"], update=False, returning="message_id"))


def events_attribute(*, tenant: Tenant, user_id: str, account_id: int, contact_id: int | None) -> int:
    """Give a user's not-yet-attributed events to the account a later ``group`` call linked them to."""
    pending = Event.objects.for_tenant(tenant).filter(Q(user_id=user_id) & Q(account=None))
    rows = list(pending.values_list("pk", "occurred_at", "type", "name"))
    if not rows:
        return 0
    Event.objects.for_tenant(tenant).filter(pk__in=[r[0] for r in rows]).update(
        account_id=account_id, contact_id=contact_id
    )
    features = features_register(tenant=tenant, keys={name for _, _, t, name in rows if t == EventType.USAGE})
    facts = [
        EventFact(account_id, contact_id, at, t, features.get(name) if t == "usage" else None)
        for _, at, t, name in rows
    ]
    accounts_mark_for_recompute(tenant=tenant, account_ids=rollups_add(tenant=tenant, facts=facts))
    return len(rows)
