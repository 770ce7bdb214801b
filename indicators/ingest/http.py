"""The Segment-compatible HTTP Tracking API: /v1/batch, /v1/track, /v1/identify, ...

Thin, fast views (no DRF on this hot path): authenticate the write key, enforce Segment's
limits, decode with msgspec, store in one transaction, answer 200 with a receipt only after
commit. Some Segment client libraries treat any status other than 200 as failure, so success is
always exactly 200.
"""

from __future__ import annotations

import base64
import binascii
import zlib

import msgspec
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.api.throttling import ingest_rate_limit_wait
from accounts.key_door import request_acts_for
from accounts.roles import Scope
from indicators.ingest import counters
from indicators.ingest.json_scan import top_level_field
from indicators.ingest.keys import ingest_key_authenticate
from indicators.ingest.messages import MAX_BATCH_BYTES, RequestRejected, decode_batch, decode_message
from indicators.ingest.segment import request_rejected_log, segment_ingest
from indicators.ingest.segment_schema import envelope_decoder


def error(status: int, code: str, detail: str, attr: str | None = None, **headers) -> JsonResponse:
    """A refused request, counted by its (fixed) code in ``csp_ingest_requests_rejected``."""
    counters.request_rejected_count(door=counters.TRACKING, code=code)
    # Segment's client libraries read top-level ``code`` and ``message``; the rest is our error shape.
    body = {"success": False, "code": code, "message": detail, "type": "client_error",
            "errors": [{"code": code, "detail": detail, "attr": attr}]}  # fmt: skip
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _body(request) -> bytes:
    try:
        body = request.body
    except RequestDataTooBig:
        raise RequestRejected(413, "request_too_large", f"A request may be at most {MAX_BATCH_BYTES // 1024} KB.")
    if request.headers.get("Content-Encoding", "").lower() == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(body, MAX_BATCH_BYTES + 1)
        except zlib.error:
            raise RequestRejected(400, "invalid_gzip", "The body is not valid gzip.") from None
        if len(body) > MAX_BATCH_BYTES or inflater.unconsumed_tail:
            raise RequestRejected(413, "request_too_large", f"A request may be at most {MAX_BATCH_BYTES // 1024} KB.")
    return body


def _write_key(request, body: bytes) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, _password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise RequestRejected(401, "authentication_failed", "Malformed Basic authorization header.") from None
        return user
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    try:
        return envelope_decoder.decode(body).write_key or ""
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return _tolerant_write_key(body)


def _tolerant_write_key(body: bytes) -> str:
    """The writeKey of a body msgspec refuses (one bad string or deep nesting elsewhere in it)."""
    value = top_level_field(body, b'"writeKey"')
    return value if isinstance(value, str) else ""


def tracking_view(message_type: str | None):
    """A view for one Segment endpoint; ``None`` is /v1/batch."""

    @csrf_exempt
    @require_POST
    def view(request):
        received_at = timezone.now()
        if request.GET:  # Segment's clients send none: one sent is a mistake to name, not to ignore
            detail = "The tracking API reads no query parameters."
            return error(400, "unknown_parameter", detail, attr=sorted(request.GET)[0])
        try:
            body = _body(request)
            key = ingest_key_authenticate(_write_key(request, body))
        except RequestRejected as exc:
            return error(exc.status, exc.code, exc.detail)
        if key is None:
            return error(401, "authentication_failed", "Invalid, expired or revoked write key.")
        request_acts_for(key.tenant_id)
        if not key.has_scope(Scope.INGEST):
            return error(403, "permission_denied", "This key lacks the 'ingest' scope.")
        try:
            if message_type is None:
                records, rejected, _ = decode_batch(body, received_at=received_at)
            else:
                result = decode_message(body, index=None, received_at=received_at, type_=message_type)
                records, rejected = ([result], []) if not hasattr(result, "reason") else ([], [result])
        except RequestRejected as exc:
            # The tenant is known: its admins see what their integration sent, as for a rejected message.
            # Counted against the key's limit first, so a sender of bad requests cannot flood the log.
            if ingest_rate_limit_wait(key, messages=1) is None:
                request_rejected_log(tenant=key.tenant, reason=exc.detail, body=body)
            return error(exc.status, exc.code, exc.detail)
        wait = ingest_rate_limit_wait(key, messages=len(records) + len(rejected))
        if wait is not None:
            return error(429, "throttled", f"Rate limit exceeded; retry in {wait} s.", Retry_After=str(wait))
        receipt = segment_ingest(tenant=key.tenant, records=records, rejected=rejected, received_at=received_at)
        counters.events_counted(
            door=counters.TRACKING,
            accepted=receipt.accepted,
            duplicates=receipt.duplicates,
            rejected={  # the receipt lists the undecodable messages first, then those that could not be applied
                counters.INVALID_MESSAGE: len(rejected),
                counters.NOT_APPLICABLE: len(receipt.rejected) - len(rejected),
            },
        )
        status = 200 if records or not rejected else 400
        return JsonResponse(receipt.as_json(), status=status)

    view.__name__ = f"segment_{message_type or 'batch'}"
    return view
