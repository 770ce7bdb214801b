"""The Standard Webhooks headers of a delivery: one signature per live secret, so rotation has no gap."""

from __future__ import annotations

from datetime import datetime

from standardwebhooks import Webhook


def signed_headers(*, message_id: str, timestamp: datetime, body: bytes, secrets: list[str]) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature (``v1,<sig>`` per secret, space-separated)."""
    if not secrets:
        raise ValueError("An endpoint without a live secret cannot be signed for.")
    signatures = [Webhook(secret).sign(message_id, timestamp, body) for secret in secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }
