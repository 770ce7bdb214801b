"""NPS reports over the tenant's responses: a summary, a trend, a comparison of two periods.

Queries count categories in the database; the arithmetic is ``surveys.nps_margins`` (over the score
of ``indicators.engine.nps``), so every figure comes with its response count and margin of error.

The counts come from the monthly and daily counts (``NpsMonthlyCount``, ``NpsDailyCount``: per
tenant-local month or day, survey, segment and CSM, kept in the transaction of every write): whole
months from the monthly ones, the days a period cuts from a month (and weeks) from the daily ones.
They answer every filter but the account's; a report on one account counts that account's responses
(few, and indexed by account). Both read the segment
and CSM the account had when it answered (``SurveyResponse.account_segment``/``account_csm``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Func, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from accounts.models import Tenant
from surveys import nps_margins
from surveys.models import Category, NpsDailyCount, NpsMonthlyCount, SurveyResponse
from surveys.models.nps_counts import NpsCount

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


def counts_in_scope(
    *, tenant: Tenant, scope: Scope, model: type[NpsCount], start: date | None, end: date | None
) -> QuerySet[NpsCount]:
    """Rows of the daily or monthly counts from ``start`` to ``end`` (inclusive), under the scope's filters.

    Every filter of ``responses_in_scope`` but the account's: the counts are not kept per account.
    """
    if scope.account_id:
        raise ValueError("The counts are not kept per account: read the responses.")
    qs = model.objects.for_tenant(tenant)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    if scope.survey_id:
        qs = qs.filter(survey_key=scope.survey_id)
    if scope.segment:
        qs = qs.filter(segment__iexact=scope.segment)
    if scope.csm_id:
        qs = qs.filter(csm_key=scope.csm_id)
    return qs


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def count_spans(
    start: date | None, end: date | None, *, months: bool
) -> list[tuple[type[NpsCount], date | None, date | None]]:
    """Where the counts of ``start``..``end`` are read: the whole months in it from the monthly counts,
    the days a month boundary cuts (and every day, for weeks) from the daily ones."""
    one_day = timedelta(days=1)
    first_whole = None if start is None else start if start.day == 1 else _next_month(start)
    after_whole = None if end is None else (end + one_day).replace(day=1)  # the first day past the whole months
    if not months or (first_whole and after_whole and first_whole >= after_whole):
        return [(NpsDailyCount, start, end)]
    spans = [(NpsMonthlyCount, first_whole, after_whole - one_day if after_whole else None)]
    if start and start < first_whole:
        spans.append((NpsDailyCount, start, first_whole - one_day))
    if end and after_whole <= end:
        spans.append((NpsDailyCount, after_whole, end))
    return spans


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


def _sources(tenant: Tenant, scope: Scope, interval: str, from_responses: bool) -> list[tuple[QuerySet, dict, Func]]:
    """Row sets whose counts add up to the scope's, each with the aggregates that count them and its period."""
    trunc = INTERVALS[interval]
    if scope.account_id or from_responses:
        period = trunc("responded_at", tzinfo=ZoneInfo(tenant.time_zone))
        return [(responses_in_scope(tenant=tenant, scope=scope), COUNTS, period)]
    # A count's day is a tenant-local date already (a month's, its first day): truncated as it is.
    return [
        (counts_in_scope(tenant=tenant, scope=scope, model=model, start=start, end=end), SUMS, trunc("day"))
        for model, start, end in count_spans(scope.start, scope.end, months=interval == "month")
    ]


def nps_summary(*, tenant: Tenant, scope: Scope, from_responses: bool = False) -> nps_margins.NpsSummary:
    """``from_responses``: count the responses themselves (what the counts must always agree with)."""
    totals = Counter()
    for rows, aggregates, _ in _sources(tenant, scope, "month", from_responses):
        totals.update(rows.aggregate(**aggregates))
    return _summary(totals)


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
    periods: dict[date, Counter] = {}
    for rows, aggregates, period in _sources(tenant, scope, interval, from_responses):
        for row in rows.annotate(period=period).values("period").annotate(**aggregates).order_by():
            start = row.pop("period")
            periods.setdefault(start.date() if isinstance(start, datetime) else start, Counter()).update(row)
    # Counts emptied by deletions leave rows of zeros behind: such a period has no answers.
    return [
        TrendPoint(period_start=start, summary=_summary(counts))
        for start, counts in sorted(periods.items())
        if any(counts.values())
    ]


def nps_compare(*, tenant: Tenant, before: Scope, after: Scope) -> nps_margins.Comparison:
    return nps_margins.compare(nps_summary(tenant=tenant, scope=before), nps_summary(tenant=tenant, scope=after))
