"""Time counted in business hours (09:00-17:00 on business days), in the tenant's time zone (pure)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followups.business_hours import business_hours_between, business_hours_deadline

NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
NY, AKL = "America/New_York", "Pacific/Auckland"


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


def test_hours_within_one_day_are_due_the_same_day():
    due = business_hours_deadline(local(NEW_YORK, 2026, 11, 17, 10, 0), 4, NY)  # Tuesday
    assert due == local(NEW_YORK, 2026, 11, 17, 14, 0)


def test_hours_left_at_closing_carry_to_the_next_business_day():
    due = business_hours_deadline(local(NEW_YORK, 2026, 11, 17, 15, 0), 4, NY)  # Tuesday 15:00
    assert due == local(NEW_YORK, 2026, 11, 18, 11, 0)


def test_friday_afternoon_carries_over_the_weekend_to_monday():
    due = business_hours_deadline(local(NEW_YORK, 2026, 11, 20, 16, 0), 3, NY)
    assert due == local(NEW_YORK, 2026, 11, 23, 11, 0)


def test_an_allowance_used_up_at_closing_is_due_at_closing_not_the_next_morning():
    assert business_hours_deadline(local(NEW_YORK, 2026, 11, 17, 9, 0), 8, NY) == local(NEW_YORK, 2026, 11, 17, 17, 0)


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        ((2026, 11, 17, 7, 30), (2026, 11, 17, 11, 0)),  # before opening: counts from 09:00
        ((2026, 11, 17, 18, 0), (2026, 11, 18, 11, 0)),  # after closing: from tomorrow's opening
        ((2026, 11, 21, 12, 0), (2026, 11, 23, 11, 0)),  # Saturday: from Monday's opening
        ((2026, 11, 22, 23, 59), (2026, 11, 23, 11, 0)),  # Sunday night
    ],
)
def test_moments_outside_business_hours_count_from_the_next_opening(moment, due):
    assert business_hours_deadline(local(NEW_YORK, *moment), 2, NY) == local(NEW_YORK, *due)


def test_zero_hours_inside_business_hours_is_the_moment_itself_and_outside_the_next_opening():
    inside, night = local(NEW_YORK, 2026, 11, 17, 10, 30), local(NEW_YORK, 2026, 11, 17, 20, 0)
    assert business_hours_deadline(inside, 0, NY) == inside
    assert business_hours_deadline(night, 0, NY) == local(NEW_YORK, 2026, 11, 18, 9, 0)


def test_thanksgiving_is_skipped_when_given_as_a_holiday():
    wednesday_4pm = local(NEW_YORK, 2026, 11, 25, 16, 0)
    assert business_hours_deadline(wednesday_4pm, 3, NY) == local(NEW_YORK, 2026, 11, 26, 11, 0)
    due = business_hours_deadline(wednesday_4pm, 3, NY, holidays={date(2026, 11, 26)})
    assert due == local(NEW_YORK, 2026, 11, 27, 11, 0)


def test_new_york_spring_forward_weekend_counts_real_hours():
    # DST starts Sunday 8 March 2026: Friday is UTC-5, Monday UTC-4.
    friday_4pm = local(NEW_YORK, 2026, 3, 6, 16, 0)
    due = business_hours_deadline(friday_4pm, 4, NY)
    assert due == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # Monday 12:00 EDT
    assert due.astimezone(NEW_YORK).hour == 12
    assert (due - friday_4pm) == timedelta(hours=67)  # one clock hour fewer than the same span in winter
    assert business_hours_between(friday_4pm, due, NY) == 4


def test_new_york_fall_back_weekend_counts_real_hours():
    # DST ends Sunday 1 November 2026: Friday is UTC-4, Monday UTC-5.
    friday_4pm = local(NEW_YORK, 2026, 10, 30, 16, 0)
    due = business_hours_deadline(friday_4pm, 4, NY)
    assert due == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # Monday 12:00 EST
    assert business_hours_between(friday_4pm, due, NY) == 4


def test_auckland_easter_and_the_end_of_daylight_saving_in_one_weekend():
    # Good Friday 3 April and Easter Monday 6 April 2026; NZDT (UTC+13) ends on Sunday 5 April.
    easter = {date(2026, 4, 3), date(2026, 4, 6)}
    thursday_3pm = local(AUCKLAND, 2026, 4, 2, 15, 0)
    due = business_hours_deadline(thursday_3pm, 8, AKL, holidays=easter)
    assert due.astimezone(AUCKLAND).replace(tzinfo=None) == datetime(2026, 4, 7, 15, 0)  # Tuesday 15:00 NZST
    assert due == datetime(2026, 4, 7, 3, 0, tzinfo=UTC)
    assert business_hours_between(thursday_3pm, due, AKL, holidays=easter) == 8


def test_auckland_start_of_daylight_saving():
    # NZST (UTC+12) becomes NZDT (UTC+13) on Sunday 27 September 2026.
    friday_noon = local(AUCKLAND, 2026, 9, 25, 12, 0)
    due = business_hours_deadline(friday_noon, 8, AKL)
    assert due == datetime(2026, 9, 27, 23, 0, tzinfo=UTC)  # Monday 12:00 NZDT
    assert due - friday_noon == timedelta(hours=71)


def test_waitangi_day_is_skipped_in_auckland():
    thursday_4pm = local(AUCKLAND, 2026, 2, 5, 16, 0)
    due = business_hours_deadline(thursday_4pm, 2, AKL, holidays={date(2026, 2, 6)})
    assert due == local(AUCKLAND, 2026, 2, 9, 10, 0)  # Friday is Waitangi Day


def test_hours_between_counts_only_the_business_windows():
    friday_noon, monday_10 = local(NEW_YORK, 2026, 11, 20, 12, 0), local(NEW_YORK, 2026, 11, 23, 10, 0)
    assert business_hours_between(friday_noon, monday_10, NY) == 6
    assert business_hours_between(monday_10, friday_noon, NY) == 0  # backwards: nothing
    saturday, sunday = local(NEW_YORK, 2026, 11, 21, 9, 0), local(NEW_YORK, 2026, 11, 22, 17, 0)
    assert business_hours_between(saturday, sunday, NY) == 0


def test_other_hours_can_be_given():
    due = business_hours_deadline(local(NEW_YORK, 2026, 11, 17, 8, 0), 1, NY, opens=time(8), closes=time(12))
    assert due == local(NEW_YORK, 2026, 11, 17, 9, 0)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        business_hours_deadline(datetime(2026, 11, 17, 10), 1, NY)
    with pytest.raises(ValueError):
        business_hours_deadline(local(NEW_YORK, 2026, 11, 17, 10), -1, NY)
    with pytest.raises(ValueError):
        business_hours_between(local(NEW_YORK, 2026, 11, 17, 10), local(NEW_YORK, 2026, 11, 18, 10), NY, closes=time(9))


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
zones = st.sampled_from([NY, AKL, "Europe/Paris", "Asia/Kolkata"])
allowances = st.integers(min_value=0, max_value=8 * 15 * 60).map(lambda minutes: minutes / 60)
some_holidays = st.frozensets(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 3, 31)), max_size=30)


@given(moments, allowances, zones, some_holidays)
def test_the_deadline_leaves_exactly_the_allowance_in_business_hours(moment, hours, zone, holidays):
    due = business_hours_deadline(moment, hours, zone, holidays)
    assert due >= moment
    assert business_hours_between(moment, due, zone, holidays) == pytest.approx(hours, abs=1e-6)
    local_due = due.astimezone(ZoneInfo(zone))
    assert time(9) <= local_due.timetz().replace(tzinfo=None) <= time(17)  # always inside business hours
    assert local_due.weekday() < 5 and local_due.date() not in holidays


@given(moments, st.integers(min_value=0, max_value=72 * 60), allowances, zones)
def test_a_later_moment_never_gets_an_earlier_deadline(moment, later_by_minutes, hours, zone):
    later = moment + timedelta(minutes=later_by_minutes)
    assert business_hours_deadline(later, hours, zone) >= business_hours_deadline(moment, hours, zone)
