"""Overdue follow-ups raise one alert for their assignee; closing the follow-up closes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from followups.models import FollowUp
from followups.services.closing import Outcome, followup_close
from followups.services.overdue import overdue_alerts_raise
from followups.tasks import raise_overdue_alerts_for_tenant, sweep_overdue_followups
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db


def make_overdue(followup, hours=1):
    FollowUp.objects.for_tenant(followup.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=hours)
    )
    followup.refresh_from_db()
    return followup


def alerts_of(tenant):
    return Alert.objects.for_tenant(tenant)


def test_overdue_follow_up_raises_one_alert_for_its_assignee(owned_a, world_a):
    followup = make_overdue(followup_of(respond(owned_a, 2)))
    assert followup.is_overdue
    assert overdue_alerts_raise(tenant=world_a.tenant) == 1
    assert overdue_alerts_raise(tenant=world_a.tenant) == 0  # once
    alert = alerts_of(world_a.tenant).get()
    assert alert.key == f"followup-overdue:{followup.pk}"
    assert (alert.assignee, alert.account, alert.priority) == (world_a.csm, owned_a.account, "high")
    assert alert.detail["followup_id"] == followup.pk


def test_follow_ups_on_time_or_closed_raise_nothing(owned_a, world_a):
    followup_of(respond(owned_a, 2))  # due in the future
    closed = make_overdue(followup_of(respond(owned_a, 8)))
    followup_close(tenant=world_a.tenant, followup=closed, outcome=Outcome(what_would_make_promoter="API"))
    assert overdue_alerts_raise(tenant=world_a.tenant) == 0
    assert not alerts_of(world_a.tenant).exists()


def test_closing_the_follow_up_closes_its_overdue_alert(owned_a, world_a):
    followup = make_overdue(followup_of(respond(owned_a, 7)))
    overdue_alerts_raise(tenant=world_a.tenant)
    followup_close(
        tenant=world_a.tenant, followup=followup, outcome=Outcome(what_would_make_promoter="SSO"), by=world_a.csm
    )
    alert = alerts_of(world_a.tenant).get()
    assert alert.status == AlertStatus.CLOSED
    assert alert.closed_by == world_a.csm.user
    assert "closed" in alert.closing_note.lower()


def test_periodic_sweep_works_each_tenant_with_its_own_rows(owned_a, owned_b, world_a, world_b):
    make_overdue(followup_of(respond(owned_a, 2)))
    make_overdue(followup_of(respond(owned_b, 2)))
    assert sweep_overdue_followups() == 2
    assert alerts_of(world_a.tenant).count() == 1
    assert alerts_of(world_b.tenant).count() == 1
    assert alerts_of(world_a.tenant).get().account.tenant_id == world_a.tenant.pk


def test_tenant_task_touches_only_its_tenant(owned_a, owned_b, world_a, world_b):
    make_overdue(followup_of(respond(owned_b, 2)))
    assert raise_overdue_alerts_for_tenant(tenant_id=world_a.tenant.pk) == 0
    assert not alerts_of(world_b.tenant).exists()
    assert raise_overdue_alerts_for_tenant(tenant_id=999999) == 0
