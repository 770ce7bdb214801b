"""Sending due deliveries: claim, POST signed, record the attempt, then schedule the next one or settle.

Nothing is lost: a delivery is claimed by pushing its next_attempt_at past a lease in a short
transaction (rows locked with SKIP LOCKED on PostgreSQL, so workers never claim the same one), and
sent after that commits. A worker that dies mid-send leaves the delivery due again once the lease ends.
The schedule lives in the database, never in long task countdowns.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from notifications.backoff import retry_delay_seconds
from notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointKind,
    OutboxEvent,
    WebhookEndpoint,
)
from notifications.models.outbox import RESPONSE_BODY_KEPT
from notifications.pinned_http import SessionCache, pinned_post
from notifications.services.failing import failure_streak_record
from notifications.services.secrets import live_secrets
from notifications.signing import signed_headers
from notifications.slack_message import slack_message
from notifications.ssrf import DestinationRefused, check_destination

# A batch gives each sending thread this many deliveries, so it takes at most this many timeouts (75 s at the
# default 15 s), far inside the lease: a claimed delivery is never claimed twice.
BATCH_PER_THREAD = 5
LEASE = timedelta(minutes=5)
GONE = "410 Gone"


@dataclass(frozen=True)
class Outcome:
    """What one POST came to; made without the database, so sends can run in threads."""

    status_code: int | None = None
    error: str = ""
    response_body: str = ""
    duration_ms: int = 0


def deliver_due(*, now: datetime | None = None) -> int:
    """Send every due delivery, batch by batch; return how many attempts were made.

    The database is read and written on this thread only; the HTTP of a batch runs on
    WEBHOOKS_SEND_CONCURRENCY threads, so one slow receiver costs its own timeout, not everyone's.
    A batch is BATCH_PER_THREAD deliveries per thread, so it ends inside LEASE even if every receiver times out.
    """
    sent, pool = 0, sending_pool(settings.WEBHOOKS_SEND_CONCURRENCY)
    while ids := claim_due(now=now, limit=BATCH_PER_THREAD * settings.WEBHOOKS_SEND_CONCURRENCY):
        deliveries = list(Delivery.unscoped.select_related("event", "endpoint").filter(id__in=ids).order_by("id"))
        attempted_at = timezone.now()
        requests_ = prepare(deliveries, attempted_at)
        outcomes = list(pool.map(send, [d.endpoint for d in deliveries], requests_))
        attempts_record(deliveries, outcomes, attempted_at=attempted_at)
        sent += len(ids)
    return sent


_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}


def sending_pool(threads: int) -> ThreadPoolExecutor:
    """This process's sending threads, kept between batches and tasks so their connections stay alive.

    Keyed by process id too: a pool made before a fork has no threads in the child.
    """
    key = (os.getpid(), threads)
    if key not in _pools:
        _pools[key] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook")
    return _pools[key]


def claim_due(*, now: datetime | None = None, limit: int) -> list[int]:
    """Ids of up to ``limit`` due deliveries, leased to this worker. Crosses tenants by design: a sweep."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.unscoped.filter(
            status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED), next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        Delivery.unscoped.filter(id__in=ids).update(next_attempt_at=timezone.now() + LEASE)
    return ids


def prepare(deliveries: list[Delivery], attempted_at: datetime) -> list[tuple[bytes, dict] | Outcome]:
    """For each delivery, the body and headers to send, or the Outcome of not sending (a disabled endpoint).

    Each endpoint's live secrets are read once for the batch, however many of its deliveries it holds.
    """
    secrets: dict[int, list[str]] = {}
    prepared = []
    for delivery in deliveries:
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            prepared.append(Outcome(error=f"The endpoint is disabled ({endpoint.disabled_reason or 'by an admin'})."))
            continue
        if endpoint.is_signed and endpoint.pk not in secrets:
            secrets[endpoint.pk] = live_secrets(endpoint, now=attempted_at)
        prepared.append(request_for(endpoint, delivery.event, attempted_at, secrets.get(endpoint.pk, [])))
    return prepared


_sessions = SessionCache()  # each sending thread's kept-alive connections


def send(endpoint: WebhookEndpoint, request: tuple[bytes, dict] | Outcome) -> Outcome:
    """One POST, on a pool thread: no database here."""
    if isinstance(request, Outcome):
        return request
    body, headers = request
    started = time.monotonic()
    try:
        # Checked again at send time: the name may resolve elsewhere now than when it was saved. The
        # connection then goes to the checked address, never to a second resolution of the name.
        addresses = check_destination(endpoint.url, allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK)
        response = pinned_post(
            addresses, endpoint.url, sessions=_sessions, data=body, headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS, allow_redirects=False,
        )  # fmt: skip
        answer = response.content[:RESPONSE_BODY_KEPT].decode("utf-8", errors="replace")
        outcome = Outcome(status_code=response.status_code, response_body=answer)
    except DestinationRefused as refused:
        outcome = Outcome(error=f"Destination refused: {refused}")
    except (requests.RequestException, ValueError) as failure:
        outcome = Outcome(error=f"{type(failure).__name__}: {failure}"[:1000])
    return replace(outcome, duration_ms=int((time.monotonic() - started) * 1000))


def attempts_record(deliveries: list[Delivery], outcomes: list[Outcome], *, attempted_at: datetime) -> None:
    """The batch's attempts in the log, each delivery settled or rescheduled, each endpoint's streak moved.

    One transaction for the batch: a commit per delivery would cost more than the sends themselves.
    """
    with transaction.atomic():
        attempts = DeliveryAttempt.objects.bulk_create([
            DeliveryAttempt(
                tenant_id=delivery.tenant_id, delivery=delivery, attempted_at=attempted_at,
                status_code=outcome.status_code, duration_ms=outcome.duration_ms, error=outcome.error,
                response_body=outcome.response_body,
            )
            for delivery, outcome in zip(deliveries, outcomes, strict=True)
        ])  # fmt: skip
        latest: dict[int, tuple[WebhookEndpoint, DeliveryAttempt, bool]] = {}
        for delivery, outcome, attempt in zip(deliveries, outcomes, attempts, strict=True):
            endpoint = delivery.endpoint
            settle(delivery, endpoint, status_code=outcome.status_code, disabled=not endpoint.enabled)
            if endpoint.enabled and outcome.status_code != 410:
                succeeded = delivery.status == DeliveryStatus.SUCCEEDED
                # A success anywhere in the batch ends the endpoint's streak; else its last failure counts.
                if not latest.get(endpoint.pk, (None, None, False))[2]:
                    latest[endpoint.pk] = (endpoint, attempt, succeeded)
        deliveries_save(deliveries)
        for endpoint, attempt, succeeded in latest.values():
            failure_streak_record(endpoint, attempt, succeeded=succeeded)


def deliveries_save(deliveries: list[Delivery]) -> None:
    """Store the settled deliveries: one UPDATE per distinct outcome (a batch of successes is one statement).

    Cheaper than bulk_update's CASE per row; ``attempts`` goes up by one in the database, where no one
    else changes it meanwhile (the deliveries are leased to this worker).
    """
    outcomes: dict[tuple, list[int]] = defaultdict(list)
    for delivery in deliveries:
        outcomes[(delivery.status, delivery.last_status_code, delivery.next_attempt_at)].append(delivery.pk)
    for (status, last_status_code, next_attempt_at), ids in outcomes.items():
        Delivery.unscoped.filter(id__in=ids).update(
            status=status, last_status_code=last_status_code, next_attempt_at=next_attempt_at,
            attempts=F("attempts") + 1,
        )  # fmt: skip


def request_for(
    endpoint: WebhookEndpoint, event: OutboxEvent, attempted_at: datetime, secrets: list[str]
) -> tuple[bytes, dict]:
    """The body and headers of one attempt: the signed envelope, or a Slack message (unsigned: the URL is secret)."""
    if endpoint.kind == EndpointKind.SLACK:
        body = json.dumps(slack_message(event.payload, message_id=event.id), separators=(",", ":")).encode()
        return body, {"content-type": "application/json"}
    body = json.dumps(event.payload, separators=(",", ":")).encode()
    return body, signed_headers(message_id=event.id, timestamp=attempted_at, body=body, secrets=secrets)


def settle(delivery: Delivery, endpoint: WebhookEndpoint, *, status_code: int | None, disabled: bool) -> None:
    """2xx succeeds; 410 disables the endpoint and kills the delivery; anything else (3xx included) retries.

    Changes ``delivery`` in memory; the caller saves the batch.
    """
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.next_attempt_at = None
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = DeliveryStatus.SUCCEEDED
    elif status_code == 410 or disabled:
        delivery.status = DeliveryStatus.DEAD
        if status_code == 410:
            disable_endpoint(endpoint, reason=GONE)
    else:
        delay = retry_delay_seconds(delivery.attempts)
        if delay is None:
            delivery.status = DeliveryStatus.DEAD
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)


def disable_endpoint(endpoint: WebhookEndpoint, *, reason: str) -> None:
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason, timezone.now()
    endpoint.save(update_fields=["enabled", "disabled_reason", "disabled_at", "updated_at"])
