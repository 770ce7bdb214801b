"""/api/v1/follow-ups/ and the themes, rules, departments and root causes routes, as each role and across tenants."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Contact
from accounts.roles import Scope
from accounts.services.api_keys import api_key_create
from followups.models import Department, FollowUp, ResponseTheme, RootCause, Status, Theme, ThemeKeywordRule
from tests.conftest import api_as
from tests.factories import ContactFactory
from tests.followups.conftest import followup_of, respond

pytestmark = pytest.mark.django_db
BASE = "/api/v1/follow-ups/"


def errors(response):
    return sorted((e["code"], e["attr"]) for e in response.json()["errors"])


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def detractor_a(owned_a):
    return followup_of(respond(owned_a, 2, "Too slow"))


@pytest.fixture
def detractor_b(owned_b):
    return followup_of(respond(owned_b, 2, "Too slow"))


@pytest.fixture
def cause_a(world_a):
    return RootCause.objects.create(tenant=world_a.tenant, name="Performance")


@pytest.fixture
def cause_b(world_b):
    return RootCause.objects.create(tenant=world_b.tenant, name="Performance")


def theme(world, name="Speed", kind="product"):
    department = Department.objects.for_tenant(world.tenant).get(kind=kind)
    return Theme.objects.create(tenant=world.tenant, name=name, department=department)


# --- reading -------------------------------------------------------------------------------------


def test_follow_up_shows_its_response_activities_and_deadline(world_a, detractor_a):
    body = api_as(world_a.viewer).get(f"{BASE}{detractor_a.pk}/").json()
    assert (body["category"], body["score"], body["comment"], body["status"]) == ("detractor", 2, "Too slow", "new")
    assert body["assignee"] == world_a.csm.pk
    assert body["overdue"] is False
    assert body["activities"] == [] and body["asks"] == [] and body["themes"] == []


def test_list_filters_by_status_category_assignee_and_overdue(world_a, owned_a, detractor_a):
    promoter = followup_of(respond(ContactFactory(account=owned_a.account), 10))  # one answer per person
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=promoter.pk).update(
        assignee=world_a.admin, due_at=timezone.now() - timedelta(hours=1), status=Status.WAITING
    )
    csm = api_as(world_a.csm)
    assert ids(csm.get(BASE)) == {detractor_a.pk, promoter.pk}
    assert ids(csm.get(BASE, {"assignee": "me"})) == {detractor_a.pk}
    assert ids(api_as(world_a.admin).get(BASE, {"assignee": "me"})) == {promoter.pk}
    assert ids(csm.get(BASE, {"assignee": world_a.admin.pk})) == {promoter.pk}
    assert ids(csm.get(BASE, {"category": "promoter"})) == {promoter.pk}
    assert ids(csm.get(BASE, {"status": ["new", "in_progress"]})) == {detractor_a.pk}
    assert ids(csm.get(BASE, {"overdue": "true"})) == {promoter.pk}
    assert ids(csm.get(BASE, {"overdue": "false"})) == {detractor_a.pk}
    assert ids(csm.get(BASE, {"open": "false"})) == set()
    assert errors(csm.get(BASE, {"assignee": "someone"})) == [("invalid", "assignee")]


def test_list_filters_by_theme_and_department(world_a, owned_a, detractor_a):
    speed = theme(world_a)
    ThemeKeywordRule.objects.create(tenant=world_a.tenant, theme=speed, phrase="slow")
    tagged = followup_of(respond(owned_a, 3, "slow again"))
    csm = api_as(world_a.csm)
    assert ids(csm.get(BASE, {"theme": speed.pk})) == {tagged.pk}
    assert ids(csm.get(BASE, {"department": speed.department_id})) == {tagged.pk}


# --- working -------------------------------------------------------------------------------------


def test_csm_logs_activities_and_moves_the_status(world_a, detractor_a):
    csm = api_as(world_a.csm)
    created = csm.post(f"{BASE}{detractor_a.pk}/activities/", {"kind": "call", "note": "Left a voicemail"}, "json")
    assert created.status_code == 201, created.json()
    assert (created.json()["by"], created.json()["kind"]) == (world_a.csm.pk, "call")
    shown = csm.get(f"{BASE}{detractor_a.pk}/").json()
    assert [a["note"] for a in shown["activities"]] == ["Left a voicemail"]
    assert shown["status"] == "in_progress"
    moved = csm.patch(f"{BASE}{detractor_a.pk}/", {"status": "waiting_on_customer"}, "json")
    assert moved.status_code == 200 and moved.json()["status"] == "waiting_on_customer"


def test_refused_moves_name_the_field(world_a, detractor_a):
    csm = api_as(world_a.csm)
    assert errors(csm.patch(f"{BASE}{detractor_a.pk}/", {"status": "closed"}, "json")) == [("invalid", "status")]
    assert errors(csm.patch(f"{BASE}{detractor_a.pk}/", {"assignee": world_a.viewer.pk}, "json")) == [
        ("invalid", "assignee")
    ]
    assert errors(csm.post(f"{BASE}{detractor_a.pk}/activities/", {"kind": "fax"}, "json")) == [
        ("invalid_choice", "kind")
    ]
    assert errors(csm.patch(f"{BASE}{detractor_a.pk}/", {"tenant": 1}, "json")) == [("unknown_field", "tenant")]


def test_viewers_and_read_keys_only_read(world_a, detractor_a):
    viewer = api_as(world_a.viewer)
    assert viewer.patch(f"{BASE}{detractor_a.pk}/", {"status": "in_progress"}, "json").status_code == 403
    assert viewer.post(f"{BASE}{detractor_a.pk}/activities/", {"kind": "note"}, "json").status_code == 403
    assert viewer.post(f"{BASE}{detractor_a.pk}/close/", {}, "json").status_code == 403
    _, plaintext = api_key_create(tenant=world_a.tenant, name="read", scopes=[Scope.READ])
    key = APIClient()
    key.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert key.get(BASE).status_code == 200
    assert key.post(f"{BASE}{detractor_a.pk}/activities/", {"kind": "note"}, "json").status_code == 403


def test_write_key_logs_activities_without_a_person(key_client_a, detractor_a):
    created = key_client_a.post(f"{BASE}{detractor_a.pk}/activities/", {"kind": "email", "note": "Sent"}, "json")
    assert created.status_code == 201 and created.json()["by"] is None


# --- closing -------------------------------------------------------------------------------------


def test_closing_a_detractor_without_its_outcome_names_each_missing_field(world_a, detractor_a):
    answer = api_as(world_a.csm).post(f"{BASE}{detractor_a.pk}/close/", {"note": "Done"}, "json")
    assert answer.status_code == 400
    assert errors(answer) == [("invalid", "product_mismatch"), ("invalid", "resolved"), ("invalid", "root_cause")]


def test_closing_a_detractor_with_its_outcome(world_a, detractor_a, cause_a):
    body = {"root_cause": cause_a.pk, "product_mismatch": False, "resolved": True, "note": "Fixed with a cache"}
    answer = api_as(world_a.csm).post(f"{BASE}{detractor_a.pk}/close/", body, "json")
    assert answer.status_code == 200, answer.json()
    closed = answer.json()
    assert (closed["status"], closed["root_cause"], closed["resolved"], closed["closed_by"]) == (
        "closed", cause_a.pk, True, world_a.csm.pk
    )  # fmt: skip
    assert FollowUp.history.filter(id=detractor_a.pk).first().history_user == world_a.csm.user  # audited, with who
    again = api_as(world_a.csm).post(f"{BASE}{detractor_a.pk}/close/", body, "json")
    assert errors(again) == [("invalid", "status")]


def test_promoter_closed_with_an_accepted_reference_becomes_an_advocate(world_a, owned_a):
    followup = followup_of(respond(owned_a, 10))
    body = {
        "asks": [{"kind": "reference", "result": "accepted"}, {"kind": "review", "result": "later", "note": "Q1"}],
        "reason_promoter": "Reporting saves them hours",
    }
    answer = api_as(world_a.csm).post(f"{BASE}{followup.pk}/close/", body, "json")
    assert answer.status_code == 200, answer.json()
    assert sorted(a["kind"] for a in answer.json()["asks"]) == ["reference", "review"]
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=owned_a.pk).is_advocate


def test_passive_close_needs_what_would_make_them_a_promoter(world_a, owned_a):
    followup = followup_of(respond(owned_a, 7))
    answer = api_as(world_a.csm).post(f"{BASE}{followup.pk}/close/", {"asks": [{"kind": "x", "result": "y"}]}, "json")
    assert ("invalid_choice", "asks.0.kind") in errors(answer)
    answer = api_as(world_a.csm).post(f"{BASE}{followup.pk}/close/", {}, "json")
    assert errors(answer) == [("invalid", "what_would_make_promoter")]


# --- themes --------------------------------------------------------------------------------------


def test_csm_sets_the_themes_of_a_follow_ups_response(world_a, detractor_a):
    speed = theme(world_a)
    csm = api_as(world_a.csm)
    answer = csm.post(f"{BASE}{detractor_a.pk}/tag/", {"theme": speed.pk}, "json")
    assert answer.status_code == 200, answer.json()
    assert [(t["theme"], t["tagged_by"]) for t in answer.json()] == [(speed.pk, "person")]
    assert csm.post(f"{BASE}{detractor_a.pk}/tag/", {"theme": speed.pk}, "json").status_code == 200  # idempotent
    assert api_as(world_a.viewer).get(f"{BASE}{detractor_a.pk}/").json()["themes"][0]["name"] == "Speed"
    assert csm.post(f"{BASE}{detractor_a.pk}/untag/", {"theme": speed.pk}, "json").json() == []
    assert api_as(world_a.viewer).post(f"{BASE}{detractor_a.pk}/tag/", {"theme": speed.pk}, "json").status_code == 403


def test_admins_manage_themes_rules_departments_and_root_causes(world_a, owned_a, django_capture_on_commit_callbacks):
    admin, csm = api_as(world_a.admin), api_as(world_a.csm)
    department = admin.post("/api/v1/departments/", {"name": "Security"}, "json")
    assert department.status_code == 201 and department.json()["kind"] == "custom"
    created = admin.post("/api/v1/themes/", {"name": "SSO", "department": department.json()["id"]}, "json")
    assert created.status_code == 201, created.json()
    assert errors(admin.post("/api/v1/themes/", {"name": "SSO", "department": department.json()["id"]}, "json")) == [
        ("unique", "name")
    ]
    response = respond(owned_a, 6, "We need single sign-on")
    with django_capture_on_commit_callbacks(execute=True):  # the rules apply to earlier responses after commit
        rule = admin.post(
            "/api/v1/theme-rules/", {"theme": created.json()["id"], "phrase": " single  sign-on "}, "json"
        )
    assert rule.status_code == 201 and rule.json()["phrase"] == "single sign-on"
    assert ResponseTheme.objects.for_tenant(world_a.tenant).filter(response=response).count() == 1  # applied
    assert admin.post("/api/v1/root-causes/", {"name": "No SSO"}, "json").status_code == 201
    assert csm.post("/api/v1/themes/", {"name": "X", "department": department.json()["id"]}, "json").status_code == 403
    assert csm.patch(f"/api/v1/themes/{created.json()['id']}/", {"name": "Y"}, "json").status_code == 403
    in_use = admin.delete(f"/api/v1/departments/{department.json()['id']}/")
    assert in_use.status_code == 409


def test_department_queue_report(world_a, owned_a):
    speed = theme(world_a)
    ThemeKeywordRule.objects.create(tenant=world_a.tenant, theme=speed, phrase="slow")
    respond(owned_a, 3, "slow")
    rows = api_as(world_a.viewer).get("/api/v1/departments/queue/").json()
    product = next(r for r in rows if r["department"] == speed.department_id)
    assert (product["open_items"], product["themes"]) == (1, {"Speed": 1})
    assert len(rows) == 5
    assert errors(api_as(world_a.viewer).get("/api/v1/departments/queue/", {"since": "yesterday"})) == [
        ("invalid", "since")
    ]


# --- across tenants ------------------------------------------------------------------------------


def test_another_tenants_follow_ups_are_not_found(world_a, detractor_a, detractor_b, cause_a):
    for principal in (world_a.admin, world_a.csm, world_a.viewer):
        client = api_as(principal)
        assert ids(client.get(BASE)) == {detractor_a.pk}
        assert client.get(f"{BASE}{detractor_b.pk}/").status_code == 404
    admin = api_as(world_a.admin)
    assert admin.patch(f"{BASE}{detractor_b.pk}/", {"status": "in_progress"}, "json").status_code == 404
    assert admin.post(f"{BASE}{detractor_b.pk}/activities/", {"kind": "note"}, "json").status_code == 404
    body = {"root_cause": cause_a.pk, "product_mismatch": False, "resolved": True}
    assert admin.post(f"{BASE}{detractor_b.pk}/close/", body, "json").status_code == 404
    own_theme = theme(world_a)
    assert admin.post(f"{BASE}{detractor_b.pk}/tag/", {"theme": own_theme.pk}, "json").status_code == 404
    assert admin.post(f"{BASE}{detractor_b.pk}/untag/", {"theme": own_theme.pk}, "json").status_code == 404
    detractor_b.refresh_from_db()
    assert (detractor_b.status, detractor_b.activities.count()) == ("new", 0)


def test_another_tenants_members_causes_and_themes_are_unknown_choices(
    world_a, world_b, detractor_a, cause_b
):  # fmt: skip
    admin = api_as(world_a.admin)
    assert errors(admin.patch(f"{BASE}{detractor_a.pk}/", {"assignee": world_b.csm.pk}, "json")) == [
        ("does_not_exist", "assignee")
    ]
    body = {"root_cause": cause_b.pk, "product_mismatch": False, "resolved": True}
    assert errors(admin.post(f"{BASE}{detractor_a.pk}/close/", body, "json")) == [("does_not_exist", "root_cause")]
    their_theme = theme(world_b)
    for action in ("tag", "untag"):
        assert errors(admin.post(f"{BASE}{detractor_a.pk}/{action}/", {"theme": their_theme.pk}, "json")) == [
            ("does_not_exist", "theme")
        ]
    their_department = their_theme.department_id
    assert errors(admin.post("/api/v1/themes/", {"name": "Mine", "department": their_department}, "json")) == [
        ("does_not_exist", "department")
    ]
    assert errors(admin.post("/api/v1/theme-rules/", {"theme": their_theme.pk, "phrase": "x"}, "json")) == [
        ("does_not_exist", "theme")
    ]
    for route in ("themes", "departments", "root-causes"):
        row = {"themes": their_theme.pk, "departments": their_department, "root-causes": cause_b.pk}[route]
        assert admin.get(f"/api/v1/{route}/{row}/").status_code == 404
        assert admin.delete(f"/api/v1/{route}/{row}/").status_code == 404
        assert row not in {r["id"] for r in admin.get(f"/api/v1/{route}/").json()["results"]}
    detractor_a.refresh_from_db()
    assert detractor_a.status == "new" and detractor_a.assignee == world_a.csm


def test_a_follow_up_born_overdue_says_it_was_received_late(world_a, owned_a):
    late = followup_of(respond(owned_a, 2, responded_at=timezone.now() - timedelta(days=20)))
    on_time = followup_of(respond(owned_a, 9))
    listed = api_as(world_a.csm).get("/api/v1/follow-ups/", {"ordering": "due_at"}).json()["results"]
    assert [(row["id"], row["received_late"], row["overdue"]) for row in listed] == [
        (late.pk, True, True),  # due first: the one born overdue leads the list
        (on_time.pk, False, False),
    ]
