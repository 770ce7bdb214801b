"""Tenant B's (and A's) rows for the outcomes models: builders registered after the core ones in world.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account
from indicators.models import HealthScoreHistory
from outcomes.models import (
    AnalysisKind,
    ArrMovement,
    ExchangeRate,
    MovementKind,
    Outcome,
    OutcomeAnalysis,
    ReasonKind,
    Renewal,
    RenewalForecast,
    RenewalReason,
)
from tests.isolation.world import World, builder, canary_fields, text_value


@builder("outcomes.RenewalReason")
def build_renewal_reason(b: World) -> None:
    b.add(RenewalReason.objects.create(tenant=b.tenant, kind=ReasonKind.CHURN, **canary_fields(b, RenewalReason)))


@builder("outcomes.Renewal")
def build_renewals(b: World) -> None:
    account, reason = b.row(Account), b.row(RenewalReason)
    closed = Renewal.objects.create(
        tenant=b.tenant, account=account, term_start=date(2024, 3, 1), term_end=date(2025, 3, 1),
        arr_due=Decimal("12000.00"), outcome=Outcome.CHURNED, closed_arr=Decimal("0.00"), closed_on=date(2025, 2, 20),
        reason=reason, **canary_fields(b, Renewal, "renewalclosed"),
    )  # fmt: skip
    pending = Renewal.objects.create(
        tenant=b.tenant, account=account, term_start=date(2026, 3, 1), term_end=date(2027, 3, 1),
        arr_due=Decimal("15000.00"), **canary_fields(b, Renewal),
    )  # fmt: skip
    b.add(pending, main=True)
    b.add(closed)


@builder("outcomes.ArrMovement")
def build_arr_movement(b: World) -> None:
    b.add(
        ArrMovement.objects.create(
            tenant=b.tenant, account=b.row(Account), on=date(2025, 2, 20), kind=MovementKind.CHURN,
            amount=Decimal("-12000.00"), arr_after=Decimal("0.00"), renewal=b.row(Renewal),
            **canary_fields(b, ArrMovement),
        )
    )  # fmt: skip


@builder("outcomes.OutcomeAnalysis")
def build_outcome_analysis(b: World) -> None:
    # A ranking in which license utilization preceded churn, and the history it was read from: the churned
    # renewal (term end 2025-03-01) at 20% 90 days before, an earlier renewed one (2024-03-01) at 70%, so a
    # suggested draft can be built from each tenant's own rows.
    account = b.row(Account)
    b.add(Renewal.objects.create(
        tenant=b.tenant, account=account, term_start=date(2023, 3, 1), term_end=date(2024, 3, 1),
        arr_due=Decimal("12000.00"), outcome=Outcome.RENEWED, closed_arr=Decimal("12000.00"),
        closed_on=date(2024, 2, 20), **canary_fields(b, Renewal, "renewalearlier"),
    ))  # fmt: skip
    for at, utilization in ((datetime(2023, 11, 20, tzinfo=UTC), 70.0), (datetime(2024, 11, 20, tzinfo=UTC), 20.0)):
        b.add(HealthScoreHistory.objects.create(
            tenant=b.tenant, account=account, at=at, score=50.0, band="yellow",
            values={"license_utilization": utilization}, **canary_fields(b, HealthScoreHistory, f"hist{at.year}"),
        ))  # fmt: skip
    b.add(
        OutcomeAnalysis.objects.create(
            tenant=b.tenant, kind=AnalysisKind.INDICATORS, lead_days=90, ran_at=timezone.now(),
            first_term_end=date(2024, 1, 31), last_term_end=date(2025, 12, 31), churned=21, renewed=180,
            result=[{"indicator": "license_utilization", "verdict": "preceded churn", "auc": 0.71, "auc_low": 0.6,
                     "auc_high": 0.8, "reason": text_value(b, "analysis.reason")}],
            **canary_fields(b, OutcomeAnalysis),
        )
    )  # fmt: skip


@builder("outcomes.RenewalForecast")
def build_renewal_forecast(b: World) -> None:
    run = OutcomeAnalysis.objects.create(
        tenant=b.tenant, kind=AnalysisKind.FORECAST, ran_at=timezone.now(), churned=12, renewed=90,
        result={"method": "band rates", "reason": text_value(b, "forecast.reason")},
    )  # fmt: skip
    b.add(
        RenewalForecast.objects.create(
            tenant=b.tenant, renewal=b.row(Renewal), run=run, made_on=date(2026, 12, 1), made_at=timezone.now(),
            probability=0.83, low=0.7,
            high=0.91, expected_arr=Decimal("12450.00"), drivers=[text_value(b, "forecast.driver")],
            **canary_fields(b, RenewalForecast),
        )
    )  # fmt: skip


@builder("outcomes.ExchangeRate")
def build_exchange_rate(b: World) -> None:
    # Neither tenant's own currency, and a different one for each (a code cannot hold a canary, so a shared
    # one would make A's own rows look like B's to the enumeration probes).
    b.add(
        ExchangeRate.objects.create(
            tenant=b.tenant, currency="GBP" if b.canaries is not None else "CHF", rate=Decimal("1.27000000"),
            valid_from=date(2020, 1, 1),
            **canary_fields(b, ExchangeRate),
        )
    )  # fmt: skip
