"""Logging a touch: a call, email, meeting or business review the CSM had with an account, in one step.

The touch is stored as a proactive communication event through ingestion (``events_store``), so it counts
where every communication counts: the days-since-communication and high-value-engagement indicators, the
account's rescoring (marked in the same transaction, recomputed after commit), and the timeline. A gut read
given with it is set in the same transaction (``gut_read_set``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Membership, Tenant, User
from accounts.tenancy import same_tenant
from indicators.ingest.store import NewEvent, events_store
from indicators.models import Event, EventSource, EventType, GutRead
from indicators.services.gut import gut_read_set, gut_read_validate

# The communication names the event API accepts (indicators/api/serializers.py, CommunicationEventSerializer).
TOUCH_KINDS = (
    ("call", "Call"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("business_review", "Business review"),
)
NOTE_MAX = 2000  # as the event API's communication summary


@dataclass(frozen=True)
class GutInput:
    level: str
    expires_at: datetime


@dataclass(frozen=True)
class Touch:
    event: Event
    gut_read: GutRead | None


def touch_validate(*, kind: str, note: str, occurred_at: datetime | None, now: datetime | None = None) -> None:
    """Raise ValidationError naming each field that cannot be stored."""
    now = now or timezone.now()
    errors = {}
    if kind not in dict(TOUCH_KINDS):
        errors["kind"] = f"Choose one of {', '.join(k for k, _ in TOUCH_KINDS)}."
    if not note.strip():
        errors["note"] = "Say what the touch was about."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"At most {NOTE_MAX} characters."
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = "Give the moment as a date and time with a time zone."
    elif occurred_at > now:
        errors["occurred_at"] = "A touch cannot be in the future."
    if errors:
        raise ValidationError(errors)


def touch_log(
    *,
    tenant: Tenant,
    account: Account,
    kind: str,
    note: str,
    occurred_at: datetime,
    by: Membership | None,
    set_by: User | None,
    gut: GutInput | None = None,
) -> Touch:
    """Store the touch (and the gut read, when given) in one transaction; the account is rescored after commit.

    ``by`` is the member who had the touch (None for an operator acting in the tenant).
    """
    same_tenant(tenant, account=account, by=by)
    now = timezone.now()
    touch_validate(kind=kind, note=note, occurred_at=occurred_at, now=now)
    if gut is not None:
        try:
            gut_read_validate(level=gut.level, expires_at=gut.expires_at, now=now)
        except ValidationError as exc:
            raise ValidationError({f"gut_{field}": errors for field, errors in exc.message_dict.items()}) from None
    message_id = f"console-{uuid.uuid4().hex}"
    properties = {"direction": "proactive", "summary": note.strip(), **({"csm": by.pk} if by is not None else {})}
    with transaction.atomic():
        events_store(
            tenant=tenant,
            events=[
                NewEvent(
                    message_id=message_id,
                    type=EventType.COMMUNICATION.value,
                    name=kind,
                    occurred_at=occurred_at,
                    source=EventSource.CONSOLE.value,
                    properties=properties,
                    account_id=account.pk,
                )
            ],
            received_at=now,
        )
        event = Event.objects.for_tenant(tenant).get(message_id=message_id)
        read = None
        if gut is not None:
            read = gut_read_set(
                tenant=tenant, account=account, level=gut.level, expires_at=gut.expires_at, note=note.strip(),
                set_by=set_by,
            )  # fmt: skip
    return Touch(event=event, gut_read=read)
