"""Recording events that arrive through the typed REST API (source "api")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from accounts.models import Tenant
from indicators.ingest.store import NewEvent, events_store
from indicators.models import EventMessage, EventSource

SOURCE = EventSource.API.value


@dataclass(frozen=True)
class EventInput:
    """One validated event: ids already checked to belong to the tenant (and the contact to the account)."""

    type: str
    name: str
    account_id: int
    occurred_at: datetime
    contact_id: int | None = None
    message_id: str = ""  # empty: one is generated, so the event can never be a duplicate
    properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RecordedEvent:
    event_id: int
    message_id: str
    duplicate: bool  # the message id was already stored (earlier, or earlier in the same request)


@dataclass(frozen=True)
class Recorded:
    events: list[RecordedEvent]  # one per input item, in input order
    touched_account_ids: set[int]

    @property
    def accepted(self) -> int:
        return sum(not e.duplicate for e in self.events)

    @property
    def duplicates(self) -> int:
        return sum(e.duplicate for e in self.events)


def events_record(*, tenant: Tenant, items: Sequence[EventInput], received_at: datetime | None = None) -> Recorded:
    """Store ``items`` in one transaction, de-duplicated on (tenant, message_id).

    Returns the stored event's id for every item (the earlier one's for a duplicate). The touched
    accounts are queued for recompute once the transaction commits.
    """
    new = [
        NewEvent(
            message_id=item.message_id or f"api-{uuid.uuid4().hex}",
            type=item.type,
            name=item.name,
            occurred_at=item.occurred_at,
            source=SOURCE,
            properties=item.properties,
            account_id=item.account_id,
            contact_id=item.contact_id,
        )
        for item in items
    ]
    with transaction.atomic():
        stored = events_store(tenant=tenant, events=new, received_at=received_at)  # moves contacts' first/last seen
        ids = dict(
            EventMessage.objects.for_tenant(tenant)
            .filter(message_id__in={e.message_id for e in new})
            .values_list("message_id", "event_id")
        )
    # events_store keeps the first item of each message id; identity tells which ones it inserted.
    inserted = {id(e) for e in stored.inserted}
    return Recorded(
        events=[RecordedEvent(ids[e.message_id], e.message_id, id(e) not in inserted) for e in new],
        touched_account_ids=stored.touched_account_ids,
    )
