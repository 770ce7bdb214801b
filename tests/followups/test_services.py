"""Opening, working and closing follow-ups through the services."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from followups.models import Activity, Department, FollowUp, FollowUpAsk, RootCause, Status
from followups.services.closing import Ask, Outcome, followup_close
from followups.services.opening import followup_open_for_response
from followups.services.working import activity_log, followup_assign, followup_transition
from surveys.services.responses import response_amend
from tests.factories import AccountFactory, ContactFactory, MembershipFactory, UserFactory
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db


def close(followup, by=None, **outcome):
    return followup_close(tenant=followup.tenant, followup=followup, outcome=Outcome(**outcome), by=by)


# --- opening -------------------------------------------------------------------------------------


def test_every_response_opens_one_follow_up_for_the_accounts_csm(owned_a, world_a):
    response = respond(owned_a, 3, "Too slow")
    followup = followup_of(response)
    assert (followup.category, followup.status, followup.assignee) == ("detractor", Status.NEW, world_a.csm)
    assert (followup.account, followup.contact) == (owned_a.account, owned_a)
    assert followup_open_for_response(tenant=world_a.tenant, response=response) == followup
    assert FollowUp.objects.for_tenant(world_a.tenant).count() == 1


def test_detractor_response_opens_follow_up_due_in_two_business_days_in_the_tenants_zone(owned_a, world_a):
    world_a.tenant.time_zone = "America/Los_Angeles"
    world_a.tenant.save()
    friday_evening = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # Friday 19:00 in Los Angeles
    response = respond(owned_a, 2, responded_at=friday_evening)
    FollowUp.objects.for_tenant(world_a.tenant).filter(response=response).delete()
    followup = followup_open_for_response(tenant=world_a.tenant, response=response)
    assert followup.due_at == datetime(2026, 11, 25, 7, 59, 59, 999999, tzinfo=UTC)  # Tuesday 23:59:59 PST


def test_passive_and_promoter_deadlines_follow_the_tenant_settings(owned_a, world_a):
    world_a.tenant.settings = {"followup_days_promoter": 1, "followup_days_passive": 3}
    world_a.tenant.save()
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    promoter, passive = respond(owned_a, 10, responded_at=monday), respond(owned_a, 8, responded_at=monday)
    for response in (promoter, passive):
        FollowUp.objects.for_tenant(world_a.tenant).filter(response=response).delete()
    due = {
        r.category: followup_open_for_response(tenant=world_a.tenant, response=r).due_at.date()
        for r in (promoter, passive)
    }
    assert due == {"promoter": datetime(2026, 11, 17).date(), "passive": datetime(2026, 11, 19).date()}


def test_an_answer_given_friday_and_synced_monday_is_due_from_friday(owned_a, world_a):
    world_a.tenant.time_zone = "America/Los_Angeles"
    world_a.tenant.save()
    friday_evening = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # Friday 19:00 in Los Angeles
    with time_machine.travel(datetime(2026, 11, 23, 17, 0, tzinfo=UTC), tick=False):  # Monday 09:00
        followup = followup_of(respond(owned_a, 2, responded_at=friday_evening))
    # Two business days from Friday evening: Monday and Tuesday, not a week more.
    assert followup.due_at == datetime(2026, 11, 25, 7, 59, 59, 999999, tzinfo=UTC)  # Tuesday 23:59:59 PST
    assert not followup.received_late


def test_an_answer_that_arrives_after_its_deadline_is_born_overdue_and_says_so(owned_a, world_a):
    given = timezone.now() - timedelta(days=30)
    late = followup_of(respond(owned_a, 3, responded_at=given))
    on_time = followup_of(respond(owned_a, 4))
    assert late.received_late and late.is_overdue and late.due_at < timezone.now()
    assert not on_time.received_late and not on_time.is_overdue
    # Lists go by deadline: the one born overdue comes first.
    assert list(FollowUp.objects.for_tenant(world_a.tenant).filter(pk__in=[late.pk, on_time.pk])) == [late, on_time]


def test_account_without_csm_goes_to_the_tenants_fallback_member(world_a):
    world_a.tenant.settings = {"followup_fallback_assignee_email": world_a.admin.user.email.upper()}
    world_a.tenant.save()
    contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    assert followup_of(respond(contact, 9)).assignee == world_a.admin


def test_fallback_member_of_another_tenant_or_a_viewer_is_not_used(world_a, world_b):
    for email in (world_b.csm.user.email, world_a.viewer.user.email):
        world_a.tenant.settings = {"followup_fallback_assignee_email": email}
        world_a.tenant.save()
        contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
        assert followup_of(respond(contact, 9)).assignee is None


def test_amended_answer_moves_an_open_follow_up_to_its_new_category(owned_a, world_a):
    response = respond(owned_a, 5)
    response_amend(tenant=world_a.tenant, response=response, score=9, comment="Actually great")
    followup = followup_of(response)
    assert followup.category == "promoter"
    assert FollowUp.objects.for_tenant(world_a.tenant).count() == 1


def test_response_of_another_tenant_is_refused(owned_a, world_b):
    with pytest.raises(ValidationError) as error:
        followup_open_for_response(tenant=world_b.tenant, response=respond(owned_a, 3))
    assert set(error.value.message_dict) == {"response"}


# --- working -------------------------------------------------------------------------------------


def test_first_activity_moves_a_new_follow_up_to_in_progress_and_is_timed(owned_a, world_a):
    followup = followup_of(respond(owned_a, 3))
    at = timezone.now() - timedelta(hours=2)
    activity = activity_log(tenant=world_a.tenant, followup=followup, kind="call", note="Called", by=world_a.csm, at=at)
    followup.refresh_from_db()
    assert (followup.status, followup.first_activity_at) == (Status.IN_PROGRESS, at)
    assert (activity.by, activity.kind) == (world_a.csm, "call")
    assert followup.history.count() >= 2  # every change is audited
    assert Activity.history.filter(id=activity.pk).exists()


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (Status.NEW, Status.IN_PROGRESS, True),
        (Status.NEW, Status.WAITING, True),
        (Status.IN_PROGRESS, Status.WAITING, True),
        (Status.WAITING, Status.IN_PROGRESS, True),
        (Status.IN_PROGRESS, Status.NEW, False),
        (Status.NEW, Status.CLOSED, False),
        (Status.WAITING, "archived", False),
    ],
)
def test_status_moves_by_hand(owned_a, world_a, start, to, allowed):
    followup = followup_of(respond(owned_a, 8))
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(status=start)
    followup.refresh_from_db()
    if allowed:
        assert followup_transition(tenant=world_a.tenant, followup=followup, status=to).status == to
    else:
        with pytest.raises(ValidationError) as error:
            followup_transition(tenant=world_a.tenant, followup=followup, status=to)
        assert "status" in error.value.message_dict


def test_only_working_members_of_the_tenant_can_be_assigned(owned_a, world_a, world_b):
    followup = followup_of(respond(owned_a, 3))
    assert followup_assign(tenant=world_a.tenant, followup=followup, assignee=world_a.admin).assignee == world_a.admin
    for member in (world_b.csm, world_a.viewer):
        with pytest.raises(ValidationError) as error:
            followup_assign(tenant=world_a.tenant, followup=followup, assignee=member)
        assert "assignee" in error.value.message_dict


# --- closing -------------------------------------------------------------------------------------


def test_closing_a_promoter_needs_asks_and_why(owned_a, world_a):
    followup = followup_of(respond(owned_a, 10))
    with pytest.raises(ValidationError) as error:
        close(followup)
    assert set(error.value.message_dict) == {"asks", "reason_promoter"}
    with pytest.raises(ValidationError) as error:
        close(followup, asks=[Ask("review", "accepted"), Ask("review", "declined")], reason_promoter="Fast")
    assert set(error.value.message_dict) == {"asks"}


def test_promoter_who_agrees_to_be_a_reference_becomes_an_advocate(owned_a, world_a):
    followup = followup_of(respond(owned_a, 10))
    asks = [Ask("reference", "accepted"), Ask("review", "declined"), Ask("expansion", "later", "Q3 budget")]
    closed = close(followup, by=world_a.csm, asks=asks, reason_promoter="Saves them a day a week", note="Great call")
    assert (closed.status, closed.closed_by, closed.closing_note) == (Status.CLOSED, world_a.csm, "Great call")
    assert closed.closed_at is not None
    rows = FollowUpAsk.objects.for_tenant(world_a.tenant).filter(followup=closed)
    assert sorted(rows.values_list("kind", "result")) == [
        ("expansion", "later"), ("reference", "accepted"), ("review", "declined")
    ]  # fmt: skip
    owned_a.refresh_from_db()
    assert owned_a.is_advocate


@pytest.mark.parametrize("asks", [[("reference", "declined")], [("case_study", "accepted"), ("advocacy", "later")]])
def test_promoter_who_does_not_agree_to_advocate_is_not_marked(owned_a, asks):
    close(followup_of(respond(owned_a, 9)), asks=[Ask(*a) for a in asks], reason_promoter="Support")
    owned_a.refresh_from_db()
    assert not owned_a.is_advocate


def test_joining_the_advocacy_programme_makes_an_advocate(owned_a):
    close(followup_of(respond(owned_a, 9)), asks=[Ask("advocacy", "accepted")], reason_promoter="Community")
    owned_a.refresh_from_db()
    assert owned_a.is_advocate


def test_closing_a_passive_needs_what_would_make_them_a_promoter(owned_a):
    followup = followup_of(respond(owned_a, 7))
    with pytest.raises(ValidationError) as error:
        close(followup, reason_promoter="ignored")
    assert set(error.value.message_dict) == {"what_would_make_promoter"}
    closed = close(followup, what_would_make_promoter="SSO", reason_promoter="not theirs")
    assert (closed.what_would_make_promoter, closed.reason_promoter) == ("SSO", "")


def test_closing_a_detractor_needs_root_cause_mismatch_and_resolution(owned_a, world_a):
    followup = followup_of(respond(owned_a, 1))
    with pytest.raises(ValidationError) as error:
        close(followup)
    assert set(error.value.message_dict) == {"root_cause", "product_mismatch", "resolved"}
    cause = RootCause.objects.create(tenant=world_a.tenant, name="Missing integration")
    closed = close(followup, root_cause=cause, product_mismatch=True, resolved=False)
    assert (closed.root_cause, closed.product_mismatch, closed.resolved) == (cause, True, False)


def test_another_tenants_or_retired_root_cause_is_refused(owned_a, world_a, world_b):
    followup = followup_of(respond(owned_a, 1))
    theirs = RootCause.objects.create(tenant=world_b.tenant, name="Pricing")
    retired = RootCause.objects.create(tenant=world_a.tenant, name="Old", is_active=False)
    for cause in (theirs, retired):
        with pytest.raises(ValidationError) as error:
            close(followup, root_cause=cause, product_mismatch=False, resolved=True)
        assert set(error.value.message_dict) == {"root_cause"}


def test_closed_follow_up_cannot_be_closed_again_but_can_be_reopened(owned_a, world_a):
    followup = close(followup_of(respond(owned_a, 8)), what_would_make_promoter="Faster exports")
    with pytest.raises(ValidationError):
        close(followup, what_would_make_promoter="Again")
    reopened = followup_transition(tenant=world_a.tenant, followup=followup, status=Status.IN_PROGRESS)
    assert (reopened.status, reopened.closed_at, reopened.closed_by) == (Status.IN_PROGRESS, None, None)
    assert close(reopened, what_would_make_promoter="Exports").status == Status.CLOSED


def test_new_tenants_start_with_the_five_built_in_departments(world_a):
    kinds = Department.objects.for_tenant(world_a.tenant).values_list("kind", flat=True)
    assert sorted(kinds) == ["billing", "product", "sales", "success", "support"]


def test_other_members_of_a_tenant_can_work_its_follow_ups(owned_a, world_a):
    second = MembershipFactory(tenant=world_a.tenant, role=Role.CSM, user=UserFactory(email="second@alpha.test"))
    followup = followup_of(respond(owned_a, 3))
    activity_log(tenant=world_a.tenant, followup=followup, kind="note", by=second)
    assert followup_assign(tenant=world_a.tenant, followup=followup, assignee=second).assignee == second
