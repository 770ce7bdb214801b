"""followup.opened, followup.overdue, followup.closed and contact.became_advocate, from the closed loop's services."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from followups.models import AskKind, AskResult, FollowUp
from followups.services.closing import Ask, Outcome, followup_close
from followups.services.overdue import overdue_alerts_raise
from followups.services.working import followup_transition
from notifications.models import OutboxEvent
from surveys.services.responses import response_amend
from tests.factories import AccountFactory, ContactFactory
from tests.followups.conftest import followup_of, respond
from tests.notifications.events import account_ref, contact_ref, iso, outbox, subscribe

pytestmark = pytest.mark.django_db

PROMOTER_OUTCOME = Outcome(
    asks=[Ask(AskKind.REFERENCE, AskResult.ACCEPTED)], reason_promoter="Saves them a day a week."
)


@pytest.fixture
def contact_a(world_a):
    account = AccountFactory(tenant=world_a.tenant, external_id="crm-7", name="Kiwi Ltd", csm_owner=world_a.csm)
    return ContactFactory(account=account, tenant=world_a.tenant, external_id="u-7", email="ana@kiwi.example")


def make_overdue(followup, hours=1):
    FollowUp.objects.for_tenant(followup.tenant).filter(pk=followup.pk).update(
        due_at=timezone.now() - timedelta(hours=hours)
    )
    followup.refresh_from_db()
    return followup


def expected(followup, status, closed_at=None) -> dict:
    return {
        "followup": {
            "id": followup.pk, "category": followup.category, "status": status, "due_at": iso(followup.due_at),
            "opened_at": iso(followup.created_at), "closed_at": closed_at, "assignee_email": "csm@alpha.test",
            "response_id": followup.response_id,
        },
        "account": {"id": followup.account_id, "external_id": "crm-7", "name": "Kiwi Ltd"},
        "contact": {"id": followup.contact_id, "external_id": "u-7", "email": "ana@kiwi.example"},
    }  # fmt: skip


def test_an_answer_opens_a_follow_up_and_publishes_followup_opened(world_a, contact_a):
    subscribe(world_a.tenant, "followup.opened")
    followup = followup_of(respond(contact_a, 3, "Too slow."))
    assert (followup.category, followup.due_at > timezone.now()) == ("detractor", True)
    assert outbox(world_a.tenant) == [expected(followup, "new")]
    assert outbox(world_a.tenant)[0]["followup"]["due_at"].endswith("Z")


def test_an_amended_answer_that_keeps_its_follow_up_publishes_no_second_opening(world_a, contact_a):
    subscribe(world_a.tenant, "followup.opened")
    response = respond(contact_a, 3)
    response_amend(tenant=world_a.tenant, response=response, score=4, comment="Better.")
    assert len(outbox(world_a.tenant)) == 1


def test_a_follow_up_past_its_deadline_publishes_followup_overdue_once(world_a, contact_a):
    subscribe(world_a.tenant, "followup.overdue")
    followup = make_overdue(followup_of(respond(contact_a, 2)))
    assert overdue_alerts_raise(tenant=world_a.tenant) == 1
    assert overdue_alerts_raise(tenant=world_a.tenant) == 0
    assert outbox(world_a.tenant) == [expected(followup, "new")]


def test_a_reopened_follow_up_past_its_deadline_again_is_news_again(world_a, contact_a):
    subscribe(world_a.tenant, "followup.overdue")
    followup = make_overdue(followup_of(respond(contact_a, 7)))
    overdue_alerts_raise(tenant=world_a.tenant)
    followup_close(tenant=world_a.tenant, followup=followup, outcome=Outcome(what_would_make_promoter="SSO"))
    followup_transition(tenant=world_a.tenant, followup=followup_of(followup.response), status="in_progress")
    overdue_alerts_raise(tenant=world_a.tenant)
    assert [d["followup"]["status"] for d in outbox(world_a.tenant)] == ["new", "in_progress"]


def test_closing_publishes_followup_closed_and_an_accepted_reference_makes_an_advocate(world_a, contact_a):
    subscribe(world_a.tenant, "followup.closed", "contact.became_advocate")
    followup = followup_of(respond(contact_a, 10, "Love it."))
    followup_close(tenant=world_a.tenant, followup=followup, outcome=PROMOTER_OUTCOME, by=world_a.csm)
    followup.refresh_from_db()
    assert outbox(world_a.tenant, "followup.closed") == [expected(followup, "closed", iso(followup.closed_at))]
    assert outbox(world_a.tenant, "contact.became_advocate") == [
        {"contact": contact_ref(contact_a), "account": account_ref(contact_a.account)}
    ]


def test_an_advocate_already_is_not_news_again(world_a, contact_a):
    subscribe(world_a.tenant, "contact.became_advocate")
    for score, days_ago in ((9, 30), (10, 0)):
        followup = followup_of(respond(contact_a, score, responded_at=timezone.now() - timedelta(days=days_ago)))
        followup_close(tenant=world_a.tenant, followup=followup, outcome=PROMOTER_OUTCOME)
    assert len(outbox(world_a.tenant)) == 1


def test_marking_an_advocate_through_the_api_publishes_once(world_a, contact_a, key_client_a):
    subscribe(world_a.tenant, "contact.became_advocate")
    url = f"/api/v1/contacts/{contact_a.pk}/"
    assert key_client_a.patch(url, {"is_advocate": True}, format="json").status_code == 200
    assert key_client_a.patch(url, {"is_advocate": True, "title": "CTO"}, format="json").status_code == 200
    assert key_client_a.patch(url, {"title": "CEO"}, format="json").status_code == 200
    created = key_client_a.put(
        "/api/v1/contacts/by-external-id/u-8/",
        {"email": "bo@kiwi.example", "account": contact_a.account_id, "is_advocate": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert [d["contact"]["external_id"] for d in outbox(world_a.tenant)] == ["u-7", "u-8"]


def test_closing_that_rolls_back_publishes_nothing(world_a, contact_a):
    followup = followup_of(respond(contact_a, 10))
    subscribe(world_a.tenant, "followup.closed", "contact.became_advocate", "alert.closed")
    with pytest.raises(RuntimeError), transaction.atomic():
        followup_close(tenant=world_a.tenant, followup=followup, outcome=PROMOTER_OUTCOME)
        raise RuntimeError("the change failed")
    assert not OutboxEvent.objects.for_tenant(world_a.tenant).exists()
    followup_close(tenant=world_a.tenant, followup=followup, outcome=PROMOTER_OUTCOME)  # committed this time
    assert [e.type for e in OutboxEvent.objects.for_tenant(world_a.tenant).order_by("type")] == [
        "contact.became_advocate",
        "followup.closed",
    ]


def test_follow_up_events_stay_in_their_tenant_and_their_subscription(world_a, world_b, contact_a):
    subscribe(world_a.tenant, "followup.closed")
    subscribe(world_b.tenant, "followup.opened", "followup.overdue", "followup.closed", "contact.became_advocate")
    followup = make_overdue(followup_of(respond(contact_a, 7)))
    overdue_alerts_raise(tenant=world_a.tenant)
    assert not OutboxEvent.unscoped.exists()
    followup_close(tenant=world_a.tenant, followup=followup, outcome=Outcome(what_would_make_promoter="x"))
    assert [d["followup"]["id"] for d in outbox(world_a.tenant)] == [followup.pk]
    assert not OutboxEvent.objects.for_tenant(world_b.tenant).exists()


def test_ticking_advocate_in_the_admin_publishes_once(world_a, contact_a, admin_client_a):
    subscribe(world_a.tenant, "contact.became_advocate")
    url = f"/admin/accounts/contact/{contact_a.pk}/change/"
    form = {
        "account": contact_a.account_id, "external_id": "u-7", "name": "Ana", "email": "ana@kiwi.example",
        "adoption_stage": contact_a.adoption_stage, "is_advocate": "on",
    }  # fmt: skip
    assert admin_client_a.post(url, form).status_code == 302
    assert admin_client_a.post(url, {**form, "title": "CTO"}).status_code == 302  # still one: no news
    contact_a.refresh_from_db()
    assert contact_a.is_advocate and contact_a.title == "CTO"
    assert outbox(world_a.tenant) == [{"contact": contact_ref(contact_a), "account": account_ref(contact_a.account)}]
