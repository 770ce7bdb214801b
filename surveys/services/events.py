"""Each response (and each amendment) becomes a survey event of its account, so indicators and alerts see it."""

from __future__ import annotations

from accounts.models import Tenant
from indicators.ingest.store import NewEvent, events_store
from indicators.models import EventSource, EventType
from surveys.models import SurveyResponse

EVENT_NAME = "nps_response"
SOURCE = EventSource.SURVEYS.value


def response_message_id(response: SurveyResponse) -> str:
    """Deterministic, so storing the same response (or the same amendment) twice stores one event."""
    if response.amended_at is None:
        return f"survey-response-{response.pk}"
    return f"survey-response-{response.pk}-amended-{int(response.amended_at.timestamp() * 1_000_000)}"


def response_event_record(*, tenant: Tenant, response: SurveyResponse) -> None:
    """Store the response's event and mark its account for recompute (call inside the storing transaction)."""
    event = NewEvent(
        message_id=response_message_id(response),
        type=EventType.SURVEY,
        name=EVENT_NAME,
        occurred_at=response.responded_at,
        source=SOURCE,
        properties={
            "score": response.score,
            "kind": "nps",
            "comment": response.comment,
            "response_id": response.pk,
            "category": response.category,
            # When this version of the answer was given: history before it reads the earlier version.
            **({"amended_at": response.amended_at.isoformat()} if response.amended_at else {}),
        },
        account_id=response.account_id,
        contact_id=response.contact_id,
    )
    events_store(tenant=tenant, events=[event])  # marks the account stale; the hint follows the commit
