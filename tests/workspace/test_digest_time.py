"""The daily digest is due at 08:00 on the tenant's wall clock, also on the days the clocks change."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from workspace.digest_time import digest_day_due, digest_moment

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_on_the_day_london_springs_forward_the_digest_is_due_at_0700_utc():
    # 29 March 2026: 01:00 GMT becomes 02:00 BST, so 08:00 local is 07:00 UTC (the day before it was 08:00 UTC).
    assert digest_moment(date(2026, 3, 29), LONDON) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert digest_day_due(datetime(2026, 3, 29, 6, 59, tzinfo=UTC), LONDON) is None
    assert digest_day_due(datetime(2026, 3, 29, 7, 0, tzinfo=UTC), LONDON) == date(2026, 3, 29)
    assert digest_moment(date(2026, 3, 28), LONDON) == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def test_on_the_day_new_york_falls_back_the_digest_is_due_at_1300_utc():
    # 1 November 2026: 02:00 EDT becomes 01:00 EST, so 08:00 local is 13:00 UTC (the day before it was 12:00 UTC).
    assert digest_day_due(datetime(2026, 11, 1, 12, 30, tzinfo=UTC), NEW_YORK) is None
    assert digest_day_due(datetime(2026, 11, 1, 13, 0, tzinfo=UTC), NEW_YORK) == date(2026, 11, 1)
    assert digest_moment(date(2026, 10, 31), NEW_YORK) == datetime(2026, 10, 31, 12, 0, tzinfo=UTC)


def test_the_due_day_is_the_tenant_calendar_day_not_utc():
    # 20:00 UTC on 6 December is 09:00 on 7 December in Auckland (+13): the 7th's digest is due.
    assert digest_day_due(datetime(2026, 12, 6, 20, 0, tzinfo=UTC), AUCKLAND) == date(2026, 12, 7)
    # 18:00 UTC is 07:00 on the 7th there: nothing due yet, and the 6th's is not reopened.
    assert digest_day_due(datetime(2026, 12, 6, 18, 0, tzinfo=UTC), AUCKLAND) is None


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        digest_day_due(datetime(2026, 3, 29, 8, 0), LONDON)
