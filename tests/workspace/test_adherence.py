"""Deadline adherence over (due, closed) pairs: closing at the deadline is on time."""

from datetime import UTC, datetime, timedelta

from workspace.adherence import NONE_CLOSED, deadline_adherence

DUE = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def test_on_time_counts_items_closed_on_or_before_their_deadline():
    pairs = [(DUE, DUE - timedelta(days=1)), (DUE, DUE), (DUE, DUE + timedelta(seconds=1))]
    adherence = deadline_adherence(pairs)
    assert (adherence.on_time, adherence.closed) == (2, 3)
    assert adherence.share == 2 / 3


def test_nothing_closed_has_no_share_and_sums_add_up():
    assert deadline_adherence([]).share is None
    total = deadline_adherence([(DUE, DUE)]) + deadline_adherence([(DUE, DUE + timedelta(hours=1))]) + NONE_CLOSED
    assert (total.on_time, total.closed) == (1, 2)
