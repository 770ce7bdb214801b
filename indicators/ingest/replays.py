"""Identify, group and alias calls are applied once per message id, as events are stored once.

A client that retries a batch re-sends every message in it. Events de-duplicate on their own
rows; these calls change contacts and accounts instead, and applying an old one again can undo a
newer one (a replayed ``group`` moves a user back to their previous account). So each applied
message id is recorded, in the ingesting transaction, and kept for ``REPLAY_WINDOW``: far longer
than any client retries (Segment's own de-duplication looks back about a day).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.models import Tenant
from indicators.ingest.sql import insert_rows
from indicators.models import AppliedMessage

APPLIED_ONCE = frozenset({"identify", "group", "alias"})
REPLAY_WINDOW = timedelta(days=7)


def messages_claim(*, tenant: Tenant, messages: dict[str, str], received_at: datetime) -> set[str]:
    """Of ``messages`` ({message id: type}), the ids not applied before, now recorded as applied.

    Recorded in the caller's transaction: if it rolls back, so does the claim.
    """
    if not messages:
        return set()
    rows = [
        {"tenant_id": tenant.pk, "message_id": message_id, "type": type_, "received_at": received_at}
        for message_id, type_ in sorted(messages.items())  # one lock order for concurrent batches
    ]
    return set(insert_rows(AppliedMessage, rows, conflict=["tenant_id", "message_id"], returning="message_id"))


def message_unclaim(*, tenant: Tenant, message_id: str) -> None:
    """Withdraw the claim on a message that could not be applied after all, in the caller's transaction."""
    AppliedMessage.objects.for_tenant(tenant).filter(message_id=message_id).delete()
