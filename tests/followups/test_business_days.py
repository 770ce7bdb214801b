"""Deadlines in business days, in the tenant's time zone (pure)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followups.business_days import business_deadline, is_business_day

PARIS = ZoneInfo("Europe/Paris")
LA = ZoneInfo("America/Los_Angeles")


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


def local_end(deadline, tz):
    moment = deadline.astimezone(tz)
    return moment.date(), (moment.hour, moment.minute, moment.second, moment.microsecond)


END = (23, 59, 59, 999999)


def test_monday_detractor_is_due_at_the_end_of_wednesday():
    deadline = business_deadline(local(PARIS, 2026, 11, 16, 10, 0), 2, "Europe/Paris")
    assert local_end(deadline, PARIS) == (date(2026, 11, 18), END)


def test_friday_evening_response_is_due_after_the_weekend():
    deadline = business_deadline(local(PARIS, 2026, 11, 20, 21, 30), 2, "Europe/Paris")
    assert local_end(deadline, PARIS) == (date(2026, 11, 24), END)  # Monday, Tuesday


@pytest.mark.parametrize("day", [21, 22])  # Saturday, Sunday
def test_weekend_response_counts_from_monday(day):
    deadline = business_deadline(local(PARIS, 2026, 11, day, 12, 0), 2, "Europe/Paris")
    assert local_end(deadline, PARIS) == (date(2026, 11, 24), END)


def test_five_business_days_span_a_weekend():
    deadline = business_deadline(local(PARIS, 2026, 11, 18, 9, 0), 5, "Europe/Paris")  # Wednesday
    assert local_end(deadline, PARIS) == (date(2026, 11, 25), END)  # next Wednesday


def test_zero_days_means_the_end_of_the_same_business_day_or_monday():
    assert local_end(business_deadline(local(PARIS, 2026, 11, 18, 9), 0, "Europe/Paris"), PARIS)[0] == date(
        2026, 11, 18
    )
    assert local_end(business_deadline(local(PARIS, 2026, 11, 21, 9), 0, "Europe/Paris"), PARIS)[0] == date(
        2026, 11, 23
    )


def test_the_same_instant_is_friday_in_los_angeles_and_saturday_in_paris():
    instant = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)  # Fri 21:00 in Los Angeles, Sat 06:00 in Paris
    la = business_deadline(instant, 1, "America/Los_Angeles")
    paris = business_deadline(instant, 1, "Europe/Paris")
    assert local_end(la, LA) == (date(2026, 11, 23), END)  # Monday, LA
    assert local_end(paris, PARIS) == (date(2026, 11, 23), END)  # Monday, Paris
    assert la - paris == timedelta(hours=9)  # each ends its own local day


def test_deadline_across_the_spring_dst_change_ends_at_local_midnight():
    # Paris moves to summer time on Sunday 2026-03-29; the deadline is Tuesday 31 at local end of day.
    deadline = business_deadline(local(PARIS, 2026, 3, 27, 16, 0), 2, "Europe/Paris")
    assert local_end(deadline, PARIS) == (date(2026, 3, 31), END)
    assert deadline.utcoffset() == timedelta(0)
    assert deadline.hour == 21  # 23:59 CEST is 21:59 UTC


def test_deadline_across_the_autumn_dst_change_in_los_angeles():
    deadline = business_deadline(local(LA, 2026, 10, 30, 16, 0), 1, "America/Los_Angeles")  # Friday
    assert local_end(deadline, LA) == (date(2026, 11, 2), END)  # Monday, after the Sunday change
    assert deadline.hour == 7  # 23:59 PST is 07:59 UTC


def test_holidays_are_skipped_when_given():
    deadline = business_deadline(local(PARIS, 2026, 12, 24, 10), 1, "Europe/Paris", holidays={date(2026, 12, 25)})
    assert local_end(deadline, PARIS)[0] == date(2026, 12, 28)


def test_naive_moments_and_negative_days_are_refused():
    with pytest.raises(ValueError):
        business_deadline(datetime(2026, 11, 16, 10), 2, "Europe/Paris")
    with pytest.raises(ValueError):
        business_deadline(local(PARIS, 2026, 11, 16, 10), -1, "Europe/Paris")


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC))
zones = st.sampled_from(["Europe/Paris", "America/Los_Angeles", "UTC", "Asia/Tokyo", "Australia/Sydney"])


@given(moments, st.integers(min_value=1, max_value=30), zones)
def test_deadline_is_the_end_of_a_business_day_exactly_n_business_days_later(moment, days, zone):
    tz = ZoneInfo(zone)
    deadline = business_deadline(moment, days, zone)
    day, clock = local_end(deadline, tz)
    assert clock == END
    assert is_business_day(day)
    start = moment.astimezone(tz).date()
    between = [start + timedelta(days=i) for i in range(1, (day - start).days + 1)]
    assert sum(is_business_day(d) for d in between) == days


@given(moments, st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10 * 24 * 60), zones)
def test_a_later_response_never_gets_an_earlier_deadline(moment, days, minutes_later, zone):
    later = moment + timedelta(minutes=minutes_later)
    assert business_deadline(later, days, zone) >= business_deadline(moment, days, zone)


@given(moments, st.integers(min_value=1, max_value=10), zones)
def test_one_more_day_moves_the_deadline_to_the_next_business_day(moment, days, zone):
    tz = ZoneInfo(zone)
    this, _ = local_end(business_deadline(moment, days, zone), tz)
    following, _ = local_end(business_deadline(moment, days + 1, zone), tz)
    assert following > this
    assert not any(is_business_day(this + timedelta(days=i)) for i in range(1, (following - this).days))
