"""An executive's or champion's detractor answer emails the account's CSM at once: after the answer commits, once
per answer (new, or amended into a detractor's), never to a member who turned urgent emails off; an account nobody
owns tells the tenant's admins."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import Account
from followups.models import FollowUp
from surveys.models import Channel
from surveys.services.responses import response_record
from tests.factories import ContactFactory
from tests.workspace.builders import account
from workspace.models import UrgentKind, UrgentNotice
from workspace.services.notifications import preference_for
from workspace.tasks import urgent_detractor

pytestmark = pytest.mark.django_db

# 2 March 2026 09:15 UTC is 22:15 the same day in Auckland (NZDT, UTC+13).
ANSWERED = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(ANSWERED + timedelta(hours=5), tick=False):
        yield


@pytest.fixture
def auckland(world_a, world_b, settings):
    settings.SITE_URL = "https://cs.example.com"
    world_a.tenant.time_zone = "Pacific/Auckland"
    world_a.tenant.save()
    return world_a


def person(of_account, **roles):
    return ContactFactory(tenant=of_account.tenant, account=of_account, name="Dana Reyes", email="dana@acme.test",
                          **roles)  # fmt: skip


def answer(contact, score, *, at=ANSWERED, comment="", capture=None):
    """Record an answer through the surveys service, running what waits for its commit."""
    return response_record(tenant=contact.tenant, contact=contact, score=score, comment=comment, responded_at=at,
                           channel=Channel.IN_PRODUCT).response  # fmt: skip


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    def run(contact, score, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return answer(contact, score, **kwargs)

    return run


def to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_an_executive_detractor_emails_the_csm_after_commit(auckland, world_b, django_capture_on_commit_callbacks):
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd", arr=120000)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = answer(person(acme, is_executive=True), 3, comment="Support takes days to answer.")
    assert mail.outbox == []  # nothing goes inside the storing transaction
    for callback in callbacks:
        callback()

    (email,) = mail.outbox
    assert email.to == [auckland.csm.user.email]
    assert email.subject == "Urgent: Acme Ltd: executive Dana Reyes answered 3/10"
    followup = FollowUp.objects.for_tenant(auckland.tenant).get(response=response)
    html = email.alternatives[0][0]
    assert email.alternatives[0][1] == "text/html"
    for part in (email.body, html):
        assert "Dana Reyes, executive at Acme Ltd, answered 3 out of 10 (a detractor)." in part
        assert "Support takes days to answer." in part
        assert "2 Mar 2026 22:15 (Pacific/Auckland)" in part  # on the tenant's clock
        assert f"https://cs.example.com/admin/accounts/account/{acme.pk}/change/" in part
        assert f"https://cs.example.com/admin/followups/followup/{followup.pk}/change/" in part
        assert (
            "Account ARR: USD 120,000.00" in part or '<th align="left">Account ARR</th><td>USD 120,000.00</td>' in part
        )
    (link,) = re.findall(r"Stop urgent emails: (\S+)", email.body)
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notice = UrgentNotice.objects.for_tenant(auckland.tenant).get()
    assert (notice.membership, notice.kind, notice.subject) == (auckland.csm, UrgentKind.DETRACTOR, str(response.pk))


@pytest.mark.parametrize(
    ("roles", "score", "sent"),
    [
        ({"is_champion": True}, 6, True),
        ({"is_executive": True}, 7, False),  # a passive
        ({"is_executive": True, "is_champion": True}, 0, True),
        ({"is_decision_maker": True, "is_advocate": True}, 0, False),  # neither executive nor champion
        ({}, 2, False),
    ],
)
def test_only_executives_and_champions_detractor_answers_are_urgent(auckland, record, roles, score, sent):
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd")
    record(person(acme, **roles), score)
    assert len(mail.outbox) == (1 if sent else 0)


def test_the_accounts_executive_sponsor_counts_as_an_executive(auckland, record):
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd")
    sponsor = person(acme)
    Account.objects.for_tenant(auckland.tenant).filter(pk=acme.pk).update(executive_sponsor=sponsor)
    record(sponsor, 4)
    (email,) = mail.outbox
    assert "executive Dana Reyes answered 4/10" in email.subject


def test_an_amendment_into_a_detractor_emails_once_and_never_twice_for_the_answer(auckland, record):
    champion = person(account(auckland.tenant, auckland.csm, name="Acme Ltd"), is_champion=True)
    first = record(champion, 8)
    assert mail.outbox == []
    assert record(champion, 5, at=ANSWERED + timedelta(hours=1)).pk == first.pk  # amended into a detractor
    assert len(mail.outbox) == 1
    record(champion, 2, at=ANSWERED + timedelta(hours=2))  # still a detractor: no news
    record(champion, 9, at=ANSWERED + timedelta(hours=3))
    record(champion, 1, at=ANSWERED + timedelta(hours=4))  # a detractor again: the same answer, told already
    assert len(mail.outbox) == 1
    assert UrgentNotice.objects.for_tenant(auckland.tenant).count() == 1


def test_an_amended_detractor_answer_is_not_told_again(auckland, record):
    executive = person(account(auckland.tenant, auckland.csm, name="Acme Ltd"), is_executive=True)
    record(executive, 3)
    record(executive, 3, at=ANSWERED + timedelta(hours=1), comment="Still slow.")
    assert len(mail.outbox) == 1


def test_the_task_run_twice_sends_once(auckland, record):
    response = record(person(account(auckland.tenant, auckland.csm), is_executive=True), 2)
    assert urgent_detractor.apply(kwargs={"tenant_id": auckland.tenant.pk, "response_id": response.pk}).get() == 0
    assert len(mail.outbox) == 1


def test_an_answer_amended_away_before_the_task_runs_sends_nothing(auckland, django_capture_on_commit_callbacks):
    executive = person(account(auckland.tenant, auckland.csm), is_executive=True)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer(executive, 2)
    answer(executive, 9, at=ANSWERED + timedelta(minutes=5))
    for callback in queued:
        callback()
    assert mail.outbox == []


def test_a_csm_who_turned_urgent_emails_off_gets_none(auckland, record):
    preference = preference_for(auckland.csm)
    preference.urgent_email = False
    preference.save()
    record(person(account(auckland.tenant, auckland.csm), is_executive=True), 1)
    assert mail.outbox == []
    assert not UrgentNotice.objects.for_tenant(auckland.tenant).exists()


def test_an_unowned_account_tells_the_tenants_admins(auckland, world_b, record):
    record(person(account(auckland.tenant, None, name="Nobody's Ltd"), is_executive=True), 0)
    (email,) = mail.outbox
    assert email.to == [auckland.admin.user.email]
    assert "No CSM owns Nobody's Ltd: you receive this as an admin of Alpha." in email.body
    assert to(world_b.admin.user.email) == [] and to(auckland.viewer.user.email) == []


def test_an_owner_whose_login_is_disabled_is_replaced_by_the_admins(auckland, record):
    auckland.csm.user.is_active = False
    auckland.csm.user.save()
    record(person(account(auckland.tenant, auckland.csm), is_executive=True), 0)
    assert [m.to for m in mail.outbox] == [[auckland.admin.user.email]]


def test_another_tenants_answer_tells_only_its_own_csm(auckland, world_b, record):
    record(person(account(world_b.tenant, world_b.csm, name="Bravo Ltd"), is_executive=True), 1)
    assert [m.to for m in mail.outbox] == [[world_b.csm.user.email]]
    assert "Alpha" not in mail.outbox[0].body
    assert not UrgentNotice.objects.for_tenant(auckland.tenant).exists()


def test_a_name_with_a_line_break_still_makes_a_one_line_subject(auckland, record):
    acme = account(auckland.tenant, auckland.csm, name="Acme\nLtd")
    contact = ContactFactory(tenant=auckland.tenant, account=acme, name="Dana\r\nReyes", is_executive=True)
    record(contact, 1)
    (email,) = mail.outbox
    assert email.subject == "Urgent: Acme Ltd: executive Dana Reyes answered 1/10"
    assert "\n" not in email.message()["Subject"]


@pytest.mark.parametrize(("days_ago", "sent"), [(2.9, True), (3.1, False)])
def test_an_answer_given_days_ago_is_history_not_news(auckland, record, days_ago, sent):
    executive = person(account(auckland.tenant, auckland.csm), is_executive=True)
    record(executive, 2, at=ANSWERED + timedelta(hours=5) - timedelta(days=days_ago))
    assert len(mail.outbox) == (1 if sent else 0)
