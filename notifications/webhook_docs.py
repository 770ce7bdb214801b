"""The events csplatform sends, documented in the OpenAPI schema's ``webhooks`` section (OpenAPI 3.1).

One entry per registered event type (``event_types.EVENT_TYPES``, the admin's test event aside): the
Standard Webhooks headers, the versioned envelope and the shape of its ``data`` as built by
``notifications.payloads``. tests/notifications/test_events_documented.py validates real payloads
against these schemas, so the two cannot drift apart.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiWebhook

from alerts.models import AlertStatus, Priority
from followups.models import Status
from notifications.backoff import MAX_ATTEMPTS
from notifications.event_types import EVENT_TYPES
from outcomes.models import CsmCall, Outcome
from surveys.models import Category, Channel

UNDOCUMENTED = {"webhook.test"}  # the admin's check of a receiver: its data is only the endpoint's id


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


MOMENT = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (`Z`)."}
DAY = {"type": "string", "format": "date"}
ID = {"type": "integer", "description": "csplatform's id."}
CATEGORY = {"type": "string", "enum": Category.values}


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    return {**schema, "description": description} if description else schema


ACCOUNT = _object(
    {"id": ID, "external_id": {"type": "string", "description": "The tenant's own id."}, "name": {"type": "string"}},
    "The customer account.",
)
CONTACT = _object(
    {
        "id": ID,
        "external_id": {"type": "string", "description": "The tenant's own id."},
        "email": _nullable({"type": "string", "format": "email"}),
    },
    "The person at the customer.",
)
ASSIGNEE_EMAIL = _nullable({"type": "string", "format": "email", "description": "Who works it, if anyone."})
MONEY = _object(
    {
        "amount": {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "A decimal, as text."},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217."},
    },
    "An amount in the account's currency (the tenant's when the account has none).",
)
ALERT = _object(
    {
        "id": ID,
        "key": {"type": "string", "description": "What fired; one alert per account and key is open at a time."},
        "title": {"type": "string"},
        "priority": {"type": "string", "enum": Priority.values},
        "status": {"type": "string", "enum": AlertStatus.values},
        "message": {"type": "string"},
        "due_at": MOMENT,
        "opened_at": MOMENT,
        "closed_at": _nullable(MOMENT),
        "closed_by_system": {"type": "boolean", "description": "Closed by csplatform because its cause was gone."},
        "assignee_email": ASSIGNEE_EMAIL,
    }
)
FOLLOWUP = _object(
    {
        "id": ID,
        "category": CATEGORY,
        "status": {"type": "string", "enum": Status.values},
        "due_at": {**MOMENT, "description": "The deadline, in business days of the tenant, ISO 8601 UTC."},
        "opened_at": MOMENT,
        "closed_at": _nullable(MOMENT),
        "assignee_email": ASSIGNEE_EMAIL,
        "response_id": {"type": "integer", "description": "The survey response it follows up."},
    }
)
FOLLOWUP_DATA = _object({"followup": FOLLOWUP, "account": ACCOUNT, "contact": CONTACT})
ALERT_DATA = _object({"alert": ALERT, "account": ACCOUNT})
BAND = {"type": "string", "description": "The scorecard's band (green, yellow, red by default)."}

DATA: dict[str, dict] = {
    "alert.opened": ALERT_DATA,
    "alert.closed": ALERT_DATA,
    "followup.opened": FOLLOWUP_DATA,
    "followup.overdue": FOLLOWUP_DATA,
    "followup.closed": FOLLOWUP_DATA,
    "score.band_changed": _object(
        {
            "account": ACCOUNT,
            "score": _object(
                {
                    "before": _nullable({"type": "number"}),
                    "after": _nullable({"type": "number"}),
                    "before_band": BAND,
                    "band": BAND,
                    "as_of": {**MOMENT, "description": "The moment the new score was computed for."},
                }
            ),
        }
    ),
    "response.recorded": _object(
        {
            "response": _object(
                {
                    "id": ID,
                    "survey_id": _nullable({"type": "integer"}),
                    "score": {"type": "integer", "minimum": 0, "maximum": 10},
                    "category": CATEGORY,
                    "comment": {"type": "string"},
                    "channel": {"type": "string", "enum": Channel.values},
                    "answered_at": MOMENT,
                    "amended": {"type": "boolean", "description": "An amendment of an answer already sent."},
                    "amended_at": _nullable(MOMENT),
                }
            ),
            "account": ACCOUNT,
            "contact": CONTACT,
        }
    ),
    "contact.became_advocate": _object(
        {"contact": CONTACT, "account": {"anyOf": [ACCOUNT, {"type": "null"}], "description": "Null if unlinked."}}
    ),
    "renewal.updated": _object(
        {
            "change": {"type": "string", "enum": ["created", "updated", "closed"]},
            "renewal": _object(
                {
                    "id": ID,
                    "external_id": _nullable({"type": "string", "description": "The tenant's own id (CRM)."}),
                    "term_start": DAY,
                    "renewal_on": {**DAY, "description": "The end of the term: the renewal is due that day."},
                    "outcome": {"type": "string", "enum": Outcome.values},
                    "arr_due": MONEY,
                    "closed_arr": {"anyOf": [MONEY, {"type": "null"}]},
                    "closed_on": _nullable(DAY),
                    "csm_call": {"type": ["string", "null"], "enum": [*CsmCall.values, None]},
                }
            ),
            "account": ACCOUNT,
        }
    ),
}

HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "The event's id (`msg_...`): the same on every retry, so a receiver drops duplicates by it.",
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "pattern": r"^\d+$"},
        "description": "Unix seconds of this attempt; reject one far from your clock (replays).",
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": (
            "`v1,<base64 HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}'>` per live secret of the "
            "endpoint, space-separated (two while a rotated secret overlaps). Standard Webhooks: any of its "
            "libraries verifies it with the endpoint's `whsec_...` secret."
        ),
    },
]

ABOUT = (
    "Sent as a POST with a JSON body to each enabled endpoint of the tenant subscribed to the type, signed "
    "per Standard Webhooks (https://www.standardwebhooks.com). The event is written in the same transaction "
    "as the change that causes it and sent after that commits, so it is never sent for a change that did "
    f"not happen. Answer 2xx quickly; any other answer, or none in time, is retried with backoff up to "
    f"{MAX_ATTEMPTS} attempts over about 2.7 days; 410 Gone disables the endpoint. Delivery is at least "
    "once and not ordered: use `webhook-id` to drop duplicates."
)


def envelope_schema(type: str) -> dict:
    return _object(
        {
            "type": {"type": "string", "const": type},
            "version": {"type": "integer", "const": 1, "description": "The version of `data`'s shape."},
            "data": DATA[type],
        }
    )


def _webhook(type: str) -> OpenApiWebhook:
    operation = {
        "operationId": f"webhook_{type.replace('.', '_')}",
        "summary": EVENT_TYPES[type],
        "description": ABOUT,
        "tags": ["webhooks"],
        "parameters": HEADERS,
        "requestBody": {"required": True, "content": {"application/json": {"schema": envelope_schema(type)}}},
        "responses": {
            "2XX": {"description": "Received."},
            "410": {"description": "Gone: the endpoint is disabled and gets nothing more."},
        },
    }
    return OpenApiWebhook(name=type, decorator={"post": operation})


WEBHOOKS = [_webhook(type) for type in EVENT_TYPES if type not in UNDOCUMENTED]
