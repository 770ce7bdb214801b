"""Applying Segment messages: identify/group/alias shape contacts and accounts; track/page/screen are events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.json_values import text_problem
from accounts.models import Contact, Tenant
from indicators.ingest.identities import ContactRef, Identities
from indicators.ingest.messages import PAYLOAD_KEPT, Record, Rejection
from indicators.ingest.replays import APPLIED_ONCE, message_unclaim, messages_claim
from indicators.ingest.retry import with_deadlock_retry
from indicators.ingest.store import NewEvent, events_attribute, events_store
from indicators.models import Event, EventSource, EventType, IngestionError

SOURCE = EventSource.SEGMENT.value


@dataclass(frozen=True)
class Receipt:
    accepted: int
    duplicates: int
    rejected: list[Rejection]
    touched_account_ids: set[int]

    def as_json(self) -> dict:
        return {
            "success": self.accepted > 0 or not self.rejected,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [{"index": r.index, "messageId": r.message_id, "reason": r.reason} for r in self.rejected],
        }


def segment_ingest(
    *, tenant: Tenant, records: list[Record], rejected: list[Rejection], received_at: datetime
) -> Receipt:
    """Apply a decoded request in one transaction; rejected messages go to the ingestion-error log."""
    return with_deadlock_retry(partial(_ingest, tenant, records, rejected, received_at))


def _ingest(tenant: Tenant, records: list[Record], rejected: list[Rejection], received_at: datetime) -> Receipt:
    with transaction.atomic():
        applying = _not_replayed(tenant, records, received_at)
        replayed = len(records) - len(applying)
        people = Identities(tenant, applying)
        events: list[NewEvent] = []
        attribute: list[tuple[str, int, ContactRef]] = []
        aliases: list[Record] = []
        refused: list[Rejection] = []  # valid messages that cannot be applied to what is stored
        for record in applying:
            if record.type == "identify":
                if record.user_id:  # an anonymous visitor's traits are not kept: there is no contact yet
                    people.contact(record.user_id, record.contact_fields)
            elif record.type == "group":
                try:
                    account_id = people.account(record.group_id, record.account_fields)
                except ValueError as exc:  # the account's custom attributes would grow over their limit
                    refused.append(_refused(tenant, record, str(exc)))
                    continue
                if record.user_id:
                    attribute.append(
                        (record.user_id, account_id, people.contact(record.user_id, account_id=account_id))
                    )
            elif record.type == "alias":
                _alias_contact(tenant, people, record)  # in order: a later identify of the new id finds it
                aliases.append(record)
            else:
                events.append(_usage_event(people, record))
        stored = events_store(tenant=tenant, events=events, received_at=received_at)
        touched = set(stored.touched_account_ids)
        for user_id, account_id, contact in attribute:
            touched |= events_attribute(tenant=tenant, user_id=user_id, account_id=account_id, contact_id=contact.pk)
        for record in aliases:  # last, so the batch's own events under the old id follow too
            touched |= _alias_events(tenant, people, record)
        rejected = [*rejected, *refused]
        if rejected:
            IngestionError.objects.for_tenant(tenant).bulk_create([
                _error(tenant, r.reason, r.payload, message_id=r.message_id, index=r.index) for r in rejected
            ])  # fmt: skip
    applied_non_events = len(applying) - len(events) - len(refused)
    return Receipt(
        accepted=applied_non_events + len(stored.inserted),
        duplicates=stored.duplicates + replayed,
        rejected=rejected,
        touched_account_ids=touched,
    )


def _refused(tenant: Tenant, record: Record, reason: str) -> Rejection:
    """A rejection for ``record``, whose claim as applied is withdrawn: sent again, it is tried again."""
    if not record.generated_id:
        message_unclaim(tenant=tenant, message_id=record.message_id)
    payload = {"type": record.type, "messageId": record.message_id, "groupId": record.group_id, "traits": record.traits}
    return Rejection(record.index, record.message_id, reason, json.dumps(payload, default=str).encode()[:PAYLOAD_KEPT])


def _not_replayed(tenant: Tenant, records: list[Record], received_at: datetime) -> list[Record]:
    """``records`` without the identify, group and alias calls applied before (or earlier in the batch)."""
    claimable = {r.message_id: r.type for r in records if r.type in APPLIED_ONCE and not r.generated_id}
    fresh = messages_claim(tenant=tenant, messages=claimable, received_at=received_at)
    applying = []
    for record in records:
        if record.type in APPLIED_ONCE and not record.generated_id:
            if record.message_id not in fresh:
                continue
            fresh.discard(record.message_id)
        applying.append(record)
    return applying


def request_rejected_log(*, tenant: Tenant, reason: str, body: bytes) -> None:
    """Log a whole request refused after authentication (bad JSON, over a limit) in the error log."""
    _error(tenant, reason, body[:PAYLOAD_KEPT]).save()


def _error(tenant: Tenant, reason: str, payload: bytes, *, message_id: str = "", index: int | None = None):
    return IngestionError(
        tenant=tenant,
        source=SOURCE,
        message_id=_storable(message_id)[:191],
        index=index,
        reason=_storable(reason)[:500],
        payload=_storable(payload.decode("utf-8", "replace")),
    )


def _storable(text: str) -> str:
    """``text`` as PostgreSQL can hold it: a NUL character or a lone surrogate (a message's id may carry
    one) shown escaped, as JSON writes it."""
    text = text.replace("\x00", "\\u0000")
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if text_problem(text) else text


def _usage_event(people: Identities, record: Record) -> NewEvent:
    account_id = people.account(record.context_group_id) if record.context_group_id else None
    contact = people.contacts.get(record.user_id) if record.user_id else None
    if record.user_id and (contact is None or contact.account_id is None):
        # A new contact, or the first sight of its company: a track never moves a linked contact.
        contact = people.contact(record.user_id, account_id=account_id, move=False)
    if account_id is None and contact is not None:
        account_id = contact.account_id
    name = record.event if record.type == "track" else f"{record.type}:{record.event}" if record.event else record.type
    return NewEvent(
        message_id=record.message_id,
        type=EventType.USAGE,
        name=name[:200],
        occurred_at=record.occurred_at,
        source=SOURCE,
        properties=record.properties,
        account_id=account_id,
        contact_id=contact.pk if contact else None,
        user_id=record.user_id,
        anonymous_id=record.anonymous_id,
    )


def _alias_contact(tenant: Tenant, people: Identities, record: Record) -> None:
    """previousId (an anonymousId or an earlier userId) becomes userId: a contact known by the old id
    is renamed, unless the new id already has one."""
    old = Contact.objects.for_tenant(tenant).filter(external_id=record.previous_id).first()
    if old is None or record.user_id in people.contacts:
        return
    try:
        with transaction.atomic():  # a concurrent request may create the new id first: then it stays theirs
            old.external_id = record.user_id
            old.save(update_fields=["external_id", "updated_at"])
    except IntegrityError:
        return
    people.contact_renamed(record.user_id, old)


def _alias_events(tenant: Tenant, people: Identities, record: Record) -> set[int]:
    """The old id's events still waiting for an account follow it, attributed at once when the user
    has one. Returns the accounts whose rollups changed."""
    pending = Event.objects.for_tenant(tenant).filter(account=None)
    pending.filter(Q(user_id=record.previous_id) | Q(user_id="", anonymous_id=record.previous_id)).update(
        user_id=record.user_id
    )
    contact = people.contacts.get(record.user_id)
    if contact is None or contact.account_id is None:
        return set()
    return events_attribute(tenant=tenant, user_id=record.user_id, account_id=contact.account_id, contact_id=contact.pk)
