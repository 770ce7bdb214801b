"""Follow-up deadlines skip the tenant's public holidays (country and subdivision) and its closing days."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models.tenant import ClosingDay
from followups.services.opening import followup_deadline
from followups.tenant_calendar import NonWorkingDays, public_holidays, tenant_non_working_days
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db

NEW_YORK, AUCKLAND = ZoneInfo("America/New_York"), ZoneInfo("Pacific/Auckland")


def calendar(tenant, *, time_zone, country="", subdivision=""):
    tenant.time_zone, tenant.country, tenant.subdivision = time_zone, country, subdivision
    tenant.save()


def end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=zone).astimezone(UTC)


def test_a_detractor_answer_before_thanksgiving_is_due_after_it(owned_a, world_a):
    calendar(world_a.tenant, time_zone="America/New_York", country="US")
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)
    followup = followup_of(respond(owned_a, 2, responded_at=wednesday))
    # Two business days: Thanksgiving (Thursday) is not one; Friday and Monday are.
    assert followup.due_at == end_of(date(2026, 11, 30), NEW_YORK)


def test_without_a_country_thanksgiving_is_an_ordinary_thursday(owned_a, world_a):
    calendar(world_a.tenant, time_zone="America/New_York")
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)
    assert followup_of(respond(owned_a, 2, responded_at=wednesday)).due_at == end_of(date(2026, 11, 27), NEW_YORK)


def test_waitangi_day_is_skipped_in_the_tenants_zone(owned_a, world_a):
    calendar(world_a.tenant, time_zone="Pacific/Auckland", country="NZ")
    world_a.tenant.settings = {"followup_days_detractor": 1}
    world_a.tenant.save()
    # Wednesday 22:00 UTC is already Thursday 5 February in Auckland; Friday the 6th is Waitangi Day.
    followup = followup_of(respond(owned_a, 2, responded_at=datetime(2026, 2, 4, 22, 0, tzinfo=UTC)))
    assert followup.due_at == end_of(date(2026, 2, 9), AUCKLAND)
    assert followup.due_at == datetime(2026, 2, 9, 10, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("subdivision", "due"), [("TX", date(2026, 3, 4)), ("NY", date(2026, 3, 3)), ("", date(2026, 3, 3))]
)
def test_a_subdivision_holiday_applies_only_in_that_subdivision(owned_a, world_a, subdivision, due):
    # Texas Independence Day, Monday 2 March 2026, is a holiday in Texas only.
    calendar(world_a.tenant, time_zone="America/Chicago", country="US", subdivision=subdivision)
    friday = datetime(2026, 2, 27, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert followup_of(respond(owned_a, 2, responded_at=friday)).due_at == end_of(due, ZoneInfo("America/Chicago"))


def test_a_german_land_holiday_applies_only_in_that_land():
    # Corpus Christi (4 June 2026) in Bavaria, not in Berlin.
    assert date(2026, 6, 4) in public_holidays("DE", "BY", 2026)
    assert date(2026, 6, 4) not in public_holidays("DE", "BE", 2026)


def test_the_tenants_closing_day_is_skipped_and_another_tenants_is_not(owned_a, world_a, world_b):
    calendar(world_a.tenant, time_zone="Europe/Paris")
    ClosingDay.objects.create(tenant=world_a.tenant, day=date(2026, 11, 17), name="Offsite")
    ClosingDay.objects.create(tenant=world_b.tenant, day=date(2026, 11, 18), name="Their offsite")
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    # Tuesday is A's closing day; B's closing day on Wednesday is nothing to A.
    assert followup_of(respond(owned_a, 2, responded_at=monday)).due_at == end_of(
        date(2026, 11, 19), ZoneInfo("Europe/Paris")
    )


def test_an_amended_answer_is_due_with_the_holidays_too(owned_a, world_a):
    from surveys.services.responses import response_amend

    calendar(world_a.tenant, time_zone="America/New_York", country="US")
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)
    response = respond(owned_a, 9, responded_at=wednesday)
    response_amend(tenant=world_a.tenant, response=response, score=2, comment="Not so", now=wednesday)
    assert followup_of(response).due_at == end_of(date(2026, 11, 30), NEW_YORK)


def test_non_working_days_between_two_dates_join_public_holidays_and_closing_days(world_a, world_b):
    calendar(world_a.tenant, time_zone="America/New_York", country="US")
    ClosingDay.objects.create(tenant=world_a.tenant, day=date(2026, 12, 24), name="Christmas Eve")
    ClosingDay.objects.create(tenant=world_b.tenant, day=date(2026, 12, 28), name="B only")
    days = tenant_non_working_days(tenant=world_a.tenant, start=date(2026, 11, 20), end=date(2027, 1, 1))
    assert days == {date(2026, 11, 26), date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 1)}


def test_one_query_per_year_touched_however_many_deadlines(world_a):
    calendar(world_a.tenant, time_zone="America/New_York", country="US")
    days = NonWorkingDays(world_a.tenant)
    with CaptureQueriesContext(connection) as queries:
        for day in range(1, 32):
            followup_deadline(
                tenant=world_a.tenant,
                category="detractor",
                since=datetime(2026, 12, day, tzinfo=UTC),
                non_working_days=days,
            )
    assert len(queries) == 2  # 2026, then 2027 for the deadlines that reach January


def test_a_subdivision_the_library_no_longer_knows_falls_back_to_the_country(world_a, caplog):
    assert public_holidays("US", "ZZ", 2026) == public_holidays("US", "", 2026)
    assert public_holidays("", "", 2026) == frozenset()
