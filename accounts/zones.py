"""The tenant's time zone as a tzinfo: its calendar is the one every day-based figure counts in."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from accounts.models import Tenant


@lru_cache(maxsize=256)
def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def tenant_zone(tenant: Tenant) -> ZoneInfo:
    return zone_named(tenant.time_zone)
