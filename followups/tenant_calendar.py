"""A tenant's business calendar: the days that are not business days besides Saturday and Sunday.

Public holidays come from the ``holidays`` library (maintained rules per country and subdivision,
observed days included: a holiday falling on a weekend is usually observed on a weekday) for the
tenant's country and subdivision; closing days are the tenant's own rows. Every business-day
deadline and business-hour count of a tenant reads them here.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

from holidays import country_holidays

from accounts.models import Tenant
from accounts.models.tenant import ClosingDay, holiday_subdivisions

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1024)
def public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    """The public holidays of ``country`` (and ``subdivision``, "" for none) in ``year``; none for no country.

    The rules never change while the process runs, so each (country, subdivision, year) is built once.
    """
    known = holiday_subdivisions()
    if country not in known:
        return frozenset()
    if subdivision and subdivision not in known[country]:
        # Stored before a library upgrade dropped it: the country's holidays still apply, and opening a
        # follow-up (inside the transaction that records an answer) must not fail over it.
        logger.warning("Unknown holiday subdivision %r of %s: using the country's holidays only.", subdivision, country)
        subdivision = ""
    return frozenset(country_holidays(country, subdiv=subdivision or None, years=year))


def tenant_non_working_days(*, tenant: Tenant, start: date, end: date) -> frozenset[date]:
    """The days from ``start`` to ``end`` (inclusive) that are public holidays or closing days of ``tenant``."""
    public = {
        day
        for year in range(start.year, end.year + 1)
        for day in public_holidays(tenant.country, tenant.subdivision, year)
        if start <= day <= end
    }
    closing = ClosingDay.objects.for_tenant(tenant).filter(day__range=(start, end)).values_list("day", flat=True)
    return frozenset(public.union(closing))


class NonWorkingDays:
    """``day in NonWorkingDays(tenant)``: the tenant's non-working days for the pure deadline functions.

    Deadlines do not know in advance how far they reach, so days are loaded a calendar year at a time,
    on first use. One instance serves one call (a deadline, the department queues): a year it touches
    costs one query, however many days are asked about.
    """

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self._years: dict[int, frozenset[date]] = {}

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        year = day.year
        if year not in self._years:
            self._years[year] = tenant_non_working_days(
                tenant=self.tenant, start=date(year, 1, 1), end=date(year, 12, 31)
            )
        return day in self._years[year]
