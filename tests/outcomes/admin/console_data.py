"""Test data for the outcomes pages of the console: renewals with chosen dates, amounts, calls and health."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from outcomes.models import Renewal
from tests.factories import AccountFactory
from tests.indicators.health_data import score_row

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # the tenants are on UTC: today is 2026-03-10
TODAY = NOW.date()


def pending(tenant, name, days_ahead, arr_due, *, csm=None, segment="mid-market", score=None, call="",
            call_on=None) -> Renewal:  # fmt: skip
    """An account with one pending renewal ending ``days_ahead`` days from TODAY (negative: overdue)."""
    account = AccountFactory(tenant=tenant, name=name, segment=segment, csm_owner=csm, arr=Decimal(arr_due))
    if score is not None:
        score_row(tenant, account, score)
    end = TODAY + timedelta(days=days_ahead)
    return Renewal.objects.create(
        tenant=tenant, account=account, term_start=end - timedelta(days=365), term_end=end,
        arr_due=Decimal(arr_due), csm_call=call, csm_call_on=call_on,
    )  # fmt: skip


def closed(tenant, account, term_end: date, outcome: str, arr_due, closed_arr, **extra) -> Renewal:
    return Renewal.objects.create(
        tenant=tenant, account=account, term_start=term_end - timedelta(days=365), term_end=term_end,
        arr_due=Decimal(arr_due), outcome=outcome, closed_arr=Decimal(closed_arr), closed_on=term_end, **extra,
    )  # fmt: skip
