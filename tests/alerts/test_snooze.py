"""Snoozing an alert: out of working lists until its day starts in the tenant's time zone, with a reason."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from alerts.selectors import alerts_snoozed, alerts_working
from alerts.services import alert_close, alert_raise, alert_snooze, alert_unsnooze
from tests.alerts.work_builders import in_zone, open_alert

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"


def test_a_snoozed_alert_comes_back_at_the_start_of_its_day_in_the_tenants_zone_across_dst(world_a):
    # 2026-03-08 is the day New York springs forward (at 02:00); its midnight is still EST (UTC-5),
    # so the day starts at 05:00 UTC.
    tenant = in_zone(world_a.tenant, NEW_YORK)
    alert = open_alert(world_a)
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    alert_snooze(tenant=tenant, alert=alert, until=date(2026, 3, 8), reason="Sponsor back Monday", now=friday)

    def working_at(moment):
        return list(alerts_working(tenant=tenant, now=moment))

    assert working_at(friday) == []
    assert working_at(datetime(2026, 3, 8, 4, 59, 59, tzinfo=UTC)) == []  # 23:59:59 EST on the 7th
    assert working_at(datetime(2026, 3, 8, 5, 0, tzinfo=UTC)) == [alert]  # 00:00 EST on the 8th
    assert list(alerts_snoozed(tenant=tenant, now=friday)) == [alert]
    assert list(alerts_snoozed(tenant=tenant, now=datetime(2026, 3, 8, 5, 0, tzinfo=UTC))) == []


def test_after_the_fall_back_the_day_starts_an_hour_later_in_utc(world_a):
    # 2026-11-01: New York falls back at 02:00. That day starts 00:00 EDT (04:00 UTC); the next 00:00 EST (05:00).
    tenant = in_zone(world_a.tenant, NEW_YORK)
    first, second = open_alert(world_a, key="a"), open_alert(world_a, key="b")
    before = datetime(2026, 10, 30, 12, 0, tzinfo=UTC)
    alert_snooze(tenant=tenant, alert=first, until=date(2026, 11, 1), reason="Wait", now=before)
    alert_snooze(tenant=tenant, alert=second, until=date(2026, 11, 2), reason="Wait", now=before)
    assert set(alerts_working(tenant=tenant, now=datetime(2026, 11, 1, 4, 0, tzinfo=UTC))) == {first}
    assert set(alerts_working(tenant=tenant, now=datetime(2026, 11, 2, 4, 59, tzinfo=UTC))) == {first}
    assert set(alerts_working(tenant=tenant, now=datetime(2026, 11, 2, 5, 0, tzinfo=UTC))) == {first, second}


def test_the_day_must_be_after_the_tenants_today_not_the_servers(world_a):
    tenant = in_zone(world_a.tenant, NEW_YORK)
    alert = open_alert(world_a)
    # 03:00 UTC on the 8th is 22:00 on the 7th in New York: the 8th is tomorrow there.
    late_evening = datetime(2026, 3, 8, 3, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        alert_snooze(tenant=tenant, alert=alert, until=date(2026, 3, 7), reason="Wait", now=late_evening)
    assert refused.value.message_dict == {"snoozed_until": ["Must be after today (2026-03-07 in America/New_York)."]}
    alert_snooze(tenant=tenant, alert=alert, until=date(2026, 3, 8), reason="Wait", now=late_evening)
    assert alert.snoozed_until == date(2026, 3, 8)


def test_a_reason_is_required_and_a_closed_alert_cannot_be_snoozed(world_a):
    alert = open_alert(world_a)
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        alert_snooze(tenant=world_a.tenant, alert=alert, until=date(2026, 5, 9), reason="   ", now=now)
    assert refused.value.message_dict == {"snooze_reason": ["Say why the alert can wait."]}
    alert_close(tenant=world_a.tenant, account=alert.account, key=alert.key, note="Done")
    alert.refresh_from_db()
    with pytest.raises(ValidationError) as closed:
        alert_snooze(tenant=world_a.tenant, alert=alert, until=date(2026, 5, 9), reason="Wait", now=now)
    assert set(closed.value.message_dict) == {"status"}


def test_a_snoozed_alert_that_fires_again_stays_snoozed_and_counts_the_firing(world_a):
    alert = open_alert(world_a, key="renewal")
    alert_snooze(tenant=world_a.tenant, alert=alert, until=date(2099, 1, 1), reason="Customer on holiday",
                 by=world_a.csm.user)  # fmt: skip
    again = alert_raise(tenant=world_a.tenant, account=alert.account, key="renewal", title="Renewal at risk",
                        message="Renewal in 19 days.", priority="high", due_at=alert.due_at)  # fmt: skip
    again.refresh_from_db()
    assert again.pk == alert.pk and again.fire_count == 2 and again.message == "Renewal in 19 days."
    assert (again.snoozed_until, again.snooze_reason, again.snoozed_by) == (
        date(2099, 1, 1), "Customer on holiday", world_a.csm.user,
    )  # fmt: skip
    assert list(alerts_working(tenant=world_a.tenant)) == []


def test_snooze_and_unsnooze_are_in_the_alerts_history_by_the_person(world_a):
    alert = open_alert(world_a)
    alert_snooze(tenant=world_a.tenant, alert=alert, until=date(2099, 1, 1), reason="Wait", by=world_a.csm.user)
    alert_unsnooze(tenant=world_a.tenant, alert=alert, by=world_a.csm.user)
    alert.refresh_from_db()
    assert (alert.snoozed_until, alert.snooze_reason, alert.snoozed_by) == (None, "", None)
    reasons = list(alert.history.order_by("history_id").values_list("snoozed_until", "snooze_reason"))
    assert reasons[-2:] == [(date(2099, 1, 1), "Wait"), (None, "")]
    assert list(alerts_working(tenant=world_a.tenant)) == [alert]


def test_working_alerts_leave_out_closed_ones_and_narrow_to_an_assignee(world_a):
    mine = open_alert(world_a, key="mine")
    nobodys = open_alert(world_a, key="nobody")
    nobodys.assignee = None
    nobodys.save(update_fields=["assignee"])
    closed = open_alert(world_a, key="closed")
    alert_close(tenant=world_a.tenant, account=closed.account, key="closed", note="Done")
    assert set(alerts_working(tenant=world_a.tenant)) == {mine, nobodys}
    assert list(alerts_working(tenant=world_a.tenant, assignee=world_a.csm)) == [mine]


def test_another_tenants_alert_cannot_be_snoozed_with_this_tenant(world_a, world_b):
    theirs = open_alert(world_b)
    with pytest.raises(ValidationError):
        alert_snooze(tenant=world_a.tenant, alert=theirs, until=date(2099, 1, 1), reason="Wait")
    theirs.refresh_from_db()
    assert theirs.snoozed_until is None


@time_machine.travel(datetime(2026, 6, 10, 14, 0, tzinfo=UTC), tick=False)
def test_the_working_list_uses_the_clock_when_no_moment_is_given(world_a):
    alert = open_alert(world_a)
    alert_snooze(tenant=world_a.tenant, alert=alert, until=date(2026, 6, 11), reason="Tomorrow")
    assert list(alerts_working(tenant=world_a.tenant)) == []
    with time_machine.travel(datetime(2026, 6, 11, 0, 0, tzinfo=UTC), tick=False):
        assert list(alerts_working(tenant=world_a.tenant)) == [alert]
