"""A red account renewing within 30 days of the tenant's today emails its CSM: when a recompute turns it red, and
by the hourly sweep when its renewal enters the window; once per account and renewal date."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from indicators.models import HealthScore
from indicators.scoring.recompute import accounts_recompute
from indicators.services.scorecards import scorecard_default_create
from outcomes.models import Outcome, Renewal
from tests.indicators.health_data import score_row
from tests.workspace.builders import account, renewal
from workspace.models import UrgentKind, UrgentNotice
from workspace.services.notifications import preference_for
from workspace.tasks import sweep_red_renewals

pytestmark = pytest.mark.django_db

# 7 December 2026 10:00 UTC is 23:00 that day in Auckland (NZDT, UTC+13); 11:00 UTC is already the 8th there.
AUCKLAND_7TH_2300 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
AUCKLAND_8TH_0000 = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
RENEWS = date(2027, 1, 7)  # 31 days after 7 December, 30 after the 8th


@pytest.fixture
def auckland(world_a, world_b, settings):
    settings.SITE_URL = "https://cs.example.com"
    world_a.tenant.time_zone = "Pacific/Auckland"
    world_a.tenant.save()
    return world_a


def sweep(at):
    with time_machine.travel(at, tick=False):
        sweep_red_renewals.apply()


def test_the_sweep_tells_a_red_account_once_its_renewal_is_30_tenant_days_away(auckland, world_b):
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd", arr=90000, score=31)
    due = renewal(acme, term_end=RENEWS, arr_due=88000)
    bravo = account(world_b.tenant, world_b.csm, name="Bravo Ltd", score=20)
    renewal(bravo, term_end=date(2026, 12, 30))

    sweep(AUCKLAND_7TH_2300)  # 31 days to go on Auckland's calendar (the UTC date agrees)
    assert [m.to for m in mail.outbox] == [[world_b.csm.user.email]]  # Beta's renewal is within its window
    mail.outbox.clear()

    sweep(AUCKLAND_8TH_0000)  # the 8th in Auckland, still the 7th in UTC: 30 days to go
    (email,) = mail.outbox
    assert email.to == [auckland.csm.user.email]
    assert email.subject == "Urgent: Acme Ltd is red and renews on 7 Jan 2027"
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert "Acme Ltd is red and renews in 30 days, on 7 January 2027." in part
        assert "88,000.00" in part and "90,000.00" in part and "31 (red)" in part
        assert f"https://cs.example.com/admin/accounts/account/{acme.pk}/change/" in part
        assert f"https://cs.example.com/admin/outcomes/renewal/{due.pk}/change/" in part
    (link,) = re.findall(r"Stop urgent emails: (\S+)", email.body)
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"

    sweep(AUCKLAND_8TH_0000 + timedelta(hours=1))
    sweep(AUCKLAND_8TH_0000 + timedelta(days=3))
    assert len(mail.outbox) == 1  # once per account and renewal date
    notice = UrgentNotice.objects.for_tenant(auckland.tenant).get()
    assert (notice.kind, notice.subject) == (UrgentKind.RED_RENEWAL, f"{acme.pk}:2027-01-07")


def test_a_new_renewal_date_is_told_again(auckland):
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd", score=20)
    first = renewal(acme, term_end=date(2026, 12, 20))
    sweep(AUCKLAND_8TH_0000)
    Renewal.objects.for_tenant(auckland.tenant).filter(pk=first.pk).update(outcome=Outcome.RENEWED)
    renewal(acme, term_end=date(2027, 1, 2))
    sweep(AUCKLAND_8TH_0000 + timedelta(hours=1))
    assert [m.subject for m in mail.outbox] == [
        "Urgent: Acme Ltd is red and renews on 20 Dec 2026",
        "Urgent: Acme Ltd is red and renews on 2 Jan 2027",
    ]


@pytest.mark.parametrize(
    ("score", "term_end", "outcome", "sent"),
    [
        (55, date(2026, 12, 20), Outcome.PENDING, False),  # yellow
        (20, date(2027, 1, 8), Outcome.PENDING, False),  # 31 days away
        (20, date(2026, 12, 7), Outcome.PENDING, False),  # already past on Auckland's calendar
        (20, date(2026, 12, 8), Outcome.PENDING, True),  # today
        (20, date(2026, 12, 20), Outcome.RENEWED, False),  # closed
    ],
)
def test_only_red_accounts_with_a_pending_renewal_in_the_window(auckland, score, term_end, outcome, sent):
    acme = account(auckland.tenant, auckland.csm, score=score)
    renewal(acme, term_end=term_end, outcome=outcome, closed_arr=None if outcome == Outcome.PENDING else 25000)
    sweep(AUCKLAND_8TH_0000)
    assert len(mail.outbox) == (1 if sent else 0)


def test_a_recompute_that_turns_an_account_red_tells_its_csm_at_once(auckland, django_capture_on_commit_callbacks):
    scorecard_default_create(tenant=auckland.tenant)
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd", licenses=10, lifecycle_stage="mature")
    renewal(acme, term_end=date(2026, 12, 20))
    with time_machine.travel(AUCKLAND_8TH_0000, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            accounts_recompute(tenant=auckland.tenant, account_ids=[acme.pk])
        assert HealthScore.objects.for_tenant(auckland.tenant).get(account=acme).band == "red"  # no usage: red
        assert mail.outbox == []  # not inside the recompute's transaction
        for callback in queued:
            callback()
    (email,) = mail.outbox
    assert email.to == [auckland.csm.user.email]
    assert "Acme Ltd is red and renews in 12 days, on 20 December 2026." in email.body


def test_a_recompute_of_an_account_that_stays_red_leaves_it_to_the_sweep(auckland, django_capture_on_commit_callbacks):
    scorecard_default_create(tenant=auckland.tenant)
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd")
    due = renewal(acme, term_end=date(2027, 2, 20))  # far off when it turns red
    with time_machine.travel(AUCKLAND_8TH_0000, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            accounts_recompute(tenant=auckland.tenant, account_ids=[acme.pk])
        assert mail.outbox == []
        Renewal.objects.for_tenant(auckland.tenant).filter(pk=due.pk).update(term_end=date(2026, 12, 24))
        with django_capture_on_commit_callbacks(execute=True):
            accounts_recompute(tenant=auckland.tenant, account_ids=[acme.pk])
        assert mail.outbox == []  # it did not turn red: it was red
    sweep(AUCKLAND_8TH_0000 + timedelta(minutes=30))
    assert len(mail.outbox) == 1


def test_an_unowned_red_account_tells_the_admins_and_opted_out_members_get_nothing(auckland):
    renewal(account(auckland.tenant, None, name="Nobody's Ltd", score=10), term_end=date(2026, 12, 10))
    renewal(account(auckland.tenant, auckland.csm, name="Acme Ltd", score=10), term_end=date(2026, 12, 10))
    preference = preference_for(auckland.csm)
    preference.urgent_email = False
    preference.save()
    sweep(AUCKLAND_8TH_0000)
    (email,) = mail.outbox
    assert email.to == [auckland.admin.user.email] and "Nobody's Ltd" in email.subject
    assert UrgentNotice.objects.for_tenant(auckland.tenant).count() == 1


def test_score_rows_of_another_tenant_never_make_an_account_red(auckland, world_b):
    acme = account(auckland.tenant, auckland.csm, name="Acme Ltd")
    renewal(acme, term_end=date(2026, 12, 20))
    score_row(world_b.tenant, account(world_b.tenant, world_b.csm), 10)
    sweep(AUCKLAND_8TH_0000)
    assert [m.to for m in mail.outbox] == []


def test_a_sweep_over_renewals_told_already_reads_three_times_whatever_their_number(auckland):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workspace.services.urgent import red_renewals_notify

    counts = []
    for accounts in (3, 12):
        for i in range(accounts):
            owner = auckland.csm if i % 3 else None
            renewal(account(auckland.tenant, owner, score=15), term_end=date(2026, 12, 20))
        red_renewals_notify(tenant=auckland.tenant, now=AUCKLAND_8TH_0000)
        with CaptureQueriesContext(connection) as queries:
            assert red_renewals_notify(tenant=auckland.tenant, now=AUCKLAND_8TH_0000) == 0
        counts.append(len(queries))
    assert counts == [3, 3]  # the due renewals, the members, the notices already sent
