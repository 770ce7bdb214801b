"""The NPS dashboard's months are whole calendar months in the tenant's time zone, across month ends and DST."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from surveys.admin.dashboard import period_start
from surveys.models import Channel
from surveys.services.responses import response_record
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db
NPS = "/admin/surveys/nps/"
# 2024-11-05 15:00 UTC: 10:00 in New York (two days after its clocks went back), 04:00 on the 6th in Auckland.
NOW = datetime(2024, 11, 5, 15, 0, tzinfo=UTC)
ANSWERS = {
    "mid-august": (datetime(2024, 8, 20, 12, 0, tzinfo=UTC), 10),  # inside "90 days back", before any whole month
    "new-york-aug-31": (datetime(2024, 9, 1, 3, 30, tzinfo=UTC), 0),  # 23:30 EDT on Aug 31; 15:30 on Sep 1 in NZ
    "new-york-sep-1": (datetime(2024, 9, 1, 4, 30, tzinfo=UTC), 10),  # 00:30 EDT on Sep 1
    "auckland-dst-oct-1": (datetime(2024, 9, 30, 11, 30, tzinfo=UTC), 9),  # 00:30 NZDT on Oct 1 (23:30 in NZST)
    "new-york-oct-31": (datetime(2024, 11, 1, 3, 30, tzinfo=UTC), 3),  # 23:30 EDT on Oct 31; Nov 1 in NZ
    "new-york-dst-nov-3": (datetime(2024, 11, 3, 6, 30, tzinfo=UTC), 8),  # 01:30 EST, the second 01:30 that night
}


@pytest.fixture
def answered(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant)
    for key, (at, score) in ANSWERS.items():  # one person each: a person's second answer may amend the first
        person = ContactFactory(account=account)
        response_record(tenant=world_a.tenant, contact=person, score=score, dedup_key=key, channel=Channel.IMPORT,
                        responded_at=at)  # fmt: skip
    theirs = ContactFactory(account=AccountFactory(tenant=world_b.tenant))
    response_record(tenant=world_b.tenant, contact=theirs, score=0, dedup_key="b", channel=Channel.IMPORT,
                    responded_at=datetime(2024, 10, 10, tzinfo=UTC))  # fmt: skip


def dashboard(client, world, zone: str, **params):
    world.tenant.time_zone = zone
    world.tenant.save()
    with time_machine.travel(NOW, tick=False):
        return session_client(client, world.viewer).get(NPS, {"months": "3", **params})


def monthly(response) -> dict[str, int]:
    return {p.period_start.isoformat(): p.summary.responses for p in response.context["trend"]}


def test_three_months_in_new_york_are_september_to_november_to_date(client, world_a, answered):
    response = dashboard(client, world_a, "America/New_York", interval="month")
    assert response.context["start"] == date(2024, 9, 1)
    # Aug 31 at 23:30 is August in New York: outside, as is mid-August; the night clocks went back is November.
    assert monthly(response) == {"2024-09-01": 2, "2024-10-01": 1, "2024-11-01": 1}
    assert response.context["summary"].responses == 4  # the other tenant's October answer is not here
    html = response.content.decode()
    assert "From 2024-09-01 to 2024-11-05." in html and "<td>2024-11-01 (to date)</td>" in html
    assert "<td>2024-10-01 (to date)</td>" not in html


def test_three_months_in_auckland_follow_its_calendar_and_its_daylight_saving(client, world_a, answered):
    response = dashboard(client, world_a, "Pacific/Auckland", interval="month")
    assert response.context["start"] == date(2024, 9, 1) and response.context["end"] == date(2024, 11, 6)
    # Both Sep 1 answers are September there; 00:30 NZDT on Oct 1 is October; Oct 31 in New York is Nov 1 here.
    assert monthly(response) == {"2024-09-01": 2, "2024-10-01": 1, "2024-11-01": 2}


def test_a_weekly_series_starts_on_a_monday_so_its_first_week_is_whole(client, world_a, answered):
    response = dashboard(client, world_a, "America/New_York", interval="week")
    assert response.context["start"] == date(2024, 8, 26)  # Sep 1 2024 is a Sunday
    weeks = monthly(response)
    assert min(weeks) == "2024-08-26" and weeks["2024-08-26"] == 2  # Aug 31 and Sep 1 in New York
    assert weeks["2024-10-28"] == 2  # Oct 31, and Sunday Nov 3 at 01:30 EST
    assert "(to date)" not in response.content.decode()  # no answer yet in the week running to today


@pytest.mark.parametrize(
    ("today", "months", "interval", "start"),
    [
        (date(2024, 11, 5), 3, "month", date(2024, 9, 1)),
        (date(2025, 1, 15), 3, "month", date(2024, 11, 1)),  # across the new year
        (date(2025, 1, 31), 12, "month", date(2024, 2, 1)),
        (date(2025, 3, 1), 24, "month", date(2023, 4, 1)),
        (date(2024, 3, 31), 1, "month", date(2024, 3, 1)),
        (date(2024, 11, 5), 6, "week", date(2024, 5, 27)),  # Monday before Saturday Jun 1
        (date(2024, 7, 3), 1, "week", date(2024, 7, 1)),  # Jul 1 is a Monday already
    ],
)
def test_a_period_starts_on_the_first_day_of_a_calendar_month(today, months, interval, start):
    assert period_start(today, months=months, interval=interval) == start
