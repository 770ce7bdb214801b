"""The demo's closed loop: follow-ups in every state with activities and outcomes, themes, advocates; idempotent."""

import time

import pytest

from accounts.models import Contact, LifecycleStage
from alerts.models import Alert
from demo.followups import demo_followups_seed
from demo.surveys import demo_surveys_seed
from followups.models import Activity, Department, FollowUp, FollowUpAsk, ResponseTheme, Status, Theme
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_demo_follow_ups_in_every_state_with_themes_outcomes_and_advocates(world_a):
    for n in range(30):
        stage = [LifecycleStage.MATURE, LifecycleStage.ADOPTING, LifecycleStage.RENEWING][n % 3]
        account = AccountFactory(tenant=world_a.tenant, lifecycle_stage=stage, csm_owner=world_a.csm)
        for _ in range(5):
            ContactFactory(account=account)
    demo_surveys_seed(tenant=world_a.tenant)
    started = time.perf_counter()
    worked = demo_followups_seed(tenant=world_a.tenant)
    print(f"demo follow-ups: {worked} worked in {time.perf_counter() - started:.1f}s")
    tenant = world_a.tenant
    followups = FollowUp.objects.for_tenant(tenant)
    assert worked == followups.count() > 50
    assert set(followups.values_list("status", flat=True)) == set(Status.values)
    closed = followups.filter(status=Status.CLOSED)
    assert closed.filter(category="detractor", root_cause__isnull=False).exists()
    assert closed.filter(category="passive").exclude(what_would_make_promoter="").exists()
    assert FollowUpAsk.objects.for_tenant(tenant).exists()
    assert Contact.objects.for_tenant(tenant).filter(is_advocate=True).exists()
    assert Activity.objects.for_tenant(tenant).count() >= closed.count()
    assert all(f.closed_at >= f.created_at for f in closed)
    assert followups.filter(status__in=["new", "in_progress"], due_at__gt=f_now()).exists()  # on time
    assert Alert.objects.for_tenant(tenant).filter(key__startswith="followup-overdue:").exists()  # left behind
    assert ResponseTheme.objects.for_tenant(tenant).count() > 10
    assert Theme.objects.for_tenant(tenant).filter(department__kind="custom").exists()
    assert Department.objects.for_tenant(tenant).count() == 6

    activities = Activity.objects.for_tenant(tenant).count()
    assert demo_followups_seed(tenant=tenant) == 0
    assert Activity.objects.for_tenant(tenant).count() == activities
    assert Theme.objects.for_tenant(tenant).count() == 11


def f_now():
    from django.utils import timezone

    return timezone.now()
