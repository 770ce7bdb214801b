"""A small, hand-worked account history in a far time zone, for the timeline tests.

Tenant A keeps its days in Pacific/Auckland (UTC+13 in December), so several moments below fall on another
date there than in UTC. "Now" is 2026-12-07 00:00 UTC, 13:00 on 7 December in Auckland. Every row is placed in
UTC; the comment beside it says its local moment, the one the timeline must show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import Account, Contact, Membership
from alerts.models import Alert, AlertStatus
from followups.models import Activity, FollowUp, Status
from indicators import engine
from indicators.ingest.store import NewEvent, events_store
from indicators.models import GutRead, HealthScoreHistory
from indicators.scoring.results import result_to_json
from outcomes.models import Outcome, Renewal
from surveys.models import SurveyResponse
from tests.factories import AccountFactory, ContactFactory

NOW = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # 13:00 on 7 December in Auckland
ZONE = "Pacific/Auckland"
DAYS_SINCE = "days_since_proactive_communication"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def result(score: float, band: str, days_since: float) -> dict:
    """A stored score whose one measure is the days since the last proactive communication."""
    measure = engine.MeasureResult(
        indicator=DAYS_SINCE, weight=10, value=days_since, points=score, share=1.0, contribution=score
    )
    return result_to_json(
        engine.ScoreResult(
            scorecard="default@1", computed=score, gut=None, final=score, band=band, coverage=1.0, gut_share=0.0,
            measures=(measure,),
        )
    )  # fmt: skip


def store(tenant, *events: NewEvent) -> None:
    with transaction.atomic():
        events_store(tenant=tenant, events=list(events))


def event(key: str, type_: str, name: str, at: datetime, account: Account, contact: Contact | None = None, **props):
    return NewEvent(
        message_id=key, type=type_, name=name, occurred_at=at, source="api", properties=props,
        account_id=account.pk, contact_id=contact.pk if contact else None,
    )  # fmt: skip


@dataclass
class TimelineWorld:
    account: Account
    ann: Contact
    bob: Contact
    csm: Membership
    followup: FollowUp
    alert: Alert
    renewal: Renewal


def build_timeline_world(world) -> TimelineWorld:
    """Tenant A's account with one of everything; call inside ``time_machine.travel(NOW)``."""
    tenant = world.tenant
    tenant.time_zone = ZONE
    tenant.save()
    account = AccountFactory(tenant=tenant, name="Kiwi Ltd", csm_owner=world.csm, currency="NZD")
    ann = ContactFactory(account=account, tenant=tenant, name="Ann Ash")
    bob = ContactFactory(account=account, tenant=tenant, name="Bob Birch")
    store(
        tenant,
        # Usage across midnight UTC: one event on 5 December in Auckland, three on the 6th by both contacts
        # (all four are on 5 December in UTC).
        event("u1", "usage", "reports", utc(12, 5, 10, 30), account, ann),  # 5 Dec 23:30
        event("u2", "usage", "reports", utc(12, 5, 11, 30), account, ann),  # 6 Dec 00:30
        event("u3", "usage", "export", utc(12, 5, 12, 0), account, bob),  # 6 Dec 01:00
        event("u4", "usage", "reports", utc(12, 5, 12, 10), account, bob),  # 6 Dec 01:10
        event("t1", "support", "ticket_opened", utc(12, 6, 2), account, bob,  # 6 Dec 15:00
              ticket_id="T-1", severity="high", subject="Export fails"),
        event("c1", "communication", "email", utc(12, 4, 21), account, ann,  # 5 Dec 10:00
              direction="proactive", csm=world.csm.pk, summary="Sent the export guide"),
        event("x1", "content", "educational", utc(12, 2, 20), account, ann,  # 3 Dec 09:00 (no usage that day)
              content_id="webinar-7", title="Reporting webinar"),
    )  # fmt: skip
    response = SurveyResponse.objects.create(
        tenant=tenant, account=account, contact=bob, score=3, comment="Exports keep failing",
        responded_at=utc(12, 4, 22), channel="import", dedup_key="r1",  # 5 Dec 11:00
    )  # fmt: skip
    followup = FollowUp.objects.create(
        tenant=tenant, response=response, account=account, contact=bob, category="detractor",
        assignee=world.csm, status=Status.IN_PROGRESS, due_at=utc(12, 8, 10),  # due 8 Dec 23:00
    )  # fmt: skip
    FollowUp.objects.for_tenant(tenant).filter(pk=followup.pk).update(created_at=utc(12, 4, 22, 5))  # 5 Dec 11:05
    Activity.objects.create(
        tenant=tenant, followup=followup, kind="call", note="Walked Bob through the fix", by=world.csm,
        at=utc(12, 5, 3),  # 5 Dec 16:00
    )  # fmt: skip
    alert = Alert.objects.create(
        tenant=tenant, account=account, key="manual:test", title="Usage fell", message="Active users halved",
        priority="high", due_at=utc(12, 8, 0), first_fired_at=utc(12, 3, 20), last_fired_at=utc(12, 3, 20),
        status=AlertStatus.CLOSED, closed_by=world.csm.user, closed_at=utc(12, 6, 1),  # opened 4 Dec 09:00,
        closing_note="Usage is back",  # closed 6 Dec 14:00
    )  # fmt: skip
    GutRead.objects.create(
        tenant=tenant, account=account, level="negative", note="Champion is leaving", expires_at=utc(12, 31, 0),
        set_by=world.csm.user, set_at=utc(12, 1, 23),  # 2 Dec 12:00
    )  # fmt: skip
    for at, score, band, days in (
        (utc(11, 30, 12), 70.0, "yellow", 5.0),  # 1 Dec 01:00: the first score
        (utc(12, 1, 12), 70.0, "yellow", 5.0),  # 2 Dec 01:00: the daily row, nothing moved
        (utc(12, 2, 12), 55.0, "red", 20.0),  # 3 Dec 01:00: fell 15 points, to red
    ):
        HealthScoreHistory.objects.create(
            tenant=tenant, account=account, at=at, score=score, computed=score, band=band, coverage=1.0,
            scorecard="default@1", result=result(score, band, days),
        )  # fmt: skip
    renewal = Renewal.objects.create(
        tenant=tenant, account=account, term_start=date(2025, 12, 4), term_end=date(2026, 12, 4),
        arr_due=Decimal("25000"), outcome=Outcome.RENEWED, closed_arr=Decimal("25000"),
        closed_on=date(2026, 12, 4),  # a date of the tenant's calendar
    )  # fmt: skip
    return TimelineWorld(account, ann, bob, world.csm, followup, alert, renewal)


def build_noise(world_a, world_b) -> None:
    """Rows of another account of A, and of tenant B, on the same days: none may show on the timeline."""
    other = AccountFactory(tenant=world_a.tenant)
    theirs = AccountFactory(tenant=world_b.tenant)
    for account in (other, theirs):
        store(
            account.tenant,
            event(f"n-u-{account.pk}", "usage", "reports", utc(12, 6, 1), account),
            event(f"n-t-{account.pk}", "support", "ticket_opened", utc(12, 6, 1), account, ticket_id="N-1"),
            event(f"n-c-{account.pk}", "communication", "call", utc(12, 6, 1), account, direction="proactive"),
        )
        GutRead.objects.create(
            tenant=account.tenant, account=account, level="positive", expires_at=utc(12, 31, 0), set_at=utc(12, 6, 1)
        )
