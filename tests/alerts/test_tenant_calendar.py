"""A tenant's days as moments, across daylight-saving changes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.tenant_calendar import due_end_of_day, end_of_day, local_day, start_of_day

NEW_YORK, PARIS = ZoneInfo("America/New_York"), ZoneInfo("Europe/Paris")


def test_days_start_and_end_at_local_midnight_whatever_the_offset_that_day():
    assert start_of_day(date(2026, 3, 8), NEW_YORK) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # EST
    assert start_of_day(date(2026, 3, 9), NEW_YORK) == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)  # EDT
    assert end_of_day(date(2026, 3, 8), NEW_YORK) == datetime(2026, 3, 9, 3, 59, 59, 999999, tzinfo=UTC)
    assert start_of_day(date(2026, 3, 29), PARIS) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # CET until 02:00


def test_a_due_date_counts_calendar_days_from_the_local_day():
    evening = datetime(2026, 3, 7, 3, 0, tzinfo=UTC)  # Friday 22:00 in New York
    assert local_day(evening, NEW_YORK) == date(2026, 3, 6)
    assert due_end_of_day(evening, 0, NEW_YORK) == datetime(2026, 3, 7, 4, 59, 59, 999999, tzinfo=UTC)
    assert due_end_of_day(evening, 2, NEW_YORK) == datetime(2026, 3, 9, 3, 59, 59, 999999, tzinfo=UTC)
    with pytest.raises(ValueError):
        due_end_of_day(evening, -1, NEW_YORK)
    with pytest.raises(ValueError):
        local_day(datetime(2026, 3, 7, 3, 0), NEW_YORK)
