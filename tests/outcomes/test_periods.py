"""Reporting periods in the tenant's calendar (pure): whole periods, the running one to date."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.periods import InvalidPeriod, add_months, default_start, local_today, periods

LONG_AGO = date(2030, 1, 1)  # a "today" after every range, so no period is running


def bounds(found):
    return [(p.start, p.end, p.label, p.complete) for p in found]


def test_months_cross_the_year_end_and_february_of_a_leap_year():
    found = periods("month", date(2023, 12, 1), date(2024, 4, 1), today=LONG_AGO)
    assert bounds(found) == [
        (date(2023, 12, 1), date(2024, 1, 1), "2023-12", True),
        (date(2024, 1, 1), date(2024, 2, 1), "2024-01", True),
        (date(2024, 2, 1), date(2024, 3, 1), "2024-02", True),  # 29 days
        (date(2024, 3, 1), date(2024, 4, 1), "2024-03", True),
    ]
    assert found[2].last_day == date(2024, 2, 29)


def test_a_range_cutting_past_months_keeps_only_the_whole_ones():
    found = periods("month", date(2026, 1, 15), date(2026, 3, 20), today=LONG_AGO)
    assert [p.label for p in found] == ["2026-02"]  # half of January and most of March are left out


def test_quarters_start_in_january_april_july_and_october():
    found = periods("quarter", date(2025, 9, 1), date(2026, 7, 1), today=LONG_AGO)
    assert bounds(found) == [
        (date(2025, 10, 1), date(2026, 1, 1), "2025-Q4", True),
        (date(2026, 1, 1), date(2026, 4, 1), "2026-Q1", True),
        (date(2026, 4, 1), date(2026, 7, 1), "2026-Q2", True),
    ]


def test_the_running_quarter_is_cut_at_the_end_of_today_and_marked_to_date():
    found = periods("quarter", date(2026, 1, 1), date(2027, 1, 1), today=date(2026, 12, 10))
    assert [p.label for p in found] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4 (to date)"]
    assert (found[-1].start, found[-1].end, found[-1].complete) == (date(2026, 10, 1), date(2026, 12, 11), False)
    assert all(p.complete for p in found[:-1])


def test_a_period_is_running_on_its_last_day_too():
    (december,) = periods("month", date(2026, 12, 1), date(2027, 1, 1), today=date(2026, 12, 31))
    assert (december.label, december.end, december.complete) == ("2026-12 (to date)", date(2027, 1, 1), False)


def test_the_day_after_a_period_ends_it_is_complete():
    (december,) = periods("month", date(2026, 12, 1), date(2027, 1, 1), today=date(2027, 1, 1))
    assert (december.label, december.complete) == ("2026-12", True)


def test_periods_that_have_not_started_are_left_out():
    found = periods("year", date(2025, 1, 1), date(2029, 1, 1), today=date(2026, 3, 1))
    assert bounds(found) == [
        (date(2025, 1, 1), date(2026, 1, 1), "2025", True),
        (date(2026, 1, 1), date(2026, 3, 2), "2026 (to date)", False),
    ]


def test_the_running_period_counts_when_today_is_in_the_range_even_if_its_end_is_not():
    found = periods("month", date(2026, 11, 1), date(2026, 12, 20), today=date(2026, 12, 10))
    assert [p.label for p in found] == ["2026-11", "2026-12 (to date)"]


def test_a_past_range_ending_mid_month_does_not_make_that_month_running():
    found = periods("month", date(2026, 11, 1), date(2026, 12, 5), today=date(2026, 12, 10))
    assert [p.label for p in found] == ["2026-11"]


def test_trailing_twelve_months_end_with_each_month_and_may_start_before_the_range():
    found = periods("ttm", date(2026, 1, 1), date(2026, 4, 1), today=date(2026, 3, 15))
    assert bounds(found) == [
        (date(2025, 2, 1), date(2026, 2, 1), "TTM to 2026-01", True),
        (date(2025, 3, 1), date(2026, 3, 1), "TTM to 2026-02", True),
        (date(2025, 4, 1), date(2026, 3, 16), "TTM to 2026-03 (to date)", False),
    ]


def test_trailing_twelve_months_ending_in_december_is_the_calendar_year():
    (ttm,) = periods("ttm", date(2025, 12, 1), date(2026, 1, 1), today=LONG_AGO)
    (year,) = periods("year", date(2025, 1, 1), date(2026, 1, 1), today=LONG_AGO)
    assert (ttm.start, ttm.end) == (year.start, year.end)


@pytest.mark.parametrize(
    ("kind", "start", "end", "field"),
    [
        ("week", date(2026, 1, 1), date(2026, 2, 1), "kind"),
        ("month", date(2026, 2, 1), date(2026, 2, 1), "end"),
        ("month", date(2026, 3, 1), date(2026, 2, 1), "end"),
    ],
)
def test_bad_input_names_the_field(kind, start, end, field):
    with pytest.raises(InvalidPeriod) as raised:
        periods(kind, start, end, today=LONG_AGO)
    assert raised.value.field == field


def test_today_is_the_date_in_the_tenants_time_zone():
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert local_today(moment, "Pacific/Auckland") == date(2027, 1, 1)
    assert local_today(moment, "America/Los_Angeles") == date(2026, 12, 31)


def test_an_unknown_time_zone_is_refused_by_name():
    with pytest.raises(InvalidPeriod) as raised:
        local_today(datetime(2026, 1, 1, tzinfo=UTC), "Mars/Olympus")
    assert raised.value.field == "time_zone"


DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
STEP = {"month": 1, "quarter": 3, "year": 12}


@given(kind=st.sampled_from(sorted(STEP)), start=DAYS, length=st.integers(1, 1500), today=DAYS)
def test_calendar_periods_follow_each_other_inside_the_range_and_only_the_last_runs(kind, start, length, today):
    end = start + timedelta(days=length)
    found = periods(kind, start, end, today=today)
    for earlier, later in pairwise(found):
        assert earlier.end == later.start and earlier.complete
    for period in found:
        assert start <= period.start <= today
        assert period.start == add_months(period.start, 0)  # on the first of a month
        assert (period.start.month - 1) % STEP[kind] == 0  # quarters in Jan, Apr, Jul, Oct; years in Jan
        if period.complete:
            assert period.end == add_months(period.start, STEP[kind])
            assert period.end <= end and period.end <= today
        else:
            assert period.start <= today < add_months(period.start, STEP[kind])
            assert period.end == today + timedelta(days=1) and period.label.endswith("(to date)")


@pytest.mark.parametrize(
    ("kind", "last_day", "start"),
    [("month", date(2026, 3, 15), date(2025, 4, 1)), ("month", date(2025, 12, 31), date(2025, 1, 1)),
     ("quarter", date(2026, 3, 31), date(2024, 4, 1)), ("quarter", date(2026, 4, 1), date(2024, 7, 1)),
     ("year", date(2026, 1, 1), date(2024, 1, 1)), ("ttm", date(2026, 3, 15), date(2025, 4, 1))],
)  # fmt: skip
def test_a_trend_without_a_start_goes_back_its_default_number_of_periods(kind, last_day, start):
    assert default_start(kind, last_day) == start
    found = periods(kind, start, last_day + timedelta(days=1), today=last_day)
    assert len(found) == {"month": 12, "quarter": 8, "year": 3, "ttm": 12}[kind]


def test_a_default_start_for_an_unknown_kind_names_the_kind():
    with pytest.raises(InvalidPeriod) as raised:
        default_start("week", date(2026, 1, 1))
    assert raised.value.field == "kind"
