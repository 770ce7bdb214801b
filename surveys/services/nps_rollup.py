"""Rebuilding a tenant's NPS counts (daily and monthly) from its responses: migration, repair, new time zone.

Writes keep the counts current as they happen (``surveys.models.nps_counts``); this recounts them
from scratch, for a tenant whose counts were never built or whose days moved (a new time zone).
The responses are aggregated in the database a month of local days at a time, so memory stays flat
whatever the tenant's size.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth

from indicators.engine.nps import DETRACTOR, PASSIVE, PROMOTER
from surveys.models import NpsDailyCount, NpsMonthlyCount, SurveyResponse
from surveys.models.nps_counts import rollup_lock

BATCH_DAYS = 31


def nps_rollup_rebuild(
    *,
    tenant_id: int,
    time_zone: str,
    responses=SurveyResponse,
    counts=NpsDailyCount,
    monthly=NpsMonthlyCount,
    batch_days: int = BATCH_DAYS,
) -> int:
    """Replace the tenant's daily and monthly counts by a recount of its responses; the daily rows written.

    ``responses``/``counts``/``monthly`` are the models to use (a migration passes its historical ones). Writers of
    the tenant wait for it (PostgreSQL: an exclusive advisory lock they take shared), so no answer is
    counted twice or lost while it runs.
    """
    zone = ZoneInfo(time_zone)
    answers = responses._default_manager.filter(tenant_id=tenant_id)
    written = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            rollup_lock(cursor, tenant_id, exclusive=True)
        counts._default_manager.filter(tenant_id=tenant_id).delete()
        monthly._default_manager.filter(tenant_id=tenant_id).delete()
        span = answers.aggregate(first=Min("responded_at"), last=Max("responded_at"))
        if span["first"] is None:
            return 0
        day, last = span["first"].astimezone(zone).date(), span["last"].astimezone(zone).date()
        while day <= last:
            upto = day + timedelta(days=batch_days)
            rows = [
                counts(tenant_id=tenant_id, **row)
                for row in _counted(
                    answers.filter(responded_at__gte=_start(day, zone), responded_at__lt=_start(upto, zone)), zone
                )
            ]
            counts._default_manager.bulk_create(rows, batch_size=2_000)
            written += len(rows)
            day = upto
        months = (
            counts._default_manager.filter(tenant_id=tenant_id)
            .annotate(month=TruncMonth("day"))
            .values("month", "survey_key", "segment", "csm_key")
            .annotate(p=Sum("promoters"), pa=Sum("passives"), d=Sum("detractors"))
            .order_by()
        )
        monthly._default_manager.bulk_create(
            [
                monthly(tenant_id=tenant_id, day=row["month"], survey_key=row["survey_key"], segment=row["segment"],
                        csm_key=row["csm_key"], promoters=row["p"], passives=row["pa"], detractors=row["d"])
                for row in months.iterator(chunk_size=5_000)
            ],
            batch_size=2_000,
        )  # fmt: skip
    return written


def _start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _counted(answers, zone: ZoneInfo):
    grouped = (
        answers.annotate(local_day=TruncDate("responded_at", tzinfo=zone))
        .values("local_day", "survey_id", "account_segment", "account_csm_id")
        .annotate(
            promoters=Count("pk", filter=Q(category=PROMOTER)),
            passives=Count("pk", filter=Q(category=PASSIVE)),
            detractors=Count("pk", filter=Q(category=DETRACTOR)),
        )
        .order_by()
    )
    for row in grouped.iterator(chunk_size=5_000):
        yield {
            "day": row["local_day"],
            "survey_key": row["survey_id"] or 0,
            "segment": row["account_segment"],
            "csm_key": row["account_csm_id"] or 0,
            "promoters": row["promoters"],
            "passives": row["passives"],
            "detractors": row["detractors"],
        }
