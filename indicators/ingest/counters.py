"""Counters of what the ingestion doors accepted and refused, for the /metrics endpoint.

Labels are the door (``tracking``: the Segment-compatible API; ``api``: the REST events API) and a
bounded kind of reason, never a tenant: a label per tenant would grow the series without bound and
put customers' names in the monitoring system. Per-tenant figures are in the tenant's ingestion log.
With PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps these in files shared by the processes.
"""

from __future__ import annotations

from prometheus_client import Counter

TRACKING = "tracking"
API = "api"

# Kinds of a refused message or item (bounded: the reason's text stays in the ingestion log).
INVALID_MESSAGE = "invalid_message"  # the message or item failed validation
NOT_APPLICABLE = "not_applicable"  # valid, but cannot be applied to what is stored (e.g. over a limit)

events_accepted = Counter("csp_events_accepted", "Messages or events stored.", ["door"])
events_duplicate = Counter("csp_events_duplicate", "Messages or events already stored (dropped).", ["door"])
events_rejected = Counter("csp_events_rejected", "Messages or events refused, by kind of reason.", ["door", "reason"])
requests_rejected = Counter(
    "csp_ingest_requests_rejected",
    "Whole ingestion requests refused (authentication, limits, undecodable bodies), by error code.",
    ["door", "reason"],
)


def events_counted(*, door: str, accepted: int, duplicates: int, rejected: dict[str, int] | None = None) -> None:
    """Add one request's outcome to the counters."""
    if accepted:
        events_accepted.labels(door=door).inc(accepted)
    if duplicates:
        events_duplicate.labels(door=door).inc(duplicates)
    for reason, count in (rejected or {}).items():
        if count:
            events_rejected.labels(door=door, reason=reason).inc(count)


def request_rejected_count(*, door: str, code: str) -> None:
    """Count a refused request; ``code`` is one of the door's fixed error codes, never free text."""
    requests_rejected.labels(door=door, reason=code).inc()
