from notifications.backoff import MAX_ATTEMPTS, longest_schedule_seconds, retry_delay_seconds


def test_the_wait_doubles_from_30_seconds_with_full_jitter_up_to_a_cap():
    ceilings = [retry_delay_seconds(n, uniform=lambda low, high: high) for n in range(1, 5)]
    assert ceilings == [30, 60, 120, 240]
    assert retry_delay_seconds(3, uniform=lambda low, high: low) == 0
    assert retry_delay_seconds(MAX_ATTEMPTS - 1, uniform=lambda low, high: high) == 12 * 3600


def test_after_the_last_attempt_there_is_no_retry():
    assert retry_delay_seconds(MAX_ATTEMPTS) is None


def test_the_whole_schedule_spans_about_three_days_at_most():
    assert 2 * 86400 < longest_schedule_seconds() < 3 * 86400
