"""One piece of work is one item: a detractor answer's alert follows its follow-up, never a second alert beside it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from alerts.services import AccountState, rules_evaluate
from followups.models import FollowUp, RootCause
from followups.services.closing import Outcome, followup_close
from followups.services.overdue import overdue_alerts_raise
from tests.alerts.builders import rule
from tests.conftest import session_client
from tests.factories import ContactFactory
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db


def evaluate(tenant, account, at=None):
    at = at or timezone.now()
    return rules_evaluate(tenant=tenant, states={account.pk: AccountState(50.0, "yellow", {})}, as_of=at)


@pytest.fixture
def detractor(owned_a, world_a):
    """A detractor's follow-up with the "detractor answer" alert open for the same answer."""
    rule(world_a.tenant, "detractor_answer", name="Detractor answer", priority="medium", within_days=14)
    followup = followup_of(respond(owned_a, 3, "Reports are slow"))
    evaluate(world_a.tenant, owned_a.account)
    alert = Alert.objects.for_tenant(world_a.tenant).get()
    assert alert.detail["response_id"] == followup.response_id
    return followup, alert


def close(followup, by):
    cause = RootCause.objects.create(tenant=followup.tenant, name="Slow exports")
    outcome = Outcome(note="Fixed the export.", root_cause=cause, product_mismatch=False, resolved=True)
    return followup_close(tenant=followup.tenant, followup=followup, outcome=outcome, by=by)


def test_closing_the_detractor_follow_up_closes_its_answers_alert_as_the_system(world_a, detractor):
    followup, alert = detractor
    close(followup, world_a.csm)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.closed_by_system and alert.closed_by is None
    assert alert.closing_note.startswith(
        f"Closed by csplatform: the follow-up of this answer was closed by {world_a.csm.user} on "
    )


def test_the_closed_answer_does_not_come_back_as_a_new_alert(owned_a, world_a, detractor):
    followup, _ = detractor
    close(followup, world_a.csm)
    assert evaluate(world_a.tenant, owned_a.account, timezone.now() + timedelta(days=1)) == (0, 0)
    assert Alert.objects.for_tenant(world_a.tenant).exclude(status=AlertStatus.CLOSED).count() == 0
    colleague = ContactFactory(account=owned_a.account, tenant=world_a.tenant)
    respond(colleague, 2, "Still slow")  # a new detractor answer is new work
    assert evaluate(world_a.tenant, owned_a.account, timezone.now() + timedelta(days=1))[0] == 1


def test_an_overdue_follow_up_escalates_its_answers_alert_instead_of_raising_a_second(world_a, detractor):
    followup, alert = detractor
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    assert overdue_alerts_raise(tenant=world_a.tenant) == 1
    assert overdue_alerts_raise(tenant=world_a.tenant) == 0
    [escalated] = Alert.objects.for_tenant(world_a.tenant)
    assert escalated.pk == alert.pk and escalated.priority == "high"  # a detractor's overdue follow-up is urgent
    assert "Its follow-up is overdue: it was due" in escalated.message
    assert escalated.detail["escalation"]["followup_id"] == followup.pk
    assert escalated.due_at <= timezone.now()


def test_a_later_firing_of_the_rule_keeps_the_escalation(owned_a, world_a, detractor):
    followup, _ = detractor
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    overdue_alerts_raise(tenant=world_a.tenant)
    evaluate(world_a.tenant, owned_a.account, timezone.now() + timedelta(days=1))  # the daily refire
    [alert] = Alert.objects.for_tenant(world_a.tenant)
    assert alert.priority == "high" and "Its follow-up is overdue" in alert.message
    assert alert.message.count("Its follow-up is overdue") == 1 and alert.fire_count == 2
    close(followup, world_a.csm)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_an_overdue_follow_up_without_an_alert_for_its_answer_raises_its_own(owned_a, world_a):
    followup = followup_of(respond(owned_a, 3))
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    assert overdue_alerts_raise(tenant=world_a.tenant) == 1
    assert Alert.objects.for_tenant(world_a.tenant).get().key == f"followup-overdue:{followup.pk}"


def test_the_follow_ups_page_links_the_alert_about_its_answer(client, world_a, detractor):
    followup, alert = detractor
    page = session_client(client, world_a.viewer).get(f"/admin/followups/followup/{followup.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/admin/alerts/alert/{alert.pk}/change/">Detractor answer</a> (open)' in html
