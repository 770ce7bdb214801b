"""The follow-ups console: own first, overdue in red, activities inline, the close form, and tenant scoping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Contact
from followups.models import Activity, Department, FollowUp, ResponseTheme, RootCause, Status, Theme
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db

FOLLOWUPS = "/admin/followups/followup/"
NO_ACTIVITIES = {
    "activities-TOTAL_FORMS": "0",
    "activities-INITIAL_FORMS": "0",
    "activities-MIN_NUM_FORMS": "0",
    "activities-MAX_NUM_FORMS": "1000",
}


def change_url(followup):
    return f"{FOLLOWUPS}{followup.pk}/change/"


def close_url(followup):
    return f"{FOLLOWUPS}{followup.pk}/close/"


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def two_tenants(world_a, world_b):
    """A follow-up in each tenant, its contact named after the tenant."""
    rows = {}
    for world, tag in ((world_a, "Ours"), (world_b, "Theirs")):
        account = AccountFactory(tenant=world.tenant, name=f"{tag} Corp", csm_owner=world.csm)
        contact = ContactFactory(account=account, name=f"{tag} Person")
        rows[tag] = followup_of(respond(contact, 3, f"{tag} comment"))
    return rows


def test_csm_sees_the_soonest_due_first_and_overdue_ones_in_red(client, world_a, two_tenants):
    other = ContactFactory(account=AccountFactory(tenant=world_a.tenant, csm_owner=world_a.admin), name="Admins Person")
    admins = followup_of(respond(other, 9))
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=admins.pk).update(due_at=timezone.now() - timedelta(days=1))
    page = page_of(session_client(client, world_a.csm).get(FOLLOWUPS))
    assert page.index("Admins Person") < page.index("Ours Person")  # overdue first, although not their own
    assert 'class="overdue"' in page and "Theirs" not in page
    assert "Admins Person" not in page_of(session_client(client, world_a.csm).get(FOLLOWUPS, {"mine": "yes"}))


def test_status_and_overdue_filters(client, world_a, two_tenants):
    c = session_client(client, world_a.csm)
    assert "Ours Person" in page_of(c.get(FOLLOWUPS, {"status__exact": "new"}))
    assert "Ours Person" not in page_of(c.get(FOLLOWUPS, {"overdue": "yes"}))
    assert "Ours Person" in page_of(c.get(FOLLOWUPS, {"mine": "yes"}))


def test_csm_logs_an_activity_and_moves_the_status_in_the_change_form(client, world_a, two_tenants):
    followup = two_tenants["Ours"]
    c = session_client(client, world_a.csm)
    data = {
        "assignee": world_a.csm.pk,
        "status": "waiting_on_customer",
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
        "activities-0-at_0": "2026-11-20",
        "activities-0-at_1": "10:00:00",
        "activities-0-kind": "meeting",
        "activities-0-note": "Walked through the roadmap",
    }
    response = c.post(change_url(followup), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    followup.refresh_from_db()
    activity = Activity.objects.for_tenant(world_a.tenant).get(followup=followup)
    assert (activity.by, activity.kind, followup.status) == (world_a.csm, "meeting", Status.WAITING)
    assert followup.first_activity_at is not None
    assert followup.history.first().history_user == world_a.csm.user  # audited, with who


def test_refused_status_move_is_a_form_error(client, world_a, two_tenants):
    followup = two_tenants["Ours"]
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=followup.pk).update(status=Status.IN_PROGRESS)
    data = {"assignee": world_a.csm.pk, "status": "new", **NO_ACTIVITIES}
    response = session_client(client, world_a.csm).post(change_url(followup), data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors


def test_close_form_asks_for_the_detractors_outcome(client, world_a, two_tenants):
    followup = two_tenants["Ours"]
    cause = RootCause.objects.create(tenant=world_a.tenant, name="Outages")
    c = session_client(client, world_a.csm)
    page = page_of(c.get(close_url(followup)))
    assert "Outages" in page and "Product mismatch" in page and "Why they are a promoter" not in page
    missing = c.post(close_url(followup), {"note": "x"})
    assert set(missing.context["form"].errors) == {"root_cause", "product_mismatch", "resolved"}
    done = c.post(close_url(followup), {"root_cause": cause.pk, "product_mismatch": "no", "resolved": "yes"})
    assert done.status_code == 302
    followup.refresh_from_db()
    assert (followup.status, followup.root_cause, followup.resolved, followup.closed_by) == (
        Status.CLOSED, cause, True, world_a.csm
    )  # fmt: skip
    assert "Outages" in page_of(c.get(change_url(followup)))


def test_close_form_for_a_promoter_records_asks_and_marks_the_advocate(client, world_a, owned_a):
    followup = followup_of(respond(owned_a, 10))
    c = session_client(client, world_a.csm)
    assert "Asked for: Case study" in page_of(c.get(close_url(followup)))
    missing = c.post(close_url(followup), {})
    assert set(missing.context["form"].errors) == {"__all__", "reason_promoter"}
    done = c.post(close_url(followup), {"ask_advocacy": "accepted", "ask_review": "declined", "reason_promoter": "UX"})
    assert done.status_code == 302
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=owned_a.pk).is_advocate


def test_viewer_reads_but_cannot_change_or_close(client, world_a, two_tenants):
    followup = two_tenants["Ours"]
    c = session_client(client, world_a.viewer)
    assert "Ours Person" in page_of(c.get(change_url(followup)))
    assert c.get(close_url(followup)).status_code == 403
    assert c.post(close_url(followup), {"what_would_make_promoter": "x"}).status_code == 403


def test_another_tenants_follow_up_pages_are_not_found(client, world_a, two_tenants):
    theirs = two_tenants["Theirs"]
    for role in ("admin", "csm", "viewer"):
        c = session_client(client, getattr(world_a, role))
        for url in (change_url(theirs), close_url(theirs), f"{FOLLOWUPS}{theirs.pk}/history/"):
            assert c.get(url).status_code == 404, (role, url)
        assert c.post(close_url(theirs), {"what_would_make_promoter": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.NEW


def test_change_form_refuses_another_tenants_member_and_theme(client, world_a, world_b, two_tenants):
    ours = two_tenants["Ours"]
    their_theme = Theme.objects.create(
        tenant=world_b.tenant, name="Theirs theme", department=Department.objects.for_tenant(world_b.tenant).first()
    )
    data = {"assignee": world_b.csm.pk, "status": "new", "themes": [their_theme.pk], **NO_ACTIVITIES}
    response = session_client(client, world_a.admin).post(change_url(ours), data)
    assert set(response.context["adminform"].form.errors) == {"assignee", "themes"}
    assert not ResponseTheme.objects.for_tenant(world_a.tenant).exists()
    page = page_of(session_client(client, world_a.admin).get(change_url(ours)))
    assert "Theirs" not in page


def test_hand_tagging_in_the_change_form(client, world_a, two_tenants):
    ours = two_tenants["Ours"]
    theme = Theme.objects.create(
        tenant=world_a.tenant, name="Speed", department=Department.objects.for_tenant(world_a.tenant).first()
    )
    data = {"assignee": world_a.csm.pk, "status": "new", "themes": [theme.pk], **NO_ACTIVITIES}
    assert session_client(client, world_a.csm).post(change_url(ours), data).status_code == 302
    tag = ResponseTheme.objects.for_tenant(world_a.tenant).get()
    assert (tag.theme, tag.tagged_by, tag.tagged_by_member) == (theme, "person", world_a.csm)


@pytest.mark.parametrize("model", ["theme", "department", "rootcause", "themekeywordrule"])
def test_theme_lists_are_scoped(client, world_a, world_b, model):
    department = Department.objects.for_tenant(world_b.tenant).get(kind="product")
    theme = Theme.objects.create(tenant=world_b.tenant, name="Theirs theme", department=department)
    rows = {
        "theme": theme,
        "department": department,
        "rootcause": RootCause.objects.create(tenant=world_b.tenant, name="Theirs cause"),
        "themekeywordrule": theme.rules.create(tenant=world_b.tenant, phrase="theirs phrase"),
    }
    c = session_client(client, world_a.admin)
    page = page_of(c.get(f"/admin/followups/{model}/"))
    assert "Theirs" not in page and "theirs phrase" not in page
    assert c.get(f"/admin/followups/{model}/{rows[model].pk}/change/").status_code == 404


def test_department_list_shows_each_queue(client, world_a, owned_a):
    theme = Theme.objects.create(
        tenant=world_a.tenant, name="Billing errors",
        department=Department.objects.for_tenant(world_a.tenant).get(kind="billing"),
    )  # fmt: skip
    theme.rules.create(tenant=world_a.tenant, phrase="invoice")
    respond(owned_a, 4, "invoice wrong")
    page = page_of(session_client(client, world_a.viewer).get("/admin/followups/department/"))
    assert "Billing errors: 1" in page


def test_deleting_a_theme_in_use_is_refused_with_a_message(client, world_a):
    department = Department.objects.for_tenant(world_a.tenant).get(kind="sales")
    Theme.objects.create(tenant=world_a.tenant, name="Renewal pricing", department=department)
    c = session_client(client, world_a.admin)
    response = c.post(f"/admin/followups/department/{department.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Department.objects.for_tenant(world_a.tenant).filter(pk=department.pk).exists()
