"""Rounds pick the eligible audience, drip their invitations, and batches send them by email."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from accounts.models import Contact
from surveys.models import ScheduleKind, SendStatus, SurveySend, SurveyStatus
from surveys.services.rounds import round_start
from surveys.services.sending import due_sends_send
from surveys.services.unsubscribe import contact_unsubscribe
from surveys.tasks import tick
from surveys.tokens import link_open
from tests.factories import AccountFactory, ContactFactory
from tests.surveys.conftest import make_send, make_survey


def sends_of(tenant):
    return SurveySend.objects.for_tenant(tenant).order_by("scheduled_for")


def test_a_round_respects_the_account_budget_and_drips_over_the_period(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    for _ in range(5):
        ContactFactory(account=account)
    survey = make_survey(world_a.tenant, drip_days=10)
    now = timezone.now()
    survey_round = round_start(tenant=world_a.tenant, survey=survey, now=now)
    sends = list(sends_of(world_a.tenant))
    assert survey_round.selected == len(sends) == 3  # default budget: 3 per account per 30 days
    assert survey_round.skipped == 2
    assert sends[0].scheduled_for == now
    assert all(now <= s.scheduled_for < now + timedelta(days=10) for s in sends)
    assert len({s.scheduled_for for s in sends}) == 3


def test_a_contact_without_email_or_unsubscribed_is_skipped_by_the_round(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    ContactFactory(account=account, email="")
    gone = ContactFactory(account=account)
    contact_unsubscribe(tenant=world_a.tenant, contact=gone)
    kept = ContactFactory(account=account)
    round_start(tenant=world_a.tenant, survey=make_survey(world_a.tenant))
    assert [s.contact_id for s in sends_of(world_a.tenant)] == [kept.pk]


def test_a_second_round_does_not_ask_the_same_contacts_again(world_a, contact_a):
    survey = make_survey(world_a.tenant, schedule_kind=ScheduleKind.RECURRING, recurrence_days=30)
    first = round_start(tenant=world_a.tenant, survey=survey)
    due_sends_send(tenant=world_a.tenant)
    second = round_start(tenant=world_a.tenant, survey=survey, now=timezone.now() + timedelta(days=30))
    assert (first.selected, second.selected) == (1, 0)
    survey.refresh_from_db()
    assert survey.next_round_at > timezone.now() + timedelta(days=59)


def test_batches_send_email_with_a_working_link_and_mark_the_invitations(world_a, contact_a, settings):
    settings.SITE_URL = "https://cs.example"
    survey = make_survey(world_a.tenant)
    round_start(tenant=world_a.tenant, survey=survey)
    assert due_sends_send(tenant=world_a.tenant) == 1
    send = sends_of(world_a.tenant).get()
    assert send.status == SendStatus.SENT and send.sent_at is not None
    (message,) = mail.outbox
    assert message.to == [contact_a.email]
    token = message.body.split("https://cs.example/s/")[1].split("/")[0]
    assert link_open(token).send == send
    assert "unsubscribe" in message.extra_headers["List-Unsubscribe"]
    assert due_sends_send(tenant=world_a.tenant) == 0  # nothing sent twice
    assert len(mail.outbox) == 1


def test_invitations_not_yet_due_wait_and_batches_are_capped(world_a, survey_a):
    account = AccountFactory(tenant=world_a.tenant)
    contacts = [ContactFactory(account=account) for _ in range(3)]
    now = timezone.now()
    for c in contacts[:2]:
        make_send(survey_a, c, status=SendStatus.SCHEDULED, sent_at=now - timedelta(minutes=1))
    make_send(survey_a, contacts[2], status=SendStatus.SCHEDULED, sent_at=now + timedelta(days=1))
    assert due_sends_send(tenant=world_a.tenant, batch_size=1) == 1
    assert due_sends_send(tenant=world_a.tenant, batch_size=1) == 1
    assert due_sends_send(tenant=world_a.tenant, batch_size=1) == 0
    assert len(mail.outbox) == 2


def test_a_contact_who_unsubscribes_after_the_round_is_not_emailed(world_a, contact_a):
    round_start(tenant=world_a.tenant, survey=make_survey(world_a.tenant, drip_days=5))
    Contact.objects.for_tenant(world_a.tenant).filter(pk=contact_a.pk).update(email="")
    assert due_sends_send(tenant=world_a.tenant) == 0
    assert sends_of(world_a.tenant).get().status == SendStatus.SKIPPED
    assert mail.outbox == []


def test_the_periodic_tick_starts_due_rounds_and_sends_only_to_each_tenants_contacts(world_a, world_b):
    a_contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    b_contact = ContactFactory(account=AccountFactory(tenant=world_b.tenant))
    make_survey(world_a.tenant, status=SurveyStatus.ACTIVE)
    make_survey(world_b.tenant, status=SurveyStatus.DRAFT)
    tick()
    tick()
    assert [m.to for m in mail.outbox] == [[a_contact.email]]
    assert not SurveySend.objects.for_tenant(world_b.tenant).exists()
    assert b_contact.email not in str([m.body for m in mail.outbox])


def test_a_due_round_starts_once_however_often_the_sweep_runs(world_a, contact_a):
    from surveys.services.rounds import due_rounds_start

    survey = make_survey(world_a.tenant, status=SurveyStatus.ACTIVE)
    assert survey.next_round_at is not None
    assert due_rounds_start(tenant=world_a.tenant) == 1
    assert due_rounds_start(tenant=world_a.tenant) == 0
    survey.refresh_from_db()
    assert survey.next_round_at is None and survey.rounds.count() == 1
