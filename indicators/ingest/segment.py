"""Applying Segment messages: identify/group/alias shape contacts and accounts; track/page/screen are events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import Account, Contact, Tenant
from indicators.ingest.messages import Record, Rejection
from indicators.ingest.store import NewEvent, events_attribute, events_store
from indicators.models import EventType, IngestionError

SOURCE = "segment"


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


class Identities:
    """The batch's accounts (by groupId) and contacts (by userId), loaded once, created as needed."""

    def __init__(self, tenant: Tenant, records: list[Record]):
        self.tenant = tenant
        group_ids = {r.group_id for r in records if r.group_id} | {
            r.context_group_id for r in records if r.context_group_id
        }
        user_ids = {r.user_id for r in records if r.user_id}
        self.accounts = {a.external_id: a for a in Account.objects.for_tenant(tenant).filter(external_id__in=group_ids)}
        self.contacts = {c.external_id: c for c in Contact.objects.for_tenant(tenant).filter(external_id__in=user_ids)}

    def account(self, group_id: str, fields: dict | None = None) -> Account:
        account = self.accounts.get(group_id)
        if account is None:
            account = _create(Account, self.tenant, external_id=group_id, defaults={"name": group_id, **(fields or {})})
            self.accounts[group_id] = account
        elif fields and any(getattr(account, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(account, key, value)
            account.save()
        return account

    def contact(self, user_id: str, fields: dict | None = None, account: Account | None = None) -> Contact:
        contact = self.contacts.get(user_id)
        if contact is None:
            contact = _create(
                Contact, self.tenant, external_id=user_id, defaults={"account": account, **(fields or {})}
            )
            self.contacts[user_id] = contact
        changes = dict(fields or {})
        if account is not None and contact.account_id != account.pk:
            changes["account"] = account
        if any(getattr(contact, k) != v for k, v in changes.items()):
            for key, value in changes.items():
                setattr(contact, key, value)
            contact.save()
        return contact


def _create(model, tenant, *, external_id, defaults):
    """Create by external id; if a concurrent request created it first, use theirs."""
    try:
        with transaction.atomic():
            return model.objects.create(tenant=tenant, external_id=external_id, **defaults)
    except IntegrityError:
        return model.objects.for_tenant(tenant).get(external_id=external_id)


def segment_ingest(
    *, tenant: Tenant, records: list[Record], rejected: list[Rejection], received_at: datetime
) -> Receipt:
    """Apply a decoded request in one transaction; rejected messages go to the ingestion-error log."""
    with transaction.atomic():
        people = Identities(tenant, records)
        events: list[NewEvent] = []
        attribute: list[tuple[str, Account, Contact]] = []
        for record in records:
            if record.type == "identify":
                if record.user_id:
                    people.contact(record.user_id, record.contact_fields)
            elif record.type == "group":
                account = people.account(record.group_id, record.account_fields)
                if record.user_id:
                    attribute.append((record.user_id, account, people.contact(record.user_id, account=account)))
            elif record.type == "alias":
                _alias(tenant, people, record)
            else:
                events.append(_usage_event(people, record))
        stored = events_store(tenant=tenant, events=events, received_at=received_at)
        for user_id, account, contact in attribute:
            events_attribute(tenant=tenant, user_id=user_id, account_id=account.pk, contact_id=contact.pk)
        if rejected:
            IngestionError.objects.for_tenant(tenant).bulk_create([
                IngestionError(tenant=tenant, source=SOURCE, message_id=r.message_id, index=r.index,
                               reason=r.reason[:500], payload=r.payload.decode("utf-8", "replace"))
                for r in rejected
            ])  # fmt: skip
    non_events = len(records) - len(events)
    return Receipt(
        accepted=non_events + len(stored.inserted),
        duplicates=stored.duplicates,
        rejected=rejected,
        touched_account_ids=stored.touched_account_ids,
    )


def _usage_event(people: Identities, record: Record) -> NewEvent:
    account = people.account(record.context_group_id) if record.context_group_id else None
    contact = people.contact(record.user_id) if record.user_id else None
    if contact is not None and account is not None and contact.account_id is None:
        contact = people.contact(record.user_id, account=account)  # first sight of the user's company
    account_id = account.pk if account is not None else (contact.account_id if contact is not None else None)
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


def _alias(tenant: Tenant, people: Identities, record: Record) -> None:
    """previousId becomes userId: their pending events follow, and a contact known by the old id is renamed."""
    from indicators.models import Event

    Event.objects.for_tenant(tenant).filter(user_id=record.previous_id, account=None).update(user_id=record.user_id)
    old = Contact.objects.for_tenant(tenant).filter(external_id=record.previous_id).first()
    if (
        old is not None
        and record.user_id not in people.contacts
        and not Contact.objects.for_tenant(tenant).filter(external_id=record.user_id).exists()
    ):
        old.external_id = record.user_id
        old.save(update_fields=["external_id", "updated_at"])
        people.contacts[record.user_id] = old
