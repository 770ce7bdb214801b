"""The tracking API (/v1/batch, /v1/track, ...) in the OpenAPI schema.

Its views are plain Django views, which drf-spectacular does not see: their path items are written
here, with the message and batch bodies generated from the msgspec structs that decode them, and
merged into the schema by a postprocessing hook.
"""

from __future__ import annotations

import copy

import msgspec

from indicators.ingest.messages import (
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    MAX_ID_LENGTH,
    MAX_MESSAGE_BYTES,
    MAX_NAME_LENGTH,
)
from indicators.ingest.segment_schema import Batch, Message

TAG = "tracking"
SINGLE_TYPES = ("track", "identify", "group", "page", "screen", "alias")
SECURITY = [{"WriteKeyBasic": []}, {"WriteKeyBearer": []}]


def _openapi30(schema):
    """msgspec's JSON Schema (2020-12) as OpenAPI 3.0: ``null`` as ``nullable``, enums typed."""
    if isinstance(schema, list):
        return [_openapi30(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _openapi30(value) for key, value in schema.items() if key != "title"}
    if schema.get("required") == []:  # OpenAPI 3.0 wants it absent rather than empty
        del schema["required"]
    if "$ref" in schema:
        schema["$ref"] = schema["$ref"].replace("#/$defs/", "#/components/schemas/Tracking")
    variants = schema.pop("anyOf", None)
    if variants is not None:
        others = [v for v in variants if v.get("type") != "null"]
        if len(others) < len(variants):
            schema["nullable"] = True
        if len(others) == 1:
            schema.update(others[0])
        else:
            schema["anyOf"] = others
    if "enum" in schema and "type" not in schema:
        schema["type"] = "string"
    if schema.get("items") == {}:
        schema.pop("items")
        schema["items"] = {"$ref": "#/components/schemas/TrackingMessage"}
    return schema


def _components() -> dict:
    _, defs = msgspec.json.schema_components([Message, Batch], ref_template="#/$defs/{name}")
    message = _openapi30(defs["Message"])
    message["description"] = (
        "One Segment message. Unknown keys are ignored, as Segment does. `messageId` makes a retry "
        "idempotent. A message needs `userId` or `anonymousId`; a track its `event`, a group its `groupId`, "
        "an alias its `previousId` and `userId`; text may not contain NUL. A message that breaks these "
        "rules is rejected in the receipt (a batch's other messages are still stored). "
        f"At most {MAX_MESSAGE_BYTES // 1024} KB."
    )
    properties = message["properties"]
    for name in ("userId", "anonymousId", "groupId", "previousId"):
        properties[name]["anyOf"][0]["maxLength"] = MAX_ID_LENGTH  # the text variant
    properties["messageId"]["maxLength"] = MAX_ID_LENGTH
    properties["event"]["maxLength"] = MAX_NAME_LENGTH
    # Who it is about: a non-empty userId or anonymousId (text or a number), as validate() requires.
    someone = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]}
    message["anyOf"] = [
        {"required": ["userId"], "properties": {"userId": someone}},
        {"required": ["anonymousId"], "properties": {"anonymousId": someone}},
    ]
    batch = _openapi30(defs["Batch"])
    batch["properties"]["batch"].update(minItems=0, maxItems=MAX_BATCH_MESSAGES)
    batch["description"] = (
        f"Up to {MAX_BATCH_MESSAGES} messages, at most {MAX_BATCH_BYTES // 1024} KB in all. Each message is "
        "accepted or rejected on its own; `sentAt` and `context` apply to every message that lacks them."
    )
    error_item = {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "attr": {"type": "string", "nullable": True},
        },
        "required": ["code", "detail", "attr"],
    }
    return {
        "TrackingMessage": message,
        "TrackingBatch": batch,
        "TrackingReceipt": {
            "type": "object",
            "description": "What became of each message: accepted, a replay of one already stored, or rejected.",
            "properties": {
                "success": {"type": "boolean", "description": "False only when every message was rejected."},
                "accepted": {"type": "integer", "minimum": 0},
                "duplicates": {"type": "integer", "minimum": 0, "description": "Messages already received."},
                "rejected": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "index": {"type": "integer", "nullable": True, "description": "Its place in `batch`."},
                            "messageId": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                        "required": ["index", "messageId", "reason"],
                    },
                },
            },
            "required": ["success", "accepted", "duplicates", "rejected"],
        },
        "TrackingError": {
            "type": "object",
            "description": "A request refused as a whole: Segment's `code` and `message`, and the API's error shape.",
            "properties": {
                "success": {"type": "boolean", "enum": [False]},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "type": {"type": "string", "enum": ["client_error"]},
                "errors": {"type": "array", "items": error_item},
            },
            "required": ["success", "code", "message", "type", "errors"],
        },
    }


def _json(ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


ERRORS = {
    "401": "Missing, invalid, expired or revoked write key.",
    "403": "The key lacks the `ingest` scope.",
    "413": f"The body (after gzip) is over {MAX_BATCH_BYTES // 1024} KB.",
    "429": "Too many messages for this key this minute; retry after `Retry-After` seconds.",
}


def _operation(kind: str | None, path: str) -> dict:
    body = "TrackingBatch" if kind is None else "TrackingMessage"
    responses = {
        "200": {"description": "Stored (all, or the messages not rejected).", "content": _json("TrackingReceipt")},
        "400": {
            "description": "Every message was rejected (a receipt with `success: false`), or the body is "
            "not JSON, not gzip as announced, or over the batch limit.",
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/TrackingReceipt"},
                            {"$ref": "#/components/schemas/TrackingError"},
                        ]
                    }
                }
            },
        },
        **{status: {"description": text, "content": _json("TrackingError")} for status, text in ERRORS.items()},
    }
    responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
    what = "a batch of messages" if kind is None else f"one `{kind}` message"
    return {
        "operationId": f"tracking_{path.strip('/').split('/')[-1]}",
        "summary": f"Record {what}",
        "description": "Segment-compatible: send the write key as the Basic user name (no password), as a "
        "Bearer token, or as `writeKey` in the body. `Content-Encoding: gzip` is accepted. Success is "
        "always exactly 200.",
        "tags": [TAG],
        "security": SECURITY,
        "requestBody": {"required": True, "content": _json(body)},
        "responses": responses,
    }


def tracking_paths_add(result, generator, request, public):
    """drf-spectacular postprocessing hook: the tracking endpoints, their bodies and write-key schemes."""
    result = copy.copy(result)
    paths = {"/v1/batch": None, "/v1/import": None, **{f"/v1/{kind}": kind for kind in SINGLE_TYPES}}
    result["paths"] = {**result["paths"], **{path: {"post": _operation(kind, path)} for path, kind in paths.items()}}
    components = result.setdefault("components", {})
    components["schemas"] = {**components.get("schemas", {}), **_components()}
    components["securitySchemes"] = {
        **components.get("securitySchemes", {}),
        "WriteKeyBasic": {"type": "http", "scheme": "basic", "description": "The write key as user name."},
        "WriteKeyBearer": {"type": "http", "scheme": "bearer", "description": "The write key as bearer token."},
    }
    return result
