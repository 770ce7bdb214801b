"""Turning Segment messages into validated, normalised records (or a reason they are rejected)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from accounts.json_values import unstorable_text
from indicators.ingest import traits
from indicators.ingest.json_scan import batch_split, nested_deeper_than, top_level_field
from indicators.ingest.segment_schema import Batch, Message, batch_decoder, message_decoder
from indicators.models.events import FUTURE_TOLERANCE, FUTURE_TOLERANCE_SAID

MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BATCH_MESSAGES = 2500
MAX_ID_LENGTH = 191
MAX_NAME_LENGTH = 200
MAX_DEPTH = 32  # levels of objects and arrays in one message, the message itself being the first
NUL_ESCAPE = b"\\u0000"
PAYLOAD_KEPT = 2000  # bytes of a rejected message or request kept in the error log


class RequestRejected(Exception):
    """The whole request is unusable (bad JSON, over a limit): answered with a 4xx."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


@dataclass(frozen=True)
class Record:
    """One accepted message, normalised: ids as text, the event time corrected for clock skew."""

    type: str
    message_id: str
    user_id: str
    anonymous_id: str
    occurred_at: datetime
    event: str = ""
    group_id: str = ""
    previous_id: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    traits: dict[str, Any] = field(default_factory=dict)
    context_group_id: str = ""
    contact_fields: dict[str, Any] = field(default_factory=dict)
    account_fields: dict[str, Any] = field(default_factory=dict)
    generated_id: bool = False  # the sender set no messageId: ours can never be replayed
    index: int | None = None  # its place in the batch, to name it if applying it fails


@dataclass(frozen=True)
class Rejection:
    index: int | None
    message_id: str
    reason: str
    payload: bytes


def _text(value) -> str:
    return "" if value is None else str(value)


def _context_id(value, name: str) -> str:
    """An id from ``context``, a free-form object: text or a number, as text."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        raise ValueError(f"{name} must be text or a number")
    return _text(value)


def event_time(message: Message, *, received_at: datetime, batch_sent_at: datetime | None) -> datetime:
    """When the message happened, as Segment computes ``timestamp``.

    A ``timestamp`` the sender set is honoured as it is (server libraries set it; a back-fill sets
    old ones). Otherwise the device's ``originalTimestamp`` is corrected for its clock's skew:
    receivedAt - (sentAt - originalTimestamp), trusting the device's clock only for the interval
    between the event and the send. With neither, the message happened when it was received.
    """
    try:
        if message.timestamp is not None:
            return _aware(message.timestamp)
        if message.original_timestamp is None:
            return received_at
        device_time = _aware(message.original_timestamp)
        sent_at = message.sent_at or batch_sent_at
        if sent_at is None:
            return device_time
        return (received_at - (_aware(sent_at) - device_time)).astimezone(UTC)
    except OverflowError:  # e.g. year 1 with an offset, or a skew that lands before year 1
        raise ValueError("timestamp, originalTimestamp or sentAt is out of range") from None


def _aware(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def validate(
    message: Message, *, received_at: datetime, batch_sent_at: datetime | None, index: int | None = None
) -> Record:
    """A Record, or ValueError with a reason a person can act on."""
    user_id, anonymous_id = _text(message.user_id), _text(message.anonymous_id)
    if not user_id and not anonymous_id:
        raise ValueError("userId or anonymousId is required")
    for name, value in (("userId", user_id), ("anonymousId", anonymous_id), ("messageId", message.message_id or "")):
        if len(value) > MAX_ID_LENGTH:
            raise ValueError(f"{name} is longer than {MAX_ID_LENGTH} characters")
    event = (message.event or "").strip()
    if message.type == "track" and not event:
        raise ValueError("event is required for track")
    if len(event) > MAX_NAME_LENGTH:
        raise ValueError(f"event is longer than {MAX_NAME_LENGTH} characters")
    group_id = _text(message.group_id)
    if message.type == "group" and not group_id:
        raise ValueError("groupId is required for group")
    previous_id = _text(message.previous_id)
    if message.type == "alias" and not (previous_id and user_id):
        raise ValueError("previousId and userId are required for alias")
    group = message.context.get("group")
    context_group_id = _context_id(
        message.context.get("groupId") or (group.get("id") if isinstance(group, dict) else None), "context.groupId"
    )
    if len(group_id) > MAX_ID_LENGTH or len(context_group_id) > MAX_ID_LENGTH:
        raise ValueError(f"groupId is longer than {MAX_ID_LENGTH} characters")
    occurred_at = event_time(message, received_at=received_at, batch_sent_at=batch_sent_at)
    if occurred_at > received_at + FUTURE_TOLERANCE:
        raise ValueError(f"timestamp is in the future (more than {FUTURE_TOLERANCE_SAID} after it was received)")
    sent_traits = _traits(message)
    contact = traits.contact_fields(sent_traits) if message.type == "identify" else {}
    account = traits.account_fields(sent_traits) if message.type == "group" else {}
    if message.type in ("page", "screen"):
        name = message.name or message.properties.get("name") or ""
        if not isinstance(name, str):
            raise ValueError("properties.name must be text")
        event = name.strip()[:MAX_NAME_LENGTH]
    return Record(
        type=message.type,
        message_id=message.message_id or f"csp-{uuid.uuid4()}",
        generated_id=not message.message_id,
        user_id=user_id,
        anonymous_id=anonymous_id,
        occurred_at=occurred_at,
        event=event,
        group_id=group_id,
        previous_id=previous_id,
        properties=message.properties,
        traits=sent_traits,
        context_group_id=context_group_id,
        contact_fields=contact,
        account_fields=account,
        index=index,
    )


def _traits(message: Message) -> dict[str, Any]:
    """``traits``, or else, on an identify call, ``context.traits``, where RudderStack's SDKs put them.

    On a group call ``traits`` are the company's, and ``context.traits`` the user's (RudderStack copies
    the last identify's there): never the company's, so they are not read for it.
    """
    if message.traits or message.type != "identify":
        return message.traits
    context_traits = message.context.get("traits")
    if context_traits is None:
        return {}
    if not isinstance(context_traits, dict):
        raise ValueError("context.traits must be an object")
    return context_traits


def decode_message(
    raw: bytes, *, index: int | None, received_at: datetime, batch_sent_at: datetime | None = None, type_: str = ""
) -> Record | Rejection:
    if len(raw) > MAX_MESSAGE_BYTES:
        return _rejection(index, raw, f"message is larger than {MAX_MESSAGE_BYTES // 1024} KB")
    if nested_deeper_than(raw, MAX_DEPTH):  # before decoding: msgspec's recursion limit is far deeper
        return _rejection(index, raw, f"message is nested more than {MAX_DEPTH} levels deep")
    if NUL_ESCAPE in raw:  # PostgreSQL text and jsonb cannot hold it: the whole batch would fail
        return _rejection(index, raw, "message contains a NUL character (\\u0000)")
    try:
        message = message_decoder.decode(raw)
        if type_ and message.type is None:  # a single endpoint's body may leave out its type, as Segment's does
            message.type = type_
        if message.type is None:
            raise ValueError("type is required: track, identify, group, page, screen or alias")
        if type_ and message.type != type_:
            raise ValueError(f"type must be '{type_}' on this endpoint")
        return validate(message, received_at=received_at, batch_sent_at=batch_sent_at, index=index)
    except msgspec.DecodeError as exc:
        return _rejection(index, raw, _undecodable(raw, exc))
    except (msgspec.ValidationError, ValueError) as exc:
        return _rejection(index, raw, str(exc))


def _rejection(index: int | None, raw: bytes, reason: str) -> Rejection:
    return Rejection(index, _message_id_of(raw), reason, raw[:PAYLOAD_KEPT])


def _message_id_of(raw: bytes) -> str:
    """The messageId of a message that may not decode (too large, too deep, a bad string elsewhere)."""
    return _text(top_level_field(raw, b'"messageId"'))[:MAX_ID_LENGTH]


def _undecodable(raw: bytes, exc: msgspec.DecodeError) -> str:
    """Why msgspec cannot decode ``raw``: a lone UTF-16 surrogate (named by where it is), else its own reason."""
    try:
        value = json.loads(raw)  # accepts lone surrogates; ``raw`` is shallow (checked before)
    except (ValueError, RecursionError):
        return f"message is not valid JSON: {exc}"
    found = unstorable_text(value)
    if found is None:
        return f"message is not valid JSON: {exc}"
    return f"{found[0] or 'message'} holds {found[1]}"


def decode_batch(body: bytes, *, received_at: datetime) -> tuple[list[Record], list[Rejection], Batch]:
    if len(body) > MAX_BATCH_BYTES:
        raise RequestRejected(400, "batch_too_large", f"A batch request may be at most {MAX_BATCH_BYTES // 1024} KB.")
    try:
        batch = batch_decoder.decode(body)
        messages = [bytes(raw) for raw in batch.batch]
    except (msgspec.DecodeError, RecursionError) as exc:
        # One message may hold what msgspec refuses in any document (a lone surrogate) or nest too deep
        # for it: split the batch without decoding it, so that message alone is rejected.
        batch, messages = _batch_split(body, exc)
    except msgspec.ValidationError as exc:
        raise RequestRejected(400, "invalid_batch", f"Invalid batch: {exc}") from None
    if len(messages) > MAX_BATCH_MESSAGES:
        raise RequestRejected(
            400,
            "too_many_messages",
            f"A batch may hold at most {MAX_BATCH_MESSAGES} messages ({len(messages)} sent).",
        )
    records, rejections = [], []
    for index, raw in enumerate(messages):
        result = decode_message(raw, index=index, received_at=received_at, batch_sent_at=batch.sent_at)
        (records if isinstance(result, Record) else rejections).append(result)
    return records, rejections, batch


def _batch_split(body: bytes, error: Exception) -> tuple[Batch, list[bytes]]:
    """The envelope (sentAt, context) and the raw messages of a batch msgspec cannot decode whole."""
    split = batch_split(body)
    if split is None:  # not well-formed JSON: the request is refused as msgspec found it
        raise RequestRejected(400, "invalid_batch", f"Invalid batch: {error}")
    envelope, messages = split
    try:
        return batch_decoder.decode(envelope), messages
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        raise RequestRejected(400, "invalid_batch", f"Invalid batch: {exc}") from None
