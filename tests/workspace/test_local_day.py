"""The tenant's day as a span of instants, far from UTC and across the clock changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workspace.local_day import days_back, local_day

AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_a_morning_in_auckland_is_the_next_calendar_day_of_utc():
    day = local_day(datetime(2026, 12, 6, 20, 0, tzinfo=UTC), AUCKLAND)  # 09:00 on the 7th, NZDT (+13)
    assert str(day.day) == "2026-12-07"
    assert day.start == datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
    assert day.end == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


def test_the_day_the_clocks_go_back_lasts_25_hours():
    day = local_day(datetime(2026, 4, 5, 10, 0, tzinfo=AUCKLAND), AUCKLAND)  # NZDT ends at 03:00
    assert day.start == datetime(2026, 4, 4, 11, 0, tzinfo=UTC)  # midnight at +13
    assert day.end == datetime(2026, 4, 5, 12, 0, tzinfo=UTC)  # the next midnight at +12
    assert day.end - day.start == timedelta(hours=25)


def test_the_day_the_clocks_go_forward_lasts_23_hours():
    day = local_day(datetime(2026, 9, 27, 12, 0, tzinfo=AUCKLAND), AUCKLAND)  # NZDT starts at 02:00
    assert day.end - day.start == timedelta(hours=23)


def test_the_last_14_days_start_13_midnights_back():
    day = local_day(datetime(2026, 12, 6, 20, 0, tzinfo=UTC), AUCKLAND)
    assert days_back(day, 14, AUCKLAND) == datetime(2026, 11, 24, 0, 0, tzinfo=AUCKLAND)
    assert days_back(day, 1, AUCKLAND) == day.start


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        local_day(datetime(2026, 12, 6, 20, 0), AUCKLAND)
