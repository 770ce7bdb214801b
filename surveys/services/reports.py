"""NPS reports over the tenant's responses: a summary, a trend, a comparison of two periods.

Queries count categories in the database; the arithmetic is ``surveys.nps_margins`` (over the score
of ``indicators.engine.nps``), so every figure comes with its response count and margin of error.

The counts come from the daily counts (``NpsDailyCount``: per tenant-local day, survey, segment and
CSM, kept in the transaction of every write), which answer every filter but the account's; a report
on one account counts that account's responses (few, and indexed by account). Both read the segment
and CSM the account had when it answered (``SurveyResponse.account_segment``/``account_csm``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from accounts.models import Tenant
from surveys import nps_margins
from surveys.models import Category, NpsDailyCount, SurveyResponse

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
        qs = qs.filter(account_segment__iexact=scope.segment)
    if scope.csm_id:
        qs = qs.filter(account_csm_id=scope.csm_id)
    if scope.account_id:
        qs = qs.filter(account_id=scope.account_id)
    return qs


def daily_counts_in_scope(*, tenant: Tenant, scope: Scope) -> QuerySet[NpsDailyCount]:
    """The daily counts of the same answers as ``responses_in_scope``; every filter but the account's."""
    if scope.account_id:
        raise ValueError("The daily counts are not kept per account: read the responses.")
    qs = NpsDailyCount.objects.for_tenant(tenant)
    if scope.start:
        qs = qs.filter(day__gte=scope.start)
    if scope.end:
        qs = qs.filter(day__lte=scope.end)
    if scope.survey_id:
        qs = qs.filter(survey_key=scope.survey_id)
    if scope.segment:
        qs = qs.filter(segment__iexact=scope.segment)
    if scope.csm_id:
        qs = qs.filter(csm_key=scope.csm_id)
    return qs


# Named apart from the daily counts' own columns, which an annotation may not shadow.
COUNTS = {
    "n_promoters": Count("pk", filter=Q(category=Category.PROMOTER)),
    "n_passives": Count("pk", filter=Q(category=Category.PASSIVE)),
    "n_detractors": Count("pk", filter=Q(category=Category.DETRACTOR)),
}
SUMS = {f"n_{column}": Coalesce(Sum(column), 0) for column in ("promoters", "passives", "detractors")}


def _summary(row: dict) -> nps_margins.NpsSummary:
    return nps_margins.summary_from_counts(
        promoters=row["n_promoters"], passives=row["n_passives"], detractors=row["n_detractors"]
    )


def _grouped(tenant: Tenant, scope: Scope, from_responses: bool) -> tuple[QuerySet, dict, str]:
    """(rows to count, the aggregates that count them, the field their moment is in)."""
    if scope.account_id or from_responses:
        return responses_in_scope(tenant=tenant, scope=scope), COUNTS, "responded_at"
    return daily_counts_in_scope(tenant=tenant, scope=scope), SUMS, "day"


def nps_summary(*, tenant: Tenant, scope: Scope, from_responses: bool = False) -> nps_margins.NpsSummary:
    """``from_responses``: count the responses themselves (what the daily counts must always agree with)."""
    rows, aggregates, _ = _grouped(tenant, scope, from_responses)
    return _summary(rows.aggregate(**aggregates))


@dataclass(frozen=True)
class TrendPoint:
    period_start: date
    summary: nps_margins.NpsSummary

    def as_dict(self) -> dict:
        return {"period_start": self.period_start.isoformat(), **self.summary.as_dict()}


def nps_trend(
    *, tenant: Tenant, scope: Scope, interval: str = "month", from_responses: bool = False
) -> list[TrendPoint]:
    """One summary per week (Monday) or month, in the tenant's time zone; periods without answers are left out."""
    trunc = INTERVALS[interval]
    rows, aggregates, moment = _grouped(tenant, scope, from_responses)
    # A day is a tenant-local date already; a moment is truncated in the tenant's time zone.
    period = trunc(moment) if moment == "day" else trunc(moment, tzinfo=ZoneInfo(tenant.time_zone))
    rows = (
        rows.annotate(period=period)
        .values("period")
        .annotate(**aggregates)
        # Counts emptied by deletions leave rows of zeros behind: such a period has no answers.
        .filter(Q(n_promoters__gt=0) | Q(n_passives__gt=0) | Q(n_detractors__gt=0))
        .order_by("period")
    )
    return [
        TrendPoint(
            period_start=row["period"].date() if isinstance(row["period"], datetime) else row["period"],
            summary=_summary(row),
        )
        for row in rows
    ]


def nps_compare(*, tenant: Tenant, before: Scope, after: Scope) -> nps_margins.Comparison:
    return nps_margins.compare(nps_summary(tenant=tenant, scope=before), nps_summary(tenant=tenant, scope=after))
