"""NPS reports over the tenant's responses: a summary, a trend, a comparison of two periods.

Queries count categories in the database; the arithmetic is ``surveys.nps_margins`` (over the score
of ``indicators.engine.nps``), so every figure comes with its response count and margin of error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek

from accounts.models import Tenant
from surveys import nps_margins
from surveys.models import Category, SurveyResponse

INTERVALS = {"week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Which responses a report reads: every field set narrows it."""

    start: date | None = None  # inclusive, tenant-local date
    end: date | None = None  # inclusive, tenant-local date
    survey_id: int | None = None
    segment: str = ""
    csm_id: int | None = None
    account_id: int | None = None


def _bound(tenant: Tenant, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tenant.time_zone))


def responses_in_scope(*, tenant: Tenant, scope: Scope) -> QuerySet[SurveyResponse]:
    qs = SurveyResponse.objects.for_tenant(tenant)
    if scope.start:
        qs = qs.filter(responded_at__gte=_bound(tenant, scope.start))
    if scope.end:
        qs = qs.filter(responded_at__lt=_bound(tenant, scope.end + timedelta(days=1)))
    if scope.survey_id:
        qs = qs.filter(survey_id=scope.survey_id)
    if scope.segment:
        qs = qs.filter(account__segment__iexact=scope.segment)
    if scope.csm_id:
        qs = qs.filter(account__csm_owner_id=scope.csm_id)
    if scope.account_id:
        qs = qs.filter(account_id=scope.account_id)
    return qs


COUNTS = {
    "promoters": Count("pk", filter=Q(category=Category.PROMOTER)),
    "passives": Count("pk", filter=Q(category=Category.PASSIVE)),
    "detractors": Count("pk", filter=Q(category=Category.DETRACTOR)),
}


def nps_summary(*, tenant: Tenant, scope: Scope) -> nps_margins.NpsSummary:
    counts = responses_in_scope(tenant=tenant, scope=scope).aggregate(**COUNTS)
    return nps_margins.summary_from_counts(**counts)


@dataclass(frozen=True)
class TrendPoint:
    period_start: date
    summary: nps_margins.NpsSummary

    def as_dict(self) -> dict:
        return {"period_start": self.period_start.isoformat(), **self.summary.as_dict()}


def nps_trend(*, tenant: Tenant, scope: Scope, interval: str = "month") -> list[TrendPoint]:
    """One summary per week (Monday) or month, in the tenant's time zone; periods without answers are left out."""
    trunc = INTERVALS[interval]
    rows = (
        responses_in_scope(tenant=tenant, scope=scope)
        .annotate(period=trunc("responded_at", tzinfo=ZoneInfo(tenant.time_zone)))
        .values("period")
        .annotate(**COUNTS)
        .order_by("period")
    )
    return [
        TrendPoint(
            period_start=row["period"].date() if isinstance(row["period"], datetime) else row["period"],
            summary=nps_margins.summary_from_counts(
                promoters=row["promoters"], passives=row["passives"], detractors=row["detractors"]
            ),
        )
        for row in rows
    ]


def nps_compare(*, tenant: Tenant, before: Scope, after: Scope) -> nps_margins.Comparison:
    return nps_margins.compare(nps_summary(tenant=tenant, scope=before), nps_summary(tenant=tenant, scope=after))
