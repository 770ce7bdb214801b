"""Synthetic traffic: accounts with users, Segment ``track`` messages (~300 bytes), and the rows they become.

Everything is drawn from one seeded ``random.Random``, so a run is reproducible. Users are picked
uniformly, each event carries its user's account as ``context.groupId``, and timestamps are spread
uniformly over the last ``days`` days (30 by default).
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import msgspec

# Event names with relative weights (a few hot features, a long tail), as a product would send them.
FEATURES = {
    "Dashboard Viewed": 30, "Report Viewed": 14, "Report Exported": 6, "Search Performed": 12,
    "Filter Applied": 9, "Record Created": 8, "Record Updated": 8, "Comment Added": 4, "File Uploaded": 3,
    "Integration Synced": 3, "User Invited": 1, "Workflow Run": 4, "Alert Configured": 1, "Settings Changed": 1,
    "Template Used": 2, "API Token Created": 1, "Calendar Connected": 1, "Board Shared": 2,
}  # fmt: skip
PLANS = ("starter", "growth", "pro", "enterprise")
CLIENTS = ("web", "ios", "android", "desktop")
LIBRARY = {"name": "analytics-python", "version": "2.3.3"}
SOURCE = "segment"
EVENT_TYPE = "usage"  # what the API stores a Segment ``track`` as
COLUMNS = (
    "tenant_id", "account_id", "contact_id", "user_id", "anonymous_id", "type", "name",
    "occurred_at", "received_at", "properties", "source", "message_id",
)  # fmt: skip


@dataclass
class Population:
    """The tenant's customers: ``accounts`` companies with ``users_per_account`` users each, and their db ids."""

    accounts: int
    users_per_account: int
    account_pks: list[int] = field(default_factory=list)
    contact_pks: list[list[int]] = field(default_factory=list)

    @staticmethod
    def account_external_id(account: int) -> str:
        return f"org_{account:05d}"

    @staticmethod
    def user_external_id(account: int, user: int) -> str:
        return f"usr_{account:05d}_{user:02d}"


@dataclass(frozen=True)
class Event:
    """One generated ``track`` message, before it is turned into JSON or a COPY row."""

    message_id: str
    account: int
    user: int
    name: str
    timestamp: datetime
    properties: dict


@dataclass(frozen=True)
class Batch:
    """A ``/v1/batch`` request body, the message ids it carries, and which of its events are new."""

    body: bytes
    message_ids: list[str]
    fresh: list[Event]
    resent: int


class Traffic:
    """A seeded stream of track events for ``population``, timestamped within ``days`` days before ``now``."""

    def __init__(self, population: Population, *, seed: int, days: float = 30, now: datetime | None = None):
        self.population = population
        self.spread = timedelta(days=days)
        self.rng = random.Random(seed)
        self.now = now or datetime.now(UTC)
        self.names = list(FEATURES)
        self.weights = list(FEATURES.values())

    def event(self) -> Event:
        rng = self.rng
        name = rng.choices(self.names, self.weights)[0]
        return Event(
            message_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            account=rng.randrange(self.population.accounts),
            user=rng.randrange(self.population.users_per_account),
            name=name,
            timestamp=self.now - self.spread * rng.random(),
            properties={
                "plan": rng.choice(PLANS),
                "client": rng.choice(CLIENTS),
                "path": f"/app/{name.split()[0].lower()}/{rng.randrange(10_000)}",
                "duration_ms": rng.randrange(20, 5_000),
                "items": rng.randrange(1, 60),
            },
        )


def message(event: Event, population: Population) -> dict:
    """The Segment message a server-side library would send for ``event``."""
    return {
        "type": "track",
        "messageId": event.message_id,
        "userId": population.user_external_id(event.account, event.user),
        "event": event.name,
        "timestamp": event.timestamp,
        "context": {"groupId": population.account_external_id(event.account), "library": LIBRARY},
        "properties": event.properties,
    }


def copy_line(event: Event, population: Population, tenant_id: int, *, message_id: str | None = None) -> str:
    """``event`` as a line of COPY text, the row the API would store (received a second after it occurred)."""
    values = (
        tenant_id,
        population.account_pks[event.account],
        population.contact_pks[event.account][event.user],
        population.user_external_id(event.account, event.user),
        "",
        EVENT_TYPE,
        event.name,
        event.timestamp.isoformat(),
        (event.timestamp + timedelta(seconds=1)).isoformat(),
        msgspec.json.encode(event.properties).decode(),  # plain ASCII: nothing to escape for COPY text
        SOURCE,
        message_id or event.message_id,
    )
    return "\t".join(map(str, values)) + "\n"


class BatchMaker:
    """Builds request bodies of ``size`` messages, ``resend_ratio`` of them re-sent already stored messages.

    Re-sent messages are drawn from ``stored`` (a sample of the preloaded events), so each one is
    a duplicate whichever batches end up sent (a time limit may leave some unsent).
    """

    def __init__(self, traffic: Traffic, stored: list[Event], *, size: int, resend_ratio: float):
        self.traffic, self.stored, self.size = traffic, stored, size
        self.resend = min(round(size * resend_ratio), len(stored))

    def batch(self) -> Batch:
        rng = self.traffic.rng
        fresh = [self.traffic.event() for _ in range(self.size - self.resend)]
        events = fresh + rng.sample(self.stored, self.resend)
        rng.shuffle(events)
        population = self.traffic.population
        body = msgspec.json.encode(
            {
                "batch": [message(e, population) for e in events],
                "sentAt": datetime.now(UTC),
                "context": {"library": LIBRARY},
            }
        )
        return Batch(body=body, message_ids=[e.message_id for e in events], fresh=fresh, resent=self.resend)

    def batches(self, n: int) -> list[Batch]:
        return [self.batch() for _ in range(n)]


def basic_auth(api_key: str) -> str:
    """Segment's HTTP Basic: the write key as the user name, an empty password."""
    return "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()
