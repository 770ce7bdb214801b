"""Days are counted in the tenant's calendar: engine offsets, rollup days, future stamps, a zone change."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from indicators.engine import AccountFacts, AccountInputs, EventRecord, TenantFacts, account_values, build_index
from indicators.ingest.store import NewEvent, events_store
from indicators.models import AccountDay, ContactDay
from tests.factories import AccountFactory, ContactFactory

NEW_YORK, AUCKLAND = ZoneInfo("America/New_York"), ZoneInfo("Pacific/Auckland")


def days_since_call(call: datetime, as_of: datetime, zone) -> float | None:
    inputs = AccountInputs(
        as_of=as_of,
        account=AccountFacts(licenses=5, contract_start_on=date(2025, 1, 1)),
        tenant=TenantFacts(zone=zone),
        events=(EventRecord(type="communication", name="call", occurred_at=call),),
        events_since=as_of - timedelta(days=180),
    )
    return account_values(build_index(inputs))["days_since_proactive_communication"]


def test_a_call_at_one_in_the_morning_new_york_is_two_days_old_two_evenings_later():
    call = datetime(2026, 3, 2, 1, 0, tzinfo=NEW_YORK)  # 06:00 UTC
    read = datetime(2026, 3, 4, 23, 0, tzinfo=NEW_YORK)  # 04:00 UTC on the 5th: three UTC dates later
    assert days_since_call(call, read, NEW_YORK) == 2
    assert days_since_call(call, read, UTC) == 3  # what counting on UTC dates said


def test_auckland_counts_its_own_midnights():
    call = datetime(2026, 3, 2, 23, 30, tzinfo=AUCKLAND)  # 10:30 UTC on the 2nd
    read = datetime(2026, 3, 3, 8, 0, tzinfo=AUCKLAND)  # 19:00 UTC on the 2nd: the same UTC date
    assert days_since_call(call, read, AUCKLAND) == 1
    assert days_since_call(call, read, UTC) == 0


@pytest.mark.parametrize(
    ("call", "read", "days"),
    [
        # New York springs forward on 2026-03-08: that day has 23 hours, still one day.
        (datetime(2026, 3, 7, 23, 30, tzinfo=NEW_YORK), datetime(2026, 3, 8, 23, 0, tzinfo=NEW_YORK), 1),
        # Auckland falls back on 2026-04-05: that day has 25 hours, still one day.
        (datetime(2026, 4, 4, 23, 59, tzinfo=AUCKLAND), datetime(2026, 4, 5, 23, 59, tzinfo=AUCKLAND), 1),
        (datetime(2026, 4, 5, 0, 1, tzinfo=AUCKLAND), datetime(2026, 4, 5, 23, 59, tzinfo=AUCKLAND), 0),
    ],
)
def test_days_across_a_dst_change_are_calendar_days(call, read, days):
    assert days_since_call(call, read, call.tzinfo) == days


def test_an_event_after_as_of_does_not_count_yet():
    read = datetime(2026, 3, 4, 9, 0, tzinfo=NEW_YORK)
    assert days_since_call(read + timedelta(hours=3), read, NEW_YORK) is None  # no call yet: no data


def usage_at(account, contact, at: datetime, n: int = 0) -> NewEvent:
    return NewEvent(message_id=f"u-{at.isoformat()}-{n}", type="usage", name="Report Built", occurred_at=at,
                    source="api", account_id=account.pk, contact_id=contact.pk)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "local", "day"),
    [
        ("America/New_York", datetime(2026, 3, 2, 23, 30), date(2026, 3, 2)),  # 04:30 UTC on the 3rd
        ("Pacific/Auckland", datetime(2026, 3, 3, 8, 0), date(2026, 3, 3)),  # 19:00 UTC on the 2nd
    ],
)
def test_rollups_keep_the_tenants_calendar_date(zone, local, day):
    account = AccountFactory(tenant__time_zone=zone)
    contact = ContactFactory(account=account)
    with transaction.atomic():
        events_store(tenant=account.tenant, events=[usage_at(account, contact, local.replace(tzinfo=ZoneInfo(zone)))])
    assert list(AccountDay.objects.for_tenant(account.tenant).values_list("day", flat=True)) == [day]
    assert list(ContactDay.objects.for_tenant(account.tenant).values_list("day", flat=True)) == [day]
    contact.refresh_from_db()
    assert (contact.usage_days, contact.usage_days_to) == (1, day)


@pytest.mark.django_db
def test_a_new_time_zone_rebuilds_the_rollups_in_it_and_marks_the_accounts(django_capture_on_commit_callbacks):
    account = AccountFactory(tenant__time_zone="UTC")
    other = AccountFactory(tenant__time_zone="UTC")  # another tenant: untouched
    contact, other_contact = ContactFactory(account=account), ContactFactory(account=other)
    at = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)  # 22:00 on the 2nd in New York
    with transaction.atomic():
        events_store(tenant=account.tenant, events=[usage_at(account, contact, at)])
        events_store(tenant=other.tenant, events=[usage_at(other, other_contact, at)])
    version = Account.unscoped.get(pk=account.pk).recompute_version
    tenant = account.tenant
    tenant.time_zone = "America/New_York"
    with django_capture_on_commit_callbacks(execute=True):
        tenant.save()
    assert list(AccountDay.objects.for_tenant(tenant).values_list("day", "active_users")) == [(date(2026, 3, 2), 1)]
    assert list(ContactDay.objects.for_tenant(tenant).values_list("day", flat=True)) == [date(2026, 3, 2)]
    contact.refresh_from_db()
    assert contact.usage_days_to == date(2026, 3, 2)
    assert Account.unscoped.get(pk=account.pk).recompute_version > version
    assert list(AccountDay.objects.for_tenant(other.tenant).values_list("day", flat=True)) == [date(2026, 3, 3)]


@pytest.mark.django_db
def test_an_event_stamped_an_hour_ahead_is_refused_naming_the_field(key_client_a, account_a):
    ahead = timezone.now() + timedelta(hours=1)
    body = {"account": account_a.pk, "type": "lifecycle", "name": "onboarding_milestone",
            "occurred_at": ahead.isoformat(), "properties": {"milestone": "x"}}  # fmt: skip
    response = key_client_a.post("/api/v1/events/", body, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("occurred_at", "future")]
    body["occurred_at"] = (timezone.now() + timedelta(minutes=2)).isoformat()  # clocks disagree a little
    assert key_client_a.post("/api/v1/events/", body, format="json").status_code == 201
