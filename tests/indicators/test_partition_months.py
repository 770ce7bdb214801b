"""Monthly partitions of the events table: names, bounds, the months kept ahead and dropped (pure)."""

from datetime import UTC, datetime

from indicators.partitions.months import Month, droppable, months_ahead, months_between, retention_cutoff


def test_month_arithmetic_crosses_years_both_ways():
    assert Month(2026, 12).plus(1) == Month(2027, 1)
    assert Month(2027, 1).plus(-1) == Month(2026, 12)
    assert Month(2026, 3).plus(-27) == Month(2023, 12)
    assert Month(2026, 12).end == datetime(2027, 1, 1, tzinfo=UTC)


def test_a_partition_is_named_by_its_month_and_read_back():
    assert Month(2026, 2).table == "indicators_event_p2026_02"
    assert Month.named("indicators_event_p2026_02") == Month(2026, 2)
    assert Month.named("indicators_event_default") is None


def test_months_are_utc_months_whatever_the_offset_of_the_moment():
    # 23:30 on 31 January in New York is already February in UTC: the event is stored in February.
    moment = datetime.fromisoformat("2026-01-31T23:30:00-05:00")
    assert Month.of(moment.astimezone(UTC)) == Month(2026, 2)
    assert months_ahead(moment)[0] == Month(2026, 1)  # last month, counted from February


def test_months_ahead_are_last_month_to_three_on():
    assert months_ahead(datetime(2026, 12, 7, tzinfo=UTC)) == months_between(Month(2026, 11), Month(2027, 3))


def test_retention_keeps_whole_months_and_drops_only_whole_partitions():
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    # 13 months kept before December 2026: November 2025 is the oldest kept.
    cutoff = retention_cutoff(now, 13)
    assert cutoff == datetime(2025, 11, 1, tzinfo=UTC)
    months = months_between(Month(2025, 9), Month(2026, 1))
    assert droppable(months, cutoff) == [Month(2025, 9), Month(2025, 10)]
