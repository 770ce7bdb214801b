"""An alert's page reads as words, with links to its account, survey answer and follow-up; no raw JSON."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert
from alerts.services import AccountState, rules_evaluate
from followups.models import FollowUp
from followups.services.overdue import overdue_alerts_raise
from tests.alerts.builders import rule
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db

ALERTS = "/admin/alerts/alert/"


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def detractor(world_a):
    account = AccountFactory(tenant=world_a.tenant, name="Acme Corp", csm_owner=world_a.csm)
    contact = ContactFactory(account=account, tenant=world_a.tenant, name="Jo Doe")
    rule(world_a.tenant, "detractor_answer", name="Detractor answer", within_days=14)
    followup = followup_of(respond(contact, 3, "Reports are slow"))
    rules_evaluate(tenant=world_a.tenant, states={account.pk: AccountState(50.0, "yellow", {})}, as_of=timezone.now())
    return followup, Alert.objects.for_tenant(world_a.tenant).get()


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_a_detractor_alert_reads_as_words_and_links_its_answer_and_follow_up(client, world_a, detractor, role):
    followup, alert = detractor
    page = page_of(session_client(client, getattr(world_a, role)).get(f"{ALERTS}{alert.pk}/change/"))
    assert f'href="/admin/followups/followup/{followup.pk}/change/"' in page
    assert f'href="/admin/surveys/surveyresponse/{followup.response_id}/change/"' in page
    assert f'href="/admin/accounts/account/{alert.account_id}/change/"' in page
    assert "Jo Doe: 3/10 on" in page and "Detractor follow-up, new, due" in page
    assert "<th>Rule kind</th><td>Detractor answer</td>" in page and "<th>Score</th><td>3/10</td>" in page
    assert "response_id" not in page and "{&quot;" not in page  # no raw JSON


def test_an_escalated_alert_says_so_and_links_the_overdue_follow_up(client, world_a, detractor):
    followup, alert = detractor
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=2)
    )
    overdue_alerts_raise(tenant=world_a.tenant)
    page = page_of(session_client(client, world_a.csm).get(f"{ALERTS}{alert.pk}/change/"))
    assert "<strong>Escalated:</strong> Its follow-up is overdue" in page
    assert page.count(f'href="/admin/followups/followup/{followup.pk}/change/"') == 1


def test_an_overdue_follow_ups_own_alert_links_it(client, world_a):
    account = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm)
    followup = followup_of(respond(ContactFactory(account=account, tenant=world_a.tenant), 8))
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=2)
    )
    overdue_alerts_raise(tenant=world_a.tenant)
    alert = Alert.objects.for_tenant(world_a.tenant).get()
    page = page_of(session_client(client, world_a.csm).get(f"{ALERTS}{alert.pk}/change/"))
    assert f'href="/admin/followups/followup/{followup.pk}/change/"' in page
    assert "<th>Category</th><td>Passive</td>" in page and "followup_id" not in page


def test_a_link_never_names_another_tenants_follow_up(client, world_a, world_b, detractor):
    _, alert = detractor
    theirs = followup_of(
        respond(ContactFactory(account=AccountFactory(tenant=world_b.tenant), tenant=world_b.tenant), 2)
    )
    Alert.objects.for_tenant(world_a.tenant).filter(pk=alert.pk).update(
        detail={**alert.detail, "response_id": theirs.response_id, "followup_id": theirs.pk}
    )
    page = page_of(session_client(client, world_a.csm).get(f"{ALERTS}{alert.pk}/change/"))
    assert f"/admin/followups/followup/{theirs.pk}/change/" not in page
