"""Rows the workspace tests need, written directly so each test controls every deadline and moment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from alerts.models import Alert, AlertStatus, Priority
from followups.models import FollowUp, Status
from outcomes.models import AnalysisKind, Outcome, OutcomeAnalysis, Renewal, RenewalForecast
from surveys.models import SurveyResponse
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.health_data import score_row

_keys = count(1)


def local(zone: str, *args) -> datetime:
    """An aware moment given as the tenant's wall clock, e.g. ``local("Pacific/Auckland", 2026, 12, 7, 23, 30)``."""
    return datetime(*args, tzinfo=ZoneInfo(zone))


def account(tenant, owner=None, *, name=None, arr=25000, score=None, change_7d=None, segment="mid-market", **fields):
    made = AccountFactory(tenant=tenant, csm_owner=owner, arr=Decimal(arr), segment=segment,
                          **({"name": name} if name else {}), **fields)  # fmt: skip
    if score is not None:
        score_row(tenant, made, score, change_7d=change_7d)
    return made


def contact(of_account):
    return ContactFactory(account=of_account, tenant=of_account.tenant)


def alert(of_account, *, due_at, assignee=None, status=AlertStatus.OPEN, title=None, priority=Priority.MEDIUM):
    n = next(_keys)
    closed = status == AlertStatus.CLOSED
    return Alert.objects.for_tenant(of_account.tenant).create(
        tenant=of_account.tenant, account=of_account, key=f"test:{n}", assignee=assignee, priority=priority,
        due_at=due_at, status=status, title=title or f"Alert {n}", message="Test alert.", first_fired_at=due_at,
        last_fired_at=due_at, closed_at=due_at if closed else None, closing_note="Done." if closed else "",
    )  # fmt: skip


def response(of_contact, score: int, *, at: datetime, comment: str = ""):
    return SurveyResponse.objects.for_tenant(of_contact.tenant).create(
        tenant=of_contact.tenant, contact=of_contact, account=of_contact.account, score=score, comment=comment,
        responded_at=at, channel="in_product", dedup_key=f"test-{next(_keys)}",
    )  # fmt: skip


# Answers behind follow-ups made for their deadlines alone: old enough to count in no recent NPS or detractor list.
OLD_ANSWER = datetime(2020, 1, 6, 12, tzinfo=ZoneInfo("UTC"))


def followup(of_contact, *, due_at, assignee=None, closed_at=None, answer=None):
    """The follow-up of ``answer`` (by default a promoter's answer of 2020 from ``of_contact``); closed when
    ``closed_at`` is given."""
    answer = answer or response(of_contact, 9, at=OLD_ANSWER)
    return FollowUp.objects.for_tenant(of_contact.tenant).create(
        tenant=of_contact.tenant, response=answer, account=answer.account, contact=answer.contact,
        category=answer.category, assignee=assignee, due_at=due_at,
        status=Status.CLOSED if closed_at else Status.NEW, closed_at=closed_at,
        closing_note="Closed." if closed_at else "",
    )  # fmt: skip


def renewal(of_account, *, term_end: date, arr_due=25000, outcome=Outcome.PENDING, closed_arr=None,
            chance=None, low=None, high=None) -> Renewal:  # fmt: skip
    made = Renewal.objects.for_tenant(of_account.tenant).create(
        tenant=of_account.tenant, account=of_account, term_start=date(term_end.year - 1, term_end.month, 1),
        term_end=term_end, arr_due=Decimal(arr_due), outcome=outcome,
        closed_arr=None if closed_arr is None else Decimal(closed_arr),
        closed_on=term_end if outcome != Outcome.PENDING else None,
    )  # fmt: skip
    if chance is not None:
        run = OutcomeAnalysis.objects.for_tenant(of_account.tenant).create(
            tenant=of_account.tenant,
            kind=AnalysisKind.FORECAST,
            ran_at=datetime.now(tz=ZoneInfo("UTC")),
        )
        RenewalForecast.objects.for_tenant(of_account.tenant).create(
            tenant=of_account.tenant, renewal=made, run=run, model_version="band rates #1", method="band_rates",
            made_on=term_end, made_at=datetime.now(tz=ZoneInfo("UTC")), probability=chance, low=low, high=high,
        )  # fmt: skip
    return made
