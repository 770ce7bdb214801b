"""A batch aborted by a deadlock runs again; other errors, and transactions opened by the caller, do not."""

import pytest
from django.db import OperationalError

from indicators.ingest.retry import with_deadlock_retry


class DatabaseError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def failing(times: int, sqlstate: str):
    calls = []

    def run():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError(sqlstate) from DatabaseError(sqlstate)
        return "stored"

    return run, calls


def test_a_batch_aborted_by_a_deadlock_runs_again():
    run, calls = failing(2, "40P01")
    assert with_deadlock_retry(run) == "stored" and len(calls) == 3


def test_a_deadlock_every_time_is_raised_after_the_last_attempt():
    run, calls = failing(5, "40P01")
    with pytest.raises(OperationalError):
        with_deadlock_retry(run, attempts=3)
    assert len(calls) == 3


def test_other_database_errors_are_not_retried():
    run, calls = failing(1, "53300")  # too many connections
    with pytest.raises(OperationalError):
        with_deadlock_retry(run)
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_the_callers_transaction_it_is_not_retried():
    run, calls = failing(1, "40P01")
    with pytest.raises(OperationalError):
        with_deadlock_retry(run)
    assert len(calls) == 1
