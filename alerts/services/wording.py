"""Dates and times as a tenant reads them: in the tenant's time zone, never the server's UTC.

For the words of alerts (messages and notes), here and in the apps that raise alerts.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from accounts.models import Tenant


def tenant_day(tenant: Tenant, at: datetime) -> date:
    """The tenant's calendar day of the moment ``at``."""
    return at.astimezone(ZoneInfo(tenant.time_zone)).date()


def tenant_moment(tenant: Tenant, at: datetime) -> str:
    """``at`` on the tenant's clock, its zone named: "2026-05-07 22:30 EDT"."""
    local = at.astimezone(ZoneInfo(tenant.time_zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
