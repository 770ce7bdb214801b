"""Dates and times in the words of alerts read on the tenant's clock, near midnight too."""

from datetime import UTC, date, datetime

import pytest

from accounts.models import Tenant
from alerts.services.wording import tenant_day, tenant_moment

LATE_UTC = datetime(2026, 5, 11, 2, 30, tzinfo=UTC)
NOON_UTC = datetime(2026, 5, 10, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "at", "day", "moment"),
    [
        ("America/New_York", LATE_UTC, date(2026, 5, 10), "2026-05-10 22:30 EDT"),
        ("Pacific/Auckland", NOON_UTC, date(2026, 5, 11), "2026-05-11 00:30 NZST"),
        ("UTC", LATE_UTC, date(2026, 5, 11), "2026-05-11 02:30 UTC"),
    ],
)
def test_a_moment_reads_on_the_tenants_clock(zone, at, day, moment):
    tenant = Tenant(name="T", slug="t", time_zone=zone)
    assert tenant_day(tenant, at) == day
    assert tenant_moment(tenant, at) == moment
